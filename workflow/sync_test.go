package workflow_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
	"leadcap/storage"
	"leadcap/syncer"
	"leadcap/syncer/hubspot"
	"leadcap/syncer/hubspot/hubspottest"
	"leadcap/syncer/salesforce/salesforcetest"
	"leadcap/syncer/syncertest"
	"leadcap/syncer/webhook"
	"leadcap/workflow"
)

const syncToken = "pat-test-token"

type syncFixture struct {
	st    *storage.Store
	clock *syncertest.Clock // of store and relay: moves only when the relay sleeps
	srv   *hubspottest.Server
	ev    lead.Event
}

func newSyncFixture(t testing.TB) *syncFixture {
	t.Helper()
	clock := syncertest.NewClock(time.Date(2026, 4, 21, 9, 0, 0, 0, time.UTC))
	st, err := storage.Open(filepath.Join(t.TempDir(), "leadcap.db"), &storage.Options{Now: clock.Now})
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	ev := lead.Event{Name: "Hannover Messe 2026", Country: "DE"}
	require.NoError(t, st.CreateEvent(&ev))
	srv := hubspottest.New(syncToken, "leadcap_lead_id", "leadcap_details")
	t.Cleanup(srv.Close)
	return &syncFixture{st: st, clock: clock, srv: srv, ev: ev}
}

// addLeads stores n leads with distinct emails and returns their IDs.
func (f *syncFixture) addLeads(t testing.TB, n int) []uuid.UUID {
	t.Helper()
	ids := make([]uuid.UUID, n)
	for i := range n {
		l := lead.New(f.ev.ID, lead.MethodQRScan, f.clock.Now())
		l.Contact = lead.Contact{GivenName: "Person", FamilyName: fmt.Sprintf("Nr%d", i), Organization: "Beispiel GmbH",
			Emails: []string{fmt.Sprintf("person%04d@example.com", i)}}
		require.NoError(t, f.st.AddLead(l))
		ids[i] = l.ID
	}
	return ids
}

func (f *syncFixture) connector(t testing.TB, token string) *hubspot.Connector {
	t.Helper()
	c, err := hubspot.New(hubspot.Config{BaseURL: f.srv.URL, Token: token, DetailsProperty: "leadcap_details", Now: f.clock.Now})
	require.NoError(t, err)
	return c
}

func (f *syncFixture) options(c syncer.Connector) workflow.SyncOptions {
	return workflow.SyncOptions{
		Connector: c,
		Timeout:   time.Hour,
		Relay: syncer.Options{
			Now: f.clock.Now, Sleep: f.clock.Sleep,
			PushTimeout: 2 * time.Second, // real time: the Delay fault outlasts it
		},
	}
}

// assertDeliveredOnce checks that every lead is synced, has one HubSpot
// contact carrying its ID, and that the store knows that contact's ID.
func (f *syncFixture) assertDeliveredOnce(t *testing.T, ids []uuid.UUID) {
	t.Helper()
	contacts := f.srv.Contacts()
	byLead := map[string][]string{}
	for _, c := range contacts {
		byLead[c.Properties["leadcap_lead_id"]] = append(byLead[c.Properties["leadcap_lead_id"]], c.ID)
	}
	assert.Len(t, contacts, len(ids), "one contact per lead")
	for _, id := range ids {
		got := byLead[id.String()]
		require.Len(t, got, 1, "lead %s", id)
		info, err := f.st.SyncInfo(id)
		require.NoError(t, err)
		assert.Equal(t, storage.SyncSynced, info.Status, "lead %s", id)
		assert.Equal(t, got[0], info.RemoteID, "lead %s", id)
	}
	n, err := f.st.PendingCount()
	require.NoError(t, err)
	assert.Zero(t, n)
}

