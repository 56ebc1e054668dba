package app

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/google/uuid"

	"leadcap/lead"
	"leadcap/storage"
)

// leadsScreen lists the leads in the store, newest first, with search as
// you type and filters by event, stage and sync status. The list is
// virtualized: only the visible rows exist as widgets.
type leadsScreen struct {
	ui *UI

	search  *widget.Entry
	event   *widget.Select
	stage   *widget.Select
	sync    *widget.Select
	counts  *widget.Label
	damage  *damageBanner // damage.go
	list    *widget.List
	empty   *fyne.Container
	emptyT  *widget.Label // empty state: title
	emptyB  *widget.Label // empty state: what to do
	emptyC  *widget.Label // empty state: the command line to add a lead
	clear   *widget.Button
	filters *fyne.Container
	filter  *widget.Button // shows and hides the filters on a phone
	content fyne.CanvasObject

	// Only touched on the UI goroutine.
	rows     []storage.Summary
	next     string        // cursor of the next page of rows; "" when all are loaded
	more     bool          // a next page is being loaded
	stats    storage.Stats // counts of the leads matching the query
	events   []lead.Event
	eventIDs map[string]uuid.UUID // event select option -> ID
	names    map[uuid.UUID]string // event ID -> name
	total    int                  // leads in the store, unfiltered
	gen      int                  // generation of the latest query; older results are dropped
	busy     bool                 // a query is running
	pending  bool                 // another query is wanted when it is done
}

func newLeadsScreen(u *UI) *leadsScreen {
	s := &leadsScreen{ui: u, names: map[uuid.UUID]string{}, eventIDs: map[string]uuid.UUID{}}

	s.search = widget.NewEntry()
	if fyne.CurrentDevice().IsMobile() {
		s.search.SetPlaceHolder(lang.L("Search"))
	} else {
		s.search.SetPlaceHolder(lang.L("Search name, organization or email"))
	}
	s.search.ActionItem = widget.NewIcon(theme.SearchIcon())
	s.search.OnChanged = func(string) { s.reload() }

	s.event = widget.NewSelect([]string{lang.L("All events")}, nil)
	stages := []string{lang.L("All stages")}
	for _, st := range lead.Stages {
		stages = append(stages, stageLabel(st))
	}
	s.stage = widget.NewSelect(stages, nil)
	syncs := []string{lang.L("Any sync status")}
	for _, st := range storage.SyncStatuses {
		syncs = append(syncs, syncLabel(st))
	}
	s.sync = widget.NewSelect(syncs, nil)
	for _, sel := range []*widget.Select{s.event, s.stage, s.sync} {
		sel.SetSelectedIndex(0)
		sel.OnChanged = func(string) { s.reload() }
	}

	s.counts = widget.NewLabel(lang.L("Loading leads…"))
	s.damage = newDamageBanner()
	s.counts.Importance = widget.LowImportance

	s.list = widget.NewList(s.length, s.createRow, s.updateRow)
	s.list.OnSelected = s.onRowSelected

	s.emptyT = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	s.emptyB = widget.NewLabel("")
	s.emptyB.Alignment = fyne.TextAlignCenter
	s.emptyB.Wrapping = fyne.TextWrapWord
	s.emptyC = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Monospace: true})
	s.emptyC.Wrapping = fyne.TextWrapBreak
	s.emptyC.Selectable = true
	s.clear = widget.NewButtonWithIcon(lang.L("Clear search and filters"), theme.ContentClearIcon(), s.onClearTapped)
	s.empty = container.NewVBox(layout.NewSpacer(), s.emptyT, s.emptyB, s.emptyC, container.NewCenter(s.clear), layout.NewSpacer())
	s.empty.Hide()

	s.counts.Wrapping = fyne.TextWrapWord
	var top *fyne.Container
	if fyne.CurrentDevice().IsMobile() {
		// A phone has no room for three selects above the list: they fold
		// away behind a button next to the search.
		s.filters = container.NewVBox(s.event, s.stage, s.sync)
		s.filters.Hide()
		s.filter = widget.NewButtonWithIcon("", theme.MenuDropDownIcon(), s.onFilterTapped)
		filter := container.New(atLeast(fyne.NewSquareSize(touchHeight)), s.filter)   // for a thumb
		search := container.NewVBox(layout.NewSpacer(), s.search, layout.NewSpacer()) // in the middle of the row
		top = container.NewVBox(s.damage.box, container.NewBorder(nil, nil, nil, filter, search), s.filters, s.countsBar())
	} else {
		s.filters = container.NewGridWithColumns(3, s.event, s.stage, s.sync)
		top = container.NewVBox(s.damage.box, s.search, s.filters, s.countsBar()) // countsBar: export.go
	}
	s.content = container.NewBorder(top, nil, nil, nil, container.NewStack(s.list, container.NewPadded(s.empty)))
	return s
}

