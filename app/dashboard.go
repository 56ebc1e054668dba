package app

import (
	"context"
	"fmt"
	"io"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/google/uuid"

	"leadcap/lead"
	"leadcap/storage"
	"leadcap/workflow"
)

// dashboard is the Report tab: how an event went, as the charts of
// workflow.Report (the same ones `leadcap report` writes as HTML), with the
// event to show and a button that saves the HTML report.
type dashboard struct {
	ui      *UI
	event   *widget.Select
	status  *widget.Label
	save    *widget.Button
	dlg     *dialog.FileDialog // the last save dialog, for tests
	charts  *fyne.Container
	content *shownHook

	// Only touched on the UI goroutine.
	ids    map[string]uuid.UUID // event select option -> ID
	report workflow.Report      // the report on show
	shown  uuid.UUID            // its event
}

func newDashboard(u *UI) *dashboard {
	d := &dashboard{ui: u, ids: map[string]uuid.UUID{}}
	d.event = widget.NewSelect(nil, func(string) { d.reload() })
	d.event.PlaceHolder = lang.L("Choose event")
	d.status = widget.NewLabel("")
	d.status.Importance = widget.LowImportance
	d.save = widget.NewButtonWithIcon(lang.L("Save as HTML…"), theme.DocumentSaveIcon(), d.onSaveTapped)
	d.save.Disable()
	refresh := widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), d.reload)
	d.charts = container.NewVBox()
	top := container.NewBorder(nil, d.status, nil, container.NewHBox(refresh, d.save), d.event)
	if fyne.CurrentDevice().IsMobile() { // a 360 pt phone: the event above, the buttons below
		top = container.NewVBox(d.event, container.NewBorder(nil, nil, nil, refresh, d.save), d.status)
	}
	d.content = newShownHook(container.NewBorder(top, nil, nil, nil, container.NewVScroll(d.charts)), d.reload)
	return d
}

// dashboardTabs returns the Report tab on a desktop; a phone has no room
// for a sixth tab and opens the report from the Leads screen instead (see
// reportButton). Its charts load each time it is selected, not before:
// counting reads every lead of the event.
func (u *UI) dashboardTabs() []*container.TabItem {
	if fyne.CurrentDevice().IsMobile() {
		return nil
	}
	u.report = newDashboard(u)
	return []*container.TabItem{container.NewTabItemWithIcon(lang.L("Report"), theme.GridIcon(), u.report.content)}
}

// reportButton opens the report over the Leads screen (on a phone).
func (u *UI) reportButton() *widget.Button {
	return widget.NewButtonWithIcon("", theme.GridIcon(), u.openReport)
}

// openReport shows the report: its tab on a desktop, over the Leads
// screen on a phone.
func (u *UI) openReport() {
	for _, ti := range u.tabs.Items {
		if u.report != nil && ti.Content == u.report.content {
			u.tabs.Select(ti)
			return
		}
	}
	u.showLeads()
	u.report = newDashboard(u)
	u.push(navScreen{content: u.report.content, title: lang.L("Report")})
}

// shownHook shows content and calls onShown when it is first drawn and
// each time it is shown again (as AppTabs does with a selected tab).
type shownHook struct {
	widget.BaseWidget
	content fyne.CanvasObject
	onShown func()
	drawn   bool // it has been drawn once
}

func newShownHook(content fyne.CanvasObject, onShown func()) *shownHook {
	h := &shownHook{content: content, onShown: onShown}
	h.ExtendBaseWidget(h)
	return h
}

func (h *shownHook) CreateRenderer() fyne.WidgetRenderer {
	h.drawn = true
	h.onShown()
	return widget.NewSimpleRenderer(h.content)
}

func (h *shownHook) Show() {
	wasHidden := !h.Visible()
	h.BaseWidget.Show()
	if wasHidden {
		h.onShown()
	}
}

