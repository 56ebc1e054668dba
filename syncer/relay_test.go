package syncer

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"leadcap/lead"
	"leadcap/syncer/syncertest"
)

func newMemOutbox() *syncertest.Outbox { return syncertest.NewOutbox() }

// addNew queues n new leads, due now.
func addNew(out *syncertest.Outbox, n int) []uuid.UUID {
	ids := make([]uuid.UUID, n)
	for i := range ids {
		ids[i] = out.AddNew(time.Now())
	}
	return ids
}

// addWaiting queues a lead that failed attempts times and waits until next.
func addWaiting(out *syncertest.Outbox, now time.Time, attempts int, next time.Time) uuid.UUID {
	l := lead.New(uuid.Nil, lead.MethodManual, now)
	l.Version = 1
	out.Add(lead.OutboxEntry{Lead: *l, Attempts: attempts, NextAttempt: next})
	return l.ID
}

// startRun runs r.Run in the background, inside the test's synctest
// bubble: synctest.Wait returns once it went idle. stop cancels it and
// checks that it returned nil.
func startRun(t *testing.T, r *Relay) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- r.Run(ctx) }()
	return func() {
		cancel()
		require.NoError(t, <-errc)
	}
}

func doneTimes(out *syncertest.Outbox, id uuid.UUID) int {
	n, _ := out.Done(id)
	return n
}

// scripted is a Connector whose answer per lead and call is scripted.
type scripted struct {
	mu      sync.Mutex
	batch   int
	calls   [][]uuid.UUID
	probeFn func(n int) error
	probes  int
	probeAt []time.Time
	answer  func(id uuid.UUID, call int) error // call counts this lead's pushes, from 1
	pushes  map[uuid.UUID]int
	reorder bool
	drop    bool
}

func (s *scripted) Name() string  { return "scripted" }
func (s *scripted) MaxBatch() int { return s.batch }
func (s *scripted) Probe(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.probes++
	s.probeAt = append(s.probeAt, time.Now())
	if s.probeFn != nil {
		return s.probeFn(s.probes)
	}
	return nil
}

func (s *scripted) Push(ctx context.Context, batch []lead.OutboxEntry) []Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pushes == nil {
		s.pushes = map[uuid.UUID]int{}
	}
	ids := make([]uuid.UUID, len(batch))
	res := make([]Result, 0, len(batch))
	for i, e := range batch {
		ids[i] = e.Lead.ID
		s.pushes[e.Lead.ID]++
		var err error
		if s.answer != nil {
			err = s.answer(e.Lead.ID, s.pushes[e.Lead.ID])
		}
		res = append(res, Result{LeadID: e.Lead.ID, Version: e.Lead.Version, RemoteID: "r-" + e.Lead.ID.String()[:8], Err: err})
	}
	s.calls = append(s.calls, ids)
	if s.reorder {
		for i, j := 0, len(res)-1; i < j; i, j = i+1, j-1 {
			res[i], res[j] = res[j], res[i]
		}
	}
	if s.drop && len(res) > 0 {
		res = res[:len(res)-1]
	}
	return res
}

// testRelay is a relay for tests inside a synctest bubble: its clock is
// the bubble's fake one; the jitter is 0.5 unless opt says otherwise.
func testRelay(out Outbox, c Connector, opt Options) *Relay {
	if opt.Rand == nil {
		opt.Rand = func() float64 { return 0.5 }
	}
	return NewRelay(out, c, opt)
}

func TestSyncAllDeliversInBatchesAndMarksEachEntry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		out := newMemOutbox()
		ids := addNew(out, 7)
		bad := ids[2]
		c := &scripted{batch: 3, answer: func(id uuid.UUID, call int) error {
			if id == bad {
				return Permanent("email: INVALID_EMAIL_ADDRESS")
			}
			return nil
		}}
		var last Progress
		r := testRelay(out, c, Options{OnProgress: func(p Progress) { last = p }})

		s, err := r.SyncAll(context.Background(), time.Minute)
		require.NoError(t, err)
		assert.Equal(t, Summary{Done: 6, Dead: 1, Pending: 0}, s)
		assert.Len(t, c.calls, 3, "7 entries at 3 per batch")
		for _, call := range c.calls {
			assert.LessOrEqual(t, len(call), 3)
		}
		for _, id := range ids {
			if id == bad {
				reason, _ := out.Dead(id)
				assert.Equal(t, "email: INVALID_EMAIL_ADDRESS", reason)
				continue
			}
			assert.Equal(t, 1, doneTimes(out, id), "lead %s confirmed once", id)
		}
		assert.Equal(t, Progress{Total: 7, Done: 6, Dead: 1, Current: ids[6].String()}, last)
	})
}

