package main_test

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
	"leadcap/storage"
	"leadcap/syncer/hubspot/hubspottest"
	"leadcap/syncer/salesforce/salesforcetest"
	"leadcap/syncer/webhook"
)

// newSalesforceEnv is a crmEnv whose CRM is a fake Salesforce org that
// accepts token; the org closes with the test.
func newSalesforceEnv(t *testing.T, token string) (*crmEnv, *salesforcetest.Server) {
	t.Helper()
	sf := salesforcetest.New(token, "Leadcap_Lead_ID__c")
	t.Cleanup(sf.Close)
	e := newCRMEnv(t, token)
	e.okCRM("crm", "set", "salesforce", "--url", sf.URL, "--rate", "50")
	return e, sf
}

// crmEnv is an env whose commands see LEADCAP_CRM_SECRET=secret.
type crmEnv struct {
	*env
	secret string
}

func newCRMEnv(t *testing.T, secret string) *crmEnv { return &crmEnv{env: newEnv(t), secret: secret} }

// with runs leadcap --db <db> args with the secret given (may be empty).
func (e *crmEnv) with(secret string, args ...string) result {
	e.t.Helper()
	return e.runEnv("", []string{"LEADCAP_CRM_SECRET=" + secret}, args...)
}

// sync runs a command with the env's secret and returns its result.
func (e *crmEnv) sync(args ...string) result {
	e.t.Helper()
	return e.with(e.secret, args...)
}

// okCRM runs a command with the env's secret that must succeed.
func (e *crmEnv) okCRM(args ...string) string {
	e.t.Helper()
	r := e.sync(args...)
	require.Equal(e.t, 0, r.code, "leadcap %v: stdout %q stderr %q", args, r.stdout, r.stderr)
	assert.Empty(e.t, r.stderr, "leadcap %v writes nothing to stderr on success", args)
	return r.stdout
}

// failsCRM runs a command with secret that must exit with code 1 and one
// line on stderr containing every want; the secret never shows.
func (e *crmEnv) failsCRM(secret string, args []string, want ...string) result {
	e.t.Helper()
	r := e.with(secret, args...)
	require.Equal(e.t, 1, r.code, "leadcap %v: stdout %q stderr %q", args, r.stdout, r.stderr)
	assert.Equal(e.t, 1, strings.Count(strings.TrimSpace(r.stderr), "\n")+1, "one line on stderr: %q", r.stderr)
	assert.True(e.t, strings.HasPrefix(r.stderr, "leadcap: "), "stderr %q", r.stderr)
	for _, w := range want {
		assert.Contains(e.t, r.stderr, w, "leadcap %v", args)
	}
	if secret != "" {
		assert.NotContains(e.t, r.stdout+r.stderr, secret, "the secret is never printed")
	}
	return r
}

// assertSecretNotStored greps the bbolt file's bytes for the secret.
func (e *crmEnv) assertSecretNotStored() {
	e.t.Helper()
	data, err := os.ReadFile(e.db)
	require.NoError(e.t, err)
	require.NotEmpty(e.t, data)
	assert.False(e.t, bytes.Contains(data, []byte(e.secret)), "the secret is in the database file")
	assert.False(e.t, bytes.Contains(data, []byte(base64.StdEncoding.EncodeToString([]byte(e.secret)))), "the secret is in the database file, base64-encoded")
}

// seed adds n leads to the active event (created if needed) in one go
// through the store, as a day at the booth would, and returns their IDs in
// capture order. fn may change each lead before it is saved.
func (e *crmEnv) seed(n int, fn func(i int, l *lead.Lead)) []uuid.UUID {
	e.t.Helper()
	s, err := storage.Open(e.db, nil)
	require.NoError(e.t, err)
	defer func() { require.NoError(e.t, s.Close()) }()
	ev, err := s.ActiveEvent()
	if errors.Is(err, storage.ErrNoActiveEvent) {
		ev = lead.Event{Name: "Hannover Messe 2026", Country: "DE", City: "Hannover"}
		require.NoError(e.t, s.CreateEvent(&ev))
		require.NoError(e.t, s.SetActiveEvent(ev.ID))
	} else {
		require.NoError(e.t, err)
	}
	tag := uuid.NewString()[:8]
	ids := make([]uuid.UUID, n)
	for i := range n {
		l := lead.New(ev.ID, lead.MethodManual, time.Now())
		l.Contact = lead.Contact{GivenName: "Test", FamilyName: fmt.Sprintf("Person %d", i), Organization: "Sync Test GmbH",
			Emails: []string{fmt.Sprintf("lead-%s-%03d@example.com", tag, i)}}
		if fn != nil {
			fn(i, l)
		}
		require.NoError(e.t, s.AddLead(l))
		ids[i] = l.ID
	}
	return ids
}

