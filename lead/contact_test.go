package lead_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
)

func TestNormalizeContact(t *testing.T) {
	c := lead.Contact{
		GivenName:    "  Jürgen ",
		FamilyName:   "Müller",
		Organization: "Müller  & Söhne GmbH",
		Emails:       []string{" Juergen.Mueller@Example.DE ", "", "juergen.mueller@example.de", "MAILTO:Juergen.Mueller@example.de", "juergen\u200b.mueller@example.de"},
		Phones:       []lead.Phone{{Raw: "030 1234567", Kind: "Work"}, {Raw: "+49 30 1234567"}, {Raw: "0049 171 2345678", Kind: "mobile"}},
		URLs:         []string{" https://example.de ", "https://example.de"},
	}
	require.NoError(t, c.Normalize("DE"))
	assert.Equal(t, "Jürgen Müller", c.FullName)
	assert.Equal(t, "Müller & Söhne GmbH", c.Organization)
	assert.Equal(t, []string{"juergen.mueller@example.de"}, c.Emails)
	require.Len(t, c.Phones, 2, "the same number written twice is kept once")
	assert.Equal(t, lead.Phone{Number: "+49301234567", Raw: "030 1234567", Kind: "work"}, c.Phones[0])
	assert.Equal(t, "+491712345678", c.Phones[1].Number)
	assert.Equal(t, []string{"https://example.de"}, c.URLs)
}

func TestNormalizeContactErrors(t *testing.T) {
	tests := []struct {
		name   string
		c      lead.Contact
		region string
		field  string
		hint   string
	}{
		{"email without domain", lead.Contact{Emails: []string{"anna@"}}, "DE", "contact.emails[0]", "check it for typos"},
		{"email without dot in domain", lead.Contact{Emails: []string{"ok@example.com", "anna@localhost"}}, "DE", "contact.emails[1]", "check it for typos"},
		{"letters for a phone", lead.Contact{Phones: []lead.Phone{{Raw: "call me"}}}, "DE", "contact.phones[0]", "not a phone number"},
		{"national number without event country", lead.Contact{Phones: []lead.Phone{{Raw: "030 1234567"}}}, "", "contact.phones[0]", "set the event's country"},
		{"too short", lead.Contact{Phones: []lead.Phone{{Raw: "+49 1"}}}, "DE", "contact.phones[0]", "too short"},
		{"impossible length", lead.Contact{Phones: []lead.Phone{{Raw: "+44 20 7946 0958 12"}}}, "DE", "contact.phones[0]", "check the digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.c.Normalize(tt.region)
			var fe *lead.FieldError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tt.field, fe.Field)
			assert.Contains(t, err.Error(), tt.hint)
		})
	}
}

