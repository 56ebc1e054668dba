package webhook_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
	"leadcap/syncer"
	"leadcap/syncer/syncertest"
	"leadcap/syncer/webhook"
)

const secret = "s3cret-shared-key"

// receiver follows docs/webhook.md: it checks the signature, answers ping,
// keeps the highest version per lead, and answers 409 to a key it has seen.
type receiver struct {
	mu    sync.Mutex
	keys  map[string]bool
	leads map[uuid.UUID]webhook.Document
	// removed holds the lead.delete and lead.erase documents received.
	removed map[uuid.UUID]webhook.Document
	faults  []func(w http.ResponseWriter) bool // true: handled, stop
	posts   int
}

func newReceiver() (*receiver, *httptest.Server) {
	rc := &receiver{keys: map[string]bool{}, leads: map[uuid.UUID]webhook.Document{},
		removed: map[uuid.UUID]webhook.Document{}}
	return rc, httptest.NewServer(http.HandlerFunc(rc.serve))
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
		http.Error(w, `{"error":"POST application/json only"}`, http.StatusMethodNotAllowed)
		return
	}
	if !webhook.Verify(secret, body, r.Header.Get(webhook.HeaderSignature)) {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":"bad signature"}`))
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.posts++
	if len(rc.faults) > 0 {
		f := rc.faults[0]
		rc.faults = rc.faults[1:]
		if f(w) {
			return
		}
	}
	var doc webhook.Document
	if err := json.Unmarshal(body, &doc); err != nil {
		http.Error(w, `{"error":"not JSON"}`, http.StatusBadRequest)
		return
	}
	if doc.Type == "ping" {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	key := r.Header.Get(webhook.HeaderIdempotencyKey)
	if want := doc.LeadID.String() + ":" + itoa(doc.Version); key != want {
		http.Error(w, `{"error":"Idempotency-Key does not match the document"}`, http.StatusBadRequest)
		return
	}
	if doc.Type == "lead.delete" || doc.Type == "lead.erase" {
		rc.remove(w, key, doc)
		return
	}
	if len(doc.Lead.Contact.Emails) == 0 && len(doc.Lead.Contact.Phones) == 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		_, _ = w.Write([]byte(`{"error":"contact.emails: our CRM needs an email or a phone"}`))
		return
	}
	if rc.keys[key] {
		w.WriteHeader(http.StatusConflict)
		_, _ = w.Write([]byte(`{"error":"already received"}`))
		return
	}
	rc.keys[key] = true
	if cur, ok := rc.leads[doc.LeadID]; !ok || cur.Version < doc.Version {
		rc.leads[doc.LeadID] = doc
	}
	w.WriteHeader(http.StatusCreated)
	_, _ = w.Write([]byte(`{"id":"wh-` + doc.LeadID.String()[:8] + `"}`))
}

// remove forgets the lead and every alias of it; a replay answers 409.
func (rc *receiver) remove(w http.ResponseWriter, key string, doc webhook.Document) {
	if rc.keys[key] {
		w.WriteHeader(http.StatusConflict)
		return
	}
	rc.keys[key] = true
	for _, id := range append([]uuid.UUID{doc.LeadID}, doc.Aliases...) {
		delete(rc.leads, id)
	}
	rc.removed[doc.LeadID] = doc
	w.WriteHeader(http.StatusNoContent)
}

func itoa(v int64) string { b, _ := json.Marshal(v); return string(b) }

func entry(email string) lead.OutboxEntry {
	l := lead.New(uuid.Nil, lead.MethodQRScan, time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC))
	l.Version = 1
	l.RawPayload = "BEGIN:VCARD..."
	l.Contact = lead.Contact{FullName: "Erika Mustermann", Organization: "Beispiel GmbH"}
	if email != "" {
		l.Contact.Emails = []string{email}
	}
	return lead.OutboxEntry{Lead: *l, Event: lead.Event{ID: uuid.New(), Name: "Hannover Messe 2026", Country: "DE"}}
}

