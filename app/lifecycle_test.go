package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/storage"
)

// newClosableUI is newTestUI for tests that close the window themselves.
func newClosableUI(t *testing.T, st *storage.Store) *UI {
	t.Helper()
	test.NewTempApp(t)
	u := New(fyne.CurrentApp(), st, Options{Staff: "Anna", Now: (&clock{t: t0}).now, run: inline, do: inline})
	t.Cleanup(u.office.stop)
	return u
}

func TestClosingWithUnsyncedLeadsWarnsAndKeepsThem(t *testing.T) {
	st := newStore(t)
	someLeads(t, st, 3)
	u := newClosableUI(t, st)
	o := u.office

	o.onCloseRequested()
	require.NotNil(t, o.closeWarning, "3 leads wait: closing asks first")
	texts, buttons := overlayTexts(u)
	assert.Contains(t, texts, "3 leads are not synced yet. They are kept safely on this device and will sync next time.")
	require.Contains(t, buttons, "Keep open")
	require.Contains(t, buttons, "Close")

	test.Tap(buttons["Keep open"])
	assert.Nil(t, o.closeWarning)
	assert.NoError(t, o.ctx.Err(), "still open")

	o.onCloseRequested()
	_, buttons = overlayTexts(u)
	test.Tap(buttons["Close"])
	assert.Error(t, o.ctx.Err(), "closed: the background sync was stopped")
	n, err := st.PendingCount()
	require.NoError(t, err)
	assert.Equal(t, 3, n, "nothing is lost: the leads wait in the outbox for next time")
}

func TestClosingWithEverythingSyncedClosesAtOnce(t *testing.T) {
	st := newStore(t)
	u := newClosableUI(t, st)
	u.office.onCloseRequested()
	assert.Nil(t, u.office.closeWarning)
	assert.Error(t, u.office.ctx.Err(), "the window closed")
}

// overlayTexts returns the labels and buttons of the dialog on top.
func overlayTexts(u *UI) (texts []string, buttons map[string]*widget.Button) {
	buttons = map[string]*widget.Button{}
	top := u.win.Canvas().Overlays().Top()
	if top == nil {
		return nil, buttons
	}
	walkTree(top, func(o fyne.CanvasObject) bool {
		switch x := o.(type) {
		case *widget.Label:
			texts = append(texts, x.Text)
		case *widget.Button:
			buttons[x.Text] = x
		default:
			return true
		}
		return false
	})
	return texts, buttons
}

func TestShowTabPicksTheStartingScreen(t *testing.T) {
	st := newStore(t)
	_, _, leads := demo(t, st)
	u := newTestUI(t, st)
	screens := map[string]fyne.CanvasObject{"capture": u.capture.content, "leads": u.nav, "meeting": u.meeting.content,
		"sync": u.office.sync.content, "settings": u.office.settings.content, "followups": u.followUps.content}
	for _, name := range []string{"capture", "leads", "meeting", "sync", "settings", "followups"} {
		require.True(t, u.ShowTab(name), name)
		assert.True(t, visible(u, screens[name]), name)
		for other, o := range screens {
			if other != name && o != u.nav {
				assert.False(t, visible(u, o), "%s: not %s", name, other)
			}
		}
	}
	require.True(t, u.ShowTab("report"))
	if fyne.CurrentDevice().IsMobile() {
		assert.Same(t, u.leadsTab, u.tabs.Selected(), "a phone shows the report over the Leads screen")
	} else {
		assert.Equal(t, "Report", u.tabs.Selected().Text, "not the tab at the index the name has in Tabs")
	}
	require.True(t, u.ShowTab("report"))
	require.NotNil(t, u.report)
	assert.True(t, u.report.content.onScreen(), "the report shows, not the tab that happens to be sixth")
	if !fyne.CurrentDevice().IsMobile() {
		assert.Same(t, u.report.content, u.tabs.Selected().Content)
	}
	require.True(t, u.ShowTab("Lead"))
	assert.Same(t, u.leadsTab, u.tabs.Selected())
	require.NotNil(t, u.lead)
	assert.Equal(t, leads[3].ID, u.lead.id, "the newest lead")
	assert.False(t, u.ShowTab("reports"))
}
