package tryton

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"
	"time"

	"leadcap/lead"
	"leadcap/syncer"
	"leadcap/syncer/syncertest"
)

// fault is what the proxy does to one request.
type fault string

const (
	pass        fault = ""
	unavailable fault = "503 with Retry-After: 1, not forwarded"
	tooMany     fault = "429 with Retry-After as an HTTP date, not forwarded"
	htmlError   fault = "500 HTML page, not forwarded"
	dropReply   fault = "forwarded, Tryton committed, connection closed without a reply"
	slowReply   fault = "forwarded, Tryton committed, reply held until the client gave up"
	// race runs the proxy's onRace with the request's params before
	// forwarding it: another writer gets in between.
	race fault = "another writer first, then forwarded"
	// raceDrop is race, and then the reply is lost after Tryton committed.
	raceDrop fault = "another writer first, then forwarded, reply lost"
)

// faultProxy is a reverse proxy in front of the real Tryton that applies
// scripted faults to the calls of given JSON-RPC methods, in order.
type faultProxy struct {
	t     *testing.T
	proxy *httputil.ReverseProxy
	// onRace is called with the params of a request that meets race.
	onRace func(params []json.RawMessage)

	mu    sync.Mutex
	plan  map[string][]fault // method -> faults for its next calls
	fired map[fault]int
	calls map[string]int
}

func newFaultProxy(t *testing.T, target string, plan map[string][]fault) *httptest.Server {
	srv, _ := newFaultProxyRace(t, target, plan, nil)
	return srv
}

func newFaultProxyRace(t *testing.T, target string, plan map[string][]fault, onRace func([]json.RawMessage)) (*httptest.Server, *faultProxy) {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{t: t, proxy: httputil.NewSingleHostReverseProxy(u), plan: plan, fired: map[fault]int{}, calls: map[string]int{}, onRace: onRace}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	t.Cleanup(func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		for m, left := range p.plan {
			if len(left) > 0 {
				t.Errorf("faults planned for %s never fired: %q (the test did not exercise them)", m, left)
			}
		}
		t.Logf("faults fired: %v; calls: %v", p.fired, p.calls)
	})
	return srv, p
}

func (p *faultProxy) next(method string) fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls[method]++
	q := p.plan[method]
	if len(q) == 0 {
		return pass
	}
	f := q[0]
	p.plan[method] = q[1:]
	if f != pass {
		p.fired[f]++
	}
	return f
}

func (p *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var req struct {
		Method string            `json:"method"`
		Params []json.RawMessage `json:"params"`
	}
	_ = json.Unmarshal(body, &req)
	r.Body = io.NopCloser(bytes.NewReader(body))
	switch p.next(req.Method) {
	case race:
		p.onRace(req.Params)
		p.proxy.ServeHTTP(w, r)
	case raceDrop:
		p.onRace(req.Params)
		syncertest.LoseReply(p.t, p.proxy, w, r)
	case unavailable:
		w.Header().Set("Retry-After", "1")
		http.Error(w, "upstream unavailable", http.StatusServiceUnavailable)
	case tooMany:
		w.Header().Set("Retry-After", time.Now().Add(3*time.Second).UTC().Format(http.TimeFormat))
		http.Error(w, "slow down", http.StatusTooManyRequests)
	case htmlError:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, "<!doctype html><title>500 Internal Server Error</title><h1>Internal Server Error</h1>")
	case dropReply:
		syncertest.LoseReply(p.t, p.proxy, w, r)
	case slowReply:
		rec := httptest.NewRecorder()
		p.proxy.ServeHTTP(rec, r.WithContext(context.WithoutCancel(r.Context())))
		select {
		case <-r.Context().Done(): // the client timed out and closed the connection
		case <-time.After(30 * time.Second):
			p.t.Errorf("the client waited more than 30 s for a held reply: its timeout does not work")
		}
	default:
		p.proxy.ServeHTTP(w, r)
	}
}