func TestSyncAllRetriesTransientFailuresAfterBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		out := newMemOutbox()
		id := out.AddNew(time.Now())
		c := &scripted{batch: 10, answer: func(_ uuid.UUID, call int) error {
			switch call {
			case 1:
				return Transient(errors.New("503 service unavailable"), 30*time.Second)
			case 2:
				return Transient(errors.New("500"), 0)
			}
			return nil
		}}
		r := testRelay(out, c, Options{RetryInitial: 2 * time.Second, Rand: func() float64 { return 0.5 }})

		start := time.Now()
		s, err := r.SyncAll(context.Background(), 10*time.Minute)
		require.NoError(t, err)
		assert.Equal(t, 1, s.Done)
		assert.Equal(t, 0, s.Pending)
		assert.Equal(t, 3, c.pushes[id])
		// The first retry honoured Retry-After (30 s, more than the 1 s jitter),
		// the second the backoff of attempt 2: 0.5 * 4 s = 2 s.
		assert.Equal(t, 32*time.Second, time.Since(start))
	})
}

func TestRetryAfterPausesBeforeClaimingNotAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		out := newMemOutbox()
		out.Clock = time.Now
		a := out.AddNew(time.Now())
		out.AddNew(time.Now())
		c := &scripted{batch: 1, answer: func(id uuid.UUID, call int) error {
			if id == a && call == 1 {
				return Transient(errors.New("429"), 10*time.Minute)
			}
			return nil
		}}
		r := testRelay(out, c, Options{Lease: time.Minute})
		start := time.Now()
		s, err := r.SyncAll(context.Background(), time.Hour)
		require.NoError(t, err)
		assert.Equal(t, 2, s.Done)
		require.Len(t, out.Claims(), 3)
		assert.Equal(t, start, out.Claims()[0])
		// The second lead is claimed only once the pause is over, so its
		// one-minute lease cannot run out while the relay waits.
		assert.False(t, out.Claims()[1].Before(start.Add(10*time.Minute)), "claimed at %s", out.Claims()[1])
	})
}

func TestSyncAllStopsAtTimeoutWithPending(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		out := newMemOutbox()
		id := out.AddNew(time.Now())
		c := &scripted{batch: 10, answer: func(uuid.UUID, int) error { return Transient(errors.New("429"), time.Hour) }}
		r := testRelay(out, c, Options{})

		s, err := r.SyncAll(context.Background(), 2*time.Minute)
		require.NoError(t, err)
		assert.Equal(t, Summary{Failed: 1, Pending: 1}, s)
		e, ok := out.Entry(id)
		require.True(t, ok)
		assert.Equal(t, 1, e.Attempts)
		assert.True(t, time.Until(e.NextAttempt) > 50*time.Minute, "Retry-After of an hour kept")
		assert.Less(t, time.Since(start), time.Minute, "returned early: nothing could be due before the timeout")
	})
}

func TestSyncAllAuthErrorStopsWithoutDeadLetters(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		out := newMemOutbox()
		out.AddNew(time.Now())
		out.AddNew(time.Now())
		c := &scripted{batch: 10, answer: func(uuid.UUID, int) error { return AuthError("Salesforce: 401 INVALID_SESSION_ID") }}
		r := testRelay(out, c, Options{})

		s, err := r.SyncAll(context.Background(), time.Minute)
		require.ErrorIs(t, err, ErrAuth)
		assert.Zero(t, out.DeadCount())
		assert.Equal(t, 2, s.Pending)
		assert.Len(t, c.calls, 1, "no second push with refused credentials")
	})
}

func TestSyncAllProbeRefusedCredentials(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		out := newMemOutbox()
		out.AddNew(time.Now())
		c := &scripted{batch: 10, probeFn: func(int) error { return AuthError("HubSpot: 401") }}
		r := testRelay(out, c, Options{})
		_, err := r.SyncAll(context.Background(), time.Minute)
		require.ErrorIs(t, err, ErrAuth)
		assert.Empty(t, c.calls)
	})
}

