package syncer

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v5"
	"github.com/google/uuid"
	"golang.org/x/time/rate"

	"leadcap/lead"
)

// Options tune a Relay. The zero value is usable: every field has a default.
type Options struct {
	// Batch caps the entries per push; the connector's MaxBatch caps it too.
	// 0 means the connector's MaxBatch.
	Batch int
	// Workers is the number of batches in flight at once (default 1).
	Workers int
	// Lease is how long a claimed entry is hidden from other claimers; it
	// must be longer than PushTimeout (default 2 minutes).
	Lease time.Duration
	// PushTimeout bounds one push (default 1 minute).
	PushTimeout time.Duration
	// RetryInitial and RetryMax bound the exponential backoff of a failed
	// entry: attempt n waits a random time in [0, min(RetryMax,
	// RetryInitial*2^(n-1))) (full jitter), never less than the CRM's
	// Retry-After. Defaults 2 s and 15 minutes.
	RetryInitial, RetryMax time.Duration
	// ProbeInitial and ProbeMax bound the backoff between probes while the
	// CRM is unreachable (defaults 5 s and 5 minutes).
	ProbeInitial, ProbeMax time.Duration
	// Idle is how often Run looks for due entries when there is nothing to
	// do and nobody called Wake (default 30 s).
	Idle time.Duration
	// Poll is how often SyncAll looks again while entries wait for their
	// backoff (default 1 s).
	Poll time.Duration
	// Limiter is the connector's token bucket: one token per push. Nil
	// means no limit besides what the CRM tells us.
	Limiter *rate.Limiter
	// OnProgress receives progress as plain values, from the relay's
	// goroutines, one call at a time. It must not block for long.
	OnProgress func(Progress)
	// OnStatus receives the connection state whenever it changes.
	OnStatus func(Status)
	// Logf receives one line per notable event; lines carry lead IDs and
	// CRM messages, never names, emails or phones.
	Logf func(format string, args ...any)

	// Now, Sleep and Rand replace the clock, sleeping and the jitter source
	// in tests. Sleep returns ctx.Err() when ctx ends first.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	Rand  func() float64
}

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

// Status is the relay's view of the CRM connection.
type Status struct {
	Online bool
	// Err says why the CRM is not reachable; nil when online.
	Err error
	// NextProbe is when the relay tries again while offline.
	NextProbe time.Time
}

// Relay drains an Outbox into a Connector. Run and SyncAll may run at the
// same time: leases keep them from pushing the same entry twice.
type Relay struct {
	out  Outbox
	conn Connector
	opt  Options
	wake chan struct{}

	mu         sync.Mutex
	pauseUntil time.Time // no push before this: Retry-After or pacing
	online     bool
	emitMu     sync.Mutex
}

