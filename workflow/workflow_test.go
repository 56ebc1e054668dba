package workflow_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-vcard"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
	"leadcap/storage"
	"leadcap/workflow"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var (
	fairID = uuid.MustParse("01930000-0000-7000-8000-000000000001")
	t0     = time.Date(2026, 4, 20, 9, 30, 0, 0, time.UTC)
)

func fair() lead.Event {
	return lead.Event{
		ID: fairID, Name: "Hannover Messe 2026", Venue: "Messegelände", City: "Hannover", Country: "DE",
		Booth: "Hall 7 C12", Start: time.Date(2026, 4, 20, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 4, 24, 0, 0, 0, 0, time.UTC),
		Questions: []lead.Question{{ID: "q1", Text: "Which line do you run?"}},
		CreatedAt: t0.Add(-48 * time.Hour),
	}
}

// sampleLeads are stored-looking leads: a qualified prospect with
// everything, a lead known only by full name and organization, and a lead
// whose name a prankster turned into a spreadsheet formula.
func sampleLeads() []lead.Lead {
	return []lead.Lead{
		{
			ID: uuid.MustParse("01930000-0001-7000-8000-00000000000a"), EventID: fairID,
			Contact: lead.Contact{
				FullName: "Jürgen Müller", GivenName: "Jürgen", FamilyName: "Müller",
				Organization: "Müller & Söhne GmbH; Werk 2", Title: "Head of Purchasing",
				Emails:  []string{"juergen.mueller@example.de", "jm@example.com"},
				Phones:  []lead.Phone{{Number: "+49301234567", Raw: "030 1234567", Kind: "work"}, {Number: "+491712345678", Raw: "0171 2345678", Kind: "mobile"}},
				URLs:    []string{"https://example.de"},
				Address: lead.Address{Street: "Hauptstraße 1", City: "Berlin", Region: "Berlin", PostalCode: "10115", Country: "DE"},
			},
			Source:     lead.Source{Channel: lead.ChannelOffline, Method: lead.MethodQRScan},
			RawPayload: "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jürgen Müller\r\nEND:VCARD",
			CapturedAt: t0, CapturedBy: "Anna", DeviceID: "tablet-1",
			Qualification: lead.Qualification{Fit: lead.Yes, Budget: lead.Yes, Authority: lead.Yes, Interest: lead.Yes, Answers: map[string]string{"q1": "CNC, laser"}},
			Rating:        lead.RatingHot,
			Consent:       lead.Consent{Basis: lead.BasisConsent, Status: lead.ConsentActive, WordingVersion: "v3", At: t0.Add(time.Minute)},
			Notes: []lead.Note{
				{ID: uuid.MustParse("01930000-0001-7000-8000-0000000000b1"), At: t0.Add(2 * time.Minute), Author: "Anna", Text: "Wants a demo, budget approved for Q3"},
				{ID: uuid.MustParse("01930000-0001-7000-8000-0000000000b2"), At: t0.Add(time.Hour), Author: "Bob", Text: "Call booked", FollowUp: time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC)},
			},
			Version: 3, UpdatedAt: t0.Add(time.Hour),
		},
		{
			ID: uuid.MustParse("01930000-0002-7000-8000-00000000000b"), EventID: fairID,
			Contact:    lead.Contact{FullName: "Marie-Claire de la Fontaine", Organization: "Ateliers Réunis"},
			Source:     lead.Source{Channel: lead.ChannelOffline, Method: lead.MethodManual},
			CapturedAt: t0.Add(10 * time.Minute), Rating: lead.RatingUnrated,
			Qualification: lead.Qualification{Fit: lead.No, Disqualified: true},
			Consent:       lead.Consent{Basis: lead.BasisNone},
			Version:       1, UpdatedAt: t0.Add(10 * time.Minute),
		},
		{
			ID: uuid.MustParse("01930000-0003-7000-8000-00000000000c"), EventID: fairID,
			Contact:    lead.Contact{FullName: `=HYPERLINK("http://evil.example","click")`, Emails: []string{"x@example.org"}, Title: "-2+3"},
			Source:     lead.Source{Channel: lead.ChannelOffline, Method: lead.MethodBadgeScan},
			CapturedAt: t0.Add(20 * time.Minute), Rating: lead.RatingCold,
			Consent: lead.Consent{Basis: lead.BasisLegitimateInterest, Status: lead.ConsentRequested},
			Version: 1, UpdatedAt: t0.Add(20 * time.Minute),
		},
	}
}

