package app

import (
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	fynestorage "fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/google/uuid"

	"leadcap/capture"
	"leadcap/lead"
	"leadcap/storage"
	"leadcap/workflow"
)

// settingReviewEach is "off" when scans are saved at once instead of being
// reviewed one by one (the default).
const settingReviewEach = "capture.review_each"

// undoWindow is how long "Undo" stays on offer after a save; the saved
// lead's sync is held meanwhile (see workflow.StartReview).
const undoWindow = 30 * time.Second

// captureScreen is the home screen at a booth. A handheld scanner works at
// any time without clicking into a field (scannerKeys); photos come from
// "Open photo…", are dropped on the window or come from the camera; cards
// without a code are typed in. Every contact read is stored at once; the
// panels show it for review (reviewPanel), offer to keep a code that is
// not a contact as a note (notePanel), or wait for the next scan with what
// the last one did (idlePanel).
type captureScreen struct {
	ui *UI

	keys  *scannerKeys
	sink  *scanSink   // catches the scanner's keys once a Tab moved the focus
	chip  *chipButton // the active event; tap to switch
	cam   *cameraView
	home  *idlePanel
	idle  fyne.CanvasObject // home's content, which the camera lays out
	rev   *reviewPanel
	note  *notePanel
	event *eventScreen

	main    fyne.CanvasObject
	content fyne.CanvasObject

	// Only touched on the UI goroutine.
	ev         lead.Event
	hasEvent   bool
	reviewEach bool
	last       *lastScan   // the last scan saved or discarded, while Undo is on offer
	qualifyID  uuid.UUID   // the lead Qualify opens
	undoTimer  *time.Timer // ends the Undo offer
	closed     bool
}

// lastScan is the last scan saved or discarded, on offer for Undo. A
// saved one keeps its sync held until the offer ends.
type lastScan struct {
	rev       workflow.Review
	was       lead.Lead // what Discard took away, for Restore
	discarded bool
}

func newCaptureScreen(u *UI) *captureScreen {
	s := &captureScreen{ui: u, reviewEach: true}
	s.keys = newScannerKeys(func(f func()) { u.opts.do(f) }, func(p string) { s.onPayload(p, lead.MethodScanner) }, s.onEnter)
	s.chip = eventChip(s.onChipTapped)
	s.sink = newScanSink(s.keys)
	icon := container.NewCenter(container.NewGridWrap(fyne.NewSize(96, 96), widget.NewIcon(theme.ViewFullScreenIcon())))
	s.cam = newCameraView(s, icon) // the live camera (camera.go): its button and preview show only when there is one
	s.home = newIdlePanel(icon, s.cam.box, s.cam.toggle, idleActions{
		openPhoto: s.onOpenPhotoTapped, typeIn: s.onTypeItInTapped,
		qualify: s.onQualifyTapped, undo: s.onUndoTapped, reviewEach: s.onReviewEachChanged,
	})
	s.idle = s.home.content
	s.rev = newReviewPanel(u, s.onReviewSaved, s.onDiscardTapped)
	s.note = newNotePanel(u, noteActions{attach: s.onAttachPicked, newLead: s.onNoteNewTapped, discard: s.onDiscardTapped})
	s.event = newEventScreen(u, s.onEventChosen)
	s.event.content.Hide()
	// The sink comes first: it is where the focus goes when a scanner
	// types Tab while nothing has the focus (a border lays out its centre
	// before its top).
	s.main = container.NewBorder(s.chip, nil, nil, nil,
		container.NewStack(s.sink, container.NewPadded(s.idle), s.rev.content, container.NewPadded(s.note.content)))
	s.content = container.NewStack(s.main, s.event.content)
	return s
}

