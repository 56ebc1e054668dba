package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
	"leadcap/storage"
	"leadcap/syncer"
	"leadcap/syncer/webhook"
	"leadcap/workflow"
)

// hookSecret is the webhook's signing key in these tests.
const hookSecret = "s3cr3t-hook-key-4711"

// crmHook is a webhook receiver as docs/webhook.md describes it: it checks
// the signature, answers a ping, keeps the highest version per lead and
// refuses the leads it is told to refuse with a 422 and a reason.
type crmHook struct {
	srv *httptest.Server

	mu     sync.Mutex
	leads  map[uuid.UUID]int64
	refuse map[uuid.UUID]string
	pings  int
}

func newCRMHook(t *testing.T) *crmHook {
	t.Helper()
	h := &crmHook{leads: map[uuid.UUID]int64{}, refuse: map[uuid.UUID]string{}}
	h.srv = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *crmHook) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if !webhook.Verify(hookSecret, body, r.Header.Get(webhook.HeaderSignature)) {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error":"bad signature"}`)
		return
	}
	var doc webhook.Document
	if err := json.Unmarshal(body, &doc); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if doc.Type == "ping" {
		h.pings++
		w.WriteHeader(http.StatusOK)
		return
	}
	if reason, ok := h.refuse[doc.LeadID]; ok {
		w.WriteHeader(http.StatusUnprocessableEntity)
		fmt.Fprintf(w, `{"error":%q}`, reason)
		return
	}
	h.leads[doc.LeadID] = max(h.leads[doc.LeadID], doc.Version)
	fmt.Fprintf(w, `{"id":"crm-%s"}`, doc.LeadID.String()[:8])
}

func (h *crmHook) received() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.leads)
}

// selectTab selects the tab with the given (desktop) title. A phone names
// its tabs shorter (see tabName), so the tab is found by its screen.
func selectTab(t *testing.T, u *UI, title string) {
	t.Helper()
	if !u.ShowTab(strings.ToLower(title)) {
		t.Fatalf("no tab %q", title)
	}
	if !fyne.CurrentDevice().IsMobile() {
		require.Equal(t, title, u.tabs.Selected().Text)
	}
}

// setUpWebhook fills in the Settings screen for the webhook at url by
// typing into its widgets, and saves.
func setUpWebhook(t *testing.T, u *UI, url string) {
	t.Helper()
	s := u.office.settings
	selectTab(t, u, "Settings")
	s.connector.SetSelected("Webhook")
	s.url.SetText("")
	test.Type(s.url, url)
	s.secret.SetText("")
	test.Type(s.secret, hookSecret)
	test.Tap(s.save)
	require.Equal(t, "Saved.", s.message.Text)
}

// someLeads stores n leads at one event, with German, French and English
// names.
func someLeads(t *testing.T, st *storage.Store, n int) []lead.Lead {
	t.Helper()
	ev := addEvent(t, st, "Hannover Messe", "DE")
	names := [][2]string{{"Jürgen", "Müller"}, {"Amélie", "Dubois"}, {"Oliver", "Smith"}, {"Søren", "Weiß"}}
	var out []lead.Lead
	for i := range n {
		nm := names[i%len(names)]
		out = append(out, addLead(t, st, ev, i, nm[0], nm[1], "Firma "+nm[1], fmt.Sprintf("lead%d@example.de", i)))
	}
	return out
}

