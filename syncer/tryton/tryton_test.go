package tryton

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"leadcap/lead"
	"leadcap/syncer"
)

func pushOK(t *testing.T, c *Connector, entries ...lead.OutboxEntry) []syncer.Result {
	t.Helper()
	res := c.Push(context.Background(), entries)
	if len(res) != len(entries) {
		t.Fatalf("Push returned %d results for %d entries", len(res), len(entries))
	}
	for i, r := range res {
		if r.Err != nil {
			t.Fatalf("lead %d: %v", i, r.Err)
		}
		if r.LeadID != entries[i].Lead.ID || r.Version != entries[i].Lead.Version {
			t.Fatalf("result %d is for %s v%d, want %s v%d", i, r.LeadID, r.Version, entries[i].Lead.ID, entries[i].Lead.Version)
		}
		if !strings.HasPrefix(r.RemoteID, "sale.opportunity,") {
			t.Fatalf("lead %d: RemoteID %q, want sale.opportunity,<id>", i, r.RemoteID)
		}
	}
	return res
}

func TestPushCreatesPartyAndOpportunity(t *testing.T) {
	env := liveTryton(t)
	c, db := newConnector(t, env, nil), admin(t, env)
	e := newEntry(t, nil)
	res := pushOK(t, c, e)

	code := e.Lead.ID.String()
	pids := partyIDs(t, db, code)
	if len(pids) != 1 {
		t.Fatalf("%d parties with code %s, want 1", len(pids), code)
	}
	var party []struct {
		Name string `json:"name"`
	}
	rpc(t, db, &party, "model.party.party.read", pids, []string{"name"})
	if party[0].Name != "Erika Mustermann" {
		t.Errorf("party name %q", party[0].Name)
	}
	var mechs []struct {
		Type  string `json:"type"`
		Value string `json:"value"`
	}
	rpc(t, db, &mechs, "model.party.contact_mechanism.search_read", []any{[]any{"party", "=", pids[0]}}, 0, nil, [][]string{{"id", "ASC"}}, []string{"type", "value"})
	got := map[string]string{}
	for _, m := range mechs {
		got[m.Type+" "+m.Value] = m.Type
	}
	for _, want := range []string{"email " + e.Lead.Contact.Emails[0], "phone +4930123456", "mobile +4915123456789", "website https://muster.example"} {
		if got[want] == "" {
			t.Errorf("contact mechanism %q missing; have %v", want, mechs)
		}
	}
	if len(mechs) != 4 {
		t.Errorf("%d contact mechanisms, want 4: %v", len(mechs), mechs)
	}
	var addrs []struct {
		Street     string `json:"street"`
		City       string `json:"city"`
		PostalCode string `json:"postal_code"`
	}
	rpc(t, db, &addrs, "model.party.address.search_read", []any{[]any{"party", "=", pids[0]}}, 0, nil, nil, []string{"street", "city", "postal_code"})
	if len(addrs) != 1 || addrs[0].City != "Berlin" || addrs[0].Street != "Hauptstraße 1" || addrs[0].PostalCode != "10115" {
		t.Errorf("addresses %+v, want one in Berlin", addrs)
	}

	o := onlyOpportunity(t, db, code)
	if o.State != "lead" || o.Party != pids[0] {
		t.Errorf("opportunity state %q party %d, want lead for party %d", o.State, o.Party, pids[0])
	}
	if res[0].RemoteID != RemoteID(o.ID) {
		t.Errorf("RemoteID %q, want %q", res[0].RemoteID, RemoteID(o.ID))
	}
	for _, want := range []string{"Hannover Messe 2026", "lead (fit unknown", "Muster GmbH", "1 note"} {
		if !strings.Contains(o.Description, want) {
			t.Errorf("description %q lacks %q", o.Description, want)
		}
	}
	for _, want := range []string{"[leadcap]", "Event: Hannover Messe 2026 (Messegelände, Hannover, DE), booth H12-C34", "Qualification: fit unknown, budget unknown",
		"Wants a quote for 200 units (follow up 2026-04-28)", "Consent: no permission recorded", "[/leadcap]"} {
		if !strings.Contains(o.Comment, want) {
			t.Errorf("comment lacks %q:\n%s", want, o.Comment)
		}
	}
}