func TestSyncDeliversEveryLeadExactlyOnceThroughFaults(t *testing.T) {
	f := newSyncFixture(t)
	ids := f.addLeads(t, 120)
	f.srv.Fail(
		hubspottest.Fault{Status: 500},
		hubspottest.Fault{Status: 429, Policy: "TEN_SECONDLY_ROLLING", RetryAfter: "10"},
		hubspottest.Fault{DropAfterWrite: true},   // committed, reply lost
		hubspottest.Fault{Delay: 3 * time.Second}, // committed after the client gave up
		hubspottest.Fault{Status: 423},
		hubspottest.Fault{Status: 503, RetryAfter: "Tue, 21 Apr 2026 09:30:00 GMT"},
	)
	var (
		mu   sync.Mutex
		last syncer.Progress
	)
	opt := f.options(f.connector(t, syncToken))
	opt.Batch = 50
	opt.OnProgress = func(p syncer.Progress) {
		mu.Lock()
		defer mu.Unlock()
		last = p
	}
	start := f.clock.Now()
	sum, err := workflow.SyncNow(context.Background(), f.st, opt)
	require.NoError(t, err)
	assert.Equal(t, syncer.Summary{Done: 120, Pending: 0, Elapsed: sum.Elapsed}, sum)
	f.assertDeliveredOnce(t, ids)
	assert.Equal(t, 50, f.srv.MaxSeen)
	assert.Equal(t, 120, last.Total)
	assert.Equal(t, 120, last.Done)
	// The 503 asked to wait until 09:30: nothing was sent before.
	assert.False(t, f.clock.Now().Before(start.Add(30*time.Minute)), "Retry-After date honoured, clock at %s", f.clock.Now())
}

func TestSyncRefusedLeadGoesDeadAndSucceedsAfterFix(t *testing.T) {
	f := newSyncFixture(t)
	ids := f.addLeads(t, 3)
	noEmail := lead.New(f.ev.ID, lead.MethodManual, f.clock.Now())
	noEmail.Contact = lead.Contact{FullName: "Max Muster", Organization: "ACME", Phones: []lead.Phone{{Raw: "+49 30 1234567"}}}
	require.NoError(t, f.st.AddLead(noEmail))
	badEmail := lead.New(f.ev.ID, lead.MethodManual, f.clock.Now())
	badEmail.Contact = lead.Contact{FullName: "Eve Bad", Emails: []string{"eve@example.invalid"}}
	require.NoError(t, f.st.AddLead(badEmail))

	opt := f.options(f.connector(t, syncToken))
	sum, err := workflow.SyncNow(context.Background(), f.st, opt)
	require.NoError(t, err)
	assert.Equal(t, 3, sum.Done)
	assert.Equal(t, 2, sum.Dead)
	assert.Equal(t, 0, sum.Pending)

	dead, err := f.st.DeadLetters()
	require.NoError(t, err)
	require.Len(t, dead, 2)
	reasons := map[uuid.UUID]string{}
	for _, d := range dead {
		reasons[d.LeadID] = d.Reason
	}
	assert.Contains(t, reasons[noEmail.ID], "add the person's email address to the lead")
	assert.Contains(t, reasons[badEmail.ID], "INVALID_EMAIL")
	info, err := f.st.SyncInfo(noEmail.ID)
	require.NoError(t, err)
	assert.Equal(t, storage.SyncDead, info.Status)

	// A person fixes both leads and retries them.
	for _, fix := range []struct {
		id    uuid.UUID
		email string
	}{{noEmail.ID, "max@example.com"}, {badEmail.ID, "eve@example.com"}} {
		_, err := f.st.UpdateLead(fix.id, func(l *lead.Lead) error {
			l.Contact.Emails = []string{fix.email}
			return nil
		})
		require.NoError(t, err)
		if err := f.st.RetryDead(fix.id); err != nil {
			require.ErrorIs(t, err, storage.ErrNotFound, "the update may already have re-queued it")
		}
	}
	sum, err = workflow.SyncNow(context.Background(), f.st, opt)
	require.NoError(t, err)
	assert.Equal(t, 2, sum.Done)
	assert.Equal(t, 0, sum.Dead)
	f.assertDeliveredOnce(t, append(ids, noEmail.ID, badEmail.ID))
	dead, err = f.st.DeadLetters()
	require.NoError(t, err)
	assert.Empty(t, dead)
}