// NewRelay returns a relay that drains out into c.
func NewRelay(out Outbox, c Connector, opt Options) *Relay {
	if opt.Workers <= 0 {
		opt.Workers = 1
	}
	if max := c.MaxBatch(); opt.Batch <= 0 || (max > 0 && opt.Batch > max) {
		opt.Batch = max
	}
	if opt.Batch <= 0 {
		opt.Batch = 1
	}
	if opt.PushTimeout <= 0 {
		opt.PushTimeout = time.Minute
	}
	if opt.Lease <= 0 {
		opt.Lease = 2 * time.Minute
	}
	if opt.Lease < opt.PushTimeout+10*time.Second {
		opt.Lease = opt.PushTimeout + 10*time.Second
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&opt.RetryInitial, 2*time.Second)
	def(&opt.RetryMax, 15*time.Minute)
	def(&opt.ProbeInitial, 5*time.Second)
	def(&opt.ProbeMax, 5*time.Minute)
	def(&opt.Idle, 30*time.Second)
	def(&opt.Poll, time.Second)
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Sleep == nil {
		opt.Sleep = sleep
	}
	if opt.Rand == nil {
		opt.Rand = rand.Float64
	}
	if opt.Logf == nil {
		opt.Logf = func(string, ...any) {}
	}
	return &Relay{out: out, conn: c, opt: opt, wake: make(chan struct{}, 1)}
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Wake asks a running Run to look for due entries now, e.g. after a lead was
// saved. It never blocks.
func (r *Relay) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Delay returns the full-jitter backoff before attempt n (1 = the first
// retry): a random duration in [0, min(max, initial*2^(n-1))).
func Delay(n int, initial, max time.Duration, random float64) time.Duration {
	b := &backoff.ExponentialBackOff{InitialInterval: initial, RandomizationFactor: 0, Multiplier: 2, MaxInterval: max}
	b.Reset()
	d := initial
	for i := 0; i < n && i < 64; i++ {
		d = b.NextBackOff()
	}
	if d > max {
		d = max
	}
	return time.Duration(random * float64(d))
}

// tally counts one sync round's outcomes per lead.
type tally struct {
	mu      sync.Mutex
	state   map[uuid.UUID]byte // 'd' done, 'f' failed, 'x' dead
	next    map[uuid.UUID]time.Time
	pending int // pending entries not yet seen at the start
	current string
}

func newTally(pending int) *tally {
	return &tally{state: map[uuid.UUID]byte{}, next: map[uuid.UUID]time.Time{}, pending: pending}
}

func (t *tally) set(id uuid.UUID, s byte, next time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, seen := t.state[id]; !seen && t.pending > 0 {
		t.pending--
	}
	t.state[id] = s
	if s == 'f' {
		t.next[id] = next
	} else {
		delete(t.next, id)
	}
}

func (t *tally) progress() Progress {
	t.mu.Lock()
	defer t.mu.Unlock()
	var p Progress
	for _, s := range t.state {
		switch s {
		case 'd':
			p.Done++
		case 'f':
			p.Failed++
		case 'x':
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

func (r *Relay) setStatus(s Status) {
	r.mu.Lock()
	changed := r.online != s.Online || !s.Online
	r.online = s.Online
	r.mu.Unlock()
	if changed && r.opt.OnStatus != nil {
		r.opt.OnStatus(s)
	}
}

// pause keeps every worker from pushing before until.
func (r *Relay) pause(until time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if until.After(r.pauseUntil) {
		r.pauseUntil = until
	}
}

// waitPause waits out a Retry-After or pacing pause before claiming, so
// that claimed entries are pushed well within their lease. It reports false
// when the pause ends after deadline.
func (r *Relay) waitPause(ctx context.Context, deadline time.Time) (bool, error) {
	r.mu.Lock()
	until := r.pauseUntil
	r.mu.Unlock()
	now := r.opt.Now()
	if !until.After(now) {
		return true, nil
	}
	if !deadline.IsZero() && until.After(deadline) {
		return false, nil
	}
	if n, err := r.out.PendingCount(); err != nil || n == 0 {
		return false, err // nothing left to wait for
	}
	return true, r.opt.Sleep(ctx, until.Sub(now))
}

// waitToken takes a token from the connector's bucket, waiting for it.
func (r *Relay) waitToken(ctx context.Context) error {
	if r.opt.Limiter == nil {
		return ctx.Err()
	}
	now := r.opt.Now()
	res := r.opt.Limiter.ReserveN(now, 1)
	if !res.OK() {
		return fmt.Errorf("syncer: the rate limiter for %s allows no push at all: give it a burst of at least 1", r.conn.Name())
	}
	if d := res.DelayFrom(now); d > 0 {
		if err := r.opt.Sleep(ctx, d); err != nil {
			res.CancelAt(r.opt.Now())
			return err
		}
	}
	return nil
}

// batchOutcome says how a push went as a whole.
type batchOutcome struct {
	delivered int  // confirmed by the CRM
	offline   bool // every entry failed transiently: the CRM is likely gone
}

// pushBatch pushes one claimed batch and marks every entry in its own call.
// It returns an error wrapping ErrAuth when the CRM refused the
// credentials, or the store's error when marking failed.
func (r *Relay) pushBatch(ctx context.Context, batch []lead.OutboxEntry, t *tally) (batchOutcome, error) {
	var out batchOutcome
	if err := r.waitToken(ctx); err != nil {
		// Stopped before pushing: hand the entries back, due now.
		if rerr := r.release(batch, "sync stopped before this lead was sent"); rerr != nil {
			return out, rerr
		}
		if ctx.Err() != nil {
			return out, nil
		}
		return out, err
	}
	t.mu.Lock()
	t.current = batch[0].Lead.ID.String()
	t.mu.Unlock()
	r.emit(t)

	pctx, cancel := context.WithTimeout(ctx, r.opt.PushTimeout)
	results := r.conn.Push(pctx, batch)
	cancel()
	results = align(batch, results)

	now := r.opt.Now()
	var authErr error
	transient := 0
	var retryAfter time.Duration
	for i, e := range batch {
		id, ver := e.Lead.ID, e.Lead.Version
		res := results[i]
		var perm *PermanentError
		var tr *TransientError
		switch {
		case res.Err == nil:
			if err := r.out.MarkDone(id, ver, res.RemoteID); err != nil {
				return out, fmt.Errorf("syncer: record delivery of lead %s: %w", id, err)
			}
			out.delivered++
			t.set(id, 'd', time.Time{})
		case errors.Is(res.Err, ErrAuth):
			authErr = res.Err
			if err := r.out.MarkFailed(id, ver, res.Err.Error(), now); err != nil {
				return out, fmt.Errorf("syncer: record failure of lead %s: %w", id, err)
			}
			t.set(id, 'f', now)
		case errors.As(res.Err, &perm):
			if err := r.out.MarkDead(id, ver, perm.Reason); err != nil {
				return out, fmt.Errorf("syncer: record refusal of lead %s: %w", id, err)
			}
			// The reason may quote the lead's data: it goes to the dead
			// letter, not to the log.
			r.opt.Logf("syncer: %s refused lead %s; see the dead letters for the reason", r.conn.Name(), id)
			t.set(id, 'x', time.Time{})
		default:
			transient++
			var after time.Duration
			if errors.As(res.Err, &tr) {
				after = tr.RetryAfter
			}
			if after > retryAfter {
				retryAfter = after
			}
			next := now
			if ctx.Err() == nil { // a stop is no failure of the CRM: due again at once
				next = now.Add(max(after, Delay(e.Attempts+1, r.opt.RetryInitial, r.opt.RetryMax, r.opt.Rand())))
			}
			if err := r.out.MarkFailed(id, ver, res.Err.Error(), next); err != nil {
				return out, fmt.Errorf("syncer: record failure of lead %s: %w", id, err)
			}
			r.opt.Logf("syncer: lead %s to %s failed (attempt %d), retry at %s", id, r.conn.Name(), e.Attempts+1, next.Format(time.RFC3339))
			t.set(id, 'f', next)
		}
		t.mu.Lock()
		t.current = id.String()
		t.mu.Unlock()
		r.emit(t)
	}
	if retryAfter > 0 {
		r.pause(now.Add(retryAfter))
	}
	if p, ok := r.conn.(Pacer); ok {
		if d := p.Pace(); d > 0 {
			r.pause(r.opt.Now().Add(d))
		}
	}
	out.offline = transient == len(batch) && ctx.Err() == nil
	if authErr != nil {
		return out, authErr
	}
	return out, nil
}

// release hands claimed entries back, due now, when a stop came before the
// push.
func (r *Relay) release(batch []lead.OutboxEntry, reason string) error {
	now := r.opt.Now()
	for _, e := range batch {
		if err := r.out.MarkFailed(e.Lead.ID, e.Lead.Version, reason, now); err != nil {
			return fmt.Errorf("syncer: hand back lead %s: %w", e.Lead.ID, err)
		}
	}
	return nil
}

// align returns exactly one result per entry, in the batch's order,
// matching by lead ID when the connector reordered them.
func align(batch []lead.OutboxEntry, results []Result) []Result {
	ok := len(results) == len(batch)
	for i := 0; ok && i < len(batch); i++ {
		ok = results[i].LeadID == batch[i].Lead.ID
	}
	if ok {
		return results
	}
	byID := make(map[uuid.UUID]Result, len(results))
	for _, res := range results {
		byID[res.LeadID] = res
	}
	out := make([]Result, len(batch))
	for i, e := range batch {
		res, found := byID[e.Lead.ID]
		if !found {
			res = Result{LeadID: e.Lead.ID, Version: e.Lead.Version, Err: Transient(ErrNoResult, 0)}
		}
		out[i] = res
	}
	return out
}

// Pacer is implemented by connectors that learn from the CRM's replies how
// fast they may go, e.g. Salesforce's Sforce-Limit-Info. After each push the
// relay waits Pace() before the next one.
type Pacer interface {
	Pace() time.Duration
}

// round claims and pushes due entries with the configured workers until
// nothing is due, the CRM looks offline, the deadline passes or ctx ends.
func (r *Relay) round(ctx context.Context, t *tally, deadline time.Time) (offline bool, err error) {
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	fail := func(e error) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr == nil {
			firstErr = e
		}
		cancel()
	}
	for w := 0; w < r.opt.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				if !deadline.IsZero() && !r.opt.Now().Before(deadline) {
					return
				}
				if ok, err := r.waitPause(ctx, deadline); !ok || err != nil {
					if err != nil && ctx.Err() == nil {
						fail(fmt.Errorf("syncer: count the outbox: %w", err))
					}
					return
				}
				batch, err := r.out.ClaimDue(r.opt.Now(), r.opt.Batch, r.opt.Lease)
				if err != nil {
					fail(fmt.Errorf("syncer: read the outbox: %w", err))
					return
				}
				if len(batch) == 0 {
					return
				}
				res, err := r.pushBatch(ctx, batch, t)
				if err != nil {
					fail(err)
					return
				}
				if res.offline {
					mu.Lock()
					offline = true
					mu.Unlock()
					cancel()
					return
				}
			}
		}()
	}
	wg.Wait()
	return offline, firstErr
}

// SyncAll delivers everything due, on demand, until nothing is pending or
// timeout passes (0: no limit besides ctx). Entries that fail wait for their
// backoff within the run. It returns early, with Pending > 0, when every
// pending entry is known to be due only after the timeout. The error is
// ctx's when cancelled, wraps ErrAuth when the CRM refused the credentials,
// and wraps ErrOffline when the CRM stayed unreachable.
func (r *Relay) SyncAll(ctx context.Context, timeout time.Duration) (Summary, error) {
	start := r.opt.Now()
	var deadline time.Time
	if timeout > 0 {
		deadline = start.Add(timeout)
	}
	pending, err := r.out.PendingCount()
	if err != nil {
		return Summary{}, fmt.Errorf("syncer: count the outbox: %w", err)
	}
	t := newTally(pending)
	summary := func(err error) (Summary, error) {
		p := t.progress()
		s := Summary{Done: p.Done, Failed: p.Failed, Dead: p.Dead, Elapsed: r.opt.Now().Sub(start)}
		n, cerr := r.out.PendingCount()
		if cerr != nil && err == nil {
			err = fmt.Errorf("syncer: count the outbox: %w", cerr)
		}
		s.Pending = n
		return s, err
	}
	r.emit(t)
	if pending == 0 {
		return summary(nil)
	}

	probes := 0
	needProbe := true
	var lastOffline error
	for {
		if ctx.Err() != nil {
			return summary(ctx.Err())
		}
		if !deadline.IsZero() && !r.opt.Now().Before(deadline) {
			return summary(lastOffline)
		}
		if err := r.probeIf(ctx, needProbe); err != nil {
			if ctx.Err() != nil {
				return summary(ctx.Err())
			}
			if errors.Is(err, ErrAuth) {
				r.setStatus(Status{Err: err})
				return summary(err)
			}
			lastOffline = fmt.Errorf("syncer: %s: %w", r.conn.Name(), err)
			if !errors.Is(err, ErrOffline) {
				lastOffline = fmt.Errorf("syncer: %s: %v: %w", r.conn.Name(), err, ErrOffline)
			}
			probes++
			next := r.opt.Now().Add(Delay(probes, r.opt.ProbeInitial, r.opt.ProbeMax, r.opt.Rand()))
			r.setStatus(Status{Err: lastOffline, NextProbe: next})
			if err := r.sleepUntil(ctx, next, deadline); err != nil {
				return summary(err)
			}
			continue
		}
		probes, lastOffline, needProbe = 0, nil, false
		r.setStatus(Status{Online: true})

		offline, err := r.round(ctx, t, deadline)
		needProbe = offline
		if err != nil {
			if errors.Is(err, ErrAuth) {
				r.setStatus(Status{Err: err})
			}
			return summary(err)
		}
		if ctx.Err() != nil {
			return summary(ctx.Err())
		}
		n, err := r.out.PendingCount()
		if err != nil {
			return summary(fmt.Errorf("syncer: count the outbox: %w", err))
		}
		if n == 0 {
			return summary(nil)
		}
		if !deadline.IsZero() && t.laterThan(deadline) >= n {
			return summary(nil)
		}
		wait := r.opt.Now().Add(r.opt.Poll)
		if first, k := t.earliest(); k > 0 && k >= n && first.After(wait) {
			wait = first // everything pending is ours and waits at least that long
		}
		if err := r.sleepUntil(ctx, wait, deadline); err != nil {
			return summary(err)
		}
	}
}

func (r *Relay) probeIf(ctx context.Context, need bool) error {
	if !need {
		return nil
	}
	return r.conn.Probe(ctx)
}

// sleepUntil sleeps until at, or until deadline when that comes first.
func (r *Relay) sleepUntil(ctx context.Context, at, deadline time.Time) error {
	if !deadline.IsZero() && at.After(deadline) {
		at = deadline
	}
	return r.opt.Sleep(ctx, at.Sub(r.opt.Now()))
}

// Run is the background loop: it probes the CRM cheaply, backs off while the
// CRM is unreachable or refuses the credentials, drains the outbox while it
// is online, and otherwise waits Idle or until Wake. It returns nil when ctx
// is cancelled, after the batch in flight was recorded, and an error only
// when the store fails.
func (r *Relay) Run(ctx context.Context) error {
	probes := 0
	online := false
	for {
		if ctx.Err() != nil {
			return nil
		}
		if !online {
			if err := r.conn.Probe(ctx); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				probes++
				d := Delay(probes, r.opt.ProbeInitial, r.opt.ProbeMax, r.opt.Rand())
				if errors.Is(err, ErrAuth) {
					d = r.opt.ProbeMax // a person has to fix the credentials
				}
				r.setStatus(Status{Err: err, NextProbe: r.opt.Now().Add(d)})
				r.opt.Logf("syncer: %s not reachable, next try in %s: %v", r.conn.Name(), d.Round(time.Second), err)
				r.idle(ctx, d)
				continue
			}
			online, probes = true, 0
			r.setStatus(Status{Online: true})
		}
		pending, err := r.out.PendingCount()
		if err != nil {
			return fmt.Errorf("syncer: count the outbox: %w", err)
		}
		t := newTally(pending)
		offline, err := r.round(ctx, t, time.Time{})
		switch {
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, ErrAuth):
			online = false
			r.setStatus(Status{Err: err, NextProbe: r.opt.Now().Add(r.opt.ProbeMax)})
			r.idle(ctx, r.opt.ProbeMax)
			continue
		case err != nil:
			return err
		case offline:
			online = false
			continue
		}
		wait := r.opt.Idle
		if first, k := t.earliest(); k > 0 {
			if d := first.Sub(r.opt.Now()); d < wait {
				wait = max(d, r.opt.Poll)
			}
		}
		r.idle(ctx, wait)
	}
}

// idle sleeps d, or less when Wake is called or ctx ends.
func (r *Relay) idle(ctx context.Context, d time.Duration) {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = r.opt.Sleep(wctx, d)
	}()
	select {
	case <-done:
	case <-r.wake:
		cancel()
		<-done
	}
}
