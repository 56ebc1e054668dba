package tryton

import (
	"context"
	"testing"
	"time"

	"leadcap/lead"
	"leadcap/syncer"
	"leadcap/syncer/syncertest"
)

// TestPoisonedLeadDoesNotHoldBackItsBatch: a lead captured by a device
// whose clock said year 10000 makes Tryton fail the whole opportunity
// create with a 500 (Python's date stops at 9999), which says nothing
// about which lead is at fault. The relay splits the batch until that lead
// is alone: the other nine get their party and opportunity in the same
// sync, and the poisoned one stays pending.
func TestPoisonedLeadDoesNotHoldBackItsBatch(t *testing.T) {
	env := liveTryton(t)
	db := admin(t, env)
	c := newConnector(t, env, func(cfg *Config) { cfg.Retry = syncer.RetryPolicy{Tries: 2} })
	out := syncertest.NewOutbox()
	var good []lead.OutboxEntry
	for i := range 10 {
		e := newEntry(t, func(l *lead.Lead) {
			if i == 6 {
				l.CapturedAt = time.Date(10000, 1, 1, 9, 0, 0, 0, time.UTC)
			}
		})
		out.Add(e)
		if i != 6 {
			good = append(good, e)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := syncer.NewRelay(out, c, syncer.Options{OnProgress: func(p syncer.Progress) {
		if p.Done == len(good) {
			cancel() // the poisoned lead would be retried until the timeout
		}
	}})
	sum, _ := r.SyncAll(ctx, 2*time.Minute)
	if sum.Done != len(good) || sum.Pending != 1 {
		t.Fatalf("%v; want the 9 good leads synced and the poisoned one pending", sum)
	}
	checkOnePerLead(t, db, good)
}