func connector(t *testing.T, url, key string) *webhook.Connector {
	return connectorRetry(t, url, key, syncer.RetryPolicy{})
}

// connectorRetry builds a connector with the retry policy p
// (syncer.NoRetry: every failure reaches the caller).
func connectorRetry(t *testing.T, url, key string, p syncer.RetryPolicy) *webhook.Connector {
	t.Helper()
	c, err := webhook.New(webhook.Config{URL: url, Secret: key, Concurrency: 3, Retry: p})
	require.NoError(t, err)
	return c
}

func TestDeliversSignedDocumentsOncePerVersion(t *testing.T) {
	rc, srv := newReceiver()
	defer srv.Close()
	c := connector(t, srv.URL, secret)
	ctx := context.Background()
	require.NoError(t, c.Probe(ctx))

	batch := []lead.OutboxEntry{entry("a@example.com"), entry("b@example.com"), entry(""), entry("d@example.com")}
	res := c.Push(ctx, batch)
	require.Len(t, res, 4)
	for _, i := range []int{0, 1, 3} {
		require.NoError(t, res[i].Err)
		assert.Equal(t, "wh-"+batch[i].Lead.ID.String()[:8], res[i].RemoteID)
		assert.Equal(t, batch[i].Lead.ID, res[i].LeadID)
	}
	require.True(t, syncer.IsPermanent(res[2].Err))
	assert.Contains(t, res[2].Err.Error(), "422 contact.emails: our CRM needs an email or a phone")

	got := rc.leads[batch[0].Lead.ID]
	assert.Equal(t, "lead.upsert", got.Type)
	assert.Equal(t, lead.StageLead, got.Stage)
	assert.Equal(t, "Hannover Messe 2026", got.Event.Name)
	assert.Empty(t, got.Lead.RawPayload, "the raw scan is not sent")

	// A replay of the same version (reply lost) answers 409: done.
	res = c.Push(ctx, batch[:1])
	require.NoError(t, res[0].Err)
	// A newer version is a new delivery.
	e := batch[0]
	e.Lead.Version = 2
	e.Lead.Rating = lead.RatingHot
	res = c.Push(ctx, []lead.OutboxEntry{e})
	require.NoError(t, res[0].Err)
	assert.Equal(t, int64(2), rc.leads[e.Lead.ID].Version)
	assert.Len(t, rc.leads, 3)
}

func TestSignatureCoversTheTimestampAndTheBody(t *testing.T) {
	// Reference value: printf '%s' '1776762000.{"a":1}' | openssl dgst -sha256 -hmac key
	at := time.Unix(1776762000, 0)
	body := []byte(`{"a":1}`)
	sig := webhook.Sign("key", at, body)
	assert.Equal(t, "t=1776762000,v1=430948049b53daa485604e45bd75f5f8fd1a9033cfe50d3de36358e0eb6d736d", sig)
	tol := webhook.DefaultTolerance
	assert.NoError(t, webhook.VerifyAt("key", body, sig, at.Add(tol), tol))
	assert.NoError(t, webhook.VerifyAt("key", body, sig, at.Add(-tol), tol), "a receiver's clock a little behind")
	for name, tc := range map[string]struct {
		secret, header string
		body           []byte
		now            time.Time
		want           error
	}{
		"other body":              {"key", sig, []byte(`{"a":2}`), at, webhook.ErrBadSignature},
		"other secret":            {"other", sig, body, at, webhook.ErrBadSignature},
		"replayed later":          {"key", sig, body, at.Add(tol + time.Second), webhook.ErrStaleSignature},
		"from the future":         {"key", sig, body, at.Add(-tol - time.Second), webhook.ErrStaleSignature},
		"timestamp moved forward": {"key", strings.Replace(sig, "t=1776762000", "t=1776762600", 1), body, at.Add(10 * time.Minute), webhook.ErrBadSignature},
		"old body-only signature": {"key", "sha256=88a67f24bbcdaed0e6c997404bb79a743baf44c6bab2f4c27328e3009d22e342", body, at, webhook.ErrBadSignature},
		"no timestamp":            {"key", "v1=430948049b53daa485604e45bd75f5f8fd1a9033cfe50d3de36358e0eb6d736d", body, at, webhook.ErrBadSignature},
		"empty":                   {"key", "", body, at, webhook.ErrBadSignature},
		"v1 not hex":              {"key", "t=1776762000,v1=zz", body, at, webhook.ErrBadSignature},
	} {
		assert.ErrorIs(t, webhook.VerifyAt(tc.secret, tc.body, tc.header, tc.now, tol), tc.want, name)
	}
	rotated := "t=1776762000,v1=" + strings.Repeat("0", 64) + ",v1=430948049b53daa485604e45bd75f5f8fd1a9033cfe50d3de36358e0eb6d736d"
	assert.NoError(t, webhook.VerifyAt("key", body, rotated, at, tol), "one matching v1 of several is enough")
}