func TestReplayIsHarmless(t *testing.T) {
	env := liveTryton(t)
	db := admin(t, env)
	e := newEntry(t, nil)
	first := pushOK(t, newConnector(t, env, nil), e)
	// The same push again, as after a lost reply, from a new connector (a
	// restarted process) and then from the same one.
	c := newConnector(t, env, nil)
	second := pushOK(t, c, e)
	third := pushOK(t, c, e)
	code := e.Lead.ID.String()
	if n := len(partyIDs(t, db, code)); n != 1 {
		t.Errorf("%d parties after three pushes, want 1", n)
	}
	if n := len(opportunities(t, db, code)); n != 1 {
		t.Errorf("%d opportunities after three pushes, want 1", n)
	}
	if first[0].RemoteID != second[0].RemoteID || second[0].RemoteID != third[0].RemoteID {
		t.Errorf("remote IDs differ: %s %s %s", first[0].RemoteID, second[0].RemoteID, third[0].RemoteID)
	}
	if n := count(t, db, "party.contact_mechanism", []any{"party.code", "=", code}); n != 4 {
		t.Errorf("%d contact mechanisms after replays, want 4", n)
	}
}

// TestPushDropsDoubledContactMechanisms is the race of two pushes that
// complete the same existing party at once (each reads it without the
// lead's email and each adds it) made deterministic: the party already has
// the email twice, added by leadcap's user and unchanged since, as the
// loser of that race leaves it. The push keeps the older one and deletes
// the double, and adds the rest once.
func TestPushDropsDoubledContactMechanisms(t *testing.T) {
	env := liveTryton(t)
	db := admin(t, env)
	e := newEntry(t, nil)
	code := e.Lead.ID.String()
	var ids []int64
	rpc(t, db, &ids, "model.party.party.create", []map[string]any{{"name": partyName(e.Lead.Contact), "code": code}})
	m := mechanisms(e.Lead.Contact)[0]
	double := map[string]any{"party": ids[0], "type": m.Type, "value": m.Value}
	rpc(t, db, nil, "model.party.contact_mechanism.create", []map[string]any{double, double})
	if n := count(t, db, "party.contact_mechanism", []any{"party.code", "=", code}); n != 2 {
		t.Fatalf("set-up: %d contact mechanisms, want 2", n)
	}
	pushOK(t, newConnector(t, env, nil), e)
	if n := count(t, db, "party.contact_mechanism", []any{"party.code", "=", code}); n != 4 {
		t.Errorf("%d contact mechanisms, want 4 (the double dropped, the rest added once)", n)
	}
}

func TestQualifiedLeadBecomesOpportunity(t *testing.T) {
	env := liveTryton(t)
	c, db := newConnector(t, env, nil), admin(t, env)
	e := newEntry(t, nil)
	pushOK(t, c, e)
	code := e.Lead.ID.String()
	o := onlyOpportunity(t, db, code)
	// A sales person adds a line of their own outside leadcap's block.
	rpc(t, db, nil, "model.sale.opportunity.write", []int64{o.ID}, map[string]any{"comment": "Called back on Monday.\n\n" + o.Comment})

	prospect(&e.Lead)
	e.Lead.Qualification.Answers = map[string]string{"volume": "200"}
	if _, err := e.Lead.AddNote("Decision by end of May", "Ben", time.Date(2026, 4, 21, 11, 0, 0, 0, time.UTC), time.Time{}); err != nil {
		t.Fatal(err)
	}
	e.Lead.Contact.Phones = append(e.Lead.Contact.Phones, lead.Phone{Number: "+4940987654", Kind: "work"})
	e.Lead.Version = 2
	res := pushOK(t, c, e)

	o2 := onlyOpportunity(t, db, code)
	if o2.ID != o.ID || res[0].RemoteID != RemoteID(o.ID) {
		t.Fatalf("the update made opportunity %d, want %d", o2.ID, o.ID)
	}
	if o2.State != "opportunity" {
		t.Errorf("state %q, want opportunity", o2.State)
	}
	for _, want := range []string{"Called back on Monday.", "Stage: prospect", "Q Units per year: 200", "Decision by end of May"} {
		if !strings.Contains(o2.Comment, want) {
			t.Errorf("comment lacks %q:\n%s", want, o2.Comment)
		}
	}
	if strings.Count(o2.Comment, "[leadcap]") != 1 {
		t.Errorf("comment has %d leadcap blocks, want 1:\n%s", strings.Count(o2.Comment, "[leadcap]"), o2.Comment)
	}
	if !strings.Contains(o2.Description, "prospect") {
		t.Errorf("description %q does not say prospect", o2.Description)
	}
	if n := count(t, db, "party.contact_mechanism", []any{"party.code", "=", code}); n != 5 {
		t.Errorf("%d contact mechanisms, want 5 (the new phone added, nothing doubled)", n)
	}
	// Pushing the prospect again changes nothing and never moves it back.
	pushOK(t, c, e)
	if o3 := onlyOpportunity(t, db, code); o3.State != "opportunity" || o3.Comment != o2.Comment {
		t.Errorf("a replay changed the opportunity: state %q", o3.State)
	}
}