// store opens the database for a look after the commands ran.
func (e *crmEnv) store() *storage.Store {
	e.t.Helper()
	s, err := storage.Open(e.db, nil)
	require.NoError(e.t, err)
	e.t.Cleanup(func() { s.Close() })
	return s
}

// lastLine returns the last line of out.
func lastLine(out string) string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	return lines[len(lines)-1]
}

// webhookFake is a receiver that follows docs/webhook.md: it verifies the
// signature, answers pings, keeps one record per lead with the highest
// version, and answers 409 to an Idempotency-Key it has processed.
type webhookFake struct {
	*httptest.Server
	secret string
	// delay holds every lead request this long before it is processed;
	// the processing happens even when the client is gone (the CRM
	// committed, the reply was lost).
	delay time.Duration
	// arrived receives a value, without blocking, when a lead request
	// arrives.
	arrived chan struct{}

	mu       sync.Mutex
	idle     *sync.Cond
	inflight int
	// refuse, when set, returns the reason to refuse a document with 422.
	refuse   func(d *webhook.Document) string
	records  map[uuid.UUID]*whRecord // one per lead: the receiver dedupes by lead ID
	keys     map[string]int          // Idempotency-Key -> requests received
	applied  map[string]int          // Idempotency-Key -> times it changed a record
	creates  map[uuid.UUID]int       // lead ID -> records created
	replays  int                     // requests answered 409
	pings    int
	badSigs  int
	nextID   int
	requests int
}

type whRecord struct {
	ID      string
	Version int64
	Stage   lead.Stage
	Notes   int
}

func newWebhookFake(t *testing.T, secret string) *webhookFake {
	f := &webhookFake{secret: secret, arrived: make(chan struct{}, 10000),
		records: map[uuid.UUID]*whRecord{}, keys: map[string]int{}, applied: map[string]int{}, creates: map[uuid.UUID]int{}}
	f.idle = sync.NewCond(&f.mu)
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func whReply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v)
	}
}

// set changes the fake's behaviour (refuse, delay) under its lock: the
// server may be running, and a request from a leadcap process is no
// synchronisation the race detector can see.
func (f *webhookFake) set(change func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change()
}

func (f *webhookFake) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	if !webhook.Verify(f.secret, body, r.Header.Get(webhook.HeaderSignature)) {
		f.mu.Lock()
		f.badSigs++
		f.mu.Unlock()
		whReply(w, http.StatusUnauthorized, map[string]string{"error": "bad signature"})
		return
	}
	var d webhook.Document
	if err := json.Unmarshal(body, &d); err != nil {
		whReply(w, http.StatusBadRequest, map[string]string{"error": "not a leadcap document: " + err.Error()})
		return
	}
	if d.Type == "ping" {
		f.mu.Lock()
		f.pings++
		f.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	f.mu.Lock()
	f.inflight++
	f.requests++
	delay := f.delay
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.inflight--
		f.idle.Broadcast()
		f.mu.Unlock()
	}()
	select {
	case f.arrived <- struct{}{}:
	default:
	}
	if delay > 0 {
		time.Sleep(delay) // the CRM's latency: fault injection, not a wait
	}
	key := r.Header.Get(webhook.HeaderIdempotencyKey)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.keys[key]++
	if key != fmt.Sprintf("%s:%d", d.LeadID, d.Version) {
		whReply(w, http.StatusBadRequest, map[string]string{"error": "Idempotency-Key " + key + " does not match the document"})
		return
	}
	if f.applied[key] > 0 {
		f.replays++
		whReply(w, http.StatusConflict, map[string]string{"error": "already received"})
		return
	}
	if f.refuse != nil {
		if reason := f.refuse(&d); reason != "" {
			whReply(w, http.StatusUnprocessableEntity, map[string]string{"error": reason})
			return
		}
	}
	rec := f.records[d.LeadID]
	if rec == nil {
		f.nextID++
		rec = &whRecord{ID: fmt.Sprintf("wh-%d", f.nextID)}
		f.records[d.LeadID] = rec
		f.creates[d.LeadID]++
	}
	if d.Version > rec.Version {
		rec.Version, rec.Stage, rec.Notes = d.Version, d.Stage, len(d.Lead.Notes)
	}
	f.applied[key]++
	whReply(w, http.StatusOK, map[string]string{"id": rec.ID})
}

