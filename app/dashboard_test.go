package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	fstorage "fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
	"leadcap/storage"
	"leadcap/workflow"
)

// openReport opens the dashboard as a user would: its tab on a desktop,
// the report button of the Leads screen on a phone; it returns what shows.
func openReport(t *testing.T, u *UI) fyne.CanvasObject {
	t.Helper()
	if fyne.CurrentDevice().IsMobile() {
		u.showLeads() // the button is on the Leads screen
		var btn *widget.Button
		walkTree(u.leads.content, func(o fyne.CanvasObject) bool {
			if b, ok := o.(*widget.Button); ok && b.Icon == theme.GridIcon() {
				btn = b
			}
			return btn == nil
		})
		require.NotNil(t, btn, "the Leads screen of a phone has a report button")
		test.Tap(btn)
	} else {
		for _, ti := range u.tabs.Items {
			if ti.Content == u.report.content {
				u.tabs.Select(ti)
			}
		}
	}
	var shown *shownHook
	walkTree(u.win.Canvas().Content(), func(o fyne.CanvasObject) bool {
		if h, ok := o.(*shownHook); ok && h.Visible() {
			shown = h
		}
		return o.Visible() && shown == nil
	})
	require.NotNil(t, shown, "the report shows")
	return shown
}

// chartsOn returns the charts the dashboard shows, by ID.
func chartsOn(ti fyne.CanvasObject) map[string]*chartView {
	out := map[string]*chartView{}
	walkTree(ti, func(o fyne.CanvasObject) bool {
		if c, ok := o.(*chartView); ok {
			out[c.chart.ID] = c
			return false
		}
		return true
	})
	return out
}

// barTexts returns the label and value text of each bar of a chart.
func barTexts(c *chartView) [][2]string {
	r := test.WidgetRenderer(c).(*chartRenderer)
	var out [][2]string
	for _, b := range r.bars {
		out = append(out, [2]string{b.label.Text, b.value.Text})
	}
	return out
}

func addStaffLead(t *testing.T, st *storage.Store, ev lead.Event, at time.Time, staff string, rating lead.Rating) {
	t.Helper()
	l := lead.New(ev.ID, lead.MethodManual, at)
	l.Contact = lead.Contact{FullName: "Visitor " + staff, Emails: []string{staff + at.Format("150405") + "@example.com"}}
	l.CapturedBy, l.Rating = staff, rating
	require.NoError(t, st.AddLead(l))
}

func TestDashboardShowsTheActiveEventsCharts(t *testing.T) {
	st := newStore(t)
	ev := addEvent(t, st, "Hannover Messe", "DE")
	other := addEvent(t, st, "Salon", "FR")
	require.NoError(t, st.SetActiveEvent(ev.ID))
	addStaffLead(t, st, ev, t0, "Anna", lead.RatingHot)
	addStaffLead(t, st, ev, t0.Add(time.Hour), "Anna", lead.RatingWarm)
	addStaffLead(t, st, ev, t0.Add(2*time.Hour), "Bob", lead.RatingHot)
	addStaffLead(t, st, other, t0, "Luc", lead.RatingCold)

	u := newTestUI(t, st)
	ti := openReport(t, u)
	charts := chartsOn(ti)

	require.Len(t, charts, 8)
	assert.Equal(t, [][2]string{{"Anna", "2 (67%)"}, {"Bob", "1 (33%)"}}, barTexts(charts["staff"]))
	assert.Equal(t, [][2]string{{"Hot", "2 (67%)"}, {"Warm", "1 (33%)"}, {"Cold", "0 (0%)"}, {"Unrated", "0 (0%)"}}, barTexts(charts["rating"]))
	assert.Len(t, charts["hour"].chart.Bars, 3, "three hours of the fair")

	// Bars are as long as their share of the longest.
	u.win.Resize(fyne.NewSize(900, 900))
	r := test.WidgetRenderer(charts["staff"]).(*chartRenderer)
	r.Layout(charts["staff"].Size())
	anna, bob := r.bars[0].rect.Size().Width, r.bars[1].rect.Size().Width
	assert.Greater(t, anna, float32(0))
	assert.InDelta(t, anna/2, bob, 0.5)

	// Choosing the other event shows its figures.
	sel := findSelect(t, ti)
	require.Len(t, sel.Options, 2)
	assert.Equal(t, "Hannover Messe", sel.Selected, "named as the person knows it, no ID")
	sel.SetSelectedIndex(1)
	assert.Equal(t, [][2]string{{"Luc", "1 (100%)"}}, barTexts(chartsOn(ti)["staff"]))
}

