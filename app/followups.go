package app

import (
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"leadcap/storage"
	"leadcap/workflow"
)

// followUpsScreen lists the open follow-ups of the notes (due today and
// overdue first, or all), per staff member, with one tap to mark one done
// (workflow.FollowUps, workflow.MarkFollowUpDone).
type followUpsScreen struct {
	ui      *UI
	staff   *widget.Select // "Everyone" or one staff member
	dueOnly *widget.Check  // only due today and overdue
	summary *widget.Label
	rows    *fyne.Container
	content fyne.CanvasObject

	// Only touched on the UI goroutine.
	list []workflow.FollowUp
	done []*widget.Button // one per row of list
}

func newFollowUpsScreen(u *UI) *followUpsScreen {
	s := &followUpsScreen{ui: u}
	s.staff = widget.NewSelect([]string{lang.L("Everyone")}, func(string) { s.reload() })
	s.staff.SetSelectedIndex(0)
	s.dueOnly = widget.NewCheck(lang.L("Due today and overdue only"), func(bool) { s.reload() })
	s.dueOnly.SetChecked(true)
	s.summary = widget.NewLabel("")
	s.summary.Wrapping = fyne.TextWrapWord
	s.rows = container.NewVBox()
	filters := fyne.CanvasObject(container.NewBorder(nil, nil, nil, s.dueOnly, s.staff))
	if fyne.CurrentDevice().IsMobile() { // a 360 pt phone has no room for both in one row in German
		filters = container.NewVBox(s.staff, s.dueOnly)
	}
	top := container.NewVBox(filters, s.summary)
	s.content = container.NewBorder(top, nil, nil, nil, container.NewVScroll(s.rows))
	return s
}

// followUpsLoaded is what a background load hands back.
type followUpsLoaded struct {
	list, all []workflow.FollowUp
	err       error
}

// reload reads the follow-ups in the background.
func (s *followUpsScreen) reload() {
	if s.rows == nil {
		return // still being built
	}
	st, now := s.ui.st, s.ui.opts.Now()
	q := workflow.FollowUpQuery{Now: now}
	if s.dueOnly.Checked {
		q.Due = now
	}
	if s.staff.SelectedIndex() > 0 {
		q.Staff = s.staff.Selected
	}
	s.ui.background(func() func() {
		r := loadFollowUps(st, q)
		return func() { s.show(r) }
	})
}

func loadFollowUps(st *storage.Store, q workflow.FollowUpQuery) followUpsLoaded {
	var r followUpsLoaded
	if r.list, r.err = workflow.FollowUps(st, q); r.err != nil {
		return r
	}
	r.all, r.err = workflow.FollowUps(st, workflow.FollowUpQuery{Now: q.Now})
	return r
}

func (s *followUpsScreen) show(r followUpsLoaded) {
	if r.err != nil {
		s.summary.SetText(userMessage(r.err))
		return
	}
	staff := []string{lang.L("Everyone")}
	overdue, today := 0, 0
	for _, f := range r.all {
		if f.Staff != "" && !slices.Contains(staff, f.Staff) {
			staff = append(staff, f.Staff)
		}
	}
	for _, f := range r.list {
		switch {
		case f.Overdue:
			overdue++
		case f.Today:
			today++
		}
	}
	s.staff.Options = staff
	s.staff.Refresh()
	s.list = r.list
	s.done = s.done[:0]
	s.rows.RemoveAll()
	for i, f := range r.list {
		s.rows.Add(s.row(i, f))
	}
	s.summary.SetText(lang.L("{{.Overdue}} overdue, {{.Today}} due today, {{.Total}} listed.",
		map[string]any{"Overdue": thousands(overdue), "Today": thousands(today), "Total": thousands(len(r.list))}))
}

// row is one follow-up: the day (red when overdue), the lead and the note,
// and the Done button.
func (s *followUpsScreen) row(i int, f workflow.FollowUp) fyne.CanvasObject {
	due := f.Due // YYYY-MM-DD
	if d, err := time.Parse(time.DateOnly, f.Due); err == nil {
		due = formatDate(d) // in the user's language: 20.04.2027
	}
	day := widget.NewLabel(due)
	switch {
	case f.Overdue:
		day.Importance = widget.DangerImportance
	case f.Today:
		day.Importance = widget.WarningImportance
	}
	var parts []string
	for _, p := range []string{f.Name, f.Organization, f.Staff} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	who := strings.Join(parts, " · ")
	what := widget.NewLabel(who + "\n" + f.Text)
	what.Wrapping = fyne.TextWrapWord
	done := widget.NewButtonWithIcon(lang.L("Done"), theme.ConfirmIcon(), func() { s.onDoneTapped(i) })
	s.done = append(s.done, done)
	return container.NewBorder(nil, nil, day, done, what)
}

// onDoneTapped marks the follow-up of row i done and reloads.
func (s *followUpsScreen) onDoneTapped(i int) {
	if i >= len(s.list) {
		return
	}
	f := s.list[i]
	s.done[i].Disable()
	st, now := s.ui.st, s.ui.opts.Now()
	s.ui.background(func() func() {
		saved, err := workflow.MarkFollowUpDone(st, f.LeadID, f.NoteID, now)
		return func() {
			if err != nil {
				s.summary.SetText(userMessage(err))
				return
			}
			s.ui.leadSaved(saved)
			s.reload()
		}
	})
}

// withFollowUps builds the Follow-ups screen and adds it to the main
// window's tabs (see UI.tabItems): a tab of its own on a desktop; on a
// phone, whose bar holds five tabs, a second page of the Notes tab.
func (u *UI) withFollowUps(tabs []*container.TabItem) []*container.TabItem {
	u.followUps = newFollowUpsScreen(u)
	if !fyne.CurrentDevice().IsMobile() {
		return append(tabs, container.NewTabItemWithIcon(lang.L("Follow-ups"), theme.HistoryIcon(), u.followUps.content))
	}
	for _, t := range tabs {
		if t.Content != u.meeting.content {
			continue
		}
		inner := container.NewAppTabs(container.NewTabItem(lang.L("Meeting notes"), u.meeting.content),
			container.NewTabItem(lang.L("Follow-ups"), u.followUps.content))
		inner.OnSelected = func(it *container.TabItem) { u.onTabSelected(it) }
		t.Content = inner
	}
	return tabs
}
