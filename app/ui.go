package app

import (
	"errors"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/google/uuid"

	"leadcap/lead"
	"leadcap/storage"
	"leadcap/workflow"
)

// Options tune the UI. The zero value is ready to use.
type Options struct {
	// Staff is who is working the booth; it becomes the author of notes.
	Staff string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// run executes background work; nil means a new goroutine. do applies
	// its result on the UI goroutine; nil means fyne.Do. The tests of this
	// package run both synchronously on the test's goroutine.
	run, do func(func())
}

// UI is leadcap's main window and the screens in it.
type UI struct {
	win  fyne.Window
	st   *storage.Store
	opts Options
	// device names this device on the leads it captures; set on the event
	// screen. Only touched on the UI goroutine.
	device string

	// tabs holds the screens; see [UI.tabs] for their order.
	tabs     *container.AppTabs
	leadsTab *container.TabItem

	nav   *container.Navigation
	leads *leadsScreen
	lead  *leadScreen // the lead on show, if any
	// pushed are the screens on the navigation stack above the list (lead
	// screens, on a phone also the report), depth how many of them are on
	// show (the others are ahead, for forward). Only touched on the UI
	// goroutine.
	pushed  []navScreen
	depth   int
	capture *captureScreen
	meeting *meetingScreen
	office  *office // Sync and Settings, the background relay (lifecycle.go)

	followUps *followUpsScreen // followups.go
	// report is the Report tab, or on a phone the report last opened
	// (dashboard.go); nil before.
	report *dashboard

	// closers run when the window closes: they stop the goroutines the
	// screens own (e.g. the scanner's flush timer).
	closers []func()
}

// New builds the main window over an open store and starts loading the
// leads in the background. Call Window().ShowAndRun() to show it.
func New(a fyne.App, st *storage.Store, opts Options) *UI {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.run == nil {
		opts.run = func(f func()) { go f() }
	}
	if opts.do == nil {
		opts.do = fyne.Do
	}
	deferFileWrites() // savefile.go: a save dialog must not empty the database
	u := &UI{st: st, opts: opts}
	u.win = a.NewWindow("leadcap")
	u.leads = newLeadsScreen(u)
	u.nav = container.NewNavigationWithTitle(u.leads.content, lang.L("Leads"))
	u.nav.OnBack, u.nav.OnForward = u.onBackTapped, u.onForwardTapped
	// Navigation sets up its stack when it first renders, dropping what was
	// pushed before: render it now.
	u.nav.ExtendBaseWidget(u.nav)
	u.guardLeaving() // lead_edits.go: ← asks before unsaved changes are left; before the nav renders
	u.nav.MinSize()
	u.capture = newCaptureScreen(u)
	u.meeting = newMeetingScreen(u)
	u.office = newOffice(u)

	u.tabs = container.NewAppTabs(u.tabItems()...)
	if fyne.CurrentDevice().IsMobile() {
		u.tabs.SetTabLocation(container.TabLocationBottom)
	}
	u.tabs.OnSelected = u.onTabSelected
	u.win.SetContent(withChip(u.tabs, u.office.sync.chip))
	u.win.Resize(defaultWindowSize())
	u.win.SetMaster()
	u.win.SetOnClosed(u.closed)
	u.addShortcuts()
	u.leads.reload()
	u.capture.start()
	u.office.start()
	return u
}

// tabItems returns the tabs of the main window, in order: Capture (the home
// screen at a booth), Leads, Meeting notes, then the back-office screens.
// This is the one place where tabs are added.
func (u *UI) tabItems() []*container.TabItem {
	u.leadsTab = container.NewTabItemWithIcon(tabName(lang.L("Leads"), lang.X("tab.leads", "Leads")), theme.ListIcon(), u.nav)
	captureIcon := theme.ViewFullScreenIcon() // the scan frame of the Capture screen
	tabs := []*container.TabItem{
		container.NewTabItemWithIcon(tabName(lang.L("Capture"), lang.X("tab.capture", "Scan")), captureIcon, u.capture.content),
		u.leadsTab,
		container.NewTabItemWithIcon(tabName(lang.L("Meeting notes"), lang.X("tab.meeting", "Notes")), theme.DocumentCreateIcon(), u.meeting.content),
	}
	tabs = append(tabs, u.office.tabs()...) // Sync, Settings
	tabs = u.withFollowUps(tabs)            // followups.go
	tabs = append(tabs, u.dashboardTabs()...)
	return tabs
}