// query reads the search box and the filters.
func (s *leadsScreen) query() storage.Query {
	q := storage.Query{Text: strings.TrimSpace(s.search.Text)}
	q.EventID = s.eventIDs[s.event.Selected]
	if i := s.stage.SelectedIndex(); i > 0 {
		q.Stage = lead.Stages[i-1]
	}
	if i := s.sync.SelectedIndex(); i > 0 {
		q.Sync = storage.SyncStatuses[i-1]
	}
	return q
}

// leadsResult is what a background load of the list hands back.
type leadsResult struct {
	page   storage.Page
	stats  storage.Stats
	events []lead.Event
	total  int
	damage *storage.Damage // noted in the store, see damage.go
	hint   string
	err    error
}

// leadsPage is how many rows the list loads at a time; the next page is
// loaded when the list scrolls within leadsAhead rows of the end, so the
// screen holds what was scrolled through, not the whole store.
const (
	leadsPage  = 200
	leadsAhead = 50
)

// reload queries the store in the background and shows the result. It is
// called on every keystroke in the search box and on every filter change.
// At most one query runs at a time: keystrokes that arrive meanwhile are
// folded into one more query with the latest text, started when the running
// one finishes, whose stale result is dropped.
func (s *leadsScreen) reload() {
	s.gen++
	s.start()
}

// start runs the query for the current search and filters, unless one is
// running already.
func (s *leadsScreen) start() {
	if s.busy {
		s.pending = true
		return
	}
	s.busy = true
	gen, q, st := s.gen, s.query(), s.ui.st
	s.ui.background(func() func() {
		r := loadLeads(st, q)
		return func() { s.apply(gen, q, r) }
	})
}

// loadLeads runs a query of the list, off the UI goroutine: its first page
// and its counts.
func loadLeads(st *storage.Store, q storage.Query) leadsResult {
	var r leadsResult
	q.Limit = leadsPage
	if r.events, r.err = st.Events(); r.err == nil {
		if r.page, r.err = st.Page(q); r.err == nil && q.Text == "" {
			// From the counters: as fast at a million leads as at ten.
			r.stats, r.err = st.StatsOf(q)
		}
		if r.err == nil {
			r.total, r.err = st.Count(storage.Query{})
		}
		if r.err == nil {
			var all storage.Stats
			all, r.err = st.Stats() // counters only: fast at any size
			r.damage = all.Damage
		}
	}
	if r.err == nil && r.total == 0 {
		_, err := st.ActiveEvent()
		r.hint = cliHint(st.Path(), errors.Is(err, storage.ErrNoActiveEvent))
	}
	return r
}

// apply shows a loaded result; it runs on the UI goroutine.
func (s *leadsScreen) apply(gen int, q storage.Query, r leadsResult) {
	s.busy = false
	if s.pending {
		s.pending = false
		s.start()
	}
	if gen != s.gen {
		return
	}
	if r.err != nil {
		s.counts.SetText(lang.L("Could not load the leads."))
		s.ui.showError(r.err)
		return
	}
	s.rows, s.next, s.more, s.stats, s.total = r.page.Rows, r.page.Next, false, r.stats, r.total
	s.damage.show(r.damage)
	s.ui.office.sync.chip.damaged(r.damage != nil)
	s.setEvents(r.events)
	s.list.UnselectAll()
	s.list.Refresh()
	if q.Text != "" {
		s.counts.SetText(lang.L("Counting matches…"))
		s.countMatches(gen, q)
	} else {
		s.counts.SetText(s.countsText(q))
	}

	switch {
	case s.total == 0:
		s.emptyT.SetText(lang.L("No leads yet"))
		s.emptyB.SetText(lang.L("Add leads from the command line while leadcap is closed (the app keeps the database open), then start leadcap again:"))
		s.emptyC.SetText(r.hint)
		s.emptyC.Show()
		s.clear.Hide()
		s.empty.Show()
	case len(s.rows) == 0:
		s.emptyT.SetText(lang.L("No leads match"))
		s.emptyB.SetText(lang.L("Nothing matches the search and the filters."))
		s.emptyC.Hide()
		s.clear.Show()
		s.empty.Show()
	default:
		s.empty.Hide()
	}
}

