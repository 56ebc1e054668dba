package app

import (
	"encoding/json"
	"errors"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/assets"
)

// narrowestPhone is the width, in pt, that every phone screen must fit.
const narrowestPhone = 300

// TestPhoneTabsFit checks, in every language, that the five short tab
// names fit across the narrowest phone: fyne's bottom tabs are equal
// cells, each as wide as the widest icon-over-label button, and what does
// not fit goes behind a "…" button, two taps away.
func TestPhoneTabsFit(t *testing.T) {
	test.NewTempApp(t)
	th := theme.DefaultTheme()
	keys := []string{"tab.capture", "tab.leads", "tab.meeting", "tab.sync", "tab.settings"}
	for _, language := range assets.Languages {
		raw, err := assets.Translation(language)
		require.NoError(t, err)
		var tr map[string]any
		require.NoError(t, json.Unmarshal(raw, &tr), language)
		cell := 2 * th.Size(theme.SizeNameInlineIcon) // the icon above the label
		for _, k := range keys {
			label, ok := tr[k].(string)
			require.Truef(t, ok, "%s: no %s", language, k)
			cell = max(cell, fyne.MeasureText(label, th.Size(theme.SizeNameText), fyne.TextStyle{Bold: true}).Width)
		}
		cell += th.Size(theme.SizeNameInnerPadding)
		bar := float32(len(keys))*cell + float32(len(keys)-1)*th.Size(theme.SizeNamePadding)
		assert.LessOrEqualf(t, bar, float32(narrowestPhone), "%s: the tab names need %.0f pt", language, bar)
	}
}

// TestPhoneShowsEveryTab renders the window as wide as the narrowest phone
// and checks that no tab is hidden behind fyne's "…" button.
func TestPhoneShowsEveryTab(t *testing.T) {
	u := newTestUI(t, newStore(t))
	u.win.Resize(fyne.NewSize(narrowestPhone, 600))
	var more []*widget.Button // the overflow button is the only plain button of the tab bar
	for _, o := range test.WidgetRenderer(u.tabs).Objects() {
		if _, isContent := o.(*container.Navigation); !isContent {
			walkTree(o, func(o fyne.CanvasObject) bool {
				if b, ok := o.(*widget.Button); ok {
					more = append(more, b)
				}
				return isContainer(o)
			})
		}
	}
	require.Len(t, more, 1, "the tab bar has its overflow button")
	if fyne.CurrentDevice().IsMobile() {
		assert.False(t, more[0].Visible(), "all five tabs fit across a phone")
		var names []string
		for _, it := range u.tabs.Items {
			names = append(names, it.Text)
		}
		assert.Equal(t, []string{"Scan", "Leads", "Notes", "Sync", "Setup"}, names)
	} else {
		assert.True(t, more[0].Visible(), "a desktop window this narrow folds tabs away")
		assert.Equal(t, "Meeting notes", u.tabs.Items[2].Text)
	}
}

// TestFormRowsFitAPhone checks the labelled fields: a form on a desktop;
// on a phone the label above the field and the hint below it, wrapped,
// showing what is wrong with the text while it is wrong.
func TestFormRowsFitAPhone(t *testing.T) {
	test.NewTempApp(t)
	e := widget.NewEntry()
	e.Validator = func(s string) error {
		if s == "bad" {
			return errors.New("Not good: type it again.")
		}
		return nil
	}
	long := "A hint far longer than a phone is wide, which must wrap instead of widening the screen"
	rows := formRows(&widget.FormItem{Text: "Field", Widget: e, HintText: long})
	if !fyne.CurrentDevice().IsMobile() {
		assert.IsType(t, &widget.Form{}, rows)
		return
	}
	box := rows.(*fyne.Container)
	require.Len(t, box.Objects, 1)
	row := box.Objects[0].(*fyne.Container).Objects
	require.Len(t, row, 3, "label, field, hint")
	assert.Equal(t, "Field", row[0].(*widget.Label).Text)
	assert.Same(t, e, row[1])
	hint := row[2].(*widget.Label)
	assert.Equal(t, long, hint.Text)
	assert.Equal(t, fyne.TextWrapWord, hint.Wrapping)
	assert.Less(t, rows.MinSize().Width, float32(narrowestPhone), "the hint wraps")

	test.Type(e, "bad")
	assert.Equal(t, "Not good: type it again.", hint.Text)
	assert.Equal(t, widget.DangerImportance, hint.Importance)
	e.SetText("good")
	assert.Equal(t, long, hint.Text)
	assert.Equal(t, widget.LowImportance, hint.Importance)
}

