package app

import (
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/assets"
	"leadcap/lead"
)

// openAda stores Ada Lovelace at a German event and opens her lead.
func openAda(t *testing.T, country string) (*UI, *leadScreen, lead.Lead) {
	t.Helper()
	st := newStore(t)
	ev := addEvent(t, st, "Hannover Messe", country)
	l := addLead(t, st, ev, 1, "Ada", "Lovelace", "Analytical Engines", "ada@example.com")
	u := newTestUI(t, st)
	u.openLead(l.ID)
	require.NotNil(t, u.lead)
	require.True(t, u.lead.loaded)
	return u, u.lead, l
}

func stored(t *testing.T, u *UI, id lead.Lead) lead.Lead {
	t.Helper()
	l, err := u.st.Lead(id.ID)
	require.NoError(t, err)
	return l
}

// retype replaces an entry's text the way a user would: select all, type.
func retype(e *widget.Entry, text string) {
	e.SetText("")
	test.Type(e, text)
}

func TestLeadQualifyToProspect(t *testing.T) {
	u, s, l := openAda(t, "DE")

	assert.Equal(t, "Hannover Messe · captured 2026-11-27 09:31 · typed in", s.captured.Text)
	assert.Equal(t, "Lead", s.stage.text)
	assert.Equal(t, "To become a prospect, confirm: fit, budget, authority, interest", s.missing.Text)
	test.Tap(s.fit.buttons[0])
	test.Tap(s.budget.buttons[0])
	test.Tap(s.authority.buttons[0])
	assert.Equal(t, "Lead", s.stage.text)
	assert.Equal(t, "To become a prospect, confirm: interest", s.missing.Text)
	test.Tap(s.interest.buttons[0])
	assert.Equal(t, "Prospect", s.stage.text, "the badge changes as soon as the fourth criterion is confirmed")
	assert.Equal(t, widget.SuccessImportance, s.interest.buttons[0].Importance)
	assert.Equal(t, lead.StageLead, stored(t, u, l).Qualification.Stage(), "nothing is stored before Save")

	test.Tap(s.rating.buttons[0]) // hot
	test.Tap(s.save)
	got := stored(t, u, l)
	assert.Equal(t, lead.StageProspect, got.Stage())
	assert.Equal(t, lead.RatingHot, got.Rating)
	assert.Equal(t, int64(2), got.Version)
	assert.Equal(t, "Saved.", s.message.Text)
	assert.Equal(t, "1 lead · 1 prospect · 1 not synced", u.leads.counts.Text, "the list shows the new stage")
	test.AssertRendersToMarkup(t, golden("lead.xml"), u.win.Canvas())

	// Back to unknown: a lead again.
	test.Tap(s.budget.buttons[2])
	assert.Equal(t, "Lead", s.stage.text)
	test.Tap(s.save)
	assert.Equal(t, lead.Unknown, stored(t, u, l).Qualification.Budget)
}

func TestLeadDisqualify(t *testing.T) {
	u, s, l := openAda(t, "DE")
	test.Tap(s.disqualify)
	assert.Equal(t, "Disqualified", s.stage.text)
	test.Tap(s.save)
	assert.Equal(t, lead.StageDisqualified, stored(t, u, l).Qualification.Stage())
}

func TestLeadInlineValidation(t *testing.T) {
	u, s, l := openAda(t, "DE")

	retype(s.email, "Ada.L@Example")
	assert.Error(t, s.email.Validate())
	assert.True(t, s.save.Disabled(), "an invalid email blocks Save")
	test.Type(s.email, ".COM")
	assert.NoError(t, s.email.Validate())
	assert.False(t, s.save.Disabled())

	retype(s.phone, "+999 511")
	assert.EqualError(t, s.phone.Validate(), "This number is not a phone number: invalid country code", "the lead model's own reason")
	assert.True(t, s.save.Disabled())
	retype(s.phone, "0511 1234567")
	assert.NoError(t, s.phone.Validate(), "a national number is read in the event's country")

	test.Tap(s.save)
	got := stored(t, u, l)
	assert.Equal(t, []string{"ada.l@example.com"}, got.Contact.Emails, "emails are stored lower-cased")
	require.Len(t, got.Contact.Phones, 1)
	assert.Equal(t, "+495111234567", got.Contact.Phones[0].Number)
	assert.Equal(t, "0511 1234567", got.Contact.Phones[0].Raw)
}

func TestLeadPhoneNeedsCountryCodeWithoutEventCountry(t *testing.T) {
	_, s, _ := openAda(t, "")
	retype(s.phone, "0511 1234567")
	err := s.phone.Validate()
	require.Error(t, err)
	assert.Equal(t, "This number has no country code and the event has no country: write it with + and the country code, or set the event's country", err.Error())
	retype(s.phone, "+49 511 1234567")
	assert.NoError(t, s.phone.Validate())
}