// hooked runs before() ahead of each push of the wrapped connector.
type hooked struct {
	syncer.Connector
	mu     sync.Mutex
	n      int
	before func(n int, batch []lead.OutboxEntry)
}

func (h *hooked) Push(ctx context.Context, batch []lead.OutboxEntry) []syncer.Result {
	h.mu.Lock()
	h.n++
	n := h.n
	h.mu.Unlock()
	h.before(n, batch)
	return h.Connector.Push(ctx, batch)
}

func TestSyncCancellationStopsCleanlyAndLosesNothing(t *testing.T) {
	f := newSyncFixture(t)
	ids := f.addLeads(t, 100)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := &hooked{Connector: f.connector(t, syncToken), before: func(n int, _ []lead.OutboxEntry) {
		if n == 3 {
			cancel() // the user pressed Stop while the third batch is on its way
		}
	}}
	opt := f.options(c)
	opt.Batch = 20
	sum, err := workflow.SyncNow(ctx, f.st, opt)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 40, sum.Done, "two batches confirmed before the stop")
	assert.Equal(t, 60, sum.Pending)
	assert.Zero(t, sum.Dead)
	n, err := f.st.PendingCount()
	require.NoError(t, err)
	assert.Equal(t, 60, n)
	// The interrupted batch is due again at once, not leased away.
	for _, id := range ids[40:60] {
		info, err := f.st.SyncInfo(id)
		require.NoError(t, err)
		assert.False(t, info.NextAttempt.After(f.clock.Now()), "lead %s due at %s", id, info.NextAttempt)
	}

	sum, err = workflow.SyncNow(context.Background(), f.st, f.options(f.connector(t, syncToken)))
	require.NoError(t, err)
	assert.Equal(t, 60, sum.Done)
	f.assertDeliveredOnce(t, ids)
}

func TestSyncNewerChangeDuringPushStaysPending(t *testing.T) {
	f := newSyncFixture(t)
	ids := f.addLeads(t, 3)
	changed := ids[1]
	var between storage.SyncInfo
	var pushed [][]int64
	c := &hooked{Connector: f.connector(t, syncToken), before: func(n int, batch []lead.OutboxEntry) {
		var versions []int64
		for _, e := range batch {
			versions = append(versions, e.Lead.Version)
		}
		pushed = append(pushed, versions)
		switch n {
		case 1:
			// The booth adds a note while the first push is in flight.
			_, err := f.st.UpdateLead(changed, func(l *lead.Lead) error {
				_, err := l.AddNote("Wants a demo in May", "jan", f.clock.Now(), time.Time{})
				return err
			})
			require.NoError(t, err)
		case 2:
			var err error
			between, err = f.st.SyncInfo(changed)
			require.NoError(t, err)
		}
	}}
	sum, err := workflow.SyncNow(context.Background(), f.st, f.options(c))
	require.NoError(t, err)
	assert.Equal(t, [][]int64{{1, 1, 1}, {2}}, pushed, "version 1 of all three, then version 2 of the changed one")
	assert.Equal(t, storage.SyncPending, between.Status, "version 2 stayed pending after version 1 was confirmed")
	assert.Equal(t, int64(1), between.SyncedVersion)
	assert.Equal(t, 3, sum.Done, "Done counts leads, not versions")
	f.assertDeliveredOnce(t, ids)
	info, err := f.st.SyncInfo(changed)
	require.NoError(t, err)
	assert.Equal(t, int64(2), info.SyncedVersion)
	got := f.srv.Contacts()["person0001@example.com"]
	assert.Contains(t, got.Properties["leadcap_details"], "Wants a demo in May")
	assert.Equal(t, 2, got.Writes)
}