// waitIdle returns when no lead request is being processed.
func (f *webhookFake) waitIdle() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for f.inflight > 0 {
		f.idle.Wait()
	}
}

// snapshot returns a copy of the records and the counters.
func (f *webhookFake) snapshot() (records map[uuid.UUID]whRecord, requests, replays, pings int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	records = map[uuid.UUID]whRecord{}
	for id, r := range f.records {
		records[id] = *r
	}
	return records, f.requests, f.replays, f.pings
}

func TestSyncHubSpotDeliversEveryLeadOnce(t *testing.T) {
	t.Parallel()
	const token = "pat-eu1-hubspot-sync-test-token"
	hs := hubspottest.New(token, "leadcap_lead_id")
	defer hs.Close()
	e := newCRMEnv(t, token)
	e.okCRM("crm", "set", "hubspot", "--url", hs.URL, "--rate", "50")
	ids := e.seed(250, nil)

	r := e.sync("sync")
	require.Equal(t, 0, r.code, "stdout %q stderr %q", r.stdout, r.stderr)
	assert.Empty(t, r.stderr)
	assert.Equal(t, "synced 250, failed 0, dead 0, pending 0\n", r.stdout, "not a terminal: no progress bar, just the final line")
	contacts := hs.Contacts()
	require.Len(t, contacts, 250)
	byLead := map[string]int{}
	for _, c := range contacts {
		byLead[c.Properties["leadcap_lead_id"]]++
		assert.Equal(t, 1, c.Writes)
		assert.Equal(t, "lead", c.Properties["lifecyclestage"])
	}
	for _, id := range ids {
		assert.Equal(t, 1, byLead[id.String()], "lead %s: one contact", id)
	}
	assert.Equal(t, 3, hs.Requests, "batches of at most 100")
	assert.Equal(t, 100, hs.MaxSeen)

	// Nothing due: nothing sent.
	assert.Equal(t, "synced 0, failed 0, dead 0, pending 0\n", e.okCRM("sync"))
	assert.Equal(t, 3, hs.Requests)

	// A later change updates the same contact.
	assert.Equal(t, "prospect\n", e.okCRM("qualify", ids[7].String(), "--fit", "yes", "--budget", "yes", "--authority", "yes", "--interest", "yes"))
	assert.Equal(t, "synced 1, failed 0, dead 0, pending 0\n", e.okCRM("sync", "--batch", "10"))
	contacts = hs.Contacts()
	assert.Len(t, contacts, 250)
	for _, c := range contacts {
		if c.Properties["leadcap_lead_id"] == ids[7].String() {
			assert.Equal(t, 2, c.Writes)
			assert.Equal(t, "salesqualifiedlead", c.Properties["lifecyclestage"])
		}
	}
	assert.Len(t, jsonLines(t, e.ok("list", "--json", "--sync", "synced")), 250)
	e.assertSecretNotStored()
}