func TestSyncNowDeliversEveryLeadWithProgress(t *testing.T) {
	st := newStore(t)
	someLeads(t, st, 25)
	hook := newCRMHook(t)
	u := newTestUI(t, st)
	setUpWebhook(t, u, hook.srv.URL)
	s := u.office.sync
	selectTab(t, u, "Sync")
	assert.Equal(t, "25 leads waiting to be sent · 0 refused by the CRM · 0 synced", s.counts.Text)
	assert.Equal(t, "No sync has delivered leads yet.", s.last.Text)

	test.Tap(s.syncNow)

	assert.Equal(t, "25 of 25", s.bar.TextFormatter())
	v, err := s.value.Get()
	require.NoError(t, err)
	assert.InDelta(t, 1.0, v, 1e-9)
	assert.True(t, s.bar.Visible())
	assert.False(t, s.activity.Visible(), "the total is known: the bar replaces the activity")
	assert.Equal(t, "Synced 25, failed 0, refused 0, still waiting 0.", s.result.Text)
	assert.Equal(t, widget.SuccessImportance, s.result.Importance)
	assert.Equal(t, "0 leads waiting to be sent · 0 refused by the CRM · 25 synced", s.counts.Text)
	assert.Equal(t, "Last successful sync: 2026-11-27 11:31", s.last.Text)
	assert.True(t, s.syncNow.Disabled(), "nothing left to send")

	stats, err := st.Stats()
	require.NoError(t, err)
	assert.Equal(t, 25, stats.BySync[storage.SyncSynced])
	assert.Zero(t, stats.OutboxPending)
	assert.Equal(t, 25, hook.received())
}

func TestRefusedLeadShowsTheReasonAndRetries(t *testing.T) {
	st := newStore(t)
	leads := someLeads(t, st, 3)
	hook := newCRMHook(t)
	hook.refuse[leads[1].ID] = "company size is required"
	u := newTestUI(t, st)
	setUpWebhook(t, u, hook.srv.URL)
	s := u.office.sync
	selectTab(t, u, "Sync")

	test.Tap(s.syncNow)
	assert.Equal(t, "2 of 3", s.bar.TextFormatter(), "the bar tells the truth: one lead did not arrive")
	assert.Equal(t, "Synced 2, failed 0, refused 1, still waiting 0.", s.result.Text)
	assert.Equal(t, widget.WarningImportance, s.result.Importance)
	assert.Equal(t, []string{
		"Amélie Dubois — Firma Dubois | Rejected | The CRM refused this lead: webhook: 422 company size is required | Open lead, Retry",
	}, problemTexts(s))
	assert.True(t, s.retryAll.Visible())
	assert.False(t, s.noProblems.Visible())
	dead, err := st.DeadLetters()
	require.NoError(t, err)
	require.Len(t, dead, 1)
	assert.Equal(t, leads[1].ID, dead[0].LeadID)

	// The CRM's admin drops the rule; the lead is sent again.
	hook.mu.Lock()
	delete(hook.refuse, leads[1].ID)
	hook.mu.Unlock()
	test.Tap(problemButton(t, s, "Retry"))

	assert.Equal(t, "1 of 1", s.bar.TextFormatter())
	assert.Equal(t, "Synced 1, failed 0, refused 0, still waiting 0.", s.result.Text)
	assert.Empty(t, problemTexts(s))
	assert.True(t, s.noProblems.Visible())
	assert.False(t, s.retryAll.Visible())
	info, err := st.SyncInfo(leads[1].ID)
	require.NoError(t, err)
	assert.Equal(t, storage.SyncSynced, info.Status)
	assert.Equal(t, 3, hook.received())
}

func TestSyncScreenFollowsTheCRMComingOnline(t *testing.T) {
	st := newStore(t)
	someLeads(t, st, 2)
	hook := newCRMHook(t)
	u := newTestUI(t, st)
	s := u.office.sync
	chip := s.chip
	assert.Equal(t, "No CRM is set up: choose one in Settings.", s.status.Text)
	assert.True(t, s.syncNow.Disabled(), "without a CRM there is nowhere to send the leads")
	assert.Equal(t, "No CRM · 2 waiting", chip.text)

	// A sync started anyway (a retry) says what to do, in red.
	s.startSync()
	assert.Equal(t, "No CRM is set up: choose one in Settings.", s.result.Text)
	assert.Equal(t, widget.DangerImportance, s.result.Importance)
	assert.False(t, s.bar.Visible(), "nothing was sent: no 0 of 0 bar")

	setUpWebhook(t, u, hook.srv.URL)
	assert.Equal(t, "Not connected yet", s.status.Text)
	assert.Empty(t, s.result.Text, "what the sync without a CRM said no longer applies")
	assert.False(t, s.syncNow.Disabled())

	u.office.onStatus(syncer.Status{Online: true})
	assert.Equal(t, "Online: leads are sent to the CRM as they are saved.", s.status.Text)
	assert.Equal(t, "Online · 2 waiting", chip.text)
	test.Tap(chip)
	assert.Same(t, s.content, u.tabs.Selected().Content, "the chip opens the Sync screen")

	test.Tap(s.syncNow)
	assert.Equal(t, "Online · all synced", chip.text)
	u.office.onStatus(syncer.Status{Err: syncer.ErrOffline})
	assert.Equal(t, "Offline · 0 waiting", chip.text)

	// A certificate or a redirect is not "offline": it says what to fix.
	u.office.onStatus(syncer.Status{Err: fmt.Errorf("webhook: %w", syncer.ErrCertificate)})
	assert.Contains(t, s.status.Text, "certificate was not accepted (not a network problem)")
	u.office.onStatus(syncer.Status{Err: fmt.Errorf("webhook: %w", syncer.ErrRedirect)})
	assert.Contains(t, s.status.Text, "redirects elsewhere, so nothing was sent")
}