func events() map[uuid.UUID]lead.Event { return map[uuid.UUID]lead.Event{fairID: fair()} }

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./workflow -run %s -update to create it", t.Name())
	if !assert.Equal(t, string(want), string(got)) {
		require.NoError(t, os.MkdirAll(filepath.Join("testdata", "failed"), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join("testdata", "failed", name), got, 0o644))
	}
}

func encode(t *testing.T, f workflow.Format) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, workflow.Encode(context.Background(), &b, f, sampleLeads(), events()))
	return b.Bytes()
}

func TestExportCSV(t *testing.T) {
	out := encode(t, workflow.FormatCSV)
	golden(t, "export.csv", out)

	rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 4, "a header and one row per lead")
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	// The labels HubSpot's and Salesforce's import wizards map by themselves.
	for _, h := range []string{"First Name", "Last Name", "Email", "Phone Number", "Mobile Phone Number", "Company",
		"Job Title", "Website URL", "Street Address", "City", "State/Region", "Postal Code", "Country/Region",
		"Lead Status", "Rating", "Event", "Notes", "Lead ID"} {
		assert.Contains(t, col, h)
	}
	get := func(row int, h string) string { return rows[row][col[h]] }
	assert.Equal(t, "Jürgen", get(1, "First Name"))
	assert.Equal(t, "Müller", get(1, "Last Name"))
	assert.Equal(t, "juergen.mueller@example.de", get(1, "Email"))
	assert.Equal(t, "jm@example.com", get(1, "Other Emails"))
	assert.Equal(t, "+49301234567", get(1, "Phone Number"), "E.164 phone numbers are not defused")
	assert.Equal(t, "+491712345678", get(1, "Mobile Phone Number"))
	assert.Equal(t, "Open", get(1, "Lead Status"))
	assert.Equal(t, "Hot", get(1, "Rating"))
	assert.Equal(t, "Hannover Messe 2026", get(1, "Event"))
	assert.Equal(t, "2026-04-20 Anna: Wants a demo, budget approved for Q3\n2026-04-20 Bob: Call booked (follow up 2026-05-04)", get(1, "Notes"))
	assert.Equal(t, "01930000-0001-7000-8000-00000000000a", get(1, "Lead ID"))

	assert.Equal(t, "Marie-Claire de la", get(2, "First Name"), "a full name is split before the last word")
	assert.Equal(t, "Fontaine", get(2, "Last Name"))
	assert.Equal(t, "Unqualified", get(2, "Lead Status"))
	assert.Equal(t, "", get(2, "Rating"), "unrated leaves the CRM's rating empty")

	assert.True(t, strings.HasPrefix(get(3, "Last Name"), `'`), "a formula is defused: %q", get(3, "Last Name"))
	assert.Equal(t, "'-2+3", get(3, "Job Title"))
}

func TestExportVCard(t *testing.T) {
	out := encode(t, workflow.FormatVCard)
	golden(t, "export.vcf", out)

	dec := vcard.NewDecoder(bytes.NewReader(out))
	var cards []vcard.Card
	for {
		c, err := dec.Decode()
		if err != nil {
			break
		}
		cards = append(cards, c)
	}
	require.Len(t, cards, 3)
	c := cards[0]
	assert.Equal(t, "4.0", c.Value(vcard.FieldVersion))
	assert.Equal(t, "Jürgen Müller", c.Value(vcard.FieldFormattedName))
	assert.Equal(t, "Müller", c.Name().FamilyName)
	assert.Equal(t, "Jürgen", c.Name().GivenName)
	assert.Equal(t, "Head of Purchasing", c.Value(vcard.FieldTitle))
	assert.Equal(t, []string{"juergen.mueller@example.de", "jm@example.com"}, c.Values(vcard.FieldEmail))
	tels := c[vcard.FieldTelephone]
	require.Len(t, tels, 2)
	assert.Equal(t, "tel:+49301234567", tels[0].Value)
	assert.Equal(t, "uri", tels[0].Params.Get(vcard.ParamValue))
	assert.True(t, tels[1].Params.HasType(vcard.TypeCell))
	assert.Equal(t, "https://example.de", c.Value(vcard.FieldURL))
	a := c.Address()
	require.NotNil(t, a)
	assert.Equal(t, "Hauptstraße 1", a.StreetAddress)
	assert.Equal(t, "10115", a.PostalCode)
	assert.Equal(t, "urn:uuid:01930000-0001-7000-8000-00000000000a", c.Value(vcard.FieldUID))
	assert.Contains(t, c.Value(vcard.FieldNote), "Call booked")
	assert.NotContains(t, string(out), "Söhne GmbH; Werk", "a semicolon inside ORG would split it")
	assert.Contains(t, string(out), `ORG:Müller & Söhne GmbH\; Werk 2`, "the semicolon is escaped, not replaced")

	org := cards[1]
	assert.Equal(t, "Fontaine", org.Name().FamilyName)
	assert.Equal(t, "Ateliers Réunis", org.Value(vcard.FieldOrganization))
}