// TestRetriesAreSignedAtTheirOwnTime: the same body sent again later
// carries a fresh timestamp, so a receiver's tolerance never refuses a
// genuine retry while a captured request cannot be replayed.
func TestRetriesAreSignedAtTheirOwnTime(t *testing.T) {
	var mu sync.Mutex
	var headers []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		headers = append(headers, r.Header.Get(webhook.HeaderSignature))
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	now := time.Unix(1776762000, 0)
	c, err := webhook.New(webhook.Config{URL: srv.URL, Secret: secret, Now: func() time.Time { return now }})
	require.NoError(t, err)
	e := lead.OutboxEntry{Lead: *lead.New(uuid.New(), lead.MethodManual, now)}
	require.Error(t, c.Push(context.Background(), []lead.OutboxEntry{e})[0].Err)
	mu.Lock()
	first := len(headers) // a push retries a 503 inside itself
	mu.Unlock()
	require.Positive(t, first)
	now = now.Add(time.Hour)
	require.Error(t, c.Push(context.Background(), []lead.OutboxEntry{e})[0].Err)
	body, err := webhook.Marshal(e)
	require.NoError(t, err)
	require.Greater(t, len(headers), first)
	assert.NoError(t, webhook.VerifyAt(secret, body, headers[len(headers)-1], now, webhook.DefaultTolerance))
	assert.ErrorIs(t, webhook.VerifyAt(secret, body, headers[0], now, webhook.DefaultTolerance), webhook.ErrStaleSignature,
		"the first attempt, captured and replayed an hour later, is refused")
}

func TestFailuresAreClassified(t *testing.T) {
	rc, srv := newReceiver()
	defer srv.Close()
	c := connectorRetry(t, srv.URL, secret, syncer.NoRetry)
	date := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	rc.faults = []func(w http.ResponseWriter) bool{
		func(w http.ResponseWriter) bool {
			w.Header().Set("Retry-After", date)
			w.WriteHeader(http.StatusTooManyRequests)
			return true
		},
		func(w http.ResponseWriter) bool {
			w.Header().Set("Retry-After", "30")
			w.WriteHeader(http.StatusServiceUnavailable)
			return true
		},
		func(w http.ResponseWriter) bool { w.WriteHeader(http.StatusInternalServerError); return true },
	}
	ctx := context.Background()
	e := entry("a@example.com")
	var tr *syncer.TransientError
	res := c.Push(ctx, []lead.OutboxEntry{e})
	require.ErrorAs(t, res[0].Err, &tr)
	assert.InDelta(t, float64(90*time.Second), float64(tr.RetryAfter), float64(2*time.Second), "HTTP date honoured")
	res = c.Push(ctx, []lead.OutboxEntry{e})
	require.ErrorAs(t, res[0].Err, &tr)
	assert.Equal(t, 30*time.Second, tr.RetryAfter)
	res = c.Push(ctx, []lead.OutboxEntry{e})
	assert.True(t, syncer.IsTransient(res[0].Err))
	res = c.Push(ctx, []lead.OutboxEntry{e})
	assert.NoError(t, res[0].Err)
	assert.Len(t, rc.leads, 1)
}