// start loads the active event (or asks for one on first start) and
// connects the scanner and dropped files to the window.
func (s *captureScreen) start() {
	c := s.ui.win.Canvas()
	c.SetOnTypedRune(s.keys.typedRune)
	c.SetOnTypedKey(s.keys.typedKey)
	s.ui.win.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) { s.onDropped(uris) })
	s.ui.onClose(s.stop)
	s.cam.start()

	st := s.ui.st
	s.ui.background(func() func() {
		r := loadEvents(st)
		each, err := st.Setting(settingReviewEach)
		return func() {
			if r.err != nil || err != nil {
				s.showStatus(userMessage(errors.Join(r.err, err)), true)
				return
			}
			s.reviewEach = each != "off"
			s.home.reviewEach.SetChecked(s.reviewEach)
			if r.staff != "" && s.ui.opts.Staff == "" {
				s.ui.opts.Staff = r.staff
			}
			s.ui.device = r.device
			if !r.hasActive {
				s.showEventScreen()
				s.event.show(r)
				return
			}
			s.setEvent(r.active)
			s.showStatus(lang.L("Ready to scan."), false)
		}
	})
}

// stop ends the scanner's and the Undo offer's timers and lets the lead
// on offer go to the CRM; the window is closing. A review still open is
// saved as it stands, as the next scan would; what cannot be saved of it
// stays stored as it was read and is released when the store is next
// opened. A lead being typed in that cannot be saved yet (closing the
// window asked about it; SIGTERM cannot ask) is kept waiting for its
// contact, to be completed on the Leads screen.
func (s *captureScreen) stop() {
	s.closed = true
	s.keys.stop()
	st := s.ui.st
	if take := s.rev.takeOver(true); take != nil {
		r, err := take(st)
		if err != nil { // the error may quote what was typed: not logged
			fyne.LogError("capture: the changes on the review open at close were not saved", nil)
		}
		if r.Lead.ID != uuid.Nil {
			_ = workflow.Finish(st, r.Lead.ID)
		}
	}
	if id := s.endUndo(); id != uuid.Nil {
		_ = workflow.Finish(st, id) // else the next Open releases it
	}
}

func (s *captureScreen) setEvent(ev lead.Event) {
	s.ev, s.hasEvent = ev, true
	s.chip.SetText(chipText(ev, s.ui.opts.Staff))
}

func (s *captureScreen) onChipTapped() {
	s.showEventScreen()
	s.event.load()
}

func (s *captureScreen) showEventScreen() {
	s.main.Hide()
	s.event.content.Show()
}

// onEventChosen comes from the event screen: a new active event, or the
// zero event when the user cancelled.
func (s *captureScreen) onEventChosen(ev lead.Event) {
	if ev.ID != uuid.Nil {
		s.setEvent(ev)
		s.showStatus(lang.L("Ready to scan at {{.Event}}.", map[string]any{"Event": ev.Name}), false)
		s.ui.leads.reload()
	}
	s.event.content.Hide()
	s.main.Show()
	s.ui.win.Canvas().Unfocus() // the scanner's keys come to the screen, not to a hidden field
}

// onEnter is a person's Enter with no field focused: it saves the lead
// under review.
func (s *captureScreen) onEnter() {
	if f := s.rev.form; f != nil && s.rev.content.Visible() && s.ui.tabs.SelectedIndex() == 0 {
		f.onSaveTapped()
	}
}

// onPayload parses a payload from the scanner in the background and
// handles what it holds.
func (s *captureScreen) onPayload(payload string, method lead.Method) {
	if !s.ready() {
		return
	}
	s.cam.forget()
	region := parseOptions(s.ev)
	s.ui.background(func() func() {
		p, err := capture.ParseWith(payload, region)
		return func() { s.showScan(scanned{parsed: p, err: err, codes: 1}, method) }
	})
}

// ready says whether there is an active event to capture leads for, and
// says what to do when there is not.
func (s *captureScreen) ready() bool {
	s.ui.tabs.SelectIndex(0)
	if !s.hasEvent {
		s.event.showMessage(lang.L("Choose the event first: the scan was not kept."), true)
		return false
	}
	return true
}

