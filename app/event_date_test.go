package app

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
)

// typeDate puts text into a date field as a user would.
func typeDate(e *dateEntry, text string) {
	e.SetText("")
	test.Type(e, text)
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestDateFieldReadsISOAndTheLocalesFormat(t *testing.T) {
	test.NewTempApp(t)
	e := newDateEntry()
	w := test.NewWindow(e)
	t.Cleanup(w.Close)
	assert.Equal(t, "2027-04-20 or 04/20/2027", e.PlaceHolder, "the field shows how to write a date")

	for text, want := range map[string]time.Time{
		"2027-04-12":   day(2027, 4, 12),
		"04/12/2027":   day(2027, 4, 12), // en-US
		"4/2/2027":     day(2027, 4, 2),
		" 2027-12-31 ": day(2027, 12, 31),
	} {
		typeDate(e, text)
		assert.NoError(t, e.Validate(), text)
		require.NotNil(t, e.Date, text)
		assert.True(t, e.Date.Equal(want), "%s: %s", text, e.Date)
	}

	typeDate(e, "")
	assert.NoError(t, e.Validate(), "an empty optional date is valid")
	assert.Nil(t, e.Date)

	typeDate(e, "31.02.2027")
	err := e.Validate()
	require.Error(t, err)
	assert.Equal(t, "Write the date as 2027-04-20 or 04/20/2027.", err.Error())
	assert.NotContains(t, err.Error(), "parsing time")
	assert.Nil(t, e.Date, "no date from a text that cannot be read")
}

func TestDatesInGerman(t *testing.T) {
	inGerman(t)
	test.NewTempApp(t)
	e := newDateEntry()
	w := test.NewWindow(e)
	t.Cleanup(w.Close)
	assert.Equal(t, "20.04.2027", e.PlaceHolder)
	for _, text := range []string{"20.04.2027", "2027-04-20", "20.4.2027"} {
		typeDate(e, text)
		require.NoError(t, e.Validate(), text)
		assert.True(t, e.Date.Equal(day(2027, 4, 20)), text)
	}
	typeDate(e, "04/20/2027")
	require.Error(t, e.Validate())
	assert.Equal(t, "Schreiben Sie das Datum als 20.04.2027.", e.Validate().Error())
	e.SetDate(&exampleDate)
	assert.Equal(t, "20.04.2027", e.Text)
	assert.Equal(t, "20.04.2027 09:30", formatDateTime(t0.AddDate(0, 4, 24)))

	// Notes show their dates in German too.
	_, s, _ := openAda(t, "DE")
	test.Type(s.noteText, "Angebot schicken")
	typeDate(s.followUp, "4.5.2027")
	test.Tap(s.addNote)
	assert.Contains(t, noteTexts(s), "nachfassen am 04.05.2027")
	assert.Contains(t, noteTexts(s), "27.11.2026", "when the note was written")
	assert.NotContains(t, noteTexts(s), "2026-", "no ISO dates")
}

// calendarMonth taps the calendar button of a date field and reads the
// month the calendar that opens shows, then closes it.
func calendarMonth(t *testing.T, c fyne.Canvas, e *dateEntry) string {
	t.Helper()
	test.Tap(e.calendar)
	top := c.Overlays().Top()
	require.NotNil(t, top, "the calendar opens")
	var month string
	walkTree(top, func(o fyne.CanvasObject) bool {
		if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, " 20") && month == "" {
			month = l.Text
		}
		return true
	})
	c.Overlays().Remove(top)
	return month
}

func TestEventCalendarOpensOnTheEventsMonth(t *testing.T) {
	st := newStore(t)
	ev := lead.Event{Name: "Hannover Messe 2027", Country: "DE", Start: day(2027, 4, 12), End: day(2027, 4, 16)}
	require.NoError(t, st.CreateEvent(&ev))
	require.NoError(t, st.SetActiveEvent(ev.ID))
	u := newTestUI(t, st)
	s := newEventScreen(u, func(lead.Event) {})
	u.win.SetContent(s.content)
	s.load()
	require.Equal(t, 1, s.pick.SelectedIndex())
	assert.Equal(t, "Hannover Messe 2027 · 2027-04-12", s.pick.Selected)
	assert.Equal(t, "April 2027", calendarMonth(t, u.win.Canvas(), s.start))

	s.end.SetDate(nil)
	assert.Equal(t, "April 2027", calendarMonth(t, u.win.Canvas(), s.end), "an empty end opens on the start's month")

	typeDate(s.start, "12.04.2027") // not how dates are written in English
	test.Tap(s.use)
	assert.Equal(t, "Write the date as 2027-04-20 or 04/20/2027.", s.message.Text)
	stored, err := st.Event(ev.ID)
	require.NoError(t, err)
	assert.True(t, stored.End.Equal(ev.End), "nothing saved")
}
