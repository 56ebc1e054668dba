package storage

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"leadcap/lead"
)

// fixturePassphrase unlocks testdata/schema3-encrypted.db.
const fixturePassphrase = "schema three fixture"

// fixtureAttendees is the attendee list of the fixture stores' event.
var fixtureAttendees = []lead.Attendee{
	{BadgeID: "HM-1001", GivenName: "Grace", FamilyName: "Hopper", Email: "grace@example.com", Organization: "Navy"},
	{BadgeID: "HM-1002", GivenName: "Edsger", FamilyName: "Dijkstra", Email: "ewd@example.com"},
	{BadgeID: "HM-1003", GivenName: "Barbara", FamilyName: "Liskov", Organization: "MIT", Phone: "+49 30 1234567"},
}

// writeFixtureStore fills the store at path through the public API only, so
// that it writes the same content with every schema: one event of two
// days, seven leads by three staff members (one without), every consent
// basis, every rating, a prospect and a disqualified lead, one synced, one
// dead, one ID-only badge scan waiting for its contact (its badge is not on
// the list), and the attendee list. With ks the store is encrypted after
// the attendee list was stored (so that list stays in its plain form).
//
// testdata/schema3.db and testdata/schema3-encrypted.db were written by it
// at a26581f (schema 3) and are kept to test the migration to schema 4.
func writeFixtureStore(t testing.TB, path string, ks KeySource) {
	t.Helper()
	day := time.Date(2026, 4, 20, 9, 30, 0, 0, time.UTC)
	s, err := Open(path, &Options{Now: func() time.Time { return day.Add(72 * time.Hour) }})
	require.NoError(t, err)
	defer s.Close()
	ev := lead.Event{Name: "Hannover Messe", Country: "DE", Start: day.Truncate(24 * time.Hour), End: day.Add(24 * time.Hour)}
	require.NoError(t, s.CreateEvent(&ev))
	yes := lead.Qualification{Fit: lead.Yes, Budget: lead.Yes, Authority: lead.Yes, Interest: lead.Yes}
	rows := []struct {
		name, email, staff string
		at                 time.Duration
		rating             lead.Rating
		consent            lead.Consent
		q                  lead.Qualification
	}{
		{"Ada Lovelace", "ada@example.com", "Anna Berger", 0, lead.RatingHot, lead.Consent{Basis: lead.BasisConsent, Status: lead.ConsentActive}, yes},
		{"Bob Müller", "bob@example.com", "Anna Berger", 35 * time.Minute, lead.RatingWarm, lead.Consent{Basis: lead.BasisLegitimateInterest}, lead.Qualification{}},
		{"Jürgen Müller", "juergen@example.com", "Jonas Weber", 2 * time.Hour, lead.RatingCold, lead.Consent{Basis: lead.BasisConsent, Status: lead.ConsentRequested}, lead.Qualification{}},
		{"Grace Hopper", "hopper@example.com", "Jonas Weber", 24*time.Hour + 10*time.Minute, lead.RatingUnrated, lead.Consent{Basis: lead.BasisConsent, Status: lead.ConsentRevoked}, lead.Qualification{Disqualified: true}},
		{"Alan Turing", "alan@example.com", "", 25 * time.Hour, "", lead.Consent{Basis: lead.BasisNone}, yes},
		{"Katherine Johnson", "kj@example.com", "Anna Berger", 26 * time.Hour, lead.RatingHot, lead.Consent{Basis: lead.BasisConsent}, lead.Qualification{}},
	}
	var ids []lead.Lead
	for _, r := range rows {
		l := &lead.Lead{EventID: ev.ID, Contact: lead.Contact{FullName: r.name, Emails: []string{r.email}},
			CapturedAt: day.Add(r.at), CapturedBy: r.staff, Rating: r.rating, Consent: r.consent, Qualification: r.q,
			Source: lead.Source{Method: lead.MethodQRScan}}
		require.NoError(t, s.AddLead(l))
		ids = append(ids, *l)
	}
	badge := &lead.Lead{EventID: ev.ID, BadgeID: "HM-2001", CapturedAt: day.Add(26*time.Hour + 5*time.Minute),
		CapturedBy: "Jonas Weber", Source: lead.Source{Method: lead.MethodBadgeScan}}
	require.NoError(t, s.AddLead(badge))

	due, err := s.ClaimDue(day.Add(100*time.Hour), 10, time.Minute)
	require.NoError(t, err)
	require.Len(t, due, len(rows))
	for _, e := range due {
		switch e.Lead.ID {
		case ids[0].ID:
			require.NoError(t, s.MarkDone(e.Lead.ID, e.Lead.Version, "opportunity 7"))
		case ids[3].ID:
			require.NoError(t, s.MarkDead(e.Lead.ID, e.Lead.Version, "rejected by the CRM"))
		default:
			require.NoError(t, s.MarkFailed(e.Lead.ID, e.Lead.Version, "timeout", day.Add(200*time.Hour)))
		}
	}
	require.NoError(t, s.PutAttendees(ev.ID, fixtureAttendees))
	if ks != nil {
		require.NoError(t, s.Encrypt(ks))
	}
	require.NoError(t, s.Check())
}
