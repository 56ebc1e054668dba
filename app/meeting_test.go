package app

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
	leadstore "leadcap/storage"
)

// onMeetingTab stores two leads and shows the Meeting notes tab.
func onMeetingTab(t *testing.T) (*UI, *meetingScreen, lead.Lead) {
	t.Helper()
	u, _, ev := atBooth(t)
	ada := addLead(t, u.st, ev, 1, "Ada", "Lovelace", "Analytical Engines", "ada@example.com")
	addLead(t, u.st, ev, 2, "Grace", "Hopper", "Navy Labs", "grace@example.org")
	u.tabs.SelectIndex(2)
	return u, u.meeting, ada
}

func TestMeetingNoteWithFollowUpOnAFoundLead(t *testing.T) {
	u, s, ada := onMeetingTab(t)
	assert.Equal(t, 2, s.picker.list.Length(), "the tab lists the leads when it comes up")
	test.AssertRendersToMarkup(t, golden("meeting.xml"), u.win.Canvas())

	test.Type(s.picker.search, "lovel")
	require.Equal(t, 1, s.picker.list.Length())
	s.picker.list.Select(0) // tap one
	assert.True(t, s.write.Visible())
	assert.False(t, s.newForm.Visible(), "a known lead needs no contact form")
	assert.Equal(t, "Note on Ada Lovelace", s.who.Text)
	assert.Equal(t, s.note, u.win.Canvas().Focused(), "ready to write")
	assert.True(t, s.save.Disabled(), "nothing to save yet")

	test.Type(s.note, "Met at her office; wants an offer for two engines")
	follow := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	s.followUp.SetDate(&follow)
	test.Tap(s.save)

	got, err := u.st.Lead(ada.ID)
	require.NoError(t, err)
	require.Len(t, got.Notes, 1)
	n := got.Notes[0]
	assert.Equal(t, "Met at her office; wants an offer for two engines", n.Text)
	assert.Equal(t, "Anna", n.Author)
	assert.True(t, n.FollowUp.Equal(follow))
	assert.True(t, got.NextFollowUp().Equal(follow))
	assert.Equal(t, int64(2), got.Version)

	assert.True(t, s.find.Visible(), "back to finding the next lead")
	assert.Empty(t, s.note.Text)
	assert.Equal(t, "Note saved on Ada Lovelace.", s.picker.status.Text)
}

func TestMeetingNoteOnANewLead(t *testing.T) {
	u, s, _ := onMeetingTab(t)
	test.Type(s.picker.search, "Linus")
	assert.Equal(t, 0, s.picker.list.Length())
	assert.Equal(t, "No lead matches. Tap New lead to create one.", s.picker.status.Text)
	test.Tap(s.newLead)
	assert.True(t, s.newForm.Visible())
	assert.Equal(t, "Linus", s.given.Text, "the search becomes the name")
	test.Type(s.family, "Torvalds")
	test.Type(s.email, "linus@example.net")
	test.Type(s.note, "Call back about the kernel booth")
	test.Tap(s.save)

	ls, err := u.st.Leads(leadQuery("linus"))
	require.NoError(t, err)
	require.Len(t, ls, 1)
	l := ls[0]
	assert.Equal(t, "Linus Torvalds", l.Contact.FullName)
	assert.Equal(t, lead.MethodMeeting, l.Source.Method)
	assert.Equal(t, "Anna", l.CapturedBy)
	require.Len(t, l.Notes, 1)
	assert.Equal(t, "Call back about the kernel booth", l.Notes[0].Text)
	assert.Equal(t, int64(1), l.Version, "the lead and its note are saved together")
}

func TestMeetingNewLeadNeedsAWayToReachThePerson(t *testing.T) {
	u, s, _ := onMeetingTab(t)
	test.Tap(s.newLead)
	test.Type(s.given, "Someone")
	test.Type(s.note, "Nice chat")
	test.Tap(s.save)
	assert.Equal(t, "Add an email, a phone number or a web address, or a name together with an organization.", s.message.Text)
	assert.Equal(t, "Nice chat", s.note.Text, "the note is kept")
	n, err := u.st.Count(leadQuery(""))
	require.NoError(t, err)
	assert.Equal(t, 2, n)
}

func leadQuery(text string) leadstore.Query { return leadstore.Query{Text: text} }