func TestLeadOfKnownEmailAttachesToExistingParty(t *testing.T) {
	env := liveTryton(t)
	c, db := newConnector(t, env, nil), admin(t, env)
	e := newEntry(t, nil)
	email := e.Lead.Contact.Emails[0]
	// The same person, entered in Tryton by a sales person (another code,
	// the email typed with capitals).
	var ids []int64
	rpc(t, db, &ids, "model.party.party.create", []map[string]any{{
		"name": "Erika M.", "code": "CRM-" + randHex(4),
		"contact_mechanisms": []any{[]any{"create", []map[string]any{{"type": "email", "value": strings.ToUpper(email[:1]) + email[1:]}}}},
	}})
	pushOK(t, c, e)
	code := e.Lead.ID.String()
	if n := len(partyIDs(t, db, code)); n != 0 {
		t.Errorf("a second party with the lead's code was created")
	}
	o := onlyOpportunity(t, db, code)
	if o.Party != ids[0] {
		t.Errorf("opportunity attached to party %d, want the existing %d", o.Party, ids[0])
	}
	var party []struct {
		Name string `json:"name"`
	}
	rpc(t, db, &party, "model.party.party.read", ids, []string{"name"})
	if party[0].Name != "Erika M." {
		t.Errorf("leadcap renamed the CRM's party to %q", party[0].Name)
	}
	// Missing phones, URL and address are added; the email is not doubled.
	if n := count(t, db, "party.contact_mechanism", []any{"party", "=", ids[0]}); n != 4 {
		t.Errorf("%d contact mechanisms on the existing party, want 4", n)
	}
	pushOK(t, c, e)
	if n := count(t, db, "party.contact_mechanism", []any{"party", "=", ids[0]}); n != 4 {
		t.Errorf("%d contact mechanisms after a replay, want 4", n)
	}
	if n := len(opportunities(t, db, code)); n != 1 {
		t.Errorf("%d opportunities after a replay, want 1", n)
	}

	// Two devices' leads for one new person in the same batch: one party.
	a, b := newEntry(t, nil), newEntry(t, nil)
	b.Lead.Contact.Emails = a.Lead.Contact.Emails
	pushOK(t, c, a, b)
	oa, ob := onlyOpportunity(t, db, a.Lead.ID.String()), onlyOpportunity(t, db, b.Lead.ID.String())
	if oa.Party != ob.Party {
		t.Errorf("the same person got two parties: %d and %d", oa.Party, ob.Party)
	}
}