func TestSyncNowShowsLiveProgress(t *testing.T) {
	st := newStore(t)
	someLeads(t, st, 12)
	hook := newCRMHook(t)
	test.NewTempApp(t)
	// Every change the sync applies to the screen is recorded as it
	// happens, as a person would see it.
	var u *UI
	var seen []string
	do := func(f func()) {
		f()
		if u != nil && u.office.sync.running {
			seen = append(seen, u.office.sync.result.Text+" | "+u.office.sync.counts.Text)
		}
	}
	u = New(fyne.CurrentApp(), st, Options{Staff: "Anna", Now: (&clock{t: t0}).now, run: inline, do: do})
	t.Cleanup(u.win.Close)
	setUpWebhook(t, u, hook.srv.URL)
	s := u.office.sync
	s.meter.every = 0 // show every step
	test.Tap(s.syncNow)

	require.NotEmpty(t, seen)
	assert.Contains(t, seen, "Sending leads to the CRM… | 6 leads waiting to be sent · 0 refused by the CRM · 6 synced", "half way")
	assert.Equal(t, "Synced 12, failed 0, refused 0, still waiting 0.", s.result.Text)
	assert.Equal(t, "0 leads waiting to be sent · 0 refused by the CRM · 12 synced", s.counts.Text)
}

func TestSyncScreenListsFailedAndRefusedLeads(t *testing.T) {
	st := newStore(t)
	leads := someLeads(t, st, 4)
	now := t0.Add(3 * time.Hour)
	claimed, err := st.ClaimDue(now, 2, time.Minute)
	require.NoError(t, err)
	require.Len(t, claimed, 2)
	require.NoError(t, st.MarkDead(leads[0].ID, 1, "LastName is required"))
	require.NoError(t, st.MarkFailed(leads[1].ID, 1, "webhook: 503 Service Unavailable", now.Add(5*time.Minute)))
	require.NoError(t, st.SetSetting(workflow.SettingLastSync, t0.Add(-24*time.Hour).Format(time.RFC3339)))
	u := newTestUI(t, st)
	s := u.office.sync
	selectTab(t, u, "Sync")

	assert.Equal(t, "3 leads waiting to be sent · 1 refused by the CRM · 0 synced", s.counts.Text)
	assert.Equal(t, "Last successful sync: 2026-11-26 09:30", s.last.Text)
	assert.Equal(t, []string{
		"Jürgen Müller — Firma Müller | Rejected | The CRM refused this lead: LastName is required | Open lead, Retry",
		"Amélie Dubois — Firma Dubois | Failed | Failed once, next try 12:35: webhook: 503 Service Unavailable",
	}, problemTexts(s))
	test.AssertRendersToMarkup(t, golden("sync.xml"), u.win.Canvas())

	test.Tap(problemButton(t, s, "Open lead"))
	assert.Same(t, u.leadsTab, u.tabs.Selected(), "opening a refused lead shows it on the Leads tab to fix it")
	require.NotNil(t, u.lead)
	assert.Equal(t, leads[0].ID, u.lead.id)
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 312: "312", 1234567: "1,234,567", -4200: "-4,200"} {
		assert.Equal(t, want, thousands(n), n)
	}
}

