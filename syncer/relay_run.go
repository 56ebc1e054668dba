package syncer

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Run is the background loop: it probes the CRM cheaply, backs off while the
// CRM is unreachable or refuses the credentials, drains the outbox while it
// is online, and otherwise waits Idle or until Wake. Failed entries wait for
// their backoff (up to Options.RetryMax). It returns nil when ctx is
// cancelled, after the batch in flight was recorded, and an error only when
// the store fails.
func (r *Relay) Run(ctx context.Context) error {
	probes := 0
	online := false
	for {
		if ctx.Err() != nil {
			return nil
		}
		if !online {
			if err := r.conn.Probe(withSleep(ctx, r.opt.Sleep)); err != nil {
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
		t := newTally(pending, false)
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
