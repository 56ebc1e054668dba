package syncer

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// SyncAll delivers every pending entry, on demand, until nothing is
// pending or timeout passes (0: no limit besides ctx). It is what a person
// asks for ("Sync now", leadcap sync): it does not wait for an entry's
// backoff, only for a CRM's Retry-After, and retries failures within the
// run after short waits (Options.SyncRetryMax).
//
// timeout is a hard deadline: every request and every wait ends by then,
// and what is not confirmed stays pending. SyncAll returns early, with
// Pending > 0, when the CRM asked to wait past the deadline. The error is
// ctx's when ctx was cancelled, wraps ErrAuth when the CRM refused the
// credentials, and wraps ErrOffline when the CRM stayed unreachable.
func (r *Relay) SyncAll(ctx context.Context, timeout time.Duration) (Summary, error) {
	start := r.opt.Now()
	var deadline time.Time
	parent := ctx
	if timeout > 0 {
		deadline = start.Add(timeout)
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	pending, err := r.out.PendingCount()
	if err != nil {
		return Summary{}, fmt.Errorf("syncer: count the outbox: %w", err)
	}
	s := &syncRun{r: r, parent: parent, ctx: ctx, deadline: deadline, start: start, t: newTally(pending, true)}
	r.emit(s.t)
	if pending == 0 {
		return s.summary(nil)
	}
	return s.loop()
}

// syncRun is the state of one SyncAll.
type syncRun struct {
	r               *Relay
	parent, ctx     context.Context
	deadline, start time.Time
	t               *tally
	lastOffline     error
}

// stopped returns the error to end with when the run must end: the
// caller's cancellation, or the deadline (with the last offline error).
func (s *syncRun) stopped() (bool, error) {
	if err := s.parent.Err(); err != nil {
		return true, err
	}
	if s.ctx.Err() != nil || (!s.deadline.IsZero() && !s.r.opt.Now().Before(s.deadline)) {
		return true, s.lastOffline
	}
	return false, nil
}

func (s *syncRun) loop() (Summary, error) {
	r := s.r
	probes := 0
	needProbe := true
	for {
		if stop, err := s.stopped(); stop {
			return s.summary(err)
		}
		if needProbe {
			err := r.conn.Probe(withSleep(s.ctx, r.opt.Sleep))
			if err != nil {
				if stop, serr := s.stopped(); stop {
					return s.summary(serr)
				}
				if errors.Is(err, ErrAuth) {
					r.setStatus(Status{Err: err})
					return s.summary(err)
				}
				probes++
				if err := s.offline(err, probes); err != nil {
					return s.summary(err)
				}
				continue
			}
			probes, s.lastOffline, needProbe = 0, nil, false
			r.setStatus(Status{Online: true})
		}
		offline, err := r.round(s.ctx, s.t, s.deadline)
		needProbe = offline
		if err != nil {
			if errors.Is(err, ErrAuth) {
				r.setStatus(Status{Err: err})
			}
			return s.summary(err)
		}
		if stop, err := s.stopped(); stop {
			return s.summary(err)
		}
		if done, err := s.waitForMore(); done || err != nil {
			return s.summary(err)
		}
	}
}

// offline records an unreachable CRM and sleeps until the next probe.
func (s *syncRun) offline(err error, probes int) error {
	r := s.r
	s.lastOffline = fmt.Errorf("syncer: %s: %w", r.conn.Name(), err)
	switch {
	case needsAPerson(err):
		// Offline for the callers, but not in words: "check the network"
		// would send the person the wrong way.
		s.lastOffline = offlineInEffect{fmt.Errorf("syncer: %s: %w; the leads stay safe on this device", r.conn.Name(), err)}
	case !errors.Is(err, ErrOffline):
		s.lastOffline = fmt.Errorf("syncer: %s: %v: %w", r.conn.Name(), err, ErrOffline)
	}
	next := r.opt.Now().Add(Delay(probes, r.opt.ProbeInitial, r.opt.ProbeMax, r.opt.Rand()))
	r.setStatus(Status{Err: s.lastOffline, NextProbe: next})
	if err := r.sleepUntil(s.ctx, next, s.deadline); err != nil && s.parent.Err() != nil {
		return err
	}
	return nil
}

// waitForMore decides, after a round, whether the run is over (nothing
// pending, or the CRM asked to wait past the deadline) and otherwise waits
// until something may be claimable again.
func (s *syncRun) waitForMore() (done bool, err error) {
	r := s.r
	n, err := r.out.PendingCount()
	if err != nil {
		return true, fmt.Errorf("syncer: count the outbox: %w", err)
	}
	if n == 0 {
		return true, nil
	}
	if !s.deadline.IsZero() && (s.t.laterThan(s.deadline) >= n || r.pausedUntil().After(s.deadline)) {
		return true, nil
	}
	wait := r.opt.Now().Add(r.opt.Poll)
	if first, k := s.t.earliest(); k > 0 && k >= n && first.After(wait) {
		wait = first // everything pending is ours and waits at least that long
	}
	if err := r.sleepUntil(s.ctx, wait, s.deadline); err != nil && s.parent.Err() != nil {
		return true, err
	}
	return false, nil
}

func (s *syncRun) summary(err error) (Summary, error) {
	r := s.r
	p := s.t.progress()
	sum := Summary{Done: p.Done, Failed: p.Failed, Dead: p.Dead, Elapsed: r.opt.Now().Sub(s.start)}
	n, cerr := r.out.PendingCount()
	if cerr != nil && err == nil {
		err = fmt.Errorf("syncer: count the outbox: %w", cerr)
	}
	sum.Pending = n
	return sum, err
}

// offlineInEffect is an error that keeps the CRM unreachable (errors.Is
// ErrOffline) without ErrOffline's words: a redirect or a refused
// certificate is not the network's fault.
type offlineInEffect struct{ error }

func (e offlineInEffect) Unwrap() []error { return []error{e.error, ErrOffline} }