// defaultWindowSize is the window's size at start: on a desktop 960x640;
// a phone's window fills its screen, and this size only matters where a
// phone is simulated (-tags mobile), where it is a small phone's, 360x640,
// so that it fits a 768 px screen.
func defaultWindowSize() fyne.Size {
	if fyne.CurrentDevice().IsMobile() {
		return fyne.NewSize(360, 640)
	}
	return fyne.NewSize(960, 640)
}

// withChip puts the sync status chip where it is always seen: at the right
// end of the tab bar on a desktop; on a phone, whose tabs are at the
// bottom, in a slim bar at the top.
func withChip(tabs *container.AppTabs, chip fyne.CanvasObject) fyne.CanvasObject {
	pad := theme.Padding()
	if fyne.CurrentDevice().IsMobile() {
		bar := container.New(layout.NewCustomPaddedLayout(pad, 0, pad, pad), container.NewHBox(layout.NewSpacer(), chip))
		return container.NewBorder(bar, nil, nil, nil, tabs)
	}
	corner := container.New(layout.NewCustomPaddedLayout(pad*2, 0, 0, pad*2), chip)
	return container.NewStack(tabs, container.NewVBox(container.NewHBox(layout.NewSpacer(), corner)))
}

// onTabSelected refreshes a screen when its tab comes up, and asks about
// unsaved changes on the lead the Leads tab was left with.
func (u *UI) onTabSelected(t *container.TabItem) {
	u.onTabLeft(t) // lead_edits.go
	u.refreshTab(t)
}

func (u *UI) refreshTab(t *container.TabItem) {
	if t.Content == u.meeting.content {
		u.meeting.picker.reload()
	}
	if t.Content == u.followUps.content {
		u.followUps.reload()
	}
	if inner, ok := t.Content.(*container.AppTabs); ok && inner.Selected() != nil { // a phone's Notes tab (followups.go)
		u.refreshTab(inner.Selected())
	}
}

// onClose registers f to run when the window closes.
func (u *UI) onClose(f func()) { u.closers = append(u.closers, f) }

// Shutdown does what closing the window does, if the window was not
// closed: the review open on Capture is saved as it stands and the
// background work stops. main calls it on the main goroutine once the app
// ended, before it closes the store: Fyne quits without closing the window
// on SIGTERM or SIGINT.
func (u *UI) Shutdown() { u.closed() }

// closed stops what the screens run in the background.
func (u *UI) closed() {
	for _, f := range u.closers {
		f()
	}
	u.closers = nil
}

// showLeads selects the Leads tab.
func (u *UI) showLeads() { u.tabs.Select(u.leadsTab) }

// Window returns the main window.
func (u *UI) Window() fyne.Window { return u.win }

// background runs work off the UI goroutine. If work returns a function,
// that function is run on the UI goroutine (inside fyne.Do) to apply the
// result to the widgets. This is the one door from workers to widgets.
func (u *UI) background(work func() (apply func())) {
	u.opts.run(func() {
		if apply := work(); apply != nil {
			u.opts.do(apply)
		}
	})
}

// openLead shows a lead's screen on top of the list; a lead on show with
// unsaved changes asks first.
func (u *UI) openLead(id uuid.UUID) {
	u.showLeads()
	if top := u.topLead(); top != nil {
		if top.id == id && top.dirty() {
			return // on show already, with what is being typed
		}
		top.confirmLeave(func() { top.revert(); u.pushLead(id) }, nil)
		return
	}
	u.pushLead(id)
}