// countMatches counts the leads a search matches in the background, after
// its first page is on show: counting reads every match, the page only 200.
func (s *leadsScreen) countMatches(gen int, q storage.Query) {
	st := s.ui.st
	s.ui.background(func() func() {
		stats, err := st.StatsOf(q)
		return func() {
			if gen != s.gen {
				return
			}
			if err != nil {
				s.counts.SetText(lang.L("Could not load the leads."))
				s.ui.showError(err)
				return
			}
			s.stats = stats
			s.counts.SetText(s.countsText(q))
		}
	})
}

// setEvents refreshes the event filter's options, keeping the selection.
func (s *leadsScreen) setEvents(evs []lead.Event) {
	if slices.EqualFunc(evs, s.events, func(a, b lead.Event) bool { return a.ID == b.ID && a.Name == b.Name }) {
		return
	}
	s.events = evs
	clear(s.names)
	clear(s.eventIDs)
	opts := []string{lang.L("All events")}
	seen := map[string]bool{}
	for _, ev := range evs {
		s.names[ev.ID] = ev.Name
		name := ev.Name
		if seen[name] {
			name = fmt.Sprintf("%s (%s)", ev.Name, shortID(ev.ID))
		}
		seen[name] = true
		s.eventIDs[name] = ev.ID
		opts = append(opts, name)
	}
	sel := s.event.Selected
	s.event.Options = opts
	if !slices.Contains(opts, sel) {
		sel = opts[0]
	}
	// Setting the same selection again does not fire OnChanged.
	s.event.Selected = sel
	s.event.Refresh()
}

// countsText is the line above the list: how many leads are shown, out of
// how many, how many of them are prospects and how many are not synced.
func (s *leadsScreen) countsText(q storage.Query) string {
	prospects := s.stats.ByStage[lead.StageProspect]
	unsynced := s.stats.Leads - s.stats.BySync[storage.SyncSynced]
	var parts []string
	if q != (storage.Query{}) {
		parts = append(parts, lang.N("{{.Count}} of {{.Total}} leads", s.total, map[string]any{"Count": thousands(s.stats.Leads), "Total": thousands(s.total)}))
	} else {
		parts = append(parts, lang.N("{{.Count}} leads", s.total, map[string]any{"Count": thousands(s.total)}))
	}
	parts = append(parts,
		lang.N("{{.Count}} prospects", prospects, map[string]any{"Count": thousands(prospects)}),
		lang.N("{{.Count}} not synced", unsynced, map[string]any{"Count": thousands(unsynced)}))
	return strings.Join(parts, " · ")
}

// cliHint is the command line that adds a lead to the store at path: with
// --db when the command line would not find that store by default, and
// after creating an event when there is no active one.
func cliHint(path string, needEvent bool) string {
	cmd := "leadcap"
	if def, err := storage.DefaultPath(); err != nil || def != path {
		cmd += " --db " + shellQuote(path)
	}
	hint := cmd + ` add --name "Ada Lovelace" --org "Analytical Engines" --email ada@example.com`
	if needEvent {
		hint = cmd + ` event create --name "Hannover Messe" --country DE --use` + "\n" + hint
	}
	return hint
}

// shellQuote quotes s for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+:@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func (s *leadsScreen) length() int { return len(s.rows) }

// leadRow is one row of the list: name and organization, event, email and
// capture time, and the stage and sync badges.
type leadRow struct {
	widget.BaseWidget
	name    *widget.Label
	detail  *widget.Label
	when    *widget.Label // the capture time, on the badges' line on a phone
	stage   *badge
	sync    *badge
	content fyne.CanvasObject
}