func TestExportJSONL(t *testing.T) {
	out := encode(t, workflow.FormatJSONL)
	golden(t, "export.jsonl", out)

	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	require.Len(t, lines, 3)
	for i, line := range lines {
		var l lead.Lead // a plain lead.Lead reader gets everything
		require.NoError(t, json.Unmarshal([]byte(line), &l))
		assert.Equal(t, jsonOf(t, sampleLeads()[i]), jsonOf(t, l))
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]workflow.Format{"csv": workflow.FormatCSV, "VCF": workflow.FormatVCard, "vcard": workflow.FormatVCard, "jsonl": workflow.FormatJSONL} {
		got, err := workflow.ParseFormat(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got)
	}
	_, err := workflow.ParseFormat("xlsx")
	assert.ErrorIs(t, err, workflow.ErrUnknownFormat)
	err = workflow.Encode(context.Background(), &bytes.Buffer{}, "xlsx", nil, nil)
	assert.ErrorIs(t, err, workflow.ErrUnknownFormat)
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func openStore(t testing.TB) *storage.Store {
	t.Helper()
	s, err := storage.Open(filepath.Join(t.TempDir(), "leadcap.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

// seed stores the fair and the sample leads, and a second event with a lead
// added through the normal capture path.
func seed(t *testing.T, s *storage.Store) {
	t.Helper()
	ev := fair()
	require.NoError(t, s.CreateEvent(&ev))
	for _, l := range sampleLeads() {
		created, err := s.PutLead(&l)
		require.NoError(t, err)
		require.True(t, created)
	}
	other := lead.Event{Name: "Salon Eurobois", Country: "FR"}
	require.NoError(t, s.CreateEvent(&other))
	l := lead.New(other.ID, lead.MethodManual, t0)
	l.Contact = lead.Contact{GivenName: "Élodie", FamilyName: "Roux", Phones: []lead.Phone{{Raw: "06 12 34 56 78"}}}
	require.NoError(t, s.AddLead(l))
	_, err := s.UpdateLead(l.ID, func(l *lead.Lead) error {
		_, err := l.AddNote("Send the catalogue", "Luc", t0.Add(time.Hour), time.Time{})
		return err
	})
	require.NoError(t, err)
}

func exportJSONL(t *testing.T, s *storage.Store) []byte {
	t.Helper()
	var b bytes.Buffer
	n, err := workflow.Export(context.Background(), s, &b, workflow.FormatJSONL, storage.Query{})
	require.NoError(t, err)
	require.Equal(t, 4, n)
	return b.Bytes()
}

func allLeads(t *testing.T, s *storage.Store) string {
	t.Helper()
	ls, err := s.Leads(storage.Query{})
	require.NoError(t, err)
	return jsonOf(t, ls)
}

func allEvents(t *testing.T, s *storage.Store) string {
	t.Helper()
	evs, err := s.Events()
	require.NoError(t, err)
	return jsonOf(t, evs)
}

func TestJSONLRoundTripIntoFreshStore(t *testing.T) {
	ctx := context.Background()
	src := openStore(t)
	seed(t, src)
	data := exportJSONL(t, src)

	dst := openStore(t)
	res, err := workflow.Import(ctx, dst, bytes.NewReader(data))
	require.NoError(t, err)
	assert.Equal(t, workflow.ImportResult{Created: 4, Events: 2}, res)
	assert.Equal(t, allLeads(t, src), allLeads(t, dst), "every field of every lead survives export and import")
	assert.Equal(t, allEvents(t, src), allEvents(t, dst), "the events come along")
	assert.Equal(t, string(data), string(exportJSONL(t, dst)), "exporting the imported store gives the same file")

	again, err := workflow.Import(ctx, dst, bytes.NewReader(data))
	require.NoError(t, err)
	assert.Equal(t, workflow.ImportResult{Unchanged: 4}, again, "a second import changes nothing")
	n, err := dst.Count(storage.Query{})
	require.NoError(t, err)
	assert.Equal(t, 4, n, "no duplicates")

	pending, err := dst.PendingCount()
	require.NoError(t, err)
	assert.Equal(t, 4, pending, "imported leads are queued for the CRM")
}

func TestImportNewerVersionUpdates(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	seed(t, s)
	data := exportJSONL(t, s)
	first := strings.SplitN(string(data), "\n", 2)[0]

	var rec workflow.Record
	require.NoError(t, json.Unmarshal([]byte(first), &rec))
	// Edited once after the export: the export is now the older version.
	_, err := s.UpdateLead(rec.ID, func(l *lead.Lead) error { l.Contact.Title = "Sales"; return nil })
	require.NoError(t, err)
	older, newer := rec, rec
	older.Contact.Title = "Intern"
	newer.Version += 2
	newer.Contact.Title = "Managing Director"
	in := jsonOf(t, older) + "\n" + jsonOf(t, newer) + "\n"

	res, err := workflow.Import(ctx, s, strings.NewReader(in))
	require.NoError(t, err)
	assert.Equal(t, workflow.ImportResult{Updated: 1, Unchanged: 1}, res)
	got, err := s.Lead(rec.ID)
	require.NoError(t, err)
	assert.Equal(t, "Managing Director", got.Contact.Title, "the higher version wins")
	assert.Equal(t, rec.Version+2, got.Version)
}

func TestImportBadLines(t *testing.T) {
	ctx := context.Background()
	src := openStore(t)
	seed(t, src)
	byID := map[uuid.UUID]string{}
	var badEmail workflow.Record // the only lead of the second event
	for _, line := range strings.Split(strings.TrimSuffix(string(exportJSONL(t, src)), "\n"), "\n") {
		var rec workflow.Record
		require.NoError(t, json.Unmarshal([]byte(line), &rec))
		byID[rec.ID] = line
		if rec.EventID != fairID {
			badEmail = rec
		}
	}
	badEmail.Contact.Emails = []string{"not-an-address"}
	badEmail.Contact.Phones = nil
	samples := sampleLeads()
	lines := []string{byID[samples[0].ID], byID[samples[1].ID], byID[samples[2].ID]}

	in := strings.Join([]string{
		lines[0],
		"",
		`{"id": "01930000-0009-7000-8000-000000000009", "event_id": `, // line 3: cut off
		jsonOf(t, badEmail), // line 4: invalid email, brings a new event
		lines[1],
		strings.Replace(lines[2], `"rating"`, `"ratting"`, 1), // line 6: unknown field
		`{"id":"01930000-0009-7000-8000-000000000010","event_id":"01930000-0000-7000-8000-0000000000ff","contact":{"emails":["a@example.com"]}}`, // line 7: unknown event
		"",
	}, "\n")

	dst := openStore(t)
	res, err := workflow.Import(ctx, dst, strings.NewReader(in))
	var ie *workflow.ImportError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, workflow.ImportResult{Created: 2, Failed: 4, Events: 1}, res)
	var got []int
	for _, le := range ie.Lines {
		got = append(got, le.Line)
	}
	assert.Equal(t, []int{3, 4, 6, 7}, got)
	assert.ErrorIs(t, ie.Lines[0], workflow.ErrBadRecord)
	var fe *lead.FieldError
	assert.ErrorAs(t, ie.Lines[1], &fe, "line 4 names the wrong field")
	assert.Contains(t, ie.Lines[2].Error(), "ratting")
	assert.ErrorIs(t, ie.Lines[3], storage.ErrNotFound)
	var le *workflow.LineError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, 3, le.Line, "errors.As finds the first bad line")

	n, err := dst.Count(storage.Query{})
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	_, err = dst.Lead(badEmail.ID)
	assert.ErrorIs(t, err, storage.ErrNotFound, "nothing of a bad line is saved")
	evs, err := dst.Events()
	require.NoError(t, err)
	require.Len(t, evs, 1, "the bad line's event was not created either")
	assert.Equal(t, fairID, evs[0].ID)
}

// TestImportRefusedLineLeavesNoEvent checks that an event a line brings is
// created only together with a lead that is saved.
func TestImportRefusedLineLeavesNoEvent(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	seed(t, s)
	expo := func(n int, name, country string) lead.Event {
		return lead.Event{ID: uuid.MustParse(fmt.Sprintf("01940000-0000-7000-8000-0000000000e%d", n)), Name: name, Country: country}
	}
	a, b, c := expo(1, "Expo A", "DE"), expo(2, "Expo B", "FR"), expo(3, "Expo C", "FR")
	line := func(ev lead.Event, email string, bring bool) string {
		l := lead.New(ev.ID, lead.MethodImport, t0)
		l.Contact = lead.Contact{FullName: "Élodie Roux", Emails: []string{email}}
		r := workflow.Record{Lead: *l}
		if bring {
			r.Event = &ev
		}
		return jsonOf(t, r)
	}
	hasEvent := func(ev lead.Event) bool {
		_, err := s.Event(ev.ID)
		if err != nil {
			require.ErrorIs(t, err, storage.ErrNotFound)
		}
		return err == nil
	}

	// A lead stored in a newer version, moved to a new event in the file:
	// unchanged, so its event is not created either.
	stored := sampleLeads()[0]
	older := stored
	older.EventID, older.Version = a.ID, stored.Version-1
	res, err := workflow.Import(ctx, s, strings.NewReader(jsonOf(t, workflow.Record{Lead: older, Event: &a})+"\n"))
	require.NoError(t, err)
	assert.Equal(t, workflow.ImportResult{Unchanged: 1}, res)
	assert.False(t, hasEvent(a), "an unchanged line creates no event")

	filler := make([]string, 600) // more than one batch
	for i := range filler {
		filler[i] = line(fair(), fmt.Sprintf("visitor%d@example.com", i), false)
	}
	in := strings.Join(append([]string{
		line(b, "elodie@example.fr", true), // 1: created, creates Expo B
		line(b, "ELODIE@example.fr", true), // 2: the same person under another ID: refused
		line(c, "not-an-address", true),    // 3: refused, brings Expo C
	}, append(filler,
		line(c, "luc@example.fr", false), // 604: Expo C came with line 3, a batch earlier
	)...), "\n")
	res, err = workflow.Import(ctx, s, strings.NewReader(in))
	var ie *workflow.ImportError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, workflow.ImportResult{Created: 602, Failed: 2, Events: 2}, res)
	require.Len(t, ie.Lines, 2)
	var de *storage.DuplicateError
	assert.ErrorAs(t, ie.Lines[0], &de, "line 2 is a duplicate")
	assert.Equal(t, 2, ie.Lines[0].Line)
	var fe *lead.FieldError
	assert.ErrorAs(t, ie.Lines[1], &fe, "line 3 has a bad email")
	assert.Equal(t, 3, ie.Lines[1].Line)
	assert.True(t, hasEvent(b))
	assert.True(t, hasEvent(c), "created with the lead of line 604")
	n, err := s.Count(storage.Query{EventID: c.ID})
	require.NoError(t, err)
	assert.Equal(t, 1, n)

	// The duplicate again, alone, at an event that does not exist yet:
	// refused, and nothing is left behind.
	res, err = workflow.Import(ctx, s, strings.NewReader(line(b, "elodie@example.fr", true)+"\n"+line(a, "not-an-address", true)))
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, workflow.ImportResult{Failed: 2}, res)
	assert.False(t, hasEvent(a), "a refused line creates no event")
}

