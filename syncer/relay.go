package syncer

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Options tune a Relay. The zero value is usable: every field has a default.
type Options struct {
	// Batch caps the entries per push; the connector's MaxBatch caps it too.
	// 0 means the connector's MaxBatch.
	Batch int
	// Workers is the number of batches in flight at once (default 1).
	Workers int
	// Lease is how long a claimed entry is hidden from other claimers. It is
	// at least RetryMax plus PushTimeout and 10 s, so that an on-demand sync,
	// which claims entries whose backoff ends within RetryMax, never claims
	// an entry that the background relay is pushing. Leases only matter
	// within one process: the store releases every lease when it is opened.
	Lease time.Duration
	// PushTimeout bounds one push (default 1 minute).
	PushTimeout time.Duration
	// RetryInitial and RetryMax bound the exponential backoff of a failed
	// entry in the background relay (Run): attempt n waits a random time in
	// [0, min(RetryMax, RetryInitial*2^(n-1))) (full jitter), never less
	// than the CRM's Retry-After. Defaults 2 s and 15 minutes.
	RetryInitial, RetryMax time.Duration
	// SyncRetryMax caps that backoff within one on-demand sync (SyncAll),
	// which a person waits for (default 5 s).
	SyncRetryMax time.Duration
	// ProbeInitial and ProbeMax bound the backoff between probes while the
	// CRM is unreachable (defaults 5 s and 5 minutes).
	ProbeInitial, ProbeMax time.Duration
	// Idle is how often Run looks for due entries when there is nothing to
	// do and nobody called Wake (default 30 s).
	Idle time.Duration
	// Poll is how often SyncAll looks again while entries are leased by
	// another claimer (default 1 s).
	Poll time.Duration
	// Limiter is the connector's token bucket: one token per push. Nil
	// means no limit besides what the CRM tells us.
	Limiter *rate.Limiter
	// NotBefore holds every push until then: a CRM's Retry-After that an
	// earlier run was told (see OnPause).
	NotBefore time.Time
	// OnPause receives the end of every pause a CRM's Retry-After asks for,
	// so that the next run can honour it too (NotBefore).
	OnPause func(until time.Time)
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
	opt = withDefaults(opt, c.MaxBatch())
	return &Relay{out: out, conn: c, opt: opt, wake: make(chan struct{}, 1), pauseUntil: opt.NotBefore}
}

func withDefaults(opt Options, maxBatch int) Options {
	if opt.Workers <= 0 {
		opt.Workers = 1
	}
	if opt.Batch <= 0 || (maxBatch > 0 && opt.Batch > maxBatch) {
		opt.Batch = maxBatch
	}
	if opt.Batch <= 0 {
		opt.Batch = 1
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&opt.PushTimeout, time.Minute)
	def(&opt.RetryInitial, 2*time.Second)
	def(&opt.RetryMax, 15*time.Minute)
	opt.Lease = max(opt.Lease, opt.RetryMax+opt.PushTimeout+10*time.Second)
	def(&opt.SyncRetryMax, 5*time.Second)
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
	return opt
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

// pausedUntil returns the end of the current pause (zero or past: none).
func (r *Relay) pausedUntil() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pauseUntil
}

// waitPause waits out a Retry-After or pacing pause before claiming, so
// that claimed entries are pushed well within their lease. It reports false
// when the pause ends after deadline.
func (r *Relay) waitPause(ctx context.Context, deadline time.Time) (bool, error) {
	until := r.pausedUntil()
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

// sleepUntil sleeps until at, or until deadline when that comes first.
func (r *Relay) sleepUntil(ctx context.Context, at, deadline time.Time) error {
	if !deadline.IsZero() && at.After(deadline) {
		at = deadline
	}
	return r.opt.Sleep(ctx, at.Sub(r.opt.Now()))
}