func TestSyncRefusedCredentialsKeepLeadsPending(t *testing.T) {
	f := newSyncFixture(t)
	f.addLeads(t, 5)
	sum, err := workflow.SyncNow(context.Background(), f.st, f.options(f.connector(t, "revoked")))
	require.ErrorIs(t, err, syncer.ErrAuth)
	assert.Contains(t, err.Error(), "LEADCAP_CRM_SECRET")
	assert.Equal(t, 5, sum.Pending)
	dead, err := f.st.DeadLetters()
	require.NoError(t, err)
	assert.Empty(t, dead)
}

func TestSyncOfflineGivesUpAtTimeoutWithLeadsPending(t *testing.T) {
	f := newSyncFixture(t)
	f.addLeads(t, 5)
	c := f.connector(t, syncToken)
	f.srv.Close()
	opt := f.options(c)
	opt.Timeout = 2 * time.Minute
	start := f.clock.Now()
	sum, err := workflow.SyncNow(context.Background(), f.st, opt)
	require.ErrorIs(t, err, syncer.ErrOffline)
	assert.Equal(t, 5, sum.Pending)
	assert.Equal(t, 2*time.Minute, f.clock.Now().Sub(start), "kept probing with backoff until the timeout")
}

func TestSyncBackgroundRunDrainsAndStops(t *testing.T) {
	f := newSyncFixture(t)
	ids := f.addLeads(t, 30)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opt := f.options(f.connector(t, syncToken))
	opt.Batch = 7
	opt.OnProgress = func(p syncer.Progress) {
		if n, err := f.st.PendingCount(); err == nil && n == 0 {
			cancel()
		}
	}
	r, err := workflow.NewRelay(f.st, opt)
	require.NoError(t, err)
	require.NoError(t, r.Run(ctx))
	f.assertDeliveredOnce(t, ids)
}

func TestCRMSettings(t *testing.T) {
	f := newSyncFixture(t)
	cs, err := workflow.LoadCRM(f.st)
	require.NoError(t, err)
	assert.Empty(t, cs.Connector)
	_, _, err = workflow.NewConnector(cs, "x")
	assert.ErrorIs(t, err, workflow.ErrNoCRM)

	assert.ErrorIs(t, workflow.SaveCRM(f.st, workflow.CRMSettings{Connector: "pipedrive"}), workflow.ErrUnknownConnector)
	err = workflow.SaveCRM(f.st, workflow.CRMSettings{Connector: "tryton", URL: "http://127.0.0.1:8000/"})
	assert.ErrorContains(t, err, "needs --database, --user")
	assert.ErrorContains(t, workflow.SaveCRM(f.st, workflow.CRMSettings{Connector: "webhook", URL: "http://crm.example.com/x"}), "use https")

	want := workflow.CRMSettings{Connector: "HubSpot", URL: f.srv.URL, DetailsField: "leadcap_details", Rate: 4}
	require.NoError(t, workflow.SaveCRM(f.st, want))
	cs, err = workflow.LoadCRM(f.st)
	require.NoError(t, err)
	want.Connector = "hubspot"
	assert.Equal(t, want, cs)
	lines := cs.Describe(workflow.SecretFromEnv)
	assert.Contains(t, lines, "connector: hubspot")
	assert.Contains(t, lines, "secret: from the environment (LEADCAP_CRM_SECRET)")
	for _, l := range lines {
		assert.NotContains(t, l, syncToken)
	}

	_, _, err = workflow.NewConnector(cs, "")
	assert.ErrorIs(t, err, workflow.ErrNoSecret)
	c, lim, err := workflow.NewConnector(cs, syncToken)
	require.NoError(t, err)
	assert.Equal(t, "hubspot", c.Name())
	assert.InDelta(t, 4, float64(lim.Limit()), 0.001)

	ctx := context.Background()
	require.NoError(t, workflow.TestCRM(ctx, f.st, syncToken, time.Second))
	err = workflow.TestCRM(ctx, f.st, "wrong", time.Second)
	require.ErrorIs(t, err, syncer.ErrAuth)
	assert.Contains(t, err.Error(), "hubspot: ")

	// The secret never lands in the database.
	for _, k := range []string{workflow.KeyCRMConnector, workflow.KeyCRMURL, workflow.KeyCRMUser, workflow.KeyCRMDetailsField} {
		v, err := f.st.Setting(k)
		require.NoError(t, err)
		assert.NotContains(t, v, syncToken)
	}

	// SyncNow builds the connector from the settings.
	ids := f.addLeads(t, 4)
	sum, err := workflow.SyncNow(ctx, f.st, workflow.SyncOptions{Secret: syncToken, Timeout: 10 * time.Second})
	require.NoError(t, err)
	assert.Equal(t, 4, sum.Done)
	f.assertDeliveredOnce(t, ids)
}