func TestSyncSalesforceRefusalsGoToDeadLetters(t *testing.T) {
	t.Parallel()
	const token = "00D5g000004Sync!AQ4AQ.salesforce-test-token"
	e, sf := newSalesforceEnv(t, token)
	// Two leads were typed in a hurry: no company.
	ids := e.seed(12, func(i int, l *lead.Lead) {
		if i == 3 || i == 8 {
			l.Contact.Organization = ""
		}
	})

	r := e.sync("sync", "--batch", "5")
	require.Equal(t, 4, r.code, "stdout %q stderr %q", r.stdout, r.stderr)
	assert.Equal(t, "synced 10, failed 0, dead 2, pending 0\n", r.stdout)
	assert.Contains(t, r.stderr, "the CRM refused 2 lead(s)", "stderr %q", r.stderr)
	assert.Contains(t, r.stderr, "leadcap dead list")
	assert.Len(t, sf.Leads(), 10)

	dead := jsonLines(t, e.okCRM("dead", "list", "--json"))
	require.Len(t, dead, 2)
	got := []string{dead[0]["lead_id"].(string), dead[1]["lead_id"].(string)}
	sort.Strings(got)
	assert.Equal(t, []string{ids[3].String(), ids[8].String()}, got)
	for _, d := range dead {
		assert.Equal(t, []string{"at", "attempts", "lead_id", "reason", "version"}, keys(d))
		assert.Equal(t, float64(1), d["version"])
		assert.Equal(t, float64(1), d["attempts"])
		assert.Contains(t, d["reason"], "Salesforce requires a last name and a company for every lead, and this lead has no company")
		_, err := time.Parse(time.RFC3339, d["at"].(string))
		assert.NoError(t, err)
	}
	table := e.okCRM("dead", "list")
	assert.Regexp(t, `^LEAD ID\s+VERSION\s+ATTEMPTS\s+WHEN\s+REASON\n`, table)
	assert.Regexp(t, `(?m)^`+ids[3].String()+`\s+1\s+1\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+Salesforce requires a last name and a company for every lead, and this lead has no company: add the company to the lead, then retry it$`, table)
	assert.NotContains(t, table, "Person 3", "no names in the dead list")
	assert.NotContains(t, table, "@example.com", "no emails in the dead list")

	// Exit 4 again while they are dead, even with nothing to send.
	r = e.sync("sync")
	assert.Equal(t, 4, r.code)
	assert.Equal(t, "synced 0, failed 0, dead 2, pending 0\n", r.stdout)

	// Fix them in the back office: export, fill in the company, import.
	jsonl := e.okCRM("export", "--format", "jsonl")
	var fixed bytes.Buffer
	for _, line := range strings.Split(strings.TrimSpace(jsonl), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m))
		if m["id"] != ids[3].String() && m["id"] != ids[8].String() {
			continue
		}
		m["contact"].(map[string]any)["organization"] = "Fixed Later AG"
		m["version"] = m["version"].(float64) + 1
		b, err := json.Marshal(m)
		require.NoError(t, err)
		fixed.Write(append(b, '\n'))
	}
	require.NoError(t, os.WriteFile(filepath.Join(e.dir, "fixed.jsonl"), fixed.Bytes(), 0o644))
	assert.Equal(t, "created 0, merged 0, updated 2, unchanged 0\n", e.okCRM("import", "fixed.jsonl"))
	assert.Equal(t, "no dead leads: the CRM has refused none\n", e.okCRM("dead", "list"), "a changed lead is queued again by itself")
	assert.Equal(t, "no dead leads to retry\n", e.okCRM("dead", "retry", "--all"))

	assert.Equal(t, "synced 2, failed 0, dead 0, pending 0\n", e.okCRM("sync"))
	leads := sf.Leads()
	require.Len(t, leads, 12)
	assert.Equal(t, "Fixed Later AG", leads[ids[3].String()]["Company"])
	e.assertSecretNotStored()
}

