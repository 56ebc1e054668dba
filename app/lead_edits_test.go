package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
)

// Save on the lead screen saves a note typed but not added, with the
// other edits, in one version.
func TestLeadSaveSavesTheTypedNote(t *testing.T) {
	u, s, l := openAda(t, "DE")
	test.Tap(s.fit.buttons[0])
	test.Type(s.noteText, "Call back after the fair")
	test.Tap(s.save)

	got := stored(t, u, l)
	require.Len(t, got.Notes, 1, "the note is not dropped")
	assert.Equal(t, "Call back after the fair", got.Notes[0].Text)
	assert.Equal(t, "Anna", got.Notes[0].Author)
	assert.Equal(t, lead.Yes, got.Qualification.Fit)
	assert.Equal(t, int64(2), got.Version, "one save, one version")
	assert.Empty(t, s.noteText.Text, "the note moved to the list")
	assert.Contains(t, noteTexts(s), "Call back after the fair")
	assert.False(t, s.dirty())
}

func TestLeadAddressFields(t *testing.T) {
	u, s, l := openAda(t, "DE")
	test.Type(s.street, "Messegelände 1")
	test.Type(s.postal, "30521")
	test.Type(s.city, "Hannover")
	test.Type(s.country, "DE")
	test.Tap(s.save)
	assert.Equal(t, lead.Address{Street: "Messegelände 1", PostalCode: "30521", City: "Hannover", Country: "DE"},
		stored(t, u, l).Contact.Address)

	u.openLead(l.ID) // shown again from the store
	assert.Equal(t, "Messegelände 1", u.lead.street.Text)
	assert.Equal(t, "30521", u.lead.postal.Text)
}

// The bottom bar's error goes once the fields are fixed, not before.
func TestLeadErrorClearedOnceFixed(t *testing.T) {
	_, s, _ := openAda(t, "DE")
	const unreachable = "Add an email, a phone number or a web address, or a name together with an organization."
	retype(s.email, "")
	retype(s.org, "")
	test.Tap(s.save)
	require.Equal(t, unreachable, s.message.Text)
	require.Equal(t, widget.DangerImportance, s.message.Importance)

	test.Type(s.title, "Countess")
	assert.Equal(t, unreachable, s.message.Text, "a title does not make her reachable")
	test.Type(s.phone, "+999 511")
	assert.Error(t, s.phone.Validate(), "the lead model's phone rule, shown inline")
	assert.Equal(t, unreachable, s.message.Text, "an invalid phone does not either")
	retype(s.phone, "0511 1234567")
	assert.Empty(t, s.message.Text, "fixed: the error is gone")
	assert.Equal(t, widget.MediumImportance, s.message.Importance)
}

// Leaving a lead with unsaved changes or an unsaved note asks first.
func TestLeadLeavingWithUnsavedChangesAsks(t *testing.T) {
	u, s, l := openAda(t, "DE")
	test.Tap(backButton(t, u))
	assert.Nil(t, s.ask, "nothing unsaved: no question")
	assert.False(t, s.content.Visible(), "back at the list")

	u.openLead(l.ID)
	s = u.lead
	test.Type(s.noteText, "Met at the bar")
	test.Tap(backButton(t, u))
	require.NotNil(t, s.ask, "an unsaved note asks")
	assert.True(t, s.content.Visible(), "still on the lead while asked")
	test.Tap(s.ask.stay)
	assert.True(t, s.content.Visible())

	test.Tap(backButton(t, u))
	test.Tap(s.ask.save)
	assert.False(t, s.content.Visible(), "saved, then left")
	got := stored(t, u, l)
	require.Len(t, got.Notes, 1)
	assert.Equal(t, "Met at the bar", got.Notes[0].Text)

	u.openLead(l.ID)
	s = u.lead
	retype(s.title, "Countess")
	test.Tap(backButton(t, u))
	require.NotNil(t, s.ask, "a changed field asks")
	test.Tap(s.ask.drop)
	assert.False(t, s.content.Visible())
	assert.Empty(t, stored(t, u, l).Contact.Title, "left without saving")
}

// backButton is the Leads screen's ← as the window shows it.
func backButton(t *testing.T, u *UI) *widget.Button {
	t.Helper()
	var back *widget.Button
	walkTree(u.nav, func(o fyne.CanvasObject) bool {
		if b, ok := o.(*widget.Button); ok && b.Icon != nil && b.Icon.Name() == theme.NavigateBackIcon().Name() {
			back = b
		}
		return back == nil
	})
	require.NotNil(t, back)
	return back
}

