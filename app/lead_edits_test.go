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