func TestSyncWebhookDeadRetry(t *testing.T) {
	t.Parallel()
	const secret = "whsec-dead-retry-test"
	f := newWebhookFake(t, secret)
	// The receiver takes only leads with active consent (docs/webhook.md,
	// rule 6), and, until its admin adds the event, none from "Expo Nord".
	expoNordKnown := false
	f.refuse = func(d *webhook.Document) string {
		if d.Event != nil && d.Event.Name == "Expo Nord" && !expoNordKnown {
			return "unknown campaign Expo Nord: create it in the CRM first"
		}
		if d.Lead.Consent.Status != lead.ConsentActive {
			return "consent missing: record the person's consent before sending"
		}
		return ""
	}
	e := newCRMEnv(t, secret)
	e.okCRM("crm", "set", "webhook", "--url", f.URL, "--rate", "50")
	ids := e.seed(5, func(i int, l *lead.Lead) {
		if i != 2 {
			l.Consent = lead.Consent{Basis: lead.BasisConsent, Status: lead.ConsentActive, At: time.Now().UTC()}
		}
	})
	e.ok("event", "create", "--name", "Expo Nord", "--use")
	nord := id(t, e.ok("add", "--name", "Nils Nord", "--org", "Nord AS", "--email", "nils@nord.example"))
	e.ok("consent", nord, "--basis", "consent", "--status", "active")

	r := e.sync("sync")
	require.Equal(t, 4, r.code, "stdout %q stderr %q", r.stdout, r.stderr)
	assert.Equal(t, "synced 4, failed 0, dead 2, pending 0\n", r.stdout)
	table := e.okCRM("dead", "list")
	assert.Contains(t, table, ids[2].String())
	assert.Contains(t, table, "webhook: 422 consent missing: record the person's consent before sending")
	assert.Contains(t, table, nord)
	assert.Contains(t, table, "webhook: 422 unknown campaign Expo Nord: create it in the CRM first")

	// The lead is fixed with the CLI; the change queues it again.
	e.okCRM("consent", ids[2].String()[:23], "--basis", "consent", "--status", "active")
	dead := jsonLines(t, e.okCRM("dead", "list", "--json"))
	require.Len(t, dead, 1)
	assert.Equal(t, nord, dead[0]["lead_id"])

	// The CRM is fixed on its side: the lead itself did not change.
	f.mu.Lock()
	expoNordKnown = true
	f.mu.Unlock()
	e.failsCRM(secret, []string{"dead", "retry", ids[0].String()}, "is not dead", "leadcap dead list")
	assert.Equal(t, "queued lead "+nord+" again: run 'leadcap sync' to send it\n", e.okCRM("dead", "retry", nord[:23]))
	assert.Equal(t, "no dead leads to retry\n", e.okCRM("dead", "retry", "--all"))
	assert.Equal(t, "synced 2, failed 0, dead 0, pending 0\n", e.okCRM("sync"))

	// --all queues every dead lead.
	more := e.seed(3, nil) // no consent: refused
	r = e.sync("sync")
	require.Equal(t, 4, r.code)
	assert.Equal(t, "synced 0, failed 0, dead 3, pending 0\n", r.stdout)
	f.mu.Lock()
	f.refuse = nil // the receiver relaxes its rule
	f.mu.Unlock()
	assert.Equal(t, "queued 3 dead lead(s) again: run 'leadcap sync' to send them\n", e.okCRM("dead", "retry", "--all"))
	assert.Equal(t, "synced 3, failed 0, dead 0, pending 0\n", e.okCRM("sync"))

	records, _, _, _ := f.snapshot()
	require.Len(t, records, 9)
	for _, id := range append(ids, more...) {
		assert.Contains(t, records, id)
	}
	e.assertSecretNotStored()
}

func TestSyncCRMDownExits3(t *testing.T) {
	t.Parallel()
	const secret = "whsec-down-test"
	f := newWebhookFake(t, secret)
	url := f.URL
	f.Close() // the CRM is down: connections are refused
	e := newCRMEnv(t, secret)
	e.okCRM("crm", "set", "webhook", "--url", url)
	e.seed(7, nil)

	r := e.sync("sync", "--timeout", "1s")
	require.Equal(t, 3, r.code, "stdout %q stderr %q", r.stdout, r.stderr)
	assert.Equal(t, "synced 0, failed 0, dead 0, pending 7\n", r.stdout)
	assert.Equal(t, 1, strings.Count(r.stderr, "\n"), "one line on stderr: %q", r.stderr)
	assert.Contains(t, r.stderr, "the CRM cannot be reached")
	assert.Contains(t, r.stderr, "leads stay safe on this device")

	// A CRM that answers 503 to every lead: the leads fail, stay pending.
	const token = "pat-hubspot-503"
	hs := hubspottest.New(token, "leadcap_lead_id")
	defer hs.Close()
	faults := make([]hubspottest.Fault, 50)
	for i := range faults {
		faults[i] = hubspottest.Fault{Status: http.StatusServiceUnavailable, RetryAfter: "60"}
	}
	hs.Fail(faults...)
	e.secret = token
	e.okCRM("crm", "set", "hubspot", "--url", hs.URL, "--rate", "50")
	r = e.sync("sync", "--timeout", "2s")
	require.Equal(t, 3, r.code, "stdout %q stderr %q", r.stdout, r.stderr)
	assert.Equal(t, "synced 0, failed 7, dead 0, pending 7\n", r.stdout, "Retry-After 60 s is honoured: one attempt within 2 s")
	assert.Contains(t, r.stderr, "the CRM did not confirm every lead within --timeout 2s", "one sentence says why leads are left")
	assert.Contains(t, r.stderr, "stay safe on this device")
	assert.Equal(t, 1, hs.Requests)
	assert.Empty(t, hs.Contacts())
	for _, l := range jsonLines(t, e.ok("list", "--json")) {
		s := l["sync"].(map[string]any)
		assert.Equal(t, "failed", s["status"])
		assert.Equal(t, float64(1), s["attempts"])
		assert.Contains(t, s["last_error"], "503")
	}
}