// cancelOnSecondRead returns first, then cancels the import and returns
// second: the import stops before it saves its batch.
type cancelOnSecondRead struct {
	first, second string
	cancel        context.CancelFunc
	reads         int
}

func (r *cancelOnSecondRead) Read(p []byte) (int, error) {
	r.reads++
	switch r.reads {
	case 1:
		return copy(p, r.first), nil
	case 2:
		r.cancel()
		return copy(p, r.second), nil
	}
	return 0, io.EOF
}

func TestImportCancelledMidwayLeavesNoEvent(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	src := openStore(t)
	seed(t, src)
	lines := strings.SplitAfter(string(exportJSONL(t, src)), "\n")
	dst := openStore(t)
	res, err := workflow.Import(ctx, dst, &cancelOnSecondRead{first: lines[0], second: lines[1], cancel: cancel})
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, workflow.ImportResult{}, res)
	evs, err := dst.Events()
	require.NoError(t, err)
	assert.Empty(t, evs, "no event without its leads")
	n, err := dst.Count(storage.Query{})
	require.NoError(t, err)
	assert.Zero(t, n)
}

func TestImportCancelled(t *testing.T) {
	s := openStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := workflow.Import(ctx, s, strings.NewReader("{}\n"))
	assert.ErrorIs(t, err, context.Canceled)
}

