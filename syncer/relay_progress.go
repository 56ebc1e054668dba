package syncer

import (
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Progress is a snapshot of a sync as plain values, for a progress bar.
type Progress struct {
	// Total is the number of entries this sync has seen or still sees
	// pending: Done + Dead + what is left.
	Total int
	// Done counts entries the CRM confirmed.
	Done int
	// Failed counts entries whose latest attempt failed and that wait for a
	// retry.
	Failed int
	// Dead counts entries the CRM refused; they wait for a person.
	Dead int
	// Current is the ID of the lead being delivered (never a name or email).
	Current string
}

// Summary is the outcome of SyncAll.
type Summary struct {
	Done, Failed, Dead int
	// Pending is what is still in the outbox when SyncAll returns.
	Pending int
	Elapsed time.Duration
}

// String reads "synced N, failed N, dead N, pending N".
func (s Summary) String() string {
	return fmt.Sprintf("synced %d, failed %d, dead %d, pending %d", s.Done, s.Failed, s.Dead, s.Pending)
}

// outcome is what became of one entry in a sync round.
type outcome byte

const (
	outcomeDone outcome = iota + 1
	outcomeFailed
	outcomeDead
)

// tally counts one sync's outcomes per lead. In an on-demand sync
// (expedite) it also counts the attempts within the run, which set the
// short waits between them.
type tally struct {
	expedite bool

	mu      sync.Mutex
	state   map[uuid.UUID]outcome
	next    map[uuid.UUID]time.Time // failed entries: when they are due again
	tries   map[uuid.UUID]int       // attempts within this sync
	pending int                     // pending entries not yet seen at the start
	current string
}

func newTally(pending int, expedite bool) *tally {
	return &tally{expedite: expedite, state: map[uuid.UUID]outcome{}, next: map[uuid.UUID]time.Time{},
		tries: map[uuid.UUID]int{}, pending: pending}
}

func (t *tally) set(id uuid.UUID, s outcome, next time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, seen := t.state[id]; !seen && t.pending > 0 {
		t.pending--
	}
	t.state[id] = s
	t.tries[id]++
	if s == outcomeFailed {
		t.next[id] = next
	} else {
		delete(t.next, id)
	}
}

// triesOf returns the attempts at id within this sync so far.
func (t *tally) triesOf(id uuid.UUID) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.tries[id]
}

// heldUntil returns when the latest of ids that failed in this sync is due
// again (zero when none did).
func (t *tally) heldUntil(ids []uuid.UUID) time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	var until time.Time
	for _, id := range ids {
		if at, ok := t.next[id]; ok && at.After(until) {
			until = at
		}
	}
	return until
}

func (t *tally) setCurrent(id string) {
	t.mu.Lock()
	t.current = id
	t.mu.Unlock()
}

func (t *tally) progress() Progress {
	t.mu.Lock()
	defer t.mu.Unlock()
	var p Progress
	for _, s := range t.state {
		switch s {
		case outcomeDone:
			p.Done++
		case outcomeFailed:
			p.Failed++
		case outcomeDead:
			p.Dead++
		}
	}
	p.Total = len(t.state) + t.pending
	p.Current = t.current
	return p
}

// earliest returns the earliest next attempt among entries that failed in
// this round and how many such entries wait.
func (t *tally) earliest() (first time.Time, n int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, at := range t.next {
		if first.IsZero() || at.Before(first) {
			first = at
		}
	}
	return first, len(t.next)
}

func (t *tally) laterThan(deadline time.Time) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, at := range t.next {
		if !at.Before(deadline) {
			n++
		}
	}
	return n
}

func (r *Relay) emit(t *tally) {
	if r.opt.OnProgress == nil {
		return
	}
	r.emitMu.Lock()
	defer r.emitMu.Unlock()
	r.opt.OnProgress(t.progress())
}