// BenchmarkSyncFakeCRM measures leads per second into a fake HubSpot that
// answers after 20 ms, one lead per request against batches of 100, and
// batches with several pushes in flight.
func BenchmarkSyncFakeCRM(b *testing.B) {
	const leads = 200
	for _, tc := range []struct {
		name           string
		batch, workers int
	}{
		{"one-by-one", 1, 1},
		{"batch-100", 100, 1},
		{"batch-25x4-workers", 25, 4},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var total time.Duration
			for range b.N {
				b.StopTimer()
				f := newSyncFixture(b)
				f.srv.Latency = 20 * time.Millisecond
				f.addLeads(b, leads)
				c, err := hubspot.New(hubspot.Config{BaseURL: f.srv.URL, Token: syncToken})
				require.NoError(b, err)
				opt := workflow.SyncOptions{Connector: c, Batch: tc.batch, Workers: tc.workers, Timeout: time.Hour}
				b.StartTimer()
				start := time.Now()
				sum, err := workflow.SyncNow(context.Background(), f.st, opt)
				total += time.Since(start)
				b.StopTimer()
				require.NoError(b, err)
				require.Equal(b, leads, sum.Done)
				f.srv.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(leads*b.N)/total.Seconds(), "leads/s")
		})
	}
}

func TestSyncBackgroundAndOnDemandTogetherPushEachLeadOnce(t *testing.T) {
	f := newSyncFixture(t)
	ids := f.addLeads(t, 120)
	// Real clock: leases must hold while both relays claim.
	c, err := hubspot.New(hubspot.Config{BaseURL: f.srv.URL, Token: syncToken})
	require.NoError(t, err)
	bg, err := workflow.NewRelay(f.st, workflow.SyncOptions{Connector: c, Batch: 10})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- bg.Run(ctx) }()
	sum, err := workflow.SyncNow(context.Background(), f.st, workflow.SyncOptions{Connector: c, Batch: 10, Workers: 2, Timeout: time.Minute})
	require.NoError(t, err)
	cancel()
	require.NoError(t, <-done)
	assert.Zero(t, sum.Pending)
	f.assertDeliveredOnce(t, ids)
	for email, contact := range f.srv.Contacts() {
		assert.Equal(t, 1, contact.Writes, "%s pushed once", email)
	}
}