// TestEventChipCutsLongNames checks that the event chip does not make the
// Capture screen as wide as the event's name, and that a tap on it acts.
func TestEventChipCutsLongNames(t *testing.T) {
	test.NewTempApp(t)
	tapped := 0
	c := eventChip(func() { tapped++ })
	long := "Hannover Messe 2026 · Booth Halle 7, Stand C22 · Anna Weber"
	c.SetText(long)
	assert.Equal(t, long, c.Text)
	assert.Less(t, c.MinSize().Width, float32(100))
	if fyne.CurrentDevice().IsMobile() {
		assert.GreaterOrEqual(t, c.MinSize().Height, float32(touchHeight), "big enough for a thumb")
	}
	test.Tap(c)
	assert.Equal(t, 1, tapped)
}

// TestPhoneButtonsAreBigEnough checks the touch targets of a phone: the
// buttons of every screen are at least touchHeight high.
func TestPhoneButtonsAreBigEnough(t *testing.T) {
	u, s, _ := atBooth(t)
	high := func(name string, b *widget.Button) {
		t.Helper()
		require.Truef(t, b.Visible(), "%s is on show", name)
		if fyne.CurrentDevice().IsMobile() {
			assert.GreaterOrEqualf(t, b.Size().Height, float32(touchHeight), "%s is %v high", name, b.Size().Height)
		} else {
			assert.Lessf(t, b.Size().Height, float32(touchHeight), "%s keeps the desktop's size", name)
		}
	}
	high("Open photo…", s.home.openPhoto)
	high("Type it in", s.home.typeIn)
	test.Tap(s.chip)
	high("Start capturing", s.event.use)
	high("Cancel", s.event.cancel)
	test.Tap(s.event.cancel)

	u.tabs.SelectIndex(2)
	high("New lead", u.meeting.newLead)
	test.Tap(u.meeting.newLead)
	high("Save note", u.meeting.save)
	selectTab(t, u, "Sync")
	high("Sync now", u.office.sync.syncNow)
	selectTab(t, u, "Settings")
	high("Save", u.office.settings.save)
}

// TestLeadRowsShowTheWholeDate checks, on a 360 pt phone (and a desktop
// window), that the capture time of every row is shown in full: on a
// phone it used to be cut off at the end of the detail line.
func TestLeadRowsShowTheWholeDate(t *testing.T) {
	st := newStore(t)
	ev := addEvent(t, st, "Hannover Messe 2027 mit einem sehr langen Namen", "DE")
	addLead(t, st, ev, 1, "Maximiliane", "Mustermann-Oberhausen", "Müller Maschinenbau GmbH", "maximiliane.mustermann-oberhausen@example.de")
	u := newTestUI(t, st)
	if fyne.CurrentDevice().IsMobile() {
		u.win.Resize(fyne.NewSize(360, 640))
	}
	rows := rowsOf(t, u)
	require.Len(t, rows, 1)
	r := rows[0]
	label := r.detail
	if fyne.CurrentDevice().IsMobile() {
		label = r.when
	}
	require.Contains(t, label.Text, "2026-11-27 09:31")
	th := r.Theme()
	need := fyne.MeasureText(label.Text, th.Size(theme.SizeNameCaptionText), label.TextStyle).Width + 2*th.Size(theme.SizeNameInnerPadding)
	if fyne.CurrentDevice().IsMobile() {
		assert.LessOrEqual(t, need, label.Size().Width+0.5, "the time is not cut")
		pos, size := boundsOf(label)
		assert.LessOrEqual(t, pos.X+size.Width, u.win.Canvas().Size().Width, "the time is inside the window")
	} else {
		assert.LessOrEqual(t, need, label.Size().Width+0.5, "a desktop row has room for the whole detail line")
	}
}

// TestPhoneLeadScreenShowsSeveralFields opens a lead on a 360x640 phone,
// in leadcap's own theme, and counts the contact fields wholly on screen
// between the bars at the top and the Save bar: more than one.
func TestPhoneLeadScreenShowsSeveralFields(t *testing.T) {
	u, s, _ := openAda(t, "DE")
	fyne.CurrentApp().Settings().SetTheme(newTheme(nil))
	u.win.Resize(defaultWindowSize())
	var body *container.Scroll
	walkTree(s.content, func(o fyne.CanvasObject) bool {
		if sc, ok := o.(*container.Scroll); ok && body == nil {
			body = sc
		}
		return body == nil
	})
	require.NotNil(t, body)
	top, size := boundsOf(body)
	shown := 0
	for _, e := range []*widget.Entry{s.given, s.family, s.org, s.title, s.email, s.phone, s.web} {
		p, sz := boundsOf(e)
		if p.Y >= top.Y && p.Y+sz.Height <= top.Y+size.Height {
			shown++
		}
	}
	assert.GreaterOrEqual(t, shown, 3, "fields on screen above the Save bar")
	savePos, _ := boundsOf(s.save)
	assert.GreaterOrEqual(t, savePos.Y, top.Y+size.Height, "the Save bar is below the fields")
}