func (s *captureScreen) onOpenPhotoTapped() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			s.showStatus(userMessage(err), true)
			return
		}
		if r == nil {
			return // cancelled
		}
		uri := r.URI()
		r.Close()
		s.openURI(uri)
	}, s.ui.win)
	d.SetTitleText(lang.L("Open a photo of a card or badge")) // Fyne's own title reads "Öffnen Datei" in German
	d.SetFilter(fynestorage.NewExtensionFileFilter(imageExtensions))
	if !fyne.CurrentDevice().IsMobile() {
		d.Resize(s.ui.win.Canvas().Size().SubtractWidthHeight(80, 80)) // room for photo names
	}
	d.Show()
}

func (s *captureScreen) onDropped(uris []fyne.URI) {
	if len(uris) == 0 {
		return
	}
	s.openURI(uris[0])
}

// openURI reads and decodes a photo in the background and handles the
// first contact it holds.
func (s *captureScreen) openURI(uri fyne.URI) {
	if !s.ready() {
		return
	}
	s.cam.forget()
	s.showStatus(lang.L("Reading the photo…"), false)
	region := parseOptions(s.ev)
	s.ui.background(func() func() {
		r := scanURI(uri, region)
		return func() { s.showScan(r, lead.MethodQRScan) }
	})
}

// showScan handles what a scan gave: a contact is stored at once and put
// up for review (or just saved, see reviewEach); a contact that cannot be
// stored alone (a badge ID) goes on the form to be completed; a code that
// is not a contact is offered as a note; else it says why nothing could
// be read. Whatever was under review is saved as it stands first.
func (s *captureScreen) showScan(r scanned, method lead.Method) {
	if method == lead.MethodQRScan && r.parsed.Method != "" {
		method = r.parsed.Method // a badge in a photo is a badge scan
	}
	var nc *capture.NotAContactError
	var fe *lead.FieldError
	switch {
	case errors.As(r.err, &nc):
		s.settle(func(*storage.Store) func(string) {
			return func(prev string) { s.showNoteOffer(nc, prev) }
		})
	case r.err == nil && (r.parsed.Reachable() || r.parsed.BadgeID != ""): // a badge ID alone waits for its contact
		s.store(r.parsed, method)
	case r.err == nil || errors.As(r.err, &fe):
		msg := lang.L("Check the details, then save.")
		if fe != nil {
			msg = fieldMessage(fe)
		}
		l := s.newLead(method)
		l.Contact, l.RawPayload, l.BadgeID = r.parsed.Contact, r.parsed.Payload, r.parsed.BadgeID
		s.settle(func(*storage.Store) func(string) {
			return func(prev string) { s.showDraft(l, lang.L("Review the scan"), joinText(prev, msg)) }
		})
	default:
		s.showStatus(scanMessage(r.err), true)
	}
}

// newLead is a lead of the active event captured now by whoever works the
// booth, not stored.
func (s *captureScreen) newLead(method lead.Method) lead.Lead {
	l := lead.New(s.ev.ID, method, s.ui.opts.Now())
	l.CapturedBy, l.DeviceID = strings.TrimSpace(s.ui.opts.Staff), s.ui.device
	return *l
}

// store saves a contact at once (workflow.StartReview) and shows it for
// review, or as saved when scans are saved at once.
func (s *captureScreen) store(p capture.Parsed, method lead.Method) {
	ev, each, staff, now := s.ev, s.reviewEach, s.ui.opts.Staff, s.ui.opts.Now
	c := workflow.Capture{Method: method, Staff: staff, DeviceID: s.ui.device, Now: now}
	s.settle(func(st *storage.Store) func(string) {
		rev, err := workflow.StartReview(st, ev, p, c)
		if err != nil {
			return func(prev string) { s.showIdle(); s.showStatus(joinText(prev, userMessage(err)), true) }
		}
		if each {
			return func(prev string) {
				s.ui.leadSaved(rev.Lead)
				s.note.hide()
				s.idle.Hide()
				s.rev.showStored(rev, ev, joinText(prev, lang.L("Stored. Check the details, then save.")))
			}
		}
		n, _ := workflow.CapturedToday(st, ev.ID, staff, now())
		return func(prev string) { s.showSaved(rev, n, prev) }
	})
}