func newLeadRow() *leadRow {
	r := &leadRow{
		name:   widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		detail: widget.NewLabel(""),
		when:   widget.NewLabel(""),
		stage:  newBadge(stageLabel(lead.StageDisqualified), stageColor(lead.StageLead)),
		sync:   newBadge(syncLabel(storage.SyncPending), syncColor(storage.SyncPending)),
	}
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.detail.Truncation = fyne.TextTruncateEllipsis
	r.detail.SizeName = theme.SizeNameCaptionText
	r.when.SizeName = theme.SizeNameCaptionText
	badges := container.NewHBox(container.NewCenter(r.stage), container.NewCenter(r.sync))
	// The labels bring their own padding; pull the lines together.
	tight := layout.NewCustomPaddedVBoxLayout(-2 * theme.Padding())
	if fyne.CurrentDevice().IsMobile() {
		// A phone is narrow: the badges go on a line of their own, with the
		// capture time, so the name keeps the full width and the time is
		// never cut off.
		pad := theme.Padding()
		badges = container.New(layout.NewCustomPaddedHBoxLayout(pad), r.stage, r.sync)
		inner := theme.InnerPadding() - pad // the label's own padding, less the badges' margin
		when := container.New(layout.NewCustomPaddedLayout(-inner, -inner, 0, 0), r.when)
		line := container.NewBorder(nil, nil, badges, nil, container.NewHBox(layout.NewSpacer(), when))
		r.content = container.New(tight, r.name, r.detail, container.New(layout.NewCustomPaddedLayout(0, pad, 2*pad, 0), line))
	} else {
		r.content = container.NewBorder(nil, nil, nil, badges, container.New(tight, r.name, r.detail))
	}
	r.ExtendBaseWidget(r)
	return r
}

func (r *leadRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.content) }

// show fills the row from a summary; names maps event IDs to names.
func (r *leadRow) show(sum storage.Summary, names map[uuid.UUID]string) {
	name := sum.Name
	if name == "" {
		name = sum.Email
	}
	if sum.Organization != "" {
		name += " — " + sum.Organization
	}
	r.name.SetText(name)
	var detail []string
	if ev := names[sum.EventID]; ev != "" {
		detail = append(detail, ev)
	}
	if sum.Email != "" && sum.Name != "" {
		detail = append(detail, sum.Email)
	}
	r.when.SetText("")
	if !sum.CapturedAt.IsZero() {
		if fyne.CurrentDevice().IsMobile() {
			r.when.SetText(formatDateTime(sum.CapturedAt))
		} else {
			detail = append(detail, formatDateTime(sum.CapturedAt))
		}
	}
	if sum.Rating != "" && sum.Rating != lead.RatingUnrated {
		detail = append(detail, ratingLabel(sum.Rating))
	}
	r.detail.SetText(strings.Join(detail, " · "))
	r.stage.set(stageLabel(sum.Stage), stageColor(sum.Stage))
	r.sync.set(syncLabel(sum.Sync), syncColor(sum.Sync))
}

func (s *leadsScreen) createRow() fyne.CanvasObject { return newLeadRow() }

func (s *leadsScreen) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= 0 && id < len(s.rows) {
		o.(*leadRow).show(s.rows[id], s.names)
	}
	if id >= len(s.rows)-leadsAhead {
		s.loadMore()
	}
}

// loadMore loads the next page of rows in the background, unless all are
// loaded or a query or a page is under way. A page that arrives after the
// query changed is dropped.
func (s *leadsScreen) loadMore() {
	if s.next == "" || s.more || s.busy {
		return
	}
	s.more = true
	gen, q, st := s.gen, s.query(), s.ui.st
	q.Limit, q.Cursor = leadsPage, s.next
	s.ui.background(func() func() {
		p, err := st.Page(q)
		return func() {
			if gen != s.gen {
				return
			}
			s.more = false
			if err != nil {
				s.ui.showError(err)
				return
			}
			s.rows, s.next = append(s.rows, p.Rows...), p.Next
			s.list.Refresh()
		}
	})
}

func (s *leadsScreen) onRowSelected(id widget.ListItemID) {
	s.list.Unselect(id)
	if id < 0 || id >= len(s.rows) {
		return
	}
	s.ui.openLead(s.rows[id].ID)
}

// onFilterTapped shows or hides the filters (phone layout).
func (s *leadsScreen) onFilterTapped() {
	if s.filters.Visible() {
		s.filters.Hide()
		s.filter.SetIcon(theme.MenuDropDownIcon())
	} else {
		s.filters.Show()
		s.filter.SetIcon(theme.MenuDropUpIcon())
	}
}

func (s *leadsScreen) onClearTapped() {
	// Each reset fires OnChanged; the generation counter keeps only the last.
	s.search.SetText("")
	s.event.SetSelectedIndex(0)
	s.stage.SetSelectedIndex(0)
	s.sync.SetSelectedIndex(0)
}

// shortID tells apart events of one name: the last 8 hex digits of the
// ID, which are random. The first ones are the creation time (UUIDv7),
// the same for events made within a minute of each other.
func shortID(id uuid.UUID) string {
	s := id.String()
	return s[len(s)-8:]
}