func TestSyncAllWaitsWhileOfflineThenDelivers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		out := newMemOutbox()
		id := out.AddNew(time.Now())
		c := &scripted{batch: 10, probeFn: func(n int) error {
			if n <= 2 {
				return Transient(ErrOffline, 0)
			}
			return nil
		}}
		var states []bool
		r := testRelay(out, c, Options{OnStatus: func(s Status) { states = append(states, s.Online) }})
		s, err := r.SyncAll(context.Background(), time.Minute)
		require.NoError(t, err)
		assert.Equal(t, 1, s.Done)
		assert.Equal(t, 1, doneTimes(out, id))
		assert.Equal(t, []bool{false, false, true}, states)
	})
}

func TestSyncAllGivesUpOfflineAtTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		out := newMemOutbox()
		out.AddNew(time.Now())
		c := &scripted{batch: 10, probeFn: func(int) error { return NetError("Webhook", errors.New("connection refused")) }}
		r := testRelay(out, c, Options{})
		s, err := r.SyncAll(context.Background(), time.Minute)
		require.ErrorIs(t, err, ErrOffline)
		assert.Equal(t, 1, s.Pending)
		assert.Empty(t, c.calls)
	})
}

func TestAlignReorderedAndMissingResults(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		out := newMemOutbox()
		a, b := out.AddNew(time.Now()), out.AddNew(time.Now())
		c := &scripted{batch: 10, reorder: true, drop: true}
		r := testRelay(out, c, Options{})
		s, err := r.SyncAll(context.Background(), time.Second)
		require.NoError(t, err)
		// Reversed then the last dropped: b's result came first, a's is missing.
		assert.Equal(t, 1, doneTimes(out, b))
		e, ok := out.Entry(a)
		require.True(t, ok, "a lead without a result stays pending")
		assert.Contains(t, e.LastError, ErrNoResult.Error())
		assert.GreaterOrEqual(t, s.Done, 1)
	})
}

func TestRateLimiterSpacesPushes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		out := newMemOutbox()
		for range 4 {
			out.AddNew(time.Now())
		}
		c := &scripted{batch: 1}
		lim := rate.NewLimiter(rate.Every(500*time.Millisecond), 1)
		r := testRelay(out, c, Options{Limiter: lim})
		start := time.Now()
		s, err := r.SyncAll(context.Background(), time.Minute)
		require.NoError(t, err)
		assert.Equal(t, 4, s.Done)
		// The first push uses the burst token, three more wait 500 ms each.
		assert.Equal(t, 1500*time.Millisecond, time.Since(start))
	})
}

type pacing struct {
	scripted
	pace time.Duration
}

func (p *pacing) Pace() time.Duration { return p.pace }

func TestPacerSlowsNextPush(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		out := newMemOutbox()
		out.AddNew(time.Now())
		out.AddNew(time.Now())
		c := &pacing{scripted: scripted{batch: 1}, pace: 3 * time.Second}
		r := testRelay(out, c, Options{})
		start := time.Now()
		_, err := r.SyncAll(context.Background(), time.Minute)
		require.NoError(t, err)
		assert.Equal(t, 3*time.Second, time.Since(start), "one pause between the two pushes")
	})
}

func TestRunBacksOffWhileOfflineDrainsAndStopsOnCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		out := newMemOutbox()
		for range 5 {
			out.AddNew(time.Now())
		}
		c := &scripted{batch: 2, probeFn: func(n int) error {
			if n <= 3 {
				return Transient(ErrOffline, 0)
			}
			return nil
		}}
		r := testRelay(out, c, Options{Idle: 30 * time.Second, ProbeInitial: time.Second, ProbeMax: 8 * time.Second, Rand: func() float64 { return 0.999 }})
		stop := startRun(t, r)
		time.Sleep(20 * time.Second) // probes after ~1, ~2, ~4 s, then the drain
		synctest.Wait()              // idle
		n, _ := out.PendingCount()
		assert.Equal(t, 0, n)
		stop()
		c.mu.Lock()
		defer c.mu.Unlock()
		assert.Equal(t, 4, c.probes)
		assert.Len(t, c.calls, 3)
		// Probe backoff grew: ~1 s, ~2 s, ~4 s (full jitter at 0.999).
		require.Len(t, c.probeAt, 4)
		for i, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
			assert.InDelta(t, float64(want), float64(c.probeAt[i+1].Sub(c.probeAt[i])), float64(10*time.Millisecond))
		}
	})
}

func TestRunWakeSkipsIdleWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		out := newMemOutbox()
		c := &scripted{batch: 10}
		r := testRelay(out, c, Options{Idle: time.Hour})
		stop := startRun(t, r)
		synctest.Wait() // idle
		id := out.AddNew(time.Now())
		r.Wake()
		synctest.Wait() // woke, delivered, idle again
		assert.Equal(t, 1, doneTimes(out, id))
		stop()
	})
}