func TestSyncSetUpErrors(t *testing.T) {
	t.Parallel()
	e := newCRMEnv(t, "whsec-setup")
	e.seed(2, nil)
	e.failsCRM("whsec-setup", []string{"sync"}, "no CRM is set up", "leadcap crm set")
	f := newWebhookFake(t, "whsec-setup")
	e.okCRM("crm", "set", "webhook", "--url", f.URL)
	e.failsCRM("", []string{"sync"}, "LEADCAP_CRM_SECRET is empty")

	r := e.with("wrong-secret", "sync")
	require.Equal(t, 1, r.code, "stdout %q stderr %q", r.stdout, r.stderr)
	assert.Equal(t, "synced 0, failed 0, dead 0, pending 2\n", r.stdout)
	assert.Equal(t, 1, strings.Count(r.stderr, "\n"), "one line on stderr: %q", r.stderr)
	assert.Contains(t, r.stderr, "webhook: 401 bad signature")
	assert.Contains(t, r.stderr, "check the token or password in LEADCAP_CRM_SECRET")
	assert.NotContains(t, r.stdout+r.stderr, "wrong-secret")
	_, requests, _, _ := f.snapshot()
	assert.Zero(t, requests, "no lead is sent with refused credentials")

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sync", "--timeout", "0s"}, "--timeout must be positive"},
		{[]string{"sync", "--timeout", "soon"}, "invalid value"},
		{[]string{"sync", "--batch", "-1"}, "--batch must be 0"},
		{[]string{"sync", "now"}, "too many arguments"},
		{[]string{"dead"}, "missing subcommand"},
		{[]string{"dead", "bury"}, `unknown subcommand "bury"`},
		{[]string{"dead", "retry"}, "give the ID of a dead lead"},
		{[]string{"dead", "retry", "01a21d2c", "--all"}, "not both"},
		{[]string{"dead", "list", "extra"}, "too many arguments"},
	} {
		r := e.run(tc.args...)
		assert.Equal(t, 2, r.code, "leadcap %v: %s", tc.args, r.stderr)
		assert.Contains(t, r.stderr, tc.want, "leadcap %v", tc.args)
	}
	e.fails(1, []string{"dead", "retry", "ffffffff"}, "no lead has the ID")
	assert.Equal(t, "no dead leads: the CRM has refused none\n", e.ok("dead", "list"))
	assert.Empty(t, e.ok("dead", "list", "--json"))
}