func TestDashboardRefreshShowsNewLeads(t *testing.T) {
	st := newStore(t)
	ev := addEvent(t, st, "Hannover Messe", "DE")
	u := newTestUI(t, st)
	ti := openReport(t, u)
	assert.Contains(t, canvasTexts(chartsOn(ti)["staff"]), "No leads yet")

	addStaffLead(t, st, ev, t0, "Anna", lead.RatingHot)
	var refresh *widget.Button
	walkTree(ti, func(o fyne.CanvasObject) bool {
		if b, ok := o.(*widget.Button); ok && b.Text == "" {
			refresh = b
		}
		return true
	})
	require.NotNil(t, refresh)
	test.Tap(refresh)
	assert.Equal(t, [][2]string{{"Anna", "1 (100%)"}}, barTexts(chartsOn(ti)["staff"]))
}

func TestDashboardWithoutEvents(t *testing.T) {
	u := newTestUI(t, newStore(t))
	ti := openReport(t, u)
	assert.Empty(t, chartsOn(ti))
	var texts []string
	walkTree(ti, func(o fyne.CanvasObject) bool {
		if l, ok := o.(*widget.Label); ok {
			texts = append(texts, l.Text)
		}
		return true
	})
	assert.Contains(t, texts, "No event yet: the report shows how an event went once there is one.")
}

func findSelect(t *testing.T, root fyne.CanvasObject) *widget.Select {
	t.Helper()
	var sel *widget.Select
	walkTree(root, func(o fyne.CanvasObject) bool {
		if s, ok := o.(*widget.Select); ok && sel == nil {
			sel = s
		}
		return true
	})
	require.NotNil(t, sel)
	return sel
}

func canvasTexts(c *chartView) []string {
	var out []string
	for _, o := range test.WidgetRenderer(c).Objects() {
		if tx, ok := o.(*canvas.Text); ok {
			out = append(out, tx.Text)
		}
	}
	return out
}

// A lead saved on the Capture screen while the report is open (its tab on
// a desktop, over the Leads list on a phone) is counted when the report is
// looked at again, without a tap on refresh.
func TestDashboardCountsLeadsSavedMeanwhile(t *testing.T) {
	u, _, _ := atBooth(t)
	ti := openReport(t, u)
	assert.Contains(t, canvasTexts(chartsOn(ti)["staff"]), "No leads yet")

	u.tabs.SelectIndex(0) // Capture
	scan(u, jonasCard, true)
	require.Len(t, allLeads(t, u), 1, "the scan was saved")

	if fyne.CurrentDevice().IsMobile() {
		u.showLeads() // the report is still on top of the Leads list
	} else {
		ti = openReport(t, u)
	}
	assert.Equal(t, [][2]string{{"Anna", "1 (100%)"}}, barTexts(chartsOn(ti)["staff"]))
	assert.Equal(t, [2]string{"Waiting to sync", "1 (100%)"}, barTexts(chartsOn(ti)["sync"])[0])
}

// Two events of one name are told apart by their IDs.
func TestDashboardEventsOfOneName(t *testing.T) {
	st := newStore(t)
	a := addEvent(t, st, "Hannover Messe", "DE")
	b := addEvent(t, st, "Hannover Messe", "DE")
	u := newTestUI(t, st)
	sel := findSelect(t, openReport(t, u))
	require.Len(t, sel.Options, 2)
	assert.Contains(t, sel.Options, "Hannover Messe", "the first by its name")
	second := "Hannover Messe (" + shortID(a.ID) + ")"
	if sel.Options[0] == "Hannover Messe" {
		assert.Equal(t, "Hannover Messe ("+shortID(b.ID)+")", sel.Options[1])
	} else {
		assert.Equal(t, second, sel.Options[0])
	}
	assert.NotEqual(t, shortID(a.ID), shortID(b.ID), "made in one millisecond, told apart all the same")
}

// The charts speak German: titles, labels, weekdays, dates and hours, and
// the percentages are written the German way.
func TestDashboardInGerman(t *testing.T) {
	inGerman(t)
	st := newStore(t)
	ev := addEvent(t, st, "Hannover Messe", "DE")
	require.NoError(t, st.SetActiveEvent(ev.ID))
	addStaffLead(t, st, ev, t0, "Anna", lead.RatingHot) // Friday 27 November, 9:30
	addStaffLead(t, st, ev, t0.Add(time.Hour), "Anna", lead.RatingHot)
	addStaffLead(t, st, ev, t0.Add(24*time.Hour), "", lead.RatingWarm)

	u := newTestUI(t, st)
	charts := chartsOn(openReport(t, u))
	require.Len(t, charts, 8)
	assert.Equal(t, "Leads pro Tag", charts["day"].chart.Title)
	assert.Equal(t, [][2]string{{"Fr. 27.11.", "2"}, {"Sa. 28.11.", "1"}}, barTexts(charts["day"]))
	assert.Equal(t, [2]string{"9 Uhr", "2"}, barTexts(charts["hour"])[0])
	assert.Equal(t, [][2]string{{"Anna", "2 (67 %)"}, {"(nicht erfasst)", "1 (33 %)"}}, barTexts(charts["staff"]))
	assert.Equal(t, [2]string{"Heiß", "2 (67 %)"}, barTexts(charts["rating"])[0])
	assert.Equal(t, "Synchronisierung mit dem CRM", charts["sync"].chart.Title)
}