func TestMeterThrottlesButAlwaysShowsTheEnd(t *testing.T) {
	test.NewTempApp(t)
	st := newStore(t)
	u := newTestUI(t, st)
	m := u.office.sync.meter
	m.every = time.Hour // nothing but the first and the final snapshot gets through
	m.reset()
	shown, first := m.report(fakeProgress(1, 1000), false)
	assert.True(t, shown)
	assert.True(t, first, "the first known total switches to the bar")
	for i := 2; i < 1000; i++ {
		shown, first = m.report(fakeProgress(i, 1000), false)
		assert.False(t, shown)
		assert.False(t, first)
	}
	assert.Equal(t, "1 of 1,000", m.text())
	m.report(fakeProgress(1000, 1000), true)
	assert.Equal(t, "1,000 of 1,000", m.text())
}

// problemTexts is what the problem rows say: name, badge, reason and
// buttons.
func problemTexts(s *syncScreen) []string {
	var out []string
	for _, o := range s.problems.Objects {
		row, ok := o.(*fyne.Container)
		if !ok {
			continue
		}
		var parts, buttons []string
		walkObjects(row, func(o fyne.CanvasObject) {
			switch x := o.(type) {
			case *widget.Label:
				parts = append(parts, x.Text)
			case *badge:
				parts = append(parts, x.text)
			case *widget.Button:
				buttons = append(buttons, x.Text)
			}
		})
		if len(buttons) > 0 {
			parts = append(parts, strings.Join(buttons, ", "))
		}
		out = append(out, strings.Join(parts, " | "))
	}
	return out
}

// problemButton is the first button with that text in the problem rows.
func problemButton(t *testing.T, s *syncScreen, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	walkObjects(s.problems, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text && found == nil {
			found = b
		}
	})
	require.NotNil(t, found, "no %q button", text)
	return found
}

// walkObjects visits o and the objects in its containers, in order.
func walkObjects(o fyne.CanvasObject, visit func(fyne.CanvasObject)) {
	walkTree(o, func(o fyne.CanvasObject) bool { visit(o); return isContainer(o) })
}

func fakeProgress(done, total int) syncer.Progress { return syncer.Progress{Done: done, Total: total} }

func TestLastSyncOfTheCommandLineIsShown(t *testing.T) {
	st := newStore(t)
	someLeads(t, st, 2)
	hook := newCRMHook(t)
	// `leadcap crm set webhook` and `leadcap sync`, as the command line runs them.
	require.NoError(t, workflow.SaveCRM(st, workflow.CRMSettings{Connector: "webhook", URL: hook.srv.URL}))
	at := t0.Add(5 * time.Hour)
	sum, err := workflow.SyncNow(context.Background(), st, workflow.SyncOptions{Secret: hookSecret, Timeout: 10 * time.Second, Now: func() time.Time { return at }})
	require.NoError(t, err)
	require.Equal(t, 2, sum.Done)
	u := newTestUI(t, st)
	assert.Equal(t, "Last successful sync: "+at.Local().Format("2006-01-02 15:04"), u.office.sync.last.Text)
}

func TestLeadsListFollowsTheBackgroundSync(t *testing.T) {
	st := newStore(t)
	someLeads(t, st, 6)
	hook := newCRMHook(t)
	require.NoError(t, workflow.SaveCRM(st, workflow.CRMSettings{Connector: "webhook", URL: hook.srv.URL}))
	u := newTestUI(t, st)
	assert.Equal(t, "6 leads · 0 prospects · 6 not synced", u.leads.counts.Text)

	// The background relay reports to the office as it delivers.
	sum, err := workflow.SyncNow(context.Background(), st, workflow.SyncOptions{Secret: hookSecret, Timeout: 10 * time.Second, OnProgress: u.office.onRelayProgress})
	require.NoError(t, err)
	require.Equal(t, 6, sum.Done)
	assert.Equal(t, "6 leads · 0 prospects · 0 not synced", u.leads.counts.Text)
	for _, r := range rowsOf(t, u) {
		assert.Equal(t, "Synced", r.sync.text)
	}
	assert.Equal(t, "0 leads waiting to be sent · 0 refused by the CRM · 6 synced", u.office.sync.counts.Text)
}