// TestSyncSurvivesSIGKILL is the crash test of the sync issue: "leadcap
// sync" processes are killed with SIGKILL while a batch is on its way to a
// slow CRM, and started again until one finishes. The booth keeps adding
// notes between the runs. In the end every lead is in the CRM once, with
// its latest version, and the store has nothing pending or dead.
func TestSyncSurvivesSIGKILL(t *testing.T) {
	t.Parallel() // every command runs in the binary (e.binary)
	const (
		leads  = 60
		kills  = 4
		secret = "whsec-crash-test"
	)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed>>1))

	f := newWebhookFake(t, secret)
	f.set(func() { f.delay = 100 * time.Millisecond })
	e := newCRMEnv(t, secret)
	e.binary = true
	e.okCRM("crm", "set", "webhook", "--url", f.URL, "--rate", "50")
	ids := e.seed(leads, nil)

	start := time.Now()
	rounds, killed, noted := 0, 0, 0
	var final result
	for {
		rounds++
		require.Less(t, rounds, 40, "the sync never finished")
		for len(f.arrived) > 0 {
			<-f.arrived
		}
		cmd := exec.Command(leadcapBinary(t), "--db", e.db, "sync", "--timeout", "4m", "--batch", "10")
		cmd.Env = append(os.Environ(), "LEADCAP_DB=", "LEADCAP_CRM_SECRET="+secret)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		require.NoError(t, cmd.Start())
		if killed < kills {
			// Kill while the k-th request of this run is held by the CRM:
			// mid-batch, after the CRM got the lead, before the reply.
			k := 1 + rng.IntN(12)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			arrivals := 0
			var waitErr error
			exited := false
			for !exited && arrivals < k {
				select {
				case <-f.arrived:
					arrivals++
				case waitErr = <-done:
					exited = true
				}
			}
			if !exited {
				require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
				waitErr = <-done
			}
			var ee *exec.ExitError
			if errors.As(waitErr, &ee) && ee.Sys().(syscall.WaitStatus).Signaled() {
				killed++
				t.Logf("round %d: killed after %d requests reached the CRM", rounds, arrivals)
			} else {
				t.Logf("round %d: the sync ended before the kill: %q", rounds, out.String())
			}
			// Requests the dead process left behind finish on the CRM side.
			f.waitIdle()
			// The booth keeps working: notes on two leads the CRM has not
			// seen yet (a seen one would be sent as a new version anyway).
			records, _, _, _ := f.snapshot()
			for _, i := range rng.Perm(leads) {
				if _, seen := records[ids[i]]; seen || noted >= 2*killed {
					continue
				}
				e.ok("note", ids[i].String(), "met again at the booth")
				noted++
			}
			continue
		}
		err := cmd.Wait()
		final = result{out.String(), errb.String(), 0}
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			final.code = ee.ExitCode()
		} else {
			require.NoError(t, err)
		}
		if final.code == 0 {
			break
		}
		require.Equal(t, 3, final.code, "round %d: stdout %q stderr %q", rounds, final.stdout, final.stderr)
	}
	took := time.Since(start)
	require.Equal(t, kills, killed, "every planned kill landed")
	assert.Regexp(t, `^synced \d+, failed 0, dead 0, pending 0$`, lastLine(final.stdout))

	s := e.store()
	records, requests, replays, _ := f.snapshot()
	require.Len(t, records, leads, "every lead reached the CRM")
	f.mu.Lock()
	defer f.mu.Unlock()
	twice := 0
	maxKeys := 0
	for _, id := range ids {
		l, err := s.Lead(id)
		require.NoError(t, err)
		rec := records[id]
		assert.Equal(t, l.Version, rec.Version, "lead %s: the CRM has its latest version", id)
		assert.Equal(t, len(l.Notes), rec.Notes, "lead %s: with its notes", id)
		assert.Equal(t, 1, f.creates[id], "lead %s: exactly one CRM record", id)
		n := 0
		for v := int64(1); v <= l.Version; v++ {
			key := fmt.Sprintf("%s:%d", id, v)
			if f.keys[key] > 0 {
				n++
			}
			if f.applied[key] > 1 {
				twice++
			}
		}
		assert.GreaterOrEqual(t, f.keys[fmt.Sprintf("%s:%d", id, l.Version)], 1, "lead %s: latest version delivered", id)
		maxKeys = max(maxKeys, n)
		info, err := s.SyncInfo(id)
		require.NoError(t, err)
		assert.Equal(t, storage.SyncSynced, info.Status, "lead %s", id)
		assert.Equal(t, l.Version, info.SyncedVersion, "lead %s", id)
	}
	assert.Zero(t, twice, "no Idempotency-Key processed twice")
	assert.GreaterOrEqual(t, replays, kills, "every kill left a committed lead whose reply was lost; its replay met 409")
	st, err := s.Stats()
	require.NoError(t, err)
	assert.Zero(t, st.OutboxPending)
	assert.Zero(t, st.Dead)
	t.Logf("%d rounds, %d SIGKILLs mid-batch, %d notes added between runs; %d leads delivered, one record each; "+
		"%d lead requests, %d replays answered 409 (lost replies), %d keys processed twice; at most %d versions sent per lead; %v",
		rounds, killed, noted, len(records), requests, replays, twice, maxKeys, took.Round(time.Second))
}