func TestDelayIsFullJitterCapped(t *testing.T) {
	assert.Equal(t, time.Duration(0), Delay(1, time.Second, time.Minute, 0))
	assert.Equal(t, 500*time.Millisecond, Delay(1, time.Second, time.Minute, 0.5))
	assert.Equal(t, 4*time.Second, Delay(3, time.Second, time.Minute, 1))
	assert.Equal(t, 30*time.Second, Delay(40, time.Second, time.Minute, 0.5), "capped at max")
	assert.Equal(t, 30*time.Second, Delay(1000, time.Second, time.Minute, 0.5), "no overflow")
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 27, 14, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, in string
		want     time.Duration
	}{
		{"seconds", "120", 2 * time.Minute},
		{"seconds with spaces", " 5 ", 5 * time.Second},
		{"HTTP date", "Fri, 27 Nov 2026 14:01:30 GMT", 90 * time.Second},
		{"RFC 850 date", "Friday, 27-Nov-26 14:00:10 GMT", 10 * time.Second},
		{"date in the past", "Fri, 27 Nov 2026 13:00:00 GMT", 0},
		{"negative", "-3", 0},
		{"empty", "", 0},
		{"garbage", "soon", 0},
		{"absurd", "99999999", 24 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, RetryAfter(tc.in, now))
		})
	}
}

func TestFromStatus(t *testing.T) {
	now := time.Now()
	h := http.Header{"Retry-After": {"7"}}
	err := FromStatus("HubSpot", 429, h, "ten_secondly_rolling", now)
	var tr *TransientError
	require.ErrorAs(t, err, &tr)
	assert.Equal(t, 7*time.Second, tr.RetryAfter)
	assert.True(t, IsTransient(FromStatus("X", 503, nil, "", now)))
	assert.True(t, IsTransient(FromStatus("X", 423, http.Header{}, "", now)))
	assert.ErrorIs(t, FromStatus("X", 401, nil, "expired", now), ErrAuth)
	assert.ErrorIs(t, FromStatus("X", 403, nil, "", now), ErrAuth)
	perm := FromStatus("X", 400, nil, "bad email", now)
	assert.True(t, IsPermanent(perm))
	assert.Contains(t, perm.Error(), "bad email")
}

// latent is a connector that answers after a fixed latency, like a CRM
// across the internet; it confirms every lead.
type latent struct {
	batch   int
	latency time.Duration
}

func (l latent) Name() string                    { return "latent" }
func (l latent) MaxBatch() int                   { return l.batch }
func (l latent) Probe(ctx context.Context) error { return nil }
func (l latent) Push(ctx context.Context, batch []lead.OutboxEntry) []Result {
	t := time.NewTimer(l.latency)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ResultsFor(batch, Transient(ctx.Err(), 0))
	case <-t.C:
	}
	return ResultsFor(batch, nil)
}

// BenchmarkRelayLatency20ms measures what batching and concurrency buy the
// relay alone (in-memory outbox) against a CRM that answers in 20 ms.
func BenchmarkRelayLatency20ms(b *testing.B) {
	const leads = 400
	for _, tc := range []struct {
		name           string
		batch, workers int
	}{
		{"one-by-one", 1, 1},
		{"one-by-one-4-workers", 1, 4},
		{"batch-100", 100, 1},
		{"batch-100-4-workers", 100, 4},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var total time.Duration
			for range b.N {
				out := newMemOutbox()
				for range leads {
					out.AddNew(time.Now())
				}
				r := NewRelay(out, latent{batch: tc.batch, latency: 20 * time.Millisecond}, Options{Workers: tc.workers})
				start := time.Now()
				s, err := r.SyncAll(context.Background(), time.Hour)
				total += time.Since(start)
				if err != nil || s.Done != leads {
					b.Fatalf("%+v %v", s, err)
				}
			}
			b.ReportMetric(float64(leads*b.N)/total.Seconds(), "leads/s")
		})
	}
}