// TestFaultsInFrontOfTryton pushes leads through a proxy that answers 503
// and 429 with Retry-After and 500 HTML pages, drops connections after
// Tryton committed, and holds replies past the client's timeout. Each push
// retries inside itself what is safe to retry, so every lead is confirmed
// by the first push of each round; then each lead has exactly one party and
// one opportunity in the right state.
func TestFaultsInFrontOfTryton(t *testing.T) {
	env := liveTryton(t)
	db := admin(t, env)
	proxy := newFaultProxy(t, env.URL, map[string][]fault{
		"common.db.login":                           {unavailable},
		"model.party.party.search_read":             {pass, tooMany},
		"model.party.contact_mechanism.search_read": {htmlError},
		"model.party.party.create":                  {dropReply, pass, slowReply},
		"model.sale.opportunity.search_read":        {pass, pass, unavailable},
		"model.sale.opportunity.create":             {dropReply, slowReply},
		"model.sale.opportunity.opportunity":        {dropReply},
		"model.sale.opportunity.write":              {slowReply},
	})
	c := newConnector(t, env, func(cfg *Config) {
		cfg.URL = proxy.URL + "/"
		cfg.Timeout = 2 * time.Second
		cfg.Batch = 4
	})

	var entries []lead.OutboxEntry
	for i := range 10 {
		entries = append(entries, newEntry(t, func(l *lead.Lead) {
			if i%2 == 0 {
				prospect(l)
			}
		}))
	}
	deliver := func(round string) map[int]string {
		confirmed := map[int]string{}
		for start := 0; start < len(entries); start += c.MaxBatch() {
			end := min(start+c.MaxBatch(), len(entries))
			for k, r := range c.Push(context.Background(), entries[start:end]) {
				if r.Err != nil {
					t.Fatalf("%s: lead %d not confirmed by one push: %v", round, start+k, r.Err)
				}
				confirmed[start+k] = r.RemoteID
			}
		}
		return confirmed
	}
	first := deliver("first delivery")

	// A second change to every lead (a note), pushed through the same
	// faults that are left, updates the same records.
	for i := range entries {
		if _, err := entries[i].Lead.AddNote("Sent the brochure", "Anna", time.Date(2026, 4, 22, 9, 0, 0, 0, time.UTC), time.Time{}); err != nil {
			t.Fatal(err)
		}
		entries[i].Lead.Version++
	}
	confirmed := deliver("update")

	for i, e := range entries {
		code := e.Lead.ID.String()
		if n := count(t, db, "party.party", []any{"code", "=", code}); n != 1 {
			t.Errorf("lead %d: %d parties, want exactly 1", i, n)
		}
		o := opportunities(t, db, code)
		if len(o) != 1 {
			t.Errorf("lead %d: %d opportunities, want exactly 1", i, len(o))
			continue
		}
		if want := map[bool]string{true: "opportunity", false: "lead"}[i%2 == 0]; o[0].State != want {
			t.Errorf("lead %d: state %q, want %q", i, o[0].State, want)
		}
		if confirmed[i] != RemoteID(o[0].ID) || first[i] != confirmed[i] {
			t.Errorf("lead %d: remote IDs %q then %q, want %q", i, first[i], confirmed[i], RemoteID(o[0].ID))
		}
		if !bytes.Contains([]byte(o[0].Comment), []byte("Sent the brochure")) {
			t.Errorf("lead %d: the update did not reach the opportunity", i)
		}
		if n := count(t, db, "party.contact_mechanism", []any{"party.code", "=", code}); n != 4 {
			t.Errorf("lead %d: %d contact mechanisms, want 4", i, n)
		}
	}
}

// TestRacingCreateOfOpportunity lets another writer create the lead's
// opportunity between the connector's look-up and its create (what two
// pushes of the same lead at the same moment do against a server that runs
// them in parallel): the connector notices after its create, deletes its
// own, and confirms the other one.
func TestRacingCreateOfOpportunity(t *testing.T) {
	env := liveTryton(t)
	db := admin(t, env)
	var raced []int64
	srv, _ := newFaultProxyRace(t, env.URL, map[string][]fault{"model.sale.opportunity.create": {race}},
		func(params []json.RawMessage) {
			var vlist []map[string]any
			if err := json.Unmarshal(params[0], &vlist); err != nil {
				t.Errorf("race: %v", err)
				return
			}
			rpc(t, db, &raced, "model.sale.opportunity.create", vlist)
		})
	c := newConnector(t, env, func(cfg *Config) { cfg.URL = srv.URL + "/" })
	a, b := newEntry(t, prospect), newEntry(t, nil)
	res := pushOK(t, c, a, b)
	if len(raced) != 2 {
		t.Fatalf("the racing writer created %v", raced)
	}
	for i, e := range []lead.OutboxEntry{a, b} {
		o := onlyOpportunity(t, db, e.Lead.ID.String())
		if o.ID != raced[i] || res[i].RemoteID != RemoteID(raced[i]) {
			t.Errorf("lead %d: kept opportunity %d (confirmed %s), want the first-created %d", i, o.ID, res[i].RemoteID, raced[i])
		}
	}
	if o := onlyOpportunity(t, db, a.Lead.ID.String()); o.State != "opportunity" {
		t.Errorf("the prospect's surviving opportunity is %q", o.State)
	}
}