// TestConvergesThroughFaults: one on-demand sync of 60 leads through a
// proxy that spoils 35% of the requests (503 and 429 with Retry-After: 1,
// replies lost after the receiver stored the lead) delivers every lead,
// each stored once.
func TestConvergesThroughFaults(t *testing.T) {
	rc, srv := newReceiver()
	defer srv.Close()
	proxy := syncertest.NewFaultProxy(t, srv.URL, syncertest.Faults{Unavailable: 0.10, TooMany: 0.10, LostReply: 0.15, Seed: 7})
	out := syncertest.NewOutbox()
	for range 60 {
		out.Add(entry("a@example.com"))
	}
	r := syncer.NewRelay(out, connector(t, proxy.URL, secret), syncer.Options{})
	sum, err := r.SyncAll(context.Background(), 4*time.Minute)
	require.NoError(t, err)
	assert.Equal(t, 60, sum.Done)
	assert.Zero(t, sum.Pending)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	assert.Len(t, rc.leads, 60)
	assert.Len(t, rc.keys, 60, "each delivery stored once")
	st := proxy.Stats()
	assert.Positive(t, st.LostReplies+st.TooMany+st.Unavailable, "no fault fired: %+v", st)
}

func TestWrongSecretIsAnAuthError(t *testing.T) {
	_, srv := newReceiver()
	defer srv.Close()
	c := connector(t, srv.URL, "wrong")
	assert.ErrorIs(t, c.Probe(context.Background()), syncer.ErrAuth)
	res := c.Push(context.Background(), []lead.OutboxEntry{entry("a@example.com")})
	assert.ErrorIs(t, res[0].Err, syncer.ErrAuth)
}

func TestUnreachableIsOffline(t *testing.T) {
	_, srv := newReceiver()
	c := connector(t, srv.URL, secret)
	srv.Close()
	assert.ErrorIs(t, c.Probe(context.Background()), syncer.ErrOffline)
}

func TestConfig(t *testing.T) {
	_, err := webhook.New(webhook.Config{URL: "https://crm.example.com/hook"})
	assert.ErrorIs(t, err, webhook.ErrNoSecret)
	_, err = webhook.New(webhook.Config{URL: "http://crm.example.com/hook", Secret: "k"})
	assert.ErrorContains(t, err, "use https")
	_, err = webhook.New(webhook.Config{URL: "crm.example.com", Secret: "k"})
	assert.ErrorContains(t, err, "not a web address")
}

// An answer removed after it was delivered is absent from the next
// document's lead.qualification.answers (each upsert carries all of the
// lead's answers, docs/webhook.md), and the mapped field it went to is
// named in lead.qualification.clear_crm_fields.
func TestRemovedAnswersAreAbsentFromTheNextDocument(t *testing.T) {
	rc, srv := newReceiver()
	defer srv.Close()
	c := connector(t, srv.URL, secret)
	e := entry("erika@example.com")
	e.Event.Questions = []lead.Question{
		{ID: "q1", Text: "Which product line?", Kind: lead.QuestionChoice, Choices: []string{"drives"}, CRMField: "product_line"},
		{ID: "q2", Text: "Anything else?"},
	}
	e.Lead.Qualification.Answers = map[string]string{"q1": "drives", "q2": "call in May"}
	require.NoError(t, c.Push(context.Background(), []lead.OutboxEntry{e})[0].Err)
	assert.Equal(t, e.Lead.Qualification.Answers, rc.leads[e.Lead.ID].Lead.Qualification.Answers)

	before := e.Lead.Qualification
	e.Lead.Qualification.Answers = map[string]string{"q2": "call in May"}
	e.Lead.Qualification.TrackClearedAnswers(before, e.Event)
	e.Lead.Version = 2
	require.NoError(t, c.Push(context.Background(), []lead.OutboxEntry{e})[0].Err)
	got := rc.leads[e.Lead.ID].Lead.Qualification
	assert.Equal(t, map[string]string{"q2": "call in May"}, got.Answers, "the removed answer is absent")
	assert.Equal(t, []string{"product_line"}, got.ClearCRMFields)
}