// TestSyncAllIgnoresBackoffButHonoursRetryAfter: a person's sync pushes a
// lead that waits for its backoff at once, and retries a failure within
// the run after a short wait instead of the background relay's growing
// backoff; a CRM's Retry-After, told in this run or an earlier one
// (NotBefore), holds every push, and an entry due only after RetryMax
// (held by a long Retry-After) is left alone.
func TestSyncAllIgnoresBackoffButHonoursRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		out := newMemOutbox()
		backedOff := addWaiting(out, start, 8, start.Add(10*time.Minute))
		held := addWaiting(out, start, 1, start.Add(time.Hour))
		flaky := out.AddNew(start)

		pushedAt := map[uuid.UUID][]time.Time{}
		c := &scripted{batch: 1, answer: func(id uuid.UUID, call int) error {
			pushedAt[id] = append(pushedAt[id], time.Now())
			if id == flaky && call == 1 {
				return Transient(errors.New("503"), 0)
			}
			if id == flaky && call == 2 {
				return Transient(errors.New("429"), 20*time.Second)
			}
			return nil
		}}
		var pauses []time.Time
		r := testRelay(out, c, Options{NotBefore: start.Add(5 * time.Second), OnPause: func(t time.Time) { pauses = append(pauses, t) }})
		s, err := r.SyncAll(context.Background(), 2*time.Minute)
		require.NoError(t, err)
		assert.Equal(t, 2, s.Done)
		assert.Equal(t, 1, s.Pending, "the lead held by a long Retry-After stays")
		assert.Empty(t, pushedAt[held])
		require.Len(t, pushedAt[backedOff], 1)
		assert.Less(t, pushedAt[backedOff][0], start.Add(time.Minute), "pushed in this run, not after its backoff of 10 minutes")
		require.Len(t, pushedAt[flaky], 3)
		assert.Equal(t, start.Add(5*time.Second), pushedAt[flaky][0], "the earlier run's Retry-After held the first push")
		assert.LessOrEqual(t, pushedAt[flaky][1].Sub(pushedAt[flaky][0]), 5*time.Second, "a short wait within the run")
		assert.Equal(t, 20*time.Second, pushedAt[flaky][2].Sub(pushedAt[flaky][1]), "the Retry-After of 20 s held")
		require.Len(t, pauses, 1)
		assert.Equal(t, pushedAt[flaky][1].Add(20*time.Second), pauses[0], "the pause is handed out to be remembered")
	})
}

// TestRunKeepsPerEntryBackoff: the background relay does not push a lead
// before its backoff ends.
func TestRunKeepsPerEntryBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		out := newMemOutbox()
		addWaiting(out, time.Now(), 8, time.Now().Add(10*time.Minute))
		c := &scripted{batch: 10}
		r := testRelay(out, c, Options{Idle: time.Hour})
		stop := startRun(t, r)
		synctest.Wait() // idle
		stop()
		c.mu.Lock()
		defer c.mu.Unlock()
		assert.Empty(t, c.calls, "pushed before its backoff ended")
	})
}

// TestBatchWithPoisonedLeadDeliversTheOthers: one lead makes the CRM fail
// the whole batch with a server error (not the lead's refusal, so nothing
// says which lead): the relay splits the batch until the poisoned lead is
// alone, and every other lead is delivered in the same run.
func TestBatchWithPoisonedLeadDeliversTheOthers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		out := newMemOutbox()
		ids := addNew(out, 16)
		poison := ids[11]
		c := &wholeBatch{scripted: scripted{batch: 16}, poison: poison}
		r := testRelay(out, c, Options{})
		s, err := r.SyncAll(context.Background(), 30*time.Second)
		require.NoError(t, err)
		assert.Equal(t, 15, s.Done)
		assert.Equal(t, 1, s.Pending)
		for _, id := range ids {
			if id != poison {
				assert.Equal(t, 1, doneTimes(out, id), "lead %s", id)
			}
		}
		e, ok := out.Entry(poison)
		require.True(t, ok)
		assert.Contains(t, e.LastError, "500")
		// The first push: 16, then halves, depth first, down to the poisoned
		// lead alone; the halves without it are delivered on the way.
		assert.Len(t, c.calls[0], 16)
		assert.Equal(t, []int{16, 8, 8, 4, 2, 2, 1, 1, 4}, batchSizes(c.calls)[:9])
	})
}

// wholeBatch fails every batch that holds its poisoned lead as a whole,
// with a server error.
type wholeBatch struct {
	scripted
	poison uuid.UUID
}

func (w *wholeBatch) Push(ctx context.Context, batch []lead.OutboxEntry) []Result {
	res := w.scripted.Push(ctx, batch)
	for _, e := range batch {
		if e.Lead.ID == w.poison {
			return ResultsFor(batch, Transient(errors.New("Tryton: 500 internal server error"), 0))
		}
	}
	return res
}

func batchSizes(calls [][]uuid.UUID) []int {
	n := make([]int, len(calls))
	for i, c := range calls {
		n[i] = len(c)
	}
	return n
}