func TestLeadNormalizeReachability(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	ev := uuid.New()
	tests := []struct {
		name string
		c    lead.Contact
		ok   bool
	}{
		{"email only", lead.Contact{Emails: []string{"a@example.com"}}, true},
		{"phone only", lead.Contact{Phones: []lead.Phone{{Raw: "+33 1 42 68 53 00"}}}, true},
		{"profile URL only", lead.Contact{URLs: []string{"https://www.linkedin.com/in/someone"}}, true},
		{"name and organization", lead.Contact{GivenName: "Ana", FamilyName: "Silva", Organization: "Acme"}, true},
		{"name without organization", lead.Contact{FullName: "Ana Silva"}, false},
		{"organization without name", lead.Contact{Organization: "Acme"}, false},
		{"nothing", lead.Contact{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := lead.New(ev, lead.MethodManual, now)
			l.Contact = tt.c
			err := l.Normalize("FR")
			if tt.ok {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.True(t, errors.Is(err, lead.ErrUnreachable), "%v", err)
			assert.Contains(t, err.Error(), "needs an email, a phone number or a web address")
		})
	}
}

// Ratings, consent and source arrive as text from imports and forms:
// Normalize stores their canonical names, so filters and Permitted see
// them, and refuses what is none of them.
func TestLeadNormalizeRatingAndConsent(t *testing.T) {
	l := lead.New(uuid.New(), lead.MethodImport, time.Now())
	l.Contact.Emails = []string{"a@example.com"}
	l.Rating, l.Consent = "HOT", lead.Consent{Basis: " Consent", Status: "ACTIVE"}
	require.NoError(t, l.Normalize("DE"))
	assert.Equal(t, lead.RatingHot, l.Rating)
	assert.Equal(t, lead.Consent{Basis: lead.BasisConsent, Status: lead.ConsentActive}, l.Consent)
	assert.True(t, l.Consent.Permitted())

	l.Rating, l.Consent = "", lead.Consent{}
	require.NoError(t, l.Normalize("DE"))
	assert.Equal(t, lead.RatingUnrated, l.Rating)
	assert.Equal(t, lead.Consent{Basis: lead.BasisNone}, l.Consent)

	for field, mod := range map[string]func(*lead.Lead){
		"rating":         func(l *lead.Lead) { l.Rating = "lukewarm" },
		"consent.basis":  func(l *lead.Lead) { l.Consent.Basis = "opt-in" },
		"consent.status": func(l *lead.Lead) { l.Consent.Status = "maybe" },
		"source.channel": func(l *lead.Lead) { l.Source.Channel = "carrier-pigeon" },
		"source.method":  func(l *lead.Lead) { l.Source.Method = "telepathy" },
	} {
		x := *l
		mod(&x)
		var fe *lead.FieldError
		require.ErrorAs(t, x.Normalize("DE"), &fe, field)
		assert.Equal(t, field, fe.Field)
	}
}

func TestNewLeadDefaults(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	ev := uuid.New()
	a := lead.New(ev, lead.MethodQRScan, now)
	b := lead.New(ev, lead.MethodQRScan, now)
	assert.Equal(t, uuid.Version(7), a.ID.Version())
	assert.NotEqual(t, a.ID, b.ID)
	assert.Less(t, a.ID.String(), b.ID.String(), "IDs are time-ordered")
	assert.Equal(t, ev, a.EventID)
	assert.Equal(t, lead.StageLead, a.Stage())
	assert.Equal(t, lead.RatingUnrated, a.Rating)
	assert.False(t, a.Consent.Permitted())
	assert.Equal(t, lead.ChannelOffline, a.Source.Channel)
	assert.Equal(t, time.UTC, a.CapturedAt.Location())
}

func TestDuplicateKey(t *testing.T) {
	norm := func(c lead.Contact) string {
		t.Helper()
		require.NoError(t, c.Normalize("DE"))
		return c.DuplicateKey()
	}
	assert.Equal(t, "email:anna@example.com", norm(lead.Contact{FullName: "Anna", Emails: []string{"Anna@Example.com"}, Phones: []lead.Phone{{Raw: "030 1234567"}}}))
	assert.Equal(t, "phone:+49301234567", norm(lead.Contact{Phones: []lead.Phone{{Raw: "030 1234567"}}}))
	assert.Equal(t, norm(lead.Contact{FullName: "Jürgen Müller", Organization: "Söhne AG"}), norm(lead.Contact{GivenName: "jurgen", FamilyName: " MULLER", Organization: "sohne  ag"}))
	assert.NotEqual(t, norm(lead.Contact{FullName: "Jürgen Müller", Organization: "A AG"}), norm(lead.Contact{FullName: "Jürgen Müller", Organization: "B AG"}))
	assert.Empty(t, norm(lead.Contact{Organization: "Acme"}))
	// The same person written two ways gives one key.
	assert.Equal(t, norm(lead.Contact{Emails: []string{"mailto:X@Y.org"}}), norm(lead.Contact{Emails: []string{"x@y.org"}}))
}

func TestMergeContact(t *testing.T) {
	l := lead.New(uuid.New(), lead.MethodQRScan, time.Now())
	l.Contact = lead.Contact{FullName: "Ana Silva", Title: "CTO", Emails: []string{"ana@acme.example"}}
	changed := l.MergeContact(lead.Contact{FullName: "A. Silva", Title: "Chief Technology Officer", Organization: "Acme", Emails: []string{"ana@acme.example", "ana@home.example"}, Phones: []lead.Phone{{Number: "+351211234567"}}})
	assert.True(t, changed)
	assert.Equal(t, "Ana Silva", l.Contact.FullName, "what staff recorded is kept")
	assert.Equal(t, "CTO", l.Contact.Title)
	assert.Equal(t, "Acme", l.Contact.Organization)
	assert.Equal(t, []string{"ana@acme.example", "ana@home.example"}, l.Contact.Emails)
	assert.Len(t, l.Contact.Phones, 1)
	assert.False(t, l.MergeContact(lead.Contact{Emails: []string{"ana@acme.example"}}), "nothing new")
}

func TestNotes(t *testing.T) {
	l := lead.New(uuid.New(), lead.MethodMeeting, time.Now())
	_, err := l.AddNote("   ", "rep", time.Now(), time.Time{})
	assert.Error(t, err)
	d1 := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	d2 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	n, err := l.AddNote("Wants a demo in December", "Kim", time.Now(), d1)
	require.NoError(t, err)
	assert.Equal(t, "Kim", n.Author)
	_, err = l.AddNote("Send pricing", "Kim", time.Now(), d2)
	require.NoError(t, err)
	_, err = l.AddNote("No follow-up", "Kim", time.Now(), time.Time{})
	require.NoError(t, err)
	assert.Len(t, l.Notes, 3)
	assert.Equal(t, d2, l.NextFollowUp())
}

func TestEventValidate(t *testing.T) {
	e := lead.Event{Name: "  CeBIT ", Country: "de"}
	require.NoError(t, e.Validate())
	assert.Equal(t, "CeBIT", e.Name)
	assert.Equal(t, "DE", e.Country)
	assert.Error(t, (&lead.Event{}).Validate())
	err := (&lead.Event{Name: "X", Country: "Germany"}).Validate()
	assert.ErrorContains(t, err, "ISO 3166")
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	err = (&lead.Event{Name: "X", Start: start, End: start.AddDate(0, 0, -1)}).Validate()
	assert.ErrorContains(t, err, "before the start")
}

func TestValidCountry(t *testing.T) {
	for _, cc := range []string{"DE", "fr", " us ", "CH"} {
		assert.True(t, lead.ValidCountry(cc), cc)
	}
	for _, cc := range []string{"", "D", "DEU", "Germany", "XX", "ZZ"} {
		assert.False(t, lead.ValidCountry(cc), cc)
	}
}