func TestExportFiltersByEvent(t *testing.T) {
	s := openStore(t)
	seed(t, s)
	var b bytes.Buffer
	n, err := workflow.Export(context.Background(), s, &b, workflow.FormatCSV, storage.Query{EventID: fairID})
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	leads := sampleLeads()
	slices.Reverse(leads) // the store gives the newest capture first
	var want bytes.Buffer
	require.NoError(t, workflow.Encode(context.Background(), &want, workflow.FormatCSV, leads, events()))
	assert.Equal(t, want.String(), b.String(), "the store export equals the encoding of the same leads")
}

func TestResolveEvent(t *testing.T) {
	s := openStore(t)
	_, err := workflow.ResolveEvent(s, "")
	require.ErrorIs(t, err, storage.ErrNoActiveEvent)

	ev := fair()
	require.NoError(t, s.CreateEvent(&ev))
	_, err = workflow.ResolveEvent(s, "Nonexistent Fair")
	require.ErrorIs(t, err, storage.ErrNotFound)

	got, err := workflow.ResolveEvent(s, "hannover messe 2026")
	require.NoError(t, err)
	assert.Equal(t, fairID, got.ID)

	require.NoError(t, s.SetActiveEvent(fairID))
	got, err = workflow.ResolveEvent(s, "")
	require.NoError(t, err)
	assert.Equal(t, fairID, got.ID)
}

