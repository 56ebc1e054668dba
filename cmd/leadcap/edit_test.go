package main_test

import (
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
	"leadcap/storage"
)

// showJSON returns "show ID --json" as a map.
func (e *env) showJSON(id string) map[string]any {
	e.t.Helper()
	objs := jsonLines(e.t, strings.ReplaceAll(e.ok("show", id, "--json"), "\n", ""))
	require.Len(e.t, objs, 1)
	return objs[0]
}

func contactOf(o map[string]any) map[string]any { return o["contact"].(map[string]any) }

func TestEditContact(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.withEvent() // Germany: phones without a country code are German
	lid := id(t, e.ok("add", "--given", "Anna", "--family", "Schmidt", "--org", "Beispiel GmbH",
		"--email", "anna@beispiel.example", "--phone", "+43 1 234567", "--url", "https://beispiel.example"))

	// A typo in the family name, a second address, a German phone, the
	// postal address: one edit, one new version, normalized like a capture.
	assert.Equal(t, lid+"\n", e.ok("edit", lid[:13], "--family", "  Schmidt-Müller ", "--email", "Anna.Schmidt@Beispiel.EXAMPLE",
		"--phone", "030 1234567", "--title", "Head of  Purchasing", "--street", "Hauptstraße 1", "--city", "Berlin",
		"--postal-code", "10115", "--country", "de"))
	o := e.showJSON(lid)
	ct := contactOf(o)
	assert.Equal(t, "Anna", ct["given_name"])
	assert.Equal(t, "Schmidt-Müller", ct["family_name"])
	assert.Equal(t, "Anna Schmidt-Müller", ct["full_name"], "the full name follows the parts")
	assert.Equal(t, "Beispiel GmbH", ct["organization"], "untouched")
	assert.Equal(t, "Head of Purchasing", ct["title"])
	assert.Equal(t, []any{"anna@beispiel.example", "anna.schmidt@beispiel.example"}, ct["emails"], "added after the known one, lower-cased")
	phones := ct["phones"].([]any)
	require.Len(t, phones, 2)
	assert.Equal(t, "+431234567", phones[0].(map[string]any)["number"])
	assert.Equal(t, "+49301234567", phones[1].(map[string]any)["number"], "the event's country for a number without one")
	assert.Equal(t, map[string]any{"street": "Hauptstraße 1", "city": "Berlin", "postal_code": "10115", "country": "DE"}, ct["address"])
	assert.Equal(t, float64(2), o["version"])
	assert.Equal(t, "pending", o["sync"].(map[string]any)["status"])

	// Replace lists, clear a field, set the full name by itself.
	assert.Equal(t, lid+"\n", e.ok("edit", lid, "--clear-emails", "--email", "a.schmidt@neu.example", "--clear-phones", "--clear-urls",
		"--title", "", "--name", "Dr. Anna Schmidt-Müller", "--city", "Potsdam"))
	o = e.showJSON(lid)
	ct = contactOf(o)
	assert.Equal(t, []any{"a.schmidt@neu.example"}, ct["emails"])
	assert.Empty(t, ct["phones"])
	assert.Empty(t, ct["urls"])
	assert.Equal(t, "", ct["title"])
	assert.Equal(t, "Dr. Anna Schmidt-Müller", ct["full_name"])
	assert.Equal(t, "Potsdam", ct["address"].(map[string]any)["city"])
	assert.Equal(t, "Hauptstraße 1", ct["address"].(map[string]any)["street"], "only the parts given change")
	assert.Equal(t, float64(3), o["version"])

	// The search finds the lead by its new address; not by the old one.
	assert.Contains(t, e.ok("list", "--search", "neu.example"), lid)
	assert.NotContains(t, e.ok("list", "--search", "anna@beispiel"), lid)

	// The same values again: nothing changes, the ID is printed, a note
	// says so.
	r := e.run("edit", lid, "--org", "Beispiel GmbH")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, lid+"\n", r.stdout)
	assert.Equal(t, "leadcap: nothing changed: lead "+lid+" already has these details.\n", r.stderr)
	assert.Equal(t, float64(3), e.showJSON(lid)["version"])

	// One outbox entry per lead, whatever the number of edits.
	s, err := storage.Open(e.db, nil)
	require.NoError(t, err)
	st, err := s.Stats()
	require.NoError(t, err)
	assert.Equal(t, 1, st.OutboxPending)
	require.NoError(t, s.Close())

	assert.Contains(t, e.ok("help"), "  edit ")
	assert.Equal(t, e.ok("help", "edit"), e.ok("edit", "--help"))
	assert.Contains(t, e.ok("help", "edit"), "--clear-emails")
}

func TestEditErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.withEvent()
	lid := id(t, e.ok("add", "--name", "Jonas Weber", "--org", "Weber KG", "--email", "jonas@weber.example"))
	other := id(t, e.ok("add", "--name", "Lena Koch", "--email", "lena@koch.example"))

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"edit"}, "missing arguments"},
		{[]string{"edit", lid}, "nothing to change: give at least one of --given"},
		{[]string{"edit", lid, other, "--org", "X"}, "too many arguments"},
		{[]string{"edit", lid, "--company", "X"}, "flag provided but not defined: -company"},
		{[]string{"edit", lid, "--clear-emails=maybe"}, "invalid boolean value"},
	} {
		r := e.run(tc.args...)
		assert.Equal(t, 2, r.code, "leadcap %v: %s", tc.args, r.stderr)
		assert.Contains(t, r.stderr, tc.want, "leadcap %v", tc.args)
		assert.Contains(t, r.stderr, "usage: leadcap edit ID", "leadcap %v", tc.args)
	}

	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"bad email", []string{"edit", lid, "--email", "jonas.weber.example"},
			[]string{`--email "jonas.weber.example" is not an email address`, "check it for typos", "run the edit again"}},
		{"empty email", []string{"edit", lid, "--email", " "}, []string{"--email is empty", "--clear-emails"}},
		{"bad phone", []string{"edit", lid, "--phone", "call me"}, []string{`--phone "call me" is not a phone number`, "run the edit again"}},
		{"bad country", []string{"edit", lid, "--country", "Germany"}, []string{`--country "Germany" is not an ISO 3166 country code`, "two letters such as DE"}},
		{"unreachable", []string{"edit", lid, "--clear-emails", "--org", ""},
			[]string{"would have no way to reach the person", "--email", "--phone", "--url", "--org"}},
		{"same person twice", []string{"edit", lid, "--clear-emails", "--email", "LENA@koch.example"},
			[]string{"this person is already a lead at this event (" + other + ")", "leadcap show " + other}},
		{"unknown lead", []string{"edit", "ffffffff", "--org", "X"}, []string{`no lead has the ID or ID prefix "ffffffff"`, "leadcap list"}},
		{"short prefix", []string{"edit", lid[:4], "--org", "X"}, []string{"too short for a lead ID"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.fails(1, tc.args, tc.want...)
			assert.Empty(t, r.stdout)
			assert.NotContains(t, r.stderr, "jonas@", "no email of the lead in the message")
		})
	}
	o := e.showJSON(lid)
	assert.Equal(t, float64(1), o["version"], "a refused edit changes nothing")
	assert.Equal(t, []any{"jonas@weber.example"}, contactOf(o)["emails"])
	assert.Equal(t, "Weber KG", contactOf(o)["organization"])

	// A phone without a country code needs the event's country.
	ev := id(t, e.ok("event", "create", "--name", "Online Days"))
	nocc := id(t, e.ok("add", "--event", ev, "--email", "kim@online.example"))
	e.fails(1, []string{"edit", nocc, "--phone", "030 1234567"}, "--phone", "has no country code and the event has no country")
	assert.Equal(t, nocc+"\n", e.ok("edit", nocc, "--phone", "+49 30 1234567"))
}

// TestEditFixesARefusedLead is the back office's way out of the dead
// letters: Salesforce refuses a lead without a company, "dead list" shows
// it, "edit --org" fills it in, and the next sync delivers it.
func TestEditFixesARefusedLead(t *testing.T) {
	t.Parallel()
	const token = "00D5g000004Edit!AQ4AQ.salesforce-edit-test"
	e, sf := newSalesforceEnv(t, token)
	ids := e.seed(4, func(i int, l *lead.Lead) {
		if i == 2 {
			l.Contact.Organization = "" // typed in a hurry
		}
	})
	refused := ids[2].String()

	r := e.sync("sync")
	require.Equal(t, 4, r.code, "stdout %q stderr %q", r.stdout, r.stderr)
	assert.Equal(t, "synced 3, failed 0, dead 1, pending 0\n", r.stdout)
	dead := jsonLines(t, e.okCRM("dead", "list", "--json"))
	require.Len(t, dead, 1)
	assert.Equal(t, refused, dead[0]["lead_id"])
	assert.Contains(t, dead[0]["reason"], "this lead has no company")
	assert.Contains(t, e.okCRM("dead", "list"), refused)

	// Editing something else does not matter to Salesforce, but any change
	// queues the lead again; an edit that changes nothing leaves it dead.
	r = e.with(token, "edit", refused, "--family", "Person 2")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, refused+"\n", r.stdout)
	assert.Contains(t, r.stderr, "nothing changed")
	assert.Contains(t, r.stderr, "leadcap dead retry "+refused)
	assert.Len(t, jsonLines(t, e.okCRM("dead", "list", "--json")), 1)

	assert.Equal(t, refused+"\n", e.okCRM("edit", refused, "--org", "Fixed Later AG"))
	assert.Equal(t, "no dead leads: the CRM has refused none\n", e.okCRM("dead", "list"), "the edit takes the lead out of the dead letters")
	pending := jsonLines(t, e.okCRM("list", "--json", "--sync", "pending"))
	require.Len(t, pending, 1)
	assert.Equal(t, refused, pending[0]["id"])
	assert.Equal(t, float64(0), pending[0]["sync"].(map[string]any)["attempts"], "queued afresh")

	assert.Equal(t, "synced 1, failed 0, dead 0, pending 0\n", e.okCRM("sync"))
	leads := sf.Leads()
	require.Len(t, leads, 4)
	require.Contains(t, leads, refused)
	assert.Equal(t, "Fixed Later AG", leads[refused]["Company"])
	assert.Equal(t, "Person 2", leads[refused]["LastName"])
	for _, id := range ids {
		assert.Contains(t, leads, id.String())
	}
	// A later edit is one more version to send; the lead stays one record.
	assert.Equal(t, refused+"\n", e.okCRM("edit", refused, "--title", "Buyer"))
	assert.Equal(t, "synced 1, failed 0, dead 0, pending 0\n", e.okCRM("sync"))
	assert.Len(t, sf.Leads(), 4)
	s := e.store()
	info, err := s.SyncInfo(uuid.MustParse(refused))
	require.NoError(t, err)
	assert.Equal(t, storage.SyncSynced, info.Status)
	assert.Equal(t, int64(3), info.SyncedVersion)
	e.assertSecretNotStored()
}