// Another tab while a lead has unsaved changes asks too: staying brings
// the lead back, leaving without saving shows what is stored, saving
// saves and stays on the tab chosen.
func TestLeadTabSwitchWithUnsavedChangesAsks(t *testing.T) {
	u, s, l := openAda(t, "DE")
	u.tabs.SelectIndex(2) // Meeting notes
	assert.Nil(t, s.ask, "nothing unsaved: no question")
	u.showLeads()

	retype(s.title, "Countess")
	u.tabs.SelectIndex(0)
	require.NotNil(t, s.ask, "a changed field asks when another tab comes up")
	test.Tap(s.ask.stay)
	assert.Same(t, u.leadsTab, u.tabs.Selected(), "staying brings the lead back")
	assert.Equal(t, "Countess", s.title.Text, "with what was typed")

	u.tabs.SelectIndex(0)
	test.Tap(s.ask.drop)
	assert.Equal(t, 0, u.tabs.SelectedIndex(), "left")
	assert.Empty(t, stored(t, u, l).Contact.Title)
	assert.Empty(t, s.title.Text, "the form shows what is stored, not the changes left")
	assert.False(t, s.dirty())

	u.showLeads()
	test.Type(s.noteText, "Met at the bar")
	u.tabs.SelectIndex(3) // Sync
	test.Tap(s.ask.save)
	assert.Equal(t, 3, u.tabs.SelectedIndex(), "saved, and on the tab chosen")
	got := stored(t, u, l)
	require.Len(t, got.Notes, 1)
	assert.Equal(t, "Met at the bar", got.Notes[0].Text)

	// A save that fails brings the lead back with the reason.
	u.showLeads()
	retype(s.email, "")
	retype(s.org, "")
	u.tabs.SelectIndex(0)
	test.Tap(s.ask.save)
	assert.Same(t, u.leadsTab, u.tabs.Selected(), "not saved: back on the lead")
	assert.Equal(t, widget.DangerImportance, s.message.Importance)
	assert.Equal(t, "ada@example.com", stored(t, u, l).Contact.Emails[0])
}

// Opening another lead on top of one with unsaved changes asks first.
func TestLeadOpeningAnotherWithUnsavedChangesAsks(t *testing.T) {
	u, s, l := openAda(t, "DE")
	ev, err := u.st.Event(l.EventID)
	require.NoError(t, err)
	grace := addLead(t, u.st, ev, 2, "Grace", "Hopper", "Navy", "grace@example.org")

	retype(s.title, "Countess")
	u.openLead(grace.ID)
	require.NotNil(t, s.ask, "the other lead waits for the answer")
	assert.Same(t, s, u.lead)
	test.Tap(s.ask.stay)
	assert.Same(t, s, u.lead, "stayed on Ada")
	assert.Equal(t, "Countess", s.title.Text)

	u.openLead(grace.ID)
	test.Tap(s.ask.drop)
	require.NotSame(t, s, u.lead)
	assert.Equal(t, "Grace", u.lead.given.Text)
	test.Tap(backButton(t, u))
	assert.Same(t, s, u.lead)
	assert.Empty(t, s.title.Text, "back on Ada: what is stored, not the changes left")

	retype(s.title, "Countess")
	u.openLead(grace.ID)
	test.Tap(s.ask.save)
	assert.Equal(t, "Grace", u.lead.given.Text, "saved, then Grace opened")
	assert.Equal(t, "Countess", stored(t, u, l).Contact.Title)
}

// Closing the window while a lead has unsaved changes asks first; then
// comes the question about leads not synced yet.
func TestLeadClosingWithUnsavedChangesAsks(t *testing.T) {
	st := newStore(t)
	ev := addEvent(t, st, "Hannover Messe", "DE")
	l := addLead(t, st, ev, 1, "Ada", "Lovelace", "Analytical Engines", "ada@example.com")
	u := newClosableUI(t, st)
	u.openLead(l.ID)
	s := u.lead
	u.tabs.SelectIndex(0)
	u.showLeads()
	retype(s.title, "Countess")
	u.tabs.SelectIndex(3)
	test.Tap(s.ask.stay)

	u.office.onCloseRequested()
	require.NotNil(t, s.ask, "closing asks about the changes")
	assert.Same(t, u.leadsTab, u.tabs.Selected(), "with the lead on show")
	test.Tap(s.ask.stay)
	assert.NoError(t, u.office.ctx.Err(), "still open")

	u.office.onCloseRequested()
	test.Tap(s.ask.save)
	assert.Equal(t, "Countess", stored(t, u, l).Contact.Title)
	require.NotNil(t, u.office.closeWarning, "then: Ada is not synced yet")
	_, buttons := overlayTexts(u)
	test.Tap(buttons["Close"])
	assert.Error(t, u.office.ctx.Err(), "closed")
}