func TestErrorsWrap(t *testing.T) {
	le := &workflow.LineError{Line: 7, Err: workflow.ErrBadRecord}
	assert.True(t, errors.Is(le, workflow.ErrBadRecord))
	assert.Equal(t, "line 7: not a leadcap lead record", le.Error())
}

// TestExportCSVHasAColumnPerQuestion: after the fixed columns, in their
// order, comes one column per question of the exported events, headed by
// its text; the same text at two events is one column, a text that names a
// fixed column gets "Q " in front.
func TestExportCSVHasAColumnPerQuestion(t *testing.T) {
	s := openStore(t)
	seed(t, s)
	other := lead.Event{Name: "SPS 2026", Questions: []lead.Question{
		{ID: "a", Text: "Budget", Kind: lead.QuestionNumber},
		{ID: "b", Text: "which line do you run? ", Kind: lead.QuestionText},
		{ID: "c", Text: "Wants a demo?", Kind: lead.QuestionYesNo},
	}}
	require.NoError(t, s.CreateEvent(&other))
	l := lead.New(other.ID, lead.MethodManual, t0.Add(48*time.Hour))
	l.Contact = lead.Contact{FullName: "Otto Normal", Emails: []string{"otto@example.com"}}
	l.Qualification.Answers = map[string]string{"a": "25000", "b": "=cmd", "c": "yes"}
	require.NoError(t, s.AddLead(l))

	var b bytes.Buffer
	n, err := workflow.Export(context.Background(), s, &b, workflow.FormatCSV, storage.Query{})
	require.NoError(t, err)
	assert.Equal(t, 5, n)
	rows, err := csv.NewReader(&b).ReadAll()
	require.NoError(t, err)
	base := workflow.CSVHeader()
	assert.Equal(t, base, rows[0][:len(base)], "the fixed columns stay as they were, in order")
	assert.Equal(t, []string{"Which line do you run?", "Q Budget", "Wants a demo?"}, rows[0][len(base):])
	byID := map[string][]string{}
	for _, r := range rows[1:] {
		require.Len(t, r, len(rows[0]))
		byID[r[slices.Index(base, "Lead ID")]] = r[len(base):]
	}
	assert.Equal(t, []string{"CNC, laser", "", ""}, byID["01930000-0001-7000-8000-00000000000a"])
	assert.Equal(t, []string{"", "", ""}, byID["01930000-0002-7000-8000-00000000000b"], "no answers, empty cells")
	assert.Equal(t, []string{"'=cmd", "25000", "yes"}, byID[l.ID.String()], "a formula is defused")

	// One event: only its questions.
	b.Reset()
	_, err = workflow.Export(context.Background(), s, &b, workflow.FormatCSV, storage.Query{EventID: other.ID})
	require.NoError(t, err)
	rows, err = csv.NewReader(&b).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, []string{"Q Budget", "which line do you run?", "Wants a demo?"}, rows[0][len(base):])
	assert.Equal(t, []string{"25000", "'=cmd", "yes"}, rows[1][len(base):])
}
