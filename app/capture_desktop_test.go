//go:build !mobile && !android && !ios

// The desktop driver moves the focus when Tab is typed with nothing
// focused; a phone has no such Tab, so this test only runs on desktop.

package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
)

func TestCaptureScannerSendingTabKeepsItsKeys(t *testing.T) {
	u, s, _ := atBooth(t)
	c := u.win.Canvas()
	test.TypeOnCanvas(c, "BEGIN:VCARD")
	// A Tab while nothing has the focus: the driver moves the focus on.
	c.FocusNext()
	require.Equal(t, s.sink, c.Focused(), "the focus lands on the sink, not in a field")
	for _, r := range "VERSION:3.0\tN:Hopper;Grace\tFN:Grace Hopper\tEMAIL:grace@example.org\tEND:VCARD" {
		if r == '\t' {
			c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyTab})
			continue
		}
		c.Focused().TypedRune(r)
	}
	require.NotNil(t, s.rev.form)
	assert.Equal(t, "grace@example.org", s.rev.form.email.Text)
	assert.Equal(t, "Hopper", s.rev.form.family.Text)
}

func TestShortcutNewLeadAndSaveOnCapture(t *testing.T) {
	u, s, _ := atBooth(t)
	u.showLeads()
	typeShortcut(u, fyne.KeyN)
	assert.Equal(t, 0, u.tabs.SelectedIndex(), "Ctrl+N goes to Capture")
	require.NotNil(t, s.rev.form)
	assert.Equal(t, "New lead", s.rev.title.Text)
	assert.Equal(t, s.rev.form.given, u.win.Canvas().Focused())

	// Tab follows the form: given name, family name, organization, ...
	c := u.win.Canvas()
	for _, e := range []fyne.Focusable{s.rev.form.family, s.rev.form.org, s.rev.form.title, s.rev.form.email} {
		c.FocusNext()
		require.Equal(t, e, c.Focused())
	}
	test.Type(s.rev.form.email, "ada@example.com")
	typeShortcut(u, fyne.KeyS)
	ls := allLeads(t, u)
	require.Len(t, ls, 1, "Ctrl+S saves the lead under review")
	assert.Equal(t, lead.MethodManual, ls[0].Source.Method)
}

func TestCaptureTimerStopsWhenTheWindowCloses(t *testing.T) {
	st := newStore(t)
	ev := addEvent(t, st, "Hannover Messe", "DE")
	require.NoError(t, st.SetActiveEvent(ev.ID))
	test.NewTempApp(t)
	u := New(fyne.CurrentApp(), st, Options{run: inline, do: inline})
	s := u.capture
	test.TypeOnCanvas(u.win.Canvas(), "mailto:linus@example.net") // no Enter: the timer waits
	require.NotNil(t, s.keys.timer)
	u.win.Close()
	assert.True(t, s.closed)
	assert.False(t, s.keys.timer.Stop(), "the timer was stopped already")
}