func (u *UI) pushLead(id uuid.UUID) {
	s := newLeadScreen(u, id)
	s.removal.card.Show() // Delete / Erase, lead_remove.go
	u.push(navScreen{content: s.content, title: lang.L("Lead"), lead: s})
	s.load()
}

// navScreen is a screen on the Leads tab's navigation stack above the
// list: a lead's, or on a phone the report (lead nil).
type navScreen struct {
	content fyne.CanvasObject
	title   string
	lead    *leadScreen
}

// push shows a screen on top of the one on show; what was ahead of that
// is gone.
func (u *UI) push(s navScreen) {
	u.pushed = append(u.pushed[:u.depth], s)
	u.depth++
	u.lead = s.lead
	u.nav.PushWithTitle(s.content, s.title)
}

// dropTop takes the screen on show off the stack for good (its lead was
// deleted; the caller reloads the list): the one below comes back, read
// afresh, and nothing is left ahead, so → is disabled.
func (u *UI) dropTop() {
	if u.depth == 0 || u.nav.Back() == nil {
		return
	}
	u.depth--
	u.pushed = u.pushed[:u.depth]
	u.dropAhead()
	u.lead = u.topLead()
	if u.lead != nil {
		u.lead.load()
	}
}

// dropAhead ends the screens ahead of the one on show, so that → is
// disabled. Fyne's Navigation keeps them for → and drops them only when a
// screen is pushed, and the list, its root, cannot be pushed: so the stack
// is emptied (without a Root, Back goes below the list), the list pushed
// as the root again, and the screens on show pushed on it.
func (u *UI) dropAhead() {
	root := u.nav.Root
	u.nav.Root = nil
	for u.nav.Back() != nil {
	}
	u.nav.PushWithTitle(root, u.nav.Title)
	u.nav.Root = root
	for _, s := range u.pushed[:u.depth] {
		u.nav.PushWithTitle(s.content, s.title)
	}
	u.nav.Refresh() // the arrows, now that the list is the root again
}

// onBackTapped goes one screen back towards the list.
func (u *UI) onBackTapped() {
	if u.depth == 0 || u.nav.Back() == nil {
		return
	}
	u.depth--
	u.lead = u.topLead()
	if u.depth == 0 {
		u.leads.reload() // what was edited meanwhile shows in the list
	}
}

// onForwardTapped shows again the screen that Back left, read afresh from
// the store: the lead may have changed meanwhile.
func (u *UI) onForwardTapped() {
	if u.depth >= len(u.pushed) || u.nav.Forward() == nil {
		return
	}
	u.nav.Refresh() // Forward does not update the title and the arrows itself
	u.depth++
	u.lead = u.topLead()
	if u.lead != nil {
		u.lead.load()
	}
}

// topLead is the lead screen on show, nil when the list or the report is.
func (u *UI) topLead() *leadScreen {
	if u.depth == 0 {
		return nil
	}
	return u.pushed[u.depth-1].lead
}

// showList goes back to the list, from however deep.
func (u *UI) showList() {
	u.showLeads()
	for u.depth > 0 {
		u.onBackTapped()
	}
}

// leadOnShow returns the lead screen if it is the one on top.
func (u *UI) leadOnShow() *leadScreen {
	if u.lead != nil && u.tabs.Selected() == u.leadsTab {
		return u.lead
	}
	return nil
}

// onSearchShortcut goes back to the list and puts the cursor in the search.
func (u *UI) onSearchShortcut() {
	u.showList()
	u.win.Canvas().Focus(u.leads.search)
}

// onSaveShortcut saves the lead on show: the one under review on Capture
// when that tab is selected, else the one on top of the list.
func (u *UI) onSaveShortcut() {
	s := u.leadOnShow()
	if u.tabs.SelectedIndex() == 0 {
		s = u.capture.rev.form
	}
	if s != nil && !s.save.Disabled() {
		s.onSaveTapped()
	}
}