// onScreen reports whether the content is drawn and not hidden (by its
// tab, or by the Navigation it is on).
func (h *shownHook) onScreen() bool { return h.drawn && h.Visible() }

// changed counts again when leads changed while the report is on show; a
// report not on show counts when it is shown next.
func (d *dashboard) changed() {
	if d.content.onScreen() {
		d.reload()
	}
}

// dashboardData is what a load brings back to the UI goroutine.
type dashboardData struct {
	events []lead.Event
	active uuid.UUID
	report workflow.Report
	err    error
}

// reload reads the events and the report of the chosen event (the active
// one, else the newest, when none is chosen) off the UI goroutine.
func (d *dashboard) reload() {
	st, now, want := d.ui.st, time.Now(), d.ids[d.event.Selected]
	d.status.SetText(lang.L("Counting…"))
	d.ui.background(func() func() {
		r := loadDashboard(st, want, now)
		return func() { d.apply(r) }
	})
}

func loadDashboard(st *storage.Store, want uuid.UUID, now time.Time) dashboardData {
	var r dashboardData
	if r.events, r.err = st.Events(); r.err != nil || len(r.events) == 0 {
		return r
	}
	if ev, err := st.ActiveEvent(); err == nil {
		r.active = ev.ID
	}
	id := want
	if id == uuid.Nil {
		id = r.active
	}
	if id == uuid.Nil {
		id = r.events[len(r.events)-1].ID
	}
	r.report, r.err = workflow.BuildReport(context.Background(), st, id, time.Local, now)
	return r
}

// apply shows a loaded report; it runs on the UI goroutine.
func (d *dashboard) apply(r dashboardData) {
	if r.err != nil {
		d.status.SetText(lang.L("Could not count the leads."))
		d.ui.showError(r.err)
		return
	}
	if len(r.events) == 0 {
		d.status.SetText(lang.L("No event yet: the report shows how an event went once there is one."))
		return
	}
	clear(d.ids)
	opts := make([]string, 0, len(r.events))
	sel := ""
	seen := map[string]bool{}
	for _, ev := range r.events {
		name := ev.Name
		if seen[name] { // as on the Leads screen: a second event of one name gets its ID
			name = fmt.Sprintf("%s (%s)", ev.Name, shortID(ev.ID))
		}
		seen[name] = true
		d.ids[name] = ev.ID
		opts = append(opts, name)
		if ev.ID == r.report.Event.ID {
			sel = name
		}
	}
	d.event.Options = opts
	d.event.Selected = sel // not SetSelected: that would load again
	d.event.Refresh()
	d.report, d.shown = r.report, r.report.Event.ID
	d.status.SetText(lang.N("{{.Count}} leads", r.report.Leads, map[string]any{"Count": thousands(r.report.Leads)}))
	d.charts.RemoveAll()
	charts := r.report.ChartsIn(chartWords())
	for i := 0; i < len(charts); i += 2 {
		// Two charts a row side by side, one above the other on a phone.
		row := container.NewAdaptiveGrid(2, newChartView(charts[i]))
		if i+1 < len(charts) {
			row.Add(newChartView(charts[i+1]))
		}
		d.charts.Add(row)
	}
	d.save.Enable()
}

// onSaveTapped saves the report on show as one HTML file, with the
// platform's save dialog.
func (d *dashboard) onSaveTapped() {
	r, words := d.report, chartWords()
	dlg := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		switch {
		case err != nil:
			d.ui.showError(err)
		case w != nil:
			d.ui.background(func() func() {
				err := saveTo(d.ui.st, w, func(out io.Writer) error { return workflow.WriteReportHTMLIn(out, r, words) })
				return func() {
					if err != nil {
						d.ui.showError(err)
					}
				}
			})
		}
	}, d.ui.win)
	dlg.SetTitleText(lang.L("Save the report"))
	dlg.SetFileName(fmt.Sprintf("report-%s.html", d.ui.opts.Now().Format("2006-01-02")))
	d.dlg = dlg
	dlg.Show()
}