// settle ends what the screen holds before the next scan is shown, in
// the background: the review under way is saved as it stands (a lead
// typed in that cannot be saved yet is kept waiting for its contact,
// workflow.AddUnfinished) and the Undo
// offer ends, both letting their leads go to the CRM. Then next runs
// there too, and what it returns runs on the UI goroutine with a sentence
// about the review that was under way ("" when none was).
func (s *captureScreen) settle(next func(*storage.Store) func(prev string)) {
	take := s.rev.takeOver(true)
	held := s.endUndo()
	st := s.ui.st
	s.ui.background(func() func() {
		prev := ""
		if take != nil {
			r, err := take(st)
			prev = tookOverText(r, err)
			if r.Lead.ID != uuid.Nil {
				_ = workflow.Finish(st, r.Lead.ID) // else the next Open releases it
			}
		}
		if held != uuid.Nil {
			_ = workflow.Finish(st, held)
		}
		apply := next(st)
		return func() {
			if take != nil {
				s.ui.leadsChanged()
			}
			apply(prev)
		}
	})
}

// tookOverText says what became of a review that the next scan ended.
func tookOverText(r workflow.Review, err error) string {
	name := map[string]any{"Name": contactName(r.Lead.Contact)}
	switch {
	case err == nil && r.Lead.Unfinished:
		return lang.L("Kept {{.Name}} as typed: it waits for its contact on the Leads screen.", name)
	case err == nil:
		return lang.L("Saved {{.Name}} as it stood.", name)
	case r.Lead.ID != uuid.Nil:
		return lang.L("Kept {{.Name}} as scanned; the changes on the form were not saved ({{.Err}}).",
			map[string]any{"Name": name["Name"], "Err": userMessage(err)})
	}
	return lang.L("The lead being typed in was not saved: {{.Err}}", map[string]any{"Err": userMessage(err)})
}

func joinText(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " ")
}

func (s *captureScreen) showDraft(l lead.Lead, title, message string) {
	s.note.hide()
	s.idle.Hide()
	s.rev.showDraft(l, s.ev, title, message)
}

func (s *captureScreen) showIdle() {
	s.rev.close()
	s.note.hide()
	s.idle.Show()
	s.ui.win.Canvas().Unfocus() // the scanner's keys come to the screen again
}

func (s *captureScreen) showStatus(text string, bad bool) { s.home.showStatus(text, bad) }

func (s *captureScreen) onTypeItInTapped() { s.typeIn("") }

// typeIn starts a lead typed in, with note already on its form.
func (s *captureScreen) typeIn(note string) {
	if !s.ready() {
		return
	}
	s.cam.forget()
	l := s.newLead(lead.MethodManual)
	s.settle(func(*storage.Store) func(string) {
		return func(prev string) {
			s.showDraft(l, lang.L("New lead"), joinText(prev, lang.L("Type in what the card says, then save.")))
			s.rev.form.noteText.SetText(note)
			s.ui.win.Canvas().Focus(s.rev.form.given)
		}
	})
}

func (s *captureScreen) onReviewEachChanged(on bool) {
	s.ui.win.Canvas().Unfocus() // a tapped check keeps the focus, and with it the scanner's keys
	if on == s.reviewEach {
		return
	}
	s.reviewEach = on
	v := ""
	if !on {
		v = "off"
	}
	st := s.ui.st
	s.ui.background(func() func() {
		if err := st.SetSetting(settingReviewEach, v); err != nil {
			return func() { s.showStatus(userMessage(err), true) }
		}
		return nil
	})
}