// TestEachFaultIsTransient checks how each fault reaches the relay when a
// push may not retry (syncer.NoRetry): as a *syncer.TransientError (with
// the Retry-After where one was given), never as a lead's permanent
// failure. With the default policy the same fault is absorbed inside one
// push, which confirms the lead with exactly one party and opportunity.
func TestEachFaultIsTransient(t *testing.T) {
	env := liveTryton(t)
	db := admin(t, env)
	for _, tc := range []struct {
		f          fault
		method     string
		retryAfter time.Duration // 0: any
		inMessage  string
	}{
		{unavailable, "model.party.party.search_read", time.Second, "503"},
		{tooMany, "model.sale.opportunity.search_read", 0, "429"},
		{htmlError, "model.party.contact_mechanism.search_read", 0, "500 Internal Server Error"},
		{dropReply, "model.party.party.create", 0, "cannot be reached"},
		{slowReply, "model.sale.opportunity.create", 0, "no answer in time"},
		{dropReply, "model.sale.opportunity.create", 0, "cannot be reached"},
	} {
		t.Run(string(tc.f)+" "+tc.method, func(t *testing.T) {
			srv := newFaultProxy(t, env.URL, map[string][]fault{tc.method: {tc.f, tc.f}})
			c := newConnector(t, env, func(cfg *Config) {
				cfg.URL, cfg.Timeout, cfg.Retry = srv.URL+"/", 2*time.Second, syncer.NoRetry
			})
			e, e2 := newEntry(t, nil), newEntry(t, nil)
			res := c.Push(context.Background(), []lead.OutboxEntry{e})
			var te *syncer.TransientError
			if !errors.As(res[0].Err, &te) {
				t.Fatalf("got %v, want a *syncer.TransientError", res[0].Err)
			}
			if tc.retryAfter != 0 && te.RetryAfter != tc.retryAfter {
				t.Errorf("RetryAfter %v, want %v", te.RetryAfter, tc.retryAfter)
			}
			if tc.f == tooMany && (te.RetryAfter <= 0 || te.RetryAfter > 3*time.Second) {
				t.Errorf("RetryAfter %v from an HTTP date 3 s ahead", te.RetryAfter)
			}
			if !bytes.Contains([]byte(te.Error()), []byte(tc.inMessage)) {
				t.Errorf("message %q lacks %q", te.Error(), tc.inMessage)
			}

			retrying := newConnector(t, env, func(cfg *Config) { cfg.URL, cfg.Timeout = srv.URL+"/", 2*time.Second })
			pushOK(t, retrying, e2)
			for _, x := range []lead.OutboxEntry{e, e2} {
				pushOK(t, retrying, x)
				code := x.Lead.ID.String()
				if n := count(t, db, "party.party", []any{"code", "=", code}); n != 1 {
					t.Errorf("%d parties, want 1", n)
				}
				onlyOpportunity(t, db, code)
			}
		})
	}
}

// TestRaceWithLostReplyLeavesOneOpportunity is the documented race: two
// pushes of the same lead at once, and the reply to one of the creates is
// lost. Push B runs entirely while push A's create is on its way; A's
// opportunity is committed after B's, and A never hears back. The retry
// of A's step (or A's next push) finds both, keeps the lowest and deletes
// its own: one opportunity remains, the one B confirmed.
func TestRaceWithLostReplyLeavesOneOpportunity(t *testing.T) {
	env := liveTryton(t)
	db := admin(t, env)
	for _, policy := range []struct {
		name  string
		retry syncer.RetryPolicy
	}{{"retried inside the push", syncer.RetryPolicy{}}, {"next push", syncer.NoRetry}} {
		t.Run(policy.name, func(t *testing.T) {
			e := newEntry(t, prospect)
			direct := newConnector(t, env, nil)
			var confirmedByB string
			srv, _ := newFaultProxyRace(t, env.URL, map[string][]fault{"model.sale.opportunity.create": {raceDrop}},
				func([]json.RawMessage) { confirmedByB = pushOK(t, direct, e)[0].RemoteID })
			a := newConnector(t, env, func(cfg *Config) { cfg.URL, cfg.Retry = srv.URL+"/", policy.retry })
			res := a.Push(context.Background(), []lead.OutboxEntry{e})
			if res[0].Err != nil {
				if !syncer.IsTransient(res[0].Err) {
					t.Fatalf("push A: %v", res[0].Err)
				}
				res = pushOK(t, a, e)
			}
			o := onlyOpportunity(t, db, e.Lead.ID.String())
			if res[0].RemoteID != confirmedByB || RemoteID(o.ID) != confirmedByB {
				t.Errorf("A confirmed %s, B %s, Tryton keeps %s", res[0].RemoteID, confirmedByB, RemoteID(o.ID))
			}
			if o.State != "opportunity" {
				t.Errorf("the prospect's opportunity is %q", o.State)
			}
		})
	}
}

// TestLostPreferencesReplyKeepsTheSession: the login's second call (the
// user's preferences) meets a 503 and then a lost reply. It is read again
// with the session the login opened: one login in all, not one per fault.
func TestLostPreferencesReplyKeepsTheSession(t *testing.T) {
	env := liveTryton(t)
	srv, p := newFaultProxyRace(t, env.URL, map[string][]fault{"model.res.user.get_preferences": {unavailable, dropReply}}, nil)
	c := newConnector(t, env, func(cfg *Config) { cfg.URL, cfg.Timeout = srv.URL+"/", 5*time.Second })
	pushOK(t, c, newEntry(t, nil))
	if n := c.rpc.logins.Load(); n != 1 {
		t.Errorf("%d sessions opened, want 1", n)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := p.calls["common.db.login"]; n != 1 {
		t.Errorf("%d login calls, want 1: a fault on the preferences logged in again", n)
	}
	if n := p.calls["model.res.user.get_preferences"]; n != 3 {
		t.Errorf("%d preferences calls, want 3 (503, lost, answered)", n)
	}
}
