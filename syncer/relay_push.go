package syncer

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"

	"leadcap/lead"
)

// claim takes the next batch. The background relay claims what is due; an
// on-demand sync (t.expedite) claims every pending entry whose backoff ends
// within RetryMax, so a person's "Sync now" does not wait for it. An entry
// due later than that waits for a CRM's Retry-After and stays where it is.
// Entries that failed earlier in the same sync are held until their short
// retry wait has passed; the second result is false when that wait ends
// after deadline (the batch was handed back).
func (r *Relay) claim(ctx context.Context, t *tally, deadline time.Time) ([]lead.OutboxEntry, bool, error) {
	at := r.opt.Now()
	if t.expedite {
		at = at.Add(r.opt.RetryMax)
	}
	batch, err := r.out.ClaimDue(at, r.opt.Batch, r.opt.Lease)
	if err != nil || len(batch) == 0 || !t.expedite {
		return batch, true, err
	}
	ids := make([]uuid.UUID, len(batch))
	for i, e := range batch {
		ids[i] = e.Lead.ID
	}
	hold := t.heldUntil(ids)
	if !hold.After(r.opt.Now()) {
		return batch, true, nil
	}
	if (!deadline.IsZero() && hold.After(deadline)) || r.sleepUntil(ctx, hold, time.Time{}) != nil {
		return nil, false, r.release(batch, "sync stopped before this lead was sent again", hold)
	}
	return batch, true, nil
}

// pushBatch pushes one claimed batch and marks every entry in its own call.
// It returns an error wrapping ErrAuth when the CRM refused the
// credentials, or the store's error when marking failed; offline is true
// when every entry failed because the CRM could not be reached.
func (r *Relay) pushBatch(ctx context.Context, batch []lead.OutboxEntry, t *tally) (offline bool, err error) {
	if err := r.waitToken(ctx); err != nil {
		// Stopped before pushing: hand the entries back, due now.
		if rerr := r.release(batch, "sync stopped before this lead was sent", r.opt.Now()); rerr != nil {
			return false, rerr
		}
		if ctx.Err() != nil {
			return false, nil
		}
		return false, err
	}
	t.setCurrent(batch[0].Lead.ID.String())
	r.emit(t)

	results := r.deliver(ctx, batch, r.opt.Now())
	transient, authErr, err := r.markAll(ctx, batch, results, t)
	if err != nil {
		return false, err
	}
	if p, ok := r.conn.(Pacer); ok {
		if d := p.Pace(); d > 0 {
			r.pause(r.opt.Now().Add(d))
		}
	}
	return transient == len(batch) && ctx.Err() == nil, authErr
}

// deliver pushes batch and returns one result per entry. When the whole
// batch failed in a way that one lead can cause (the CRM answered, but
// with an error for the batch as a whole), it is split in halves that are
// pushed on their own, so that one poisoned lead cannot hold back the
// others; not when the CRM is unreachable, refuses the credentials or asks
// to wait, and not once two push timeouts have gone since the claim.
func (r *Relay) deliver(ctx context.Context, batch []lead.OutboxEntry, claimed time.Time) []Result {
	pctx, cancel := context.WithTimeout(withSleep(ctx, r.opt.Sleep), r.opt.PushTimeout)
	results := align(batch, r.conn.Push(pctx, batch))
	cancel()
	if len(batch) < 2 || ctx.Err() != nil || !splittable(results) || r.opt.Now().Sub(claimed) > 2*r.opt.PushTimeout {
		return results
	}
	r.opt.Logf("syncer: a batch of %d leads to %s failed as a whole; sending it in halves", len(batch), r.conn.Name())
	half := len(batch) / 2
	return append(r.deliver(ctx, batch[:half], claimed), r.deliver(ctx, batch[half:], claimed)...)
}

// splittable reports whether every result is the same kind of failure of
// the batch as a whole that splitting may get around.
func splittable(results []Result) bool {
	for _, res := range results {
		if !IsTransient(res.Err) || errors.Is(res.Err, ErrOffline) || errors.Is(res.Err, ErrAuth) ||
			errors.Is(res.Err, context.DeadlineExceeded) || errors.Is(res.Err, context.Canceled) || retryAfterOf(res.Err) > 0 {
			return false
		}
	}
	return true
}

