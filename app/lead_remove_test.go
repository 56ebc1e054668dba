package app

import (
	"bytes"
	"os"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
	"leadcap/storage"
)

func TestLeadEraseAsksThenErases(t *testing.T) {
	u, s, l := openAda(t, "DE")
	require.True(t, s.removal.card.Visible(), "the block shows on a lead of the list")

	test.Tap(s.removal.erase)
	texts, buttons := overlayTexts(u)
	assert.Contains(t, texts, "Erase this person's data?")
	require.Contains(t, buttons, "Cancel")
	test.Tap(buttons["Cancel"])
	_, err := u.st.Lead(l.ID)
	require.NoError(t, err, "Cancel keeps the lead")

	test.Tap(s.removal.erase)
	_, buttons = overlayTexts(u)
	require.Contains(t, buttons, "Erase")
	test.Tap(buttons["Erase"])

	_, err = u.st.Lead(l.ID)
	require.ErrorIs(t, err, storage.ErrNotFound)
	tomb, err := u.st.Tombstone(l.ID)
	require.NoError(t, err)
	assert.Equal(t, "Anna", tomb.By, "the staff member on duty erased it")
	owed, err := u.st.RemovalOwed(l.ID)
	require.NoError(t, err)
	assert.True(t, owed, "the CRM is told on the next sync")
	data, err := os.ReadFile(u.st.Path())
	require.NoError(t, err)
	assert.False(t, bytes.Contains(data, []byte("ada@example.com")), "the email left the file")
	assert.Nil(t, u.lead, "back on the list")
	assert.Empty(t, rowsOf(t, u))
}

func TestLeadDeleteAsksThenDeletes(t *testing.T) {
	u, s, l := openAda(t, "DE")
	test.Tap(s.removal.del)
	texts, buttons := overlayTexts(u)
	assert.Contains(t, texts, "Delete this lead?")
	require.Contains(t, buttons, "Delete")
	test.Tap(buttons["Delete"])
	_, err := u.st.Lead(l.ID)
	require.ErrorIs(t, err, storage.ErrNotFound)
	owed, err := u.st.RemovalOwed(l.ID)
	require.NoError(t, err)
	assert.False(t, owed, "a lead never sent is not sent a deletion")
	assert.Empty(t, rowsOf(t, u))
}

// Erasing a badge scan filled from the attendee list takes the person off
// the list too: a later scan of the badge is not filled again.
func TestLeadEraseRemovesTheAttendee(t *testing.T) {
	st := newStore(t)
	ev := addEvent(t, st, "Hannover Messe", "DE")
	a := lead.Attendee{BadgeID: "B-8", GivenName: "Ada", FamilyName: "Lovelace", Email: "ada.attendee@example.com"}
	require.NoError(t, st.PutAttendees(ev.ID, []lead.Attendee{a, {BadgeID: "B-9", GivenName: "Grace"}}))
	l := &lead.Lead{EventID: ev.ID, BadgeID: "B-8", Source: lead.Source{Method: lead.MethodBadgeScan}}
	require.NoError(t, st.AddLead(l))
	_, err := st.UpdateLead(l.ID, func(l *lead.Lead) error { l.FillContact(a); return nil })
	require.NoError(t, err)
	u := newTestUI(t, st)
	u.openLead(l.ID)

	test.Tap(u.lead.removal.erase)
	texts, buttons := overlayTexts(u)
	assert.Contains(t, texts, "Every personal field and note is removed from this device now, with the person's entries in the events' attendee lists, and from the CRM on the next sync. This cannot be undone. Backups made before still hold the data: delete them too.")
	test.Tap(buttons["Erase"])

	tomb, err := st.Tombstone(l.ID)
	require.NoError(t, err)
	assert.Equal(t, 1, tomb.AttendeesRemoved)
	_, found, err := st.FindAttendee(ev.ID, "B-8")
	require.NoError(t, err)
	assert.False(t, found)
	list, err := st.Attendees(ev.ID)
	require.NoError(t, err)
	assert.Equal(t, []lead.Attendee{{BadgeID: "B-9", GivenName: "Grace"}}, list)
}