// onNewLeadShortcut starts a new lead, typed in, on Capture.
func (u *UI) onNewLeadShortcut() {
	u.capture.onTypeItInTapped()
}

// leadSaved refreshes what shows a lead after it was changed.
func (u *UI) leadSaved(lead.Lead) {
	u.leadsChanged()
	u.office.leadSaved() // the relay sends it now when the CRM is reachable
}

// leadsChanged refreshes what shows leads after some were saved, removed,
// imported or synced: the Leads list, and the report if it is on show (a
// report not on show counts again when it is shown).
func (u *UI) leadsChanged() {
	u.leads.reload()
	if u.report != nil {
		u.report.changed()
	}
}

// showError tells the user what went wrong and what to do, in a dialog.
func (u *UI) showError(err error) {
	dialog.ShowError(errors.New(userMessage(err)), u.win)
	u.damageFound(err)
}

// ErrorMessage turns an error from opening or using the store into a
// sentence that tells the user what to do, in the user's language.
func ErrorMessage(err error) string { return userMessage(err) }

// NewOpenFailedWindow returns a window that says why the database at path
// could not be opened and what to do, with a Quit button. main shows it
// instead of the UI when storage.Open fails.
func NewOpenFailedWindow(a fyne.App, path string, err error) fyne.Window {
	w := a.NewWindow("leadcap")
	title := widget.NewLabelWithStyle(lang.L("leadcap cannot open the lead database"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	msg := widget.NewLabel(userMessage(err))
	msg.Wrapping = fyne.TextWrapWord
	file := widget.NewLabelWithStyle(path, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	file.Wrapping = fyne.TextWrapBreak
	file.Selectable = true
	quit := widget.NewButtonWithIcon(lang.L("Quit"), theme.CancelIcon(), a.Quit)
	quit.Importance = widget.HighImportance
	buttons := append(salvageButtons(w, path, err), layout.NewSpacer(), quit)
	w.SetContent(container.NewPadded(container.NewVBox(title, msg, file, container.NewHBox(buttons...))))
	w.Resize(fyne.NewSize(520, 220))
	w.SetMaster()
	return w
}

// userMessage turns an error into a sentence for the user.
func userMessage(err error) string {
	var fe *lead.FieldError
	var dup *storage.DuplicateError
	switch {
	case errors.Is(err, storage.ErrLocked):
		return lang.L("The lead database is in use by another leadcap window or command. Close it and try again.")
	case errors.Is(err, storage.ErrDamaged):
		return lang.L("The lead database is damaged or is not a leadcap database. Salvage the leads that can still be read, or restore it from a backup.")
	case errors.Is(err, storage.ErrEmptyFile), errors.Is(err, storage.ErrIsDirectory), errors.Is(err, storage.ErrNotAFile):
		return lang.L("The lead database file is empty or is not a file. Restore it from a backup, or start leadcap with --db and another file.")
	case errors.Is(err, storage.ErrNoKeyringKey):
		return keyringMessage(err)
	case errors.Is(err, storage.ErrNewerSchema):
		return lang.L("The lead database was written by a newer leadcap. Update leadcap to open it.")
	case errors.Is(err, storage.ErrNoActiveEvent):
		return lang.L("Choose the event first: tap Capture and say which event you are at.")
	case errors.Is(err, workflow.ErrOnlyBadgeID):
		return lang.L("The badge holds only the organiser's badge ID: add the email or phone number.")
	case errors.Is(err, storage.ErrOwnFile):
		return lang.L("That file is the lead database or a copy of it kept by restore: nothing was written. Choose another file.")
	case errors.Is(err, storage.ErrNotFound):
		return lang.L("This lead no longer exists. It may have been merged or restored from a backup.")
	case errors.As(err, &dup):
		return lang.L("This person is already a lead at this event.")
	case errors.As(err, &fe):
		return fieldMessage(fe)
	}
	return lang.L("Something went wrong: {{.Err}}", map[string]any{"Err": err.Error()})
}