func TestSyncNowWithEachConnectorFromSettings(t *testing.T) {
	const key = "webhook-key"
	var (
		mu   sync.Mutex
		seen = map[string]int{}
	)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !webhook.Verify(key, body, r.Header.Get(webhook.HeaderSignature)) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		mu.Lock()
		seen[r.Header.Get(webhook.HeaderIdempotencyKey)]++
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hook.Close()
	sf := salesforcetest.New("sf-token", "Leadcap_Lead_ID__c")
	defer sf.Close()

	for _, tc := range []struct {
		cs     workflow.CRMSettings
		secret string
		check  func(t *testing.T, ids []uuid.UUID)
	}{
		{workflow.CRMSettings{Connector: "webhook", URL: hook.URL}, key, func(t *testing.T, ids []uuid.UUID) {
			mu.Lock()
			defer mu.Unlock()
			for _, id := range ids {
				assert.Equal(t, 1, seen[id.String()+":1"], "lead %s", id)
			}
		}},
		{workflow.CRMSettings{Connector: "salesforce", URL: sf.URL, APIVersion: "v61.0"}, "sf-token", func(t *testing.T, ids []uuid.UUID) {
			leads := sf.Leads()
			assert.Len(t, leads, len(ids))
			for _, id := range ids {
				assert.Equal(t, "Beispiel GmbH", leads[id.String()]["Company"])
			}
		}},
	} {
		t.Run(tc.cs.Connector, func(t *testing.T) {
			f := newSyncFixture(t)
			require.NoError(t, workflow.SaveCRM(f.st, tc.cs))
			require.NoError(t, workflow.TestCRM(context.Background(), f.st, tc.secret, 5*time.Second))
			ids := f.addLeads(t, 5)
			sum, err := workflow.SyncNow(context.Background(), f.st, workflow.SyncOptions{Secret: tc.secret, Timeout: 30 * time.Second})
			require.NoError(t, err)
			assert.Equal(t, syncer.Summary{Done: 5, Elapsed: sum.Elapsed}, sum)
			tc.check(t, ids)
		})
	}

	// Tryton is built from its settings too (its integration tests need a
	// server; here only the wiring).
	c, _, err := workflow.NewConnector(workflow.CRMSettings{Connector: "tryton", URL: "http://127.0.0.1:8000/", Database: "leadcap", User: "admin"}, "pw")
	require.NoError(t, err)
	assert.Equal(t, "tryton", c.Name())
}

func TestSyncNowRecordsTheLastSuccessfulSync(t *testing.T) {
	const key = "webhook-key"
	var (
		mu    sync.Mutex
		down  bool
		posts int
	)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		posts++
		switch {
		case !webhook.Verify(key, body, r.Header.Get(webhook.HeaderSignature)):
			w.WriteHeader(http.StatusUnauthorized)
		case down:
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	}))
	defer hook.Close()
	f := newSyncFixture(t)
	require.NoError(t, workflow.SaveCRM(f.st, workflow.CRMSettings{Connector: "webhook", URL: hook.URL}))
	assert.True(t, workflow.LastSynced(f.st).IsZero(), "never synced")

	at := time.Date(2026, 4, 21, 17, 30, 0, 0, time.FixedZone("CEST", 2*60*60))
	opt := workflow.SyncOptions{Secret: key, Timeout: time.Minute, Now: func() time.Time { return at },
		Relay: syncer.Options{Now: f.clock.Now, Sleep: f.clock.Sleep}}
	ctx := context.Background()

	// Nothing pending: nothing delivered, nothing recorded.
	sum, err := workflow.SyncNow(ctx, f.st, opt)
	require.NoError(t, err)
	assert.Zero(t, sum.Done)
	assert.True(t, workflow.LastSynced(f.st).IsZero(), "a sync that delivered nothing is not recorded")

	ids := f.addLeads(t, 3)
	sum, err = workflow.SyncNow(ctx, f.st, opt)
	require.NoError(t, err)
	assert.Equal(t, 3, sum.Done)
	assert.True(t, at.Equal(workflow.LastSynced(f.st)), "last sync %s, want %s", workflow.LastSynced(f.st), at)
	v, err := f.st.Setting(workflow.SettingLastSync)
	require.NoError(t, err)
	assert.Equal(t, "2026-04-21T15:30:00Z", v, "stored in UTC")

	// The CRM goes down: a failed sync keeps the time of the last good one.
	mu.Lock()
	down = true
	before := posts
	mu.Unlock()
	_, err = f.st.UpdateLead(ids[0], func(l *lead.Lead) error {
		_, err := l.AddNote("Call back in May", "jan", f.clock.Now(), time.Time{})
		return err
	})
	require.NoError(t, err)
	later := opt
	later.Now = func() time.Time { return at.Add(time.Hour) }
	sum, err = workflow.SyncNow(ctx, f.st, later)
	require.ErrorIs(t, err, syncer.ErrOffline)
	assert.Zero(t, sum.Done)
	assert.Equal(t, 1, sum.Pending)
	mu.Lock()
	assert.Greater(t, posts, before, "the sync did try the CRM")
	mu.Unlock()
	assert.True(t, at.Equal(workflow.LastSynced(f.st)), "last sync %s, want %s", workflow.LastSynced(f.st), at)

	// RecordSynced is what the app's background relay calls.
	recordAt := at.Add(2 * time.Hour)
	workflow.RecordSynced(f.st, recordAt)
	assert.True(t, recordAt.Equal(workflow.LastSynced(f.st)))
}