// TestRefusedLeadIsPermanent pushes, as a Tryton user without an employee,
// a prospect (Tryton requires an employee on an opportunity) together with
// a plain lead: the prospect fails permanently with Tryton's message, the
// lead goes through.
func TestRefusedLeadIsPermanent(t *testing.T) {
	env := liveTryton(t)
	db := admin(t, env)
	_, uctx, err := db.session(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	login, password := "noemployee-"+randHex(4), randPassword()
	rpc(t, db, nil, "model.res.user.create", []map[string]any{{
		"name": "Booth laptop", "login": login, "password": password,
		"companies": []any{[]any{"add", []any{uctx["company"]}}}, "company": uctx["company"],
		"groups": []any{[]any{"add", uctx["groups"]}},
	}})
	c := newConnector(t, env, func(cfg *Config) { cfg.User, cfg.Password = login, password })
	bad, good := newEntry(t, prospect), newEntry(t, nil)
	res := c.Push(context.Background(), []lead.OutboxEntry{bad, good})
	var perm *syncer.PermanentError
	if !errors.As(res[0].Err, &perm) {
		t.Fatalf("the refused prospect gave %v, want a *syncer.PermanentError", res[0].Err)
	}
	if !strings.Contains(perm.Reason, "Employee") {
		t.Errorf("reason %q does not carry Tryton's message about the employee", perm.Reason)
	}
	if syncer.IsTransient(res[0].Err) || errors.Is(res[0].Err, syncer.ErrAuth) {
		t.Errorf("a refused lead must not be transient or an auth error: %v", res[0].Err)
	}
	if res[1].Err != nil {
		t.Errorf("the plain lead in the same batch failed: %v", res[1].Err)
	}
	if o := onlyOpportunity(t, db, good.Lead.ID.String()); o.State != "lead" {
		t.Errorf("the plain lead is %q", o.State)
	}
}

func TestProbe(t *testing.T) {
	env := liveTryton(t)
	if err := newConnector(t, env, nil).Probe(context.Background()); err != nil {
		t.Fatalf("Probe with the right password: %v", err)
	}

	err := newConnector(t, env, func(cfg *Config) { cfg.Password = "wrong-" + randHex(4) }).Probe(context.Background())
	if !errors.Is(err, syncer.ErrAuth) || syncer.IsTransient(err) {
		t.Fatalf("Probe with a wrong password: %v, want a permanent error wrapping syncer.ErrAuth", err)
	}
	for _, want := range []string{"Tryton refused the login", `"` + env.User + `"`, "LEADCAP_CRM_SECRET"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}

	err = newConnector(t, env, func(cfg *Config) { cfg.Database = "nosuchdb" + randHex(3) }).Probe(context.Background())
	if !errors.Is(err, ErrNoDatabase) || !strings.Contains(err.Error(), "crm.database") || syncer.IsPermanent(err) {
		t.Errorf("Probe of a missing database: %v, want ErrNoDatabase, not permanent (the leads are not at fault)", err)
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	err = newConnector(t, env, func(cfg *Config) { cfg.URL = "http://" + addr + "/" }).Probe(context.Background())
	if !syncer.IsTransient(err) || !errors.Is(err, syncer.ErrOffline) {
		t.Errorf("Probe of a closed port: %v, want a transient error wrapping syncer.ErrOffline", err)
	}
}

func TestNewRefusesIncompleteConfig(t *testing.T) {
	_, err := New(Config{URL: "http://127.0.0.1:8000/", Database: "crm"})
	if err == nil || !strings.Contains(err.Error(), "--user") || !strings.Contains(err.Error(), "LEADCAP_CRM_SECRET") {
		t.Errorf("New without user and password: %v", err)
	}
	_, err = New(Config{URL: "127.0.0.1:8000", Database: "crm", User: "u", Password: "p"})
	if err == nil || !strings.Contains(err.Error(), "https://crm.example.com:8000/") {
		t.Errorf("New with a URL without scheme: %v", err)
	}
}

// TestExpiredSessionLogsInAgain removes the connector's session on the
// server, as an expiry does: the next push logs in again and succeeds.
func TestExpiredSessionLogsInAgain(t *testing.T) {
	env := liveTryton(t)
	c, db := newConnector(t, env, nil), admin(t, env)
	pushOK(t, c, newEntry(t, nil))
	old, _, err := c.rpc.session(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.rpc.post(context.Background(), old, "common.db.logout", nil); err != nil {
		t.Fatalf("logout: %v", err)
	}
	if _, err := c.rpc.post(context.Background(), old, "model.res.user.get_preferences", []any{true, map[string]any{}}); !errors.Is(err, errUnauthorized) {
		t.Fatalf("the old session still works after logout (%v): the test proves nothing", err)
	}
	e := newEntry(t, nil)
	pushOK(t, c, e)
	if n := c.rpc.logins.Load(); n != 2 {
		t.Errorf("%d logins, want 2 (the first and one after the expiry)", n)
	}
	if now, _, _ := c.rpc.session(context.Background()); now == old {
		t.Error("the session was not replaced")
	}
	onlyOpportunity(t, db, e.Lead.ID.String())
}

func TestDisqualifiedLeadIsCancelled(t *testing.T) {
	env := liveTryton(t)
	c, db := newConnector(t, env, nil), admin(t, env)
	e := newEntry(t, nil)
	pushOK(t, c, e)
	e.Lead.Qualification.Disqualified = true
	e.Lead.Version = 2
	pushOK(t, c, e)
	o := onlyOpportunity(t, db, e.Lead.ID.String())
	if o.State != "cancelled" {
		t.Fatalf("state %q, want cancelled", o.State)
	}
	// From here the sales team owns it: a later change leaves it alone.
	e.Lead.Qualification.Disqualified = false
	prospect(&e.Lead)
	e.Lead.Version = 3
	pushOK(t, c, e)
	if o2 := onlyOpportunity(t, db, e.Lead.ID.String()); o2.State != "cancelled" || o2.Comment != o.Comment {
		t.Errorf("leadcap changed a cancelled opportunity: state %q", o2.State)
	}
}

// TestConcurrentPushesOfTheSameLeads pushes the same leads from three
// connectors at once (a relay and a bulk sync, say): exactly one party, one
// opportunity and no doubled contact mechanism per lead, and every pusher
// confirms the same opportunity. (Tryton on SQLite runs writes one at a
// time, so the racing create itself is forced in TestRacingCreateOfOpportunity.)
func TestConcurrentPushesOfTheSameLeads(t *testing.T) {
	env := liveTryton(t)
	db := admin(t, env)
	var entries []lead.OutboxEntry
	for i := range 6 {
		entries = append(entries, newEntry(t, func(l *lead.Lead) {
			if i%3 == 0 {
				prospect(l)
			}
		}))
	}
	// For all leads a push died after creating the party: every pusher
	// finds the party, misses the opportunity, and creates one, at once.
	var parties []map[string]any
	for _, e := range entries {
		parties = append(parties, map[string]any{"name": partyName(e.Lead.Contact), "code": e.Lead.ID.String()})
	}
	rpc(t, db, nil, "model.party.party.create", parties)
	const pushers = 3
	remote := make([][]string, pushers)
	errs := make(chan error, pushers)
	for p := range pushers {
		c := newConnector(t, env, nil)
		if err := c.Probe(context.Background()); err != nil {
			t.Fatal(err)
		}
		remote[p] = make([]string, len(entries))
		go func() {
			for round := 0; round < 20; round++ {
				left := 0
				for i, r := range c.Push(context.Background(), entries) {
					switch {
					case r.Err == nil:
						remote[p][i] = r.RemoteID
					case syncer.IsTransient(r.Err):
						left++
					default:
						errs <- r.Err
						return
					}
				}
				if left == 0 {
					errs <- nil
					return
				}
			}
			errs <- errors.New("leads still not confirmed after 20 rounds")
		}()
	}
	for range pushers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for i, e := range entries {
		code := e.Lead.ID.String()
		if n := len(partyIDs(t, db, code)); n != 1 {
			t.Errorf("lead %d: %d parties, want 1", i, n)
		}
		o := onlyOpportunity(t, db, code)
		for p := range pushers {
			if remote[p][i] != RemoteID(o.ID) {
				t.Errorf("lead %d: pusher %d confirmed %q, the opportunity is %q", i, p, remote[p][i], RemoteID(o.ID))
			}
		}
		if n := count(t, db, "party.contact_mechanism", []any{"party.code", "=", code}); n != 4 {
			t.Errorf("lead %d: %d contact mechanisms, want 4", i, n)
		}
		if want := map[bool]string{true: "opportunity", false: "lead"}[i%3 == 0]; o.State != want {
			t.Errorf("lead %d: state %q, want %q", i, o.State, want)
		}
	}
}
