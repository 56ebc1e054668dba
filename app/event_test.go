package app

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
)

func TestEventFirstStartCreatesTheEvent(t *testing.T) {
	st := newStore(t)
	u := newTestUI(t, st)
	u.tabs.SelectIndex(0)
	s := u.capture
	assert.True(t, s.event.content.Visible(), "without an active event the event screen comes first")
	assert.False(t, s.main.Visible())
	assert.False(t, s.event.cancel.Visible(), "nothing to go back to")
	assert.Equal(t, "Create the event to start capturing leads.", s.event.message.Text)
	assert.Equal(t, "Anna", s.event.staff.Text, "who is working defaults to --staff")
	test.AssertRendersToMarkup(t, golden("event.xml"), u.win.Canvas())

	e := s.event
	e.staff.SetText("")
	test.Type(e.name, "Hannover Messe 2027")
	test.Type(e.venue, "Messegelände")
	test.Type(e.city, "Hannover")
	test.Type(e.country, "xx")
	test.Type(e.booth, "B12")
	start, end := time.Date(2027, 4, 12, 0, 0, 0, 0, time.UTC), time.Date(2027, 4, 16, 0, 0, 0, 0, time.UTC)
	e.start.SetDate(&start)
	e.end.SetDate(&end)
	test.Type(e.device, "-2")
	test.Tap(e.use)
	assert.Equal(t, "Say who is working: your name goes on every lead you capture.", e.message.Text)
	test.Type(e.staff, "Ben")
	test.Tap(e.use)
	assert.Equal(t, "XX is not a country code: use two letters such as DE, AT, CH, US or FR.", e.message.Text)
	_, err := st.ActiveEvent()
	assert.Error(t, err, "nothing active yet")

	e.country.SetText("de")
	u.win.Canvas().Focus(e.booth) // the last field typed in
	test.Tap(e.use)
	ev, err := st.ActiveEvent()
	require.NoError(t, err)
	assert.Equal(t, "Hannover Messe 2027", ev.Name)
	assert.Equal(t, "Messegelände", ev.Venue)
	assert.Equal(t, "DE", ev.Country)
	assert.Equal(t, "B12", ev.Booth)
	assert.True(t, ev.Start.Equal(start))
	assert.True(t, ev.End.Equal(end))
	staff, err := st.Setting(settingStaff)
	require.NoError(t, err)
	assert.Equal(t, "Ben", staff)
	device, err := st.Setting(settingDevice)
	require.NoError(t, err)
	assert.Equal(t, e.device.Text, device)
	assert.NotEmpty(t, device)

	assert.True(t, s.main.Visible(), "on to capturing")
	assert.Nil(t, u.win.Canvas().Focused(), "the scanner's keys are not caught by a hidden field")
	assert.False(t, e.content.Visible())
	assert.Equal(t, "Hannover Messe 2027 · Booth B12 · Ben", s.chip.Text)
	assert.Equal(t, "Ben", u.opts.Staff, "Ben is the author of notes from now on")
}

func TestEventSwitchIsOneTapAway(t *testing.T) {
	u, s, hannover := atBooth(t)
	ifa := lead.Event{Name: "IFA", City: "Berlin", Country: "DE"}
	require.NoError(t, u.st.CreateEvent(&ifa))

	test.Tap(s.chip)
	require.True(t, s.event.content.Visible())
	assert.True(t, s.event.cancel.Visible())
	assert.Equal(t, []string{"New event", "Hannover Messe · Hannover", "IFA · Berlin"}, s.event.pick.Options)
	assert.Equal(t, "Hannover Messe · Hannover", s.event.pick.Selected, "the active event is shown")
	assert.Equal(t, "B12", s.event.booth.Text)

	s.event.pick.SetSelected("IFA · Berlin")
	assert.Equal(t, "IFA", s.event.name.Text)
	test.Tap(s.event.use)
	ev, err := u.st.ActiveEvent()
	require.NoError(t, err)
	assert.Equal(t, ifa.ID, ev.ID)
	assert.Equal(t, "IFA · Anna", s.chip.Text)
	assert.Len(t, mustEvents(t, u), 2, "switching creates no event")

	// Cancel keeps the event.
	test.Tap(s.chip)
	test.Tap(s.event.cancel)
	ev, err = u.st.ActiveEvent()
	require.NoError(t, err)
	assert.Equal(t, ifa.ID, ev.ID)
	assert.NotEqual(t, hannover.ID, ev.ID)
	assert.True(t, s.main.Visible())
}

func mustEvents(t *testing.T, u *UI) []lead.Event {
	t.Helper()
	evs, err := u.st.Events()
	require.NoError(t, err)
	return evs
}

func TestEventNewEventStartsInTheDefaultCountry(t *testing.T) {
	st := newStore(t)
	require.NoError(t, st.SetSetting(SettingDefaultCountry, "AT"))
	u := newTestUI(t, st)
	u.tabs.SelectIndex(0)
	e := u.capture.event
	require.True(t, e.content.Visible(), "first start")
	assert.Equal(t, "AT", e.country.Text, "a new event starts in the country of Settings")
	test.Type(e.name, "Smart Automation Linz")
	test.Tap(e.use)
	ev, err := st.ActiveEvent()
	require.NoError(t, err)
	assert.Equal(t, "AT", ev.Country)

	// An existing event keeps its own country; a new one starts in the default.
	ifa := lead.Event{Name: "IFA", City: "Berlin", Country: "DE"}
	require.NoError(t, st.CreateEvent(&ifa))
	test.Tap(u.capture.chip)
	e.pick.SetSelected("IFA · Berlin")
	assert.Equal(t, "DE", e.country.Text)
	e.pick.SetSelectedIndex(0)
	assert.Equal(t, "New event", e.pick.Selected)
	assert.Equal(t, "AT", e.country.Text)
	assert.Empty(t, e.name.Text)
}