// TestSyncNowRemembersTheCRMsRetryAfter: a Retry-After the CRM sent in one
// sync holds the next one too, also in another process (the store keeps
// it), while a lead's own backoff does not hold a sync a person asked for.
func TestSyncNowRemembersTheCRMsRetryAfter(t *testing.T) {
	f := newSyncFixture(t)
	ids := f.addLeads(t, 3)
	f.srv.Fail(hubspottest.Fault{Status: 429, Policy: "DAILY", RetryAfter: "600"})
	opt := f.options(f.connector(t, syncToken))
	opt.Timeout = time.Minute
	sum, err := workflow.SyncNow(context.Background(), f.st, opt)
	require.NoError(t, err)
	assert.Equal(t, 3, sum.Pending)
	assert.Equal(t, 1, f.srv.Requests)
	v, err := f.st.Setting(workflow.SettingRetryAfter)
	require.NoError(t, err)
	until, err := time.Parse(time.RFC3339, v)
	require.NoError(t, err)
	assert.Equal(t, f.clock.Now().Add(10*time.Minute), until)

	// A new relay, as the next 'leadcap sync' builds it: nothing is sent
	// while the Retry-After lasts.
	sum, err = workflow.SyncNow(context.Background(), f.st, opt)
	require.NoError(t, err)
	assert.Equal(t, 3, sum.Pending)
	assert.Equal(t, 1, f.srv.Requests, "a request before the CRM's Retry-After")

	// Once it has passed, everything goes in that same sync.
	opt.Timeout = 15 * time.Minute
	sum, err = workflow.SyncNow(context.Background(), f.st, opt)
	require.NoError(t, err)
	assert.Zero(t, sum.Pending)
	assert.False(t, f.clock.Now().Before(until))
	f.assertDeliveredOnce(t, ids)
}

// TestSyncNowDoesNotWaitForBackoff: leads the background relay scheduled
// for much later (their backoff after failures) go out at once when a
// person syncs.
func TestSyncNowDoesNotWaitForBackoff(t *testing.T) {
	f := newSyncFixture(t)
	ids := f.addLeads(t, 4)
	for i, id := range ids {
		require.NoError(t, f.st.MarkFailed(id, 1, "HubSpot: 502", f.clock.Now().Add(time.Duration(i+5)*time.Minute)))
	}
	start := f.clock.Now()
	opt := f.options(f.connector(t, syncToken))
	opt.Timeout = time.Minute
	sum, err := workflow.SyncNow(context.Background(), f.st, opt)
	require.NoError(t, err)
	assert.Equal(t, 4, sum.Done)
	assert.Equal(t, start, f.clock.Now(), "no wait at all")
	f.assertDeliveredOnce(t, ids)
}
