package syncertest

import (
	"errors"
	"sort"
	"sync"
	"time"

	"github.com/google/uuid"

	"leadcap/lead"
)

// ErrNoEntry is what Outbox.MarkFailed returns for an entry it does not
// hold (a relay marking an entry it never claimed).
var ErrNoEntry = errors.New("syncertest: no such outbox entry")

// Outbox is an in-memory syncer.Outbox for tests and benchmarks of a relay
// and connector (the store's own outbox is tested in storage and
// workflow). It is safe for concurrent use.
type Outbox struct {
	mu sync.Mutex
	// Clock, when set, is what Claims records instead of the time a claim
	// asked for (an on-demand sync claims ahead of the clock).
	Clock   func() time.Time
	claims  []time.Time
	seq     int
	entries map[uuid.UUID]*outboxEntry
	done    map[uuid.UUID]int
	remote  map[uuid.UUID]string
	dead    map[uuid.UUID]string
}

type outboxEntry struct {
	seq int
	e   lead.OutboxEntry
}

// NewOutbox returns an empty outbox.
func NewOutbox() *Outbox {
	return &Outbox{entries: map[uuid.UUID]*outboxEntry{}, done: map[uuid.UUID]int{},
		remote: map[uuid.UUID]string{}, dead: map[uuid.UUID]string{}}
}

// Add queues e, due at e.NextAttempt.
func (m *Outbox) Add(e lead.OutboxEntry) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seq++
	m.entries[e.Lead.ID] = &outboxEntry{seq: m.seq, e: e}
}

// AddNew queues a new manual lead of version 1, due at now, and returns its
// ID.
func (m *Outbox) AddNew(now time.Time) uuid.UUID {
	l := lead.New(uuid.Nil, lead.MethodManual, now)
	l.Version = 1
	m.Add(lead.OutboxEntry{Lead: *l, NextAttempt: now})
	return l.ID
}

// ClaimDue implements syncer.Outbox.
func (m *Outbox) ClaimDue(now time.Time, max int, lease time.Duration) ([]lead.OutboxEntry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var due []*outboxEntry
	for _, e := range m.entries {
		if !e.e.NextAttempt.After(now) {
			due = append(due, e)
		}
	}
	sort.Slice(due, func(i, j int) bool {
		if !due[i].e.NextAttempt.Equal(due[j].e.NextAttempt) {
			return due[i].e.NextAttempt.Before(due[j].e.NextAttempt)
		}
		return due[i].seq < due[j].seq
	})
	if len(due) > max {
		due = due[:max]
	}
	if len(due) > 0 {
		at := now
		if m.Clock != nil {
			at = m.Clock()
		}
		m.claims = append(m.claims, at)
	}
	out := make([]lead.OutboxEntry, len(due))
	for i, e := range due {
		out[i] = e.e
		e.e.NextAttempt = now.Add(lease)
	}
	return out, nil
}

// MarkDone implements syncer.Outbox.
func (m *Outbox) MarkDone(id uuid.UUID, version int64, remoteID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.entries[id]; ok && e.e.Lead.Version == version {
		delete(m.entries, id)
	}
	m.done[id]++
	m.remote[id] = remoteID
	return nil
}

// MarkFailed implements syncer.Outbox.
func (m *Outbox) MarkFailed(id uuid.UUID, version int64, reason string, next time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[id]
	if !ok {
		return ErrNoEntry
	}
	e.e.Attempts++
	e.e.LastError = reason
	e.e.NextAttempt = next
	return nil
}

// MarkDead implements syncer.Outbox.
func (m *Outbox) MarkDead(id uuid.UUID, version int64, reason string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.entries, id)
	m.dead[id] = reason
	return nil
}

// PendingCount implements syncer.Outbox.
func (m *Outbox) PendingCount() (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.entries), nil
}

// Entry returns the pending entry of id.
func (m *Outbox) Entry(id uuid.UUID) (lead.OutboxEntry, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[id]
	if !ok {
		return lead.OutboxEntry{}, false
	}
	return e.e, true
}

// Done returns how often id was confirmed and the CRM's last ID for it.
func (m *Outbox) Done(id uuid.UUID) (times int, remoteID string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.done[id], m.remote[id]
}

// Dead returns the reason id went to the dead letters, if it did.
func (m *Outbox) Dead(id uuid.UUID) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.dead[id]
	return r, ok
}

// DeadCount counts the dead letters.
func (m *Outbox) DeadCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.dead)
}

// Claims returns when each claim that returned entries happened.
func (m *Outbox) Claims() []time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]time.Time(nil), m.claims...)
}