// markAll records every result and counts the transient failures. A
// Retry-After pauses every push.
func (r *Relay) markAll(ctx context.Context, batch []lead.OutboxEntry, results []Result, t *tally) (transient int, authErr, err error) {
	now := r.opt.Now()
	var retryAfter time.Duration
	for i, e := range batch {
		id, ver, res := e.Lead.ID, e.Lead.Version, results[i]
		var perm *PermanentError
		switch {
		case res.Err == nil:
			if err := r.out.MarkDone(id, ver, res.RemoteID); err != nil {
				return transient, nil, fmt.Errorf("syncer: record delivery of lead %s: %w", id, err)
			}
			t.set(id, outcomeDone, time.Time{})
		case errors.Is(res.Err, ErrAuth):
			authErr = res.Err
			if err := r.out.MarkFailed(id, ver, res.Err.Error(), now); err != nil {
				return transient, nil, fmt.Errorf("syncer: record failure of lead %s: %w", id, err)
			}
			t.set(id, outcomeFailed, now)
		case errors.As(res.Err, &perm):
			if err := r.out.MarkDead(id, ver, perm.Reason); err != nil {
				return transient, nil, fmt.Errorf("syncer: record refusal of lead %s: %w", id, err)
			}
			// The reason may quote the lead's data: it goes to the dead
			// letter, not to the log.
			r.opt.Logf("syncer: %s refused lead %s; see the dead letters for the reason", r.conn.Name(), id)
			t.set(id, outcomeDead, time.Time{})
		default:
			transient++
			after := retryAfterOf(res.Err)
			retryAfter = max(retryAfter, after)
			next := now
			if ctx.Err() == nil { // a stop is no failure of the CRM: due again at once
				next = now.Add(max(after, r.backoff(e, t)))
			}
			if err := r.out.MarkFailed(id, ver, res.Err.Error(), next); err != nil {
				return transient, nil, fmt.Errorf("syncer: record failure of lead %s: %w", id, err)
			}
			r.opt.Logf("syncer: lead %s to %s failed (attempt %d), retry at %s", id, r.conn.Name(), e.Attempts+1, next.Format(time.RFC3339))
			t.set(id, outcomeFailed, next)
		}
		t.setCurrent(id.String())
		r.emit(t)
	}
	if retryAfter > 0 {
		until := now.Add(retryAfter)
		r.pause(until)
		if r.opt.OnPause != nil {
			r.opt.OnPause(until)
		}
	}
	return transient, authErr, nil
}

// backoff is the wait before e's next attempt: the background relay's
// backoff grows with the entry's attempts up to RetryMax; within an
// on-demand sync it grows with the attempts of this sync up to
// SyncRetryMax.
func (r *Relay) backoff(e lead.OutboxEntry, t *tally) time.Duration {
	if t.expedite {
		return Delay(t.triesOf(e.Lead.ID)+1, r.opt.RetryInitial, r.opt.SyncRetryMax, r.opt.Rand())
	}
	return Delay(e.Attempts+1, r.opt.RetryInitial, r.opt.RetryMax, r.opt.Rand())
}

// release hands back claimed entries that were not pushed, due at next.
// An entry keeps the reason of its last failure; one never tried gets
// reason. The store counts it as an attempt.
func (r *Relay) release(batch []lead.OutboxEntry, reason string, next time.Time) error {
	for _, e := range batch {
		why := e.LastError
		if why == "" {
			why = reason
		}
		if err := r.out.MarkFailed(e.Lead.ID, e.Lead.Version, why, next); err != nil {
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

// round claims and pushes entries with the configured workers until
// nothing is left to claim, the CRM looks offline, the deadline passes or
// ctx ends.
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
	for range r.opt.Workers {
		wg.Go(func() {
			gone, err := r.work(ctx, t, deadline)
			switch {
			case err != nil:
				fail(err)
			case gone:
				mu.Lock()
				offline = true
				mu.Unlock()
				cancel()
			}
		})
	}
	wg.Wait()
	return offline, firstErr
}

// work is one worker of a round: claim, push, mark, until there is nothing
// to claim.
func (r *Relay) work(ctx context.Context, t *tally, deadline time.Time) (offline bool, err error) {
	for ctx.Err() == nil {
		if !deadline.IsZero() && !r.opt.Now().Before(deadline) {
			return false, nil
		}
		if ok, err := r.waitPause(ctx, deadline); !ok || err != nil {
			if err != nil && ctx.Err() == nil {
				return false, fmt.Errorf("syncer: count the outbox: %w", err)
			}
			return false, nil
		}
		batch, ok, err := r.claim(ctx, t, deadline)
		if err != nil {
			return false, fmt.Errorf("syncer: read the outbox: %w", err)
		}
		if !ok || len(batch) == 0 {
			return false, nil
		}
		if offline, err := r.pushBatch(ctx, batch, t); err != nil || offline {
			return offline, err
		}
	}
	return false, nil
}