func TestLeadUnreachableIsNotSaved(t *testing.T) {
	u, s, l := openAda(t, "DE")
	retype(s.email, "")
	retype(s.org, "")
	test.Tap(s.save)
	assert.Equal(t, "Add an email, a phone number or a web address, or a name together with an organization.", s.message.Text)
	assert.Equal(t, "", s.org.Text, "the form keeps what was typed")
	got := stored(t, u, l)
	assert.Equal(t, int64(1), got.Version, "nothing was written")
	assert.Equal(t, []string{"ada@example.com"}, got.Contact.Emails)
}

func TestLeadRenameKeepsNamesConsistent(t *testing.T) {
	u, s, l := openAda(t, "DE")
	retype(s.family, "King")
	retype(s.title, "Countess of Lovelace")
	test.Tap(s.save)
	got := stored(t, u, l).Contact
	assert.Equal(t, "Ada King", got.FullName)
	assert.Equal(t, "Countess of Lovelace", got.Title)
	assert.Equal(t, "Ada King — Analytical Engines", rowsOf(t, u)[0].name.Text)
}

func TestLeadConsent(t *testing.T) {
	u, s, l := openAda(t, "DE")
	assert.Equal(t, "None recorded", s.basis.Selected)
	assert.Equal(t, "Not asked", s.status.Selected)

	s.basis.SetSelected("Consent")
	s.status.SetSelected("Active")
	test.Type(s.wording, "v3")
	test.Tap(s.save)
	got := stored(t, u, l).Consent
	assert.Equal(t, lead.BasisConsent, got.Basis)
	assert.Equal(t, lead.ConsentActive, got.Status)
	assert.Equal(t, "v3", got.WordingVersion)
	assert.False(t, got.At.IsZero(), "when consent was recorded")
	assert.True(t, got.Permitted())
}

func TestLeadAddNoteWithFollowUp(t *testing.T) {
	u, s, l := openAda(t, "DE")
	assert.True(t, s.addNote.Disabled(), "nothing to add yet")

	test.Tap(s.fit.buttons[0]) // an unsaved edit elsewhere must survive adding a note
	test.Type(s.noteText, "Wants a demo of the difference engine")
	follow := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	s.followUp.SetDate(&follow)
	require.False(t, s.addNote.Disabled())
	test.Tap(s.addNote)

	got := stored(t, u, l)
	require.Len(t, got.Notes, 1)
	n := got.Notes[0]
	assert.Equal(t, "Wants a demo of the difference engine", n.Text)
	assert.Equal(t, "Anna", n.Author)
	assert.True(t, n.FollowUp.Equal(follow))
	assert.Equal(t, lead.Unknown, got.Qualification.Fit, "adding a note does not save other edits")

	assert.Equal(t, "Note added.", s.message.Text)
	assert.Empty(t, s.noteText.Text)
	assert.Nil(t, s.followUp.Date)
	assert.Equal(t, "Lead", s.stage.text)
	assert.Equal(t, widget.SuccessImportance, s.fit.buttons[0].Importance, "the unsaved toggle is still shown")
	require.Len(t, s.notes.Objects, 1)
	assert.Contains(t, noteTexts(s), "Wants a demo of the difference engine")
	assert.Contains(t, noteTexts(s), "follow up 2026-12-03")
}

func TestLeadShowsSyncStatus(t *testing.T) {
	st := newStore(t)
	ev := addEvent(t, st, "Hannover Messe", "DE")
	l := addLead(t, st, ev, 1, "Ada", "Lovelace", "Analytical Engines", "ada@example.com")
	require.NoError(t, st.MarkFailed(l.ID, 1, "CRM answered 503", t0.Add(24*time.Hour)))
	u := newTestUI(t, st)
	u.openLead(l.ID)
	assert.Equal(t, "Failed · 1 attempt\nCRM answered 503", u.lead.syncInfo.Text)
}

func TestLeadsInGerman(t *testing.T) {
	t.Cleanup(func() {
		os.Setenv("LANGUAGE", "en")
		require.NoError(t, assets.LoadTranslations())
	})
	t.Setenv("LANGUAGE", "de")
	require.NoError(t, assets.LoadTranslations())

	st := newStore(t)
	demo(t, st)
	u := newTestUI(t, st)
	assert.Equal(t, "4 Leads · 1 Interessent · 4 nicht synchronisiert", u.leads.counts.Text)
	assert.Equal(t, "Interessent", rowsOf(t, u)[1].stage.text)
	assert.Equal(t, []string{"Alle Stufen", "Lead", "Interessent", "Disqualifiziert"}, u.leads.stage.Options)
}

// noteTexts is everything the notes section says, one label a line.
func noteTexts(s *leadScreen) string {
	var out []string
	for _, o := range s.notes.Objects {
		for _, w := range o.(*fyne.Container).Objects {
			out = append(out, w.(*widget.Label).Text)
		}
	}
	return strings.Join(out, "\n")
}
