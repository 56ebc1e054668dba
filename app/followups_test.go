package app

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
	leadstore "leadcap/storage"
)

// The Follow-ups tab lists what is due today and overdue, per staff
// member, and marks one done with a tap.
func TestFollowUpsDueTodayOverduePerStaffAndDone(t *testing.T) {
	u, _, ev := atBooth(t)
	now := u.opts.Now()
	add := func(name, author string, due time.Time) lead.Lead {
		l := &lead.Lead{EventID: ev.ID, Contact: lead.Contact{FullName: name, Emails: []string{name[:3] + "@example.com"}}}
		_, err := l.AddNote("call "+name, author, now, due)
		require.NoError(t, err)
		require.NoError(t, u.st.AddLead(l))
		return *l
	}
	ada := add("Ada Lovelace", "Anna", now.AddDate(0, 0, -3))
	add("Bob Barker", "Ben", now)
	add("Cid Moreau", "Ben", now.AddDate(0, 1, 0))

	for _, ti := range u.tabs.Items {
		if ti.Content == u.followUps.content {
			u.tabs.Select(ti)
		}
		if inner, ok := ti.Content.(*container.AppTabs); ok { // a phone: the second page of Notes
			u.tabs.Select(ti)
			inner.SelectIndex(1)
		}
	}
	require.True(t, u.followUps.content.Visible())
	s := u.followUps
	require.Len(t, s.list, 2, "the one due next month is not listed")
	assert.Equal(t, "1 overdue, 1 due today, 2 listed.", s.summary.Text)
	assert.Equal(t, "Ada Lovelace", s.list[0].Name, "overdue first")
	assert.Equal(t, []string{"Everyone", "Anna", "Ben"}, s.staff.Options)

	s.dueOnly.SetChecked(false)
	assert.Len(t, s.list, 3)
	s.staff.SetSelected("Ben")
	assert.Len(t, s.list, 2, "Ben's follow-ups")
	s.staff.SetSelectedIndex(0)
	s.dueOnly.SetChecked(true)

	test.Tap(s.done[0])
	assert.Equal(t, "0 overdue, 1 due today, 1 listed.", s.summary.Text)
	got, err := u.st.Lead(ada.ID)
	require.NoError(t, err)
	assert.False(t, got.Notes[0].Done.IsZero(), "marked done in the store")
	info, err := u.st.SyncInfo(ada.ID)
	require.NoError(t, err)
	assert.Equal(t, leadstore.SyncPending, info.Status, "and queued for the CRM")
}