// trytonEnvironment reads LEADCAP_TRYTON_* from the environment, or else
// from the env file scripts/tryton.sh writes (LEADCAP_TRYTON_ENV, default
// <repo>/.cache/tryton/env), as syncer/tryton's tests do. It fails, not
// skips, when Tryton is not running: a run without Tryton is not green.
func trytonEnvironment(t *testing.T) (url, db, user, password string) {
	t.Helper()
	const notRunning = "Tryton is not running for the tests: run scripts/tryton.sh start (from the repository root), then run the tests again"
	vars := map[string]string{}
	path := os.Getenv("LEADCAP_TRYTON_ENV")
	if path == "" {
		wd, err := os.Getwd()
		require.NoError(t, err)
		path = filepath.Join(wd, "..", "..", ".cache", "tryton", "env") // cmd/leadcap -> repository root
	}
	if fh, err := os.Open(path); err == nil {
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			line := strings.TrimPrefix(strings.TrimSpace(sc.Text()), "export ")
			if k, v, ok := strings.Cut(line, "="); ok {
				vars[k] = strings.Trim(v, `"'`)
			}
		}
		fh.Close()
	}
	for _, k := range []string{"LEADCAP_TRYTON_URL", "LEADCAP_TRYTON_DB", "LEADCAP_TRYTON_USER", "LEADCAP_TRYTON_PASSWORD"} {
		if v := os.Getenv(k); v != "" {
			vars[k] = v
		}
		if vars[k] == "" {
			t.Fatalf("%s (%s is not set and %s has no value for it)", notRunning, k, path)
		}
	}
	url = vars["LEADCAP_TRYTON_URL"]
	hc := &http.Client{Timeout: 5 * time.Second}
	resp, err := hc.Post(url, "application/json", strings.NewReader(`{"id":0,"method":"common.server.version","params":[]}`))
	if err != nil {
		t.Fatalf("%s (%s does not answer: %v)", notRunning, url, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s (%s answered %s)", notRunning, url, resp.Status)
	}
	return url, vars["LEADCAP_TRYTON_DB"], vars["LEADCAP_TRYTON_USER"], vars["LEADCAP_TRYTON_PASSWORD"]
}

// TestSyncRealTryton runs crm set, crm test and sync against the Tryton
// that scripts/tryton.sh started.
func TestSyncRealTryton(t *testing.T) {
	t.Parallel()
	url, db, user, password := trytonEnvironment(t)
	cl := newTrytonRPC(t, url, db, user, password)
	e := newCRMEnv(t, password)
	out := e.okCRM("crm", "set", "tryton", "--url", url, "--database", db, "--user", user)
	assert.Contains(t, out, "CRM set to tryton")
	assert.Equal(t, "ok: tryton at "+url+" answers and accepts the credentials\n", e.okCRM("crm", "test"))
	e.failsCRM(password+"-wrong", []string{"crm", "test"}, "the CRM test failed", "Tryton refused the login", "LEADCAP_CRM_SECRET")

	ids := e.seed(4, func(i int, l *lead.Lead) {
		l.Contact.Organization = fmt.Sprintf("Tryton Sync Test %d", i)
	})
	e.ok("note", ids[1].String(), "wants a quote for 40 units")
	assert.Equal(t, "prospect\n", e.okCRM("qualify", ids[2].String(), "--fit", "yes", "--budget", "yes", "--authority", "yes", "--interest", "yes"))

	r := e.sync("sync", "--timeout", "90s")
	require.Equal(t, 0, r.code, "stdout %q stderr %q", r.stdout, r.stderr)
	assert.Equal(t, "synced 4, failed 0, dead 0, pending 0\n", r.stdout)
	for _, id := range ids {
		assert.Equal(t, 1, cl.count("party.party", []any{[]any{"code", "=", id.String()}}), "lead %s: one party", id)
		assert.Equal(t, 1, cl.count("sale.opportunity", []any{[]any{"reference", "=", id.String()}}), "lead %s: one opportunity", id)
	}
	assert.Equal(t, 1, cl.count("sale.opportunity",
		[]any{[]any{"reference", "=", ids[2].String()}, []any{"state", "=", "opportunity"}}), "a prospect is an opportunity")

	// A change updates the same records; a second sync sends nothing.
	e.ok("note", ids[0].String(), "called back")
	assert.Equal(t, "synced 1, failed 0, dead 0, pending 0\n", e.okCRM("sync"))
	assert.Equal(t, "synced 0, failed 0, dead 0, pending 0\n", e.okCRM("sync"))
	for _, id := range ids {
		assert.Equal(t, 1, cl.count("party.party", []any{[]any{"code", "=", id.String()}}), "lead %s: still one party", id)
		assert.Equal(t, 1, cl.count("sale.opportunity", []any{[]any{"reference", "=", id.String()}}), "lead %s: still one opportunity", id)
	}
	e.assertSecretNotStored()
}