// Every text of the report's charts has a translation.
func TestEveryChartTextIsTranslated(t *testing.T) {
	for _, s := range workflow.ChartTexts() {
		_, ok := chartText(s)
		assert.True(t, ok, "the charts show %q, which chartText does not translate", s)
	}
}

// The report's event picker shows the whole event name: on a 360 pt
// phone it has the full width above the buttons, on a desktop it shares
// the row with them.
func TestReportEventPickerShowsTheWholeName(t *testing.T) {
	st := newStore(t)
	ev := addEvent(t, st, "Hannover Messe 2026", "DE")
	addLead(t, st, ev, 1, "Ada", "Lovelace", "Analytical Engines", "ada@example.com")
	require.NoError(t, st.SetActiveEvent(ev.ID))
	u := newTestUI(t, st)
	width := float32(900)
	if fyne.CurrentDevice().IsMobile() {
		width = 360
	}
	u.win.Resize(fyne.NewSize(width, 640))
	openReport(t, u)
	d := u.report
	require.Equal(t, "Hannover Messe 2026", d.event.Selected)

	th := theme.DefaultTheme()
	need := fyne.MeasureText(d.event.Selected, th.Size(theme.SizeNameText), fyne.TextStyle{}).Width +
		th.Size(theme.SizeNameInlineIcon) + 4*th.Size(theme.SizeNameInnerPadding)
	assert.GreaterOrEqual(t, d.event.Size().Width, need, "the name is not cut short")
	if fyne.CurrentDevice().IsMobile() {
		assert.InDelta(t, u.win.Canvas().Size().Width-2*th.Size(theme.SizeNamePadding), d.event.Size().Width, 1, "the full width of a phone")
	}
}

// The HTML report saved from the Report screen of an app in German is in
// German too, as the charts are: titles, the days of the fair, the
// event's dates, the page's own texts and the figures.
func TestDashboardSavesTheReportInGerman(t *testing.T) {
	inGerman(t)
	st := newStore(t)
	ev := lead.Event{Name: "Hannover Messe", Country: "DE", City: "Hannover",
		Start: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)}
	require.NoError(t, st.CreateEvent(&ev))
	require.NoError(t, st.SetActiveEvent(ev.ID))
	addStaffLead(t, st, ev, t0, "Anna", lead.RatingHot) // Friday 27 November, 9:30
	addStaffLead(t, st, ev, t0.Add(time.Hour), "Anna", lead.RatingHot)
	addStaffLead(t, st, ev, t0.Add(24*time.Hour), "", lead.RatingWarm)

	u := newTestUI(t, st)
	openReport(t, u)
	test.Tap(u.report.save)
	require.NotNil(t, u.report.dlg, "Save as HTML opens the save dialog")
	dir := t.TempDir()
	loc, err := fstorage.ListerForURI(fstorage.NewFileURI(dir))
	require.NoError(t, err)
	u.report.dlg.SetLocation(loc)
	u.report.dlg.SetFileName("bericht.html")
	tapInOverlay(t, u, lang.L("Save"))

	data, err := os.ReadFile(filepath.Join(dir, "bericht.html"))
	require.NoError(t, err)
	page := string(data)
	for _, want := range []string{
		`<html lang="de">`,
		"<title>Hannover Messe — wie die Messe lief</title>",
		"27.11.2026 – 28.11.2026", // the event's dates
		">Leads pro Tag</text>",
		"Fr. 27.11.: 2 (67 %)", // days and shares
		">9 Uhr</text>",
		"Heiß: 2 (67 %)",
		"Interessenten im CRM",
		"Erstellt mit leadcap am",
	} {
		assert.True(t, strings.Contains(page, want), "the page has no %q", want)
	}
	for _, english := range []string{"Leads per day", "how the event went", "Made by leadcap", "Fri 27 Nov", "(67%)", "27 Nov 2026"} {
		assert.False(t, strings.Contains(page, english), "the page has the English %s", english)
	}
}
