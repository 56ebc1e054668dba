package app

import (
	"errors"
	"fmt"
	"image/color"
	"os"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	fynestorage "fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/google/uuid"

	"leadcap/capture"
	"leadcap/lead"
	"leadcap/storage"
	"leadcap/workflow"
)

// captureScreen is the home screen at a booth. A handheld scanner works at
// any time without clicking into a field: the keys it types while no entry
// has the focus go to an assembler that hands complete payloads on. Photos
// come from "Open photo…" or are dropped on the window; cards without a code
// are typed in. Every scan opens the lead form pre-filled for review.
type captureScreen struct {
	ui *UI

	sink      *scanSink     // catches the scanner's keys once a Tab moved the focus
	chip      *chipButton   // the active event; tap to switch
	status    *widget.Label // what the last scan did
	openPhoto *widget.Button
	typeIn    *widget.Button
	cam       *cameraView
	idle      fyne.CanvasObject

	review      *leadScreen // the unsaved lead under review, if any
	reviewTitle *widget.Label
	reviewBody  *fyne.Container
	discard     *widget.Button
	dupText     *widget.Label
	update      *widget.Button
	dupBox      *fyne.Container
	reviewBox   fyne.CanvasObject

	noteKind    *widget.Label // not a contact: what the code holds
	noteRaw     *widget.Label
	attach      *widget.Button
	noteNew     *widget.Button
	noteDiscard *widget.Button
	picker      *leadPicker
	noteBox     fyne.CanvasObject

	event   *eventScreen
	main    fyne.CanvasObject
	content fyne.CanvasObject

	// The scanner's keys. Only touched on the UI goroutine; the timer
	// calls flush through UI.opts.do.
	asm    *capture.Assembler
	timer  *time.Timer
	clock  func() time.Time
	closed bool

	// Only touched on the UI goroutine.
	ev       lead.Event
	hasEvent bool
	noteText string // the not-a-contact payload on offer
}

// imageExtensions are the photos "Open photo…" offers.
var imageExtensions = []string{".png", ".jpg", ".jpeg", ".gif", ".webp", ".PNG", ".JPG", ".JPEG"}

func newCaptureScreen(u *UI) *captureScreen {
	s := &captureScreen{ui: u, asm: capture.NewAssembler(0), clock: time.Now}

	s.chip = eventChip(s.onChipTapped)
	s.sink = newScanSink(s)
	s.status = widget.NewLabel(lang.L("Loading…"))
	s.status.Wrapping = fyne.TextWrapWord
	s.status.Alignment = fyne.TextAlignCenter
	s.openPhoto = widget.NewButtonWithIcon(lang.L("Open photo…"), theme.FileImageIcon(), s.onOpenPhotoTapped)
	s.openPhoto.Importance = widget.HighImportance
	s.typeIn = widget.NewButtonWithIcon(lang.L("Type it in"), theme.DocumentCreateIcon(), s.onTypeItInTapped)
	hint := widget.NewLabel(lang.L("Scan a badge or business card with the handheld scanner, open a photo of its QR code or drop the photo here."))
	hint.Wrapping = fyne.TextWrapWord
	hint.Alignment = fyne.TextAlignCenter
	icon := container.NewCenter(container.NewGridWrap(fyne.NewSize(96, 96), widget.NewIcon(theme.ViewFullScreenIcon())))
	s.cam = newCameraView(s, icon) // the live camera (camera.go): its button and preview show only when there is one
	s.idle = container.NewVBox(layout.NewSpacer(),
		icon,
		s.cam.box,
		hint,
		captureButtons(s.openPhoto, s.cam.toggle, s.typeIn),
		s.status,
		layout.NewSpacer())

	s.reviewTitle = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.discard = widget.NewButtonWithIcon(lang.L("Discard"), theme.DeleteIcon(), s.onDiscardTapped)
	s.dupText = widget.NewLabel("")
	s.dupText.Wrapping = fyne.TextWrapWord
	s.dupText.Importance = widget.WarningImportance
	s.update = widget.NewButtonWithIcon(lang.L("Update the existing lead"), theme.ViewRefreshIcon(), s.onUpdateTapped)
	s.update.Importance = widget.HighImportance
	s.dupBox = beside(s.dupText, s.update)
	s.dupBox.Hide()
	s.reviewBody = container.NewStack()
	s.reviewBox = container.NewBorder(
		container.NewVBox(container.NewBorder(nil, nil, nil, s.discard, s.reviewTitle), s.dupBox),
		nil, nil, nil, s.reviewBody)
	s.reviewBox.Hide()

	s.noteKind = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.noteKind.Wrapping = fyne.TextWrapWord
	s.noteRaw = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	s.noteRaw.Wrapping = fyne.TextWrapBreak
	s.noteRaw.Selectable = true
	s.attach = widget.NewButtonWithIcon(lang.L("Attach to a lead…"), theme.MailAttachmentIcon(), s.onAttachTapped)
	s.attach.Importance = widget.HighImportance
	s.noteNew = widget.NewButtonWithIcon(lang.L("New lead with this note"), theme.ContentAddIcon(), s.onNoteNewTapped)
	s.noteDiscard = widget.NewButtonWithIcon(lang.L("Discard"), theme.DeleteIcon(), s.onDiscardTapped)
	s.picker = newLeadPicker(u, s.onAttachPicked)
	s.picker.content.Hide()
	ask := widget.NewLabel(lang.L("Save it as a note on a lead? No contact is made up from it."))
	ask.Wrapping = fyne.TextWrapWord
	s.noteBox = container.NewBorder(
		container.NewVBox(s.noteKind, s.noteRaw, ask, buttonRow(false, s.attach, s.noteNew, s.noteDiscard)),
		nil, nil, nil, s.picker.content)
	s.noteBox.Hide()

	s.event = newEventScreen(u, s.onEventChosen)
	s.event.content.Hide()
	// The sink comes first: it is where the focus goes when a scanner
	// types Tab while nothing has the focus (a border lays out its centre
	// before its top).
	s.main = container.NewBorder(s.chip, nil, nil, nil,
		container.NewStack(s.sink, container.NewPadded(s.idle), s.reviewBox, container.NewPadded(s.noteBox)))
	s.content = container.NewStack(s.main, s.event.content)
	return s
}

// start loads the active event (or asks for one on first start) and
// connects the scanner and dropped files to the window.
func (s *captureScreen) start() {
	c := s.ui.win.Canvas()
	c.SetOnTypedRune(s.onTypedRune)
	c.SetOnTypedKey(s.onTypedKey)
	s.ui.win.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) { s.onDropped(uris) })
	s.ui.onClose(s.stop)
	s.cam.start()

	st := s.ui.st
	s.ui.background(func() func() {
		r := loadEvents(st)
		return func() {
			if r.err != nil {
				s.showStatus(userMessage(r.err), true)
				return
			}
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

// stop ends the scanner's timer; the window is closing.
func (s *captureScreen) stop() {
	s.closed = true
	if s.timer != nil {
		s.timer.Stop()
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

// onTypedRune receives the characters typed while no entry has the focus:
// those of a handheld scanner.
func (s *captureScreen) onTypedRune(r rune) { s.key(r) }

// onTypedKey receives Enter and Tab, which end or split a scanner's payload,
// while no entry has the focus. Enter with nothing pending saves the lead
// under review.
func (s *captureScreen) onTypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if !s.asm.Pending() && s.review != nil && s.reviewBox.Visible() && s.ui.tabs.SelectedIndex() == 0 {
			s.review.onSaveTapped()
			return
		}
		s.key('\n')
	case fyne.KeyTab:
		if s.asm.Pending() {
			s.key('\t')
		}
	}
}

func (s *captureScreen) key(r rune) {
	payloads := s.asm.Key(r, s.clock())
	s.armTimer()
	for _, p := range payloads {
		s.onPayload(p, lead.MethodScanner)
	}
}

// armTimer makes the timer flush a payload that ends without Enter.
func (s *captureScreen) armTimer() {
	if !s.asm.Pending() || s.closed {
		if s.timer != nil {
			s.timer.Stop()
		}
		return
	}
	const tick = capture.AssemblerPause / 2
	if s.timer == nil {
		s.timer = time.AfterFunc(tick, func() { s.ui.opts.do(s.onTimer) })
		return
	}
	s.timer.Reset(tick)
}

func (s *captureScreen) onTimer() {
	if s.closed {
		return
	}
	s.flush(s.clock())
	s.armTimer()
}

// flush hands on a payload whose scanner sent no Enter once the pause has
// passed.
func (s *captureScreen) flush(at time.Time) {
	for _, p := range s.asm.Flush(at) {
		s.onPayload(p, lead.MethodScanner)
	}
}

// onPayload parses a payload from the scanner in the background and shows
// what it holds.
func (s *captureScreen) onPayload(payload string, method lead.Method) {
	if !s.ready() {
		return
	}
	region := s.ev.Country
	s.ui.background(func() func() {
		p, err := capture.Parse(payload, region)
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

// openURI reads and decodes a photo in the background and shows the first
// contact it holds.
func (s *captureScreen) openURI(uri fyne.URI) {
	if !s.ready() {
		return
	}
	s.showStatus(lang.L("Reading the photo…"), false)
	region := s.ev.Country
	s.ui.background(func() func() {
		r := scanURI(uri, region)
		return func() { s.showScan(r, lead.MethodQRScan) }
	})
}

// scanned is what reading a photo or a scanner payload gave.
type scanned struct {
	parsed capture.Parsed
	err    error
	codes  int
	took   time.Duration
}

// scanURI reads the image at uri, decodes its QR codes and parses them with
// region as the phone region. The first code that holds a contact wins;
// when none does, the first code's error is returned. It runs off the UI
// goroutine.
func scanURI(uri fyne.URI, region string) scanned {
	rc, err := fynestorage.Reader(uri)
	if err != nil {
		return scanned{err: fmt.Errorf("open %s: %w", uri.Name(), err)}
	}
	defer rc.Close()
	codes, took, err := capture.DecodeReader(rc)
	if err != nil {
		return scanned{err: err, codes: len(codes), took: took}
	}
	r, _ := parseCodes(codes, region)
	r.took = took
	return r
}

// parseCodes parses the codes of one image with region as the phone
// region: the first code that holds a contact wins, else the first code
// with its error. text is the chosen code's content. codes is not empty.
func parseCodes(codes []capture.Code, region string) (r scanned, text string) {
	for i, c := range codes {
		p, err := capture.Parse(c.Text, region)
		var nc *capture.NotAContactError
		contact := !errors.As(err, &nc)
		if i == 0 || contact {
			r, text = scanned{parsed: p, err: err, codes: len(codes)}, c.Text
		}
		if contact {
			break
		}
	}
	return r, text
}

// showScan shows what a scan gave: the lead form pre-filled for review,
// the offer to save a code that is not a contact as a note, or why nothing
// could be read.
func (s *captureScreen) showScan(r scanned, method lead.Method) {
	if method == lead.MethodQRScan && r.parsed.Method != "" {
		method = r.parsed.Method // a badge in a photo is a badge scan
	}
	var nc *capture.NotAContactError
	var fe *lead.FieldError
	switch {
	case errors.As(r.err, &nc):
		s.showNoteOffer(nc)
	case r.err == nil || errors.As(r.err, &fe):
		msg := lang.L("Check the details, then save.")
		if fe != nil {
			msg = fieldMessage(fe)
		} else if !r.parsed.Reachable() && r.parsed.BadgeID != "" {
			msg = lang.L("The badge holds only the organiser's badge ID: add the email or phone number.")
		}
		title := lang.L("Review the scan")
		if method == lead.MethodManual {
			title = lang.L("New lead")
		}
		s.showReview(&draft{event: s.ev, parsed: r.parsed, method: method}, title, msg)
	default:
		s.showStatus(scanMessage(r.err), true)
	}
}

// showReview puts an unsaved lead on the form.
func (s *captureScreen) showReview(d *draft, title, message string) {
	s.review = newDraftScreen(s.ui, d, message)
	s.reviewTitle.SetText(title)
	s.reviewBody.Objects = []fyne.CanvasObject{s.review.content}
	s.reviewBody.Refresh()
	s.dupBox.Hide()
	s.noteBox.Hide()
	s.idle.Hide()
	s.reviewBox.Show()
}

func (s *captureScreen) showIdle() {
	s.review = nil
	s.reviewBody.Objects = nil
	s.reviewBox.Hide()
	s.noteBox.Hide()
	s.picker.content.Hide()
	s.idle.Show()
	s.ui.win.Canvas().Unfocus() // the scanner's keys come to the screen again
}

func (s *captureScreen) showStatus(text string, bad bool) {
	s.status.Importance = widget.MediumImportance
	if bad {
		s.status.Importance = widget.DangerImportance
	}
	s.status.SetText(text)
}

func (s *captureScreen) onTypeItInTapped() {
	if !s.ready() {
		return
	}
	s.showReview(&draft{event: s.ev, parsed: capture.Parsed{Method: lead.MethodManual}, method: lead.MethodManual},
		lang.L("New lead"), lang.L("Type in what the card says, then save."))
	s.ui.win.Canvas().Focus(s.review.given)
}

func (s *captureScreen) onDiscardTapped() {
	s.showIdle()
	s.showStatus(lang.L("Discarded. Ready to scan."), false)
}

// onDuplicate offers to update the lead the scanned person already is.
func (s *captureScreen) onDuplicate(existing lead.Lead) {
	s.dupText.SetText(lang.L("{{.Name}} is already a lead at this event, captured {{.Date}}. Update that lead with what you see here?",
		map[string]any{"Name": contactName(existing.Contact), "Date": existing.CapturedAt.Local().Format("2006-01-02 15:04")}))
	s.dupBox.Show()
	s.review.message.SetText(lang.L("Not saved yet."))
	s.review.updateSave()
}

func (s *captureScreen) onUpdateTapped() {
	if s.review == nil || s.review.draft == nil {
		return
	}
	s.review.draft.merge = true
	s.review.saveDraft()
}

// onDraftSaved goes back to the ready state after the lead under review was
// saved.
func (s *captureScreen) onDraftSaved(saved workflow.Saved) {
	name := contactName(saved.Lead.Contact)
	s.showIdle()
	if saved.Created {
		s.showStatus(lang.L("Saved {{.Name}}. Ready for the next scan.", map[string]any{"Name": name}), false)
	} else {
		s.showStatus(lang.L("Updated {{.Name}}, who was already a lead. Ready for the next scan.", map[string]any{"Name": name}), false)
	}
	s.ui.leadSaved(saved.Lead)
}

// contactName names a person in a message: the name, else the email.
func contactName(c lead.Contact) string {
	if n := c.Name(); n != "" {
		return n
	}
	return first(c.Emails)
}

// showNoteOffer offers to keep a code that holds no contact as a note.
func (s *captureScreen) showNoteOffer(nc *capture.NotAContactError) {
	s.noteText = nc.Raw
	s.noteKind.SetText(notAContactText(nc.Kind))
	raw := nc.Raw
	if len(raw) > 400 {
		raw = raw[:400] + "…"
	}
	s.noteRaw.SetText(raw)
	if strings.TrimSpace(nc.Raw) == "" {
		s.attach.Disable()
		s.noteNew.Disable()
	} else {
		s.attach.Enable()
		s.noteNew.Enable()
	}
	s.review = nil
	s.reviewBox.Hide()
	s.idle.Hide()
	s.picker.content.Hide()
	s.noteBox.Show()
}

// onAttachTapped shows the leads to attach the note to.
func (s *captureScreen) onAttachTapped() {
	s.picker.content.Show()
	s.picker.reload()
	s.ui.win.Canvas().Focus(s.picker.search)
}

// onAttachPicked saves the code as a note on the picked lead.
func (s *captureScreen) onAttachPicked(sum storage.Summary) {
	text, author, now := s.noteText, s.ui.opts.Staff, s.ui.opts.Now()
	st := s.ui.st
	s.ui.background(func() func() {
		l, err := st.UpdateLead(sum.ID, func(l *lead.Lead) error {
			_, err := l.AddNote(text, author, now, time.Time{})
			return err
		})
		return func() {
			if err != nil {
				s.showStatus(userMessage(err), true)
				return
			}
			s.showIdle()
			s.showStatus(lang.L("Saved the code as a note on {{.Name}}.", map[string]any{"Name": pickedName(sum)}), false)
			s.ui.leadSaved(l)
		}
	})
}

// onNoteNewTapped starts a new lead, typed in, that will carry the code as
// a note: only because the user asked for it.
func (s *captureScreen) onNoteNewTapped() {
	text := s.noteText
	s.onTypeItInTapped()
	if s.review != nil {
		s.review.noteText.SetText(text)
	}
}

// notAContactText says what a code holds instead of a contact.
func notAContactText(kind string) string {
	switch kind {
	case "wifi":
		return lang.L("This code holds Wi-Fi settings, not a contact.")
	case "event":
		return lang.L("This code holds a calendar entry, not a contact.")
	case "geo":
		return lang.L("This code holds a location, not a contact.")
	case "sms":
		return lang.L("This code holds a text message, not a contact.")
	case "url-without-contact":
		return lang.L("This code holds a web address, not a contact.")
	case "malformed":
		return lang.L("This code looks like a contact card, but nothing in it can be read.")
	case "empty":
		return lang.L("This code is empty.")
	case "too-long":
		return lang.L("This code is longer than any contact card.")
	}
	return lang.L("This code holds text, not a contact.")
}

// scanMessage explains why a photo gave no lead and what to do.
func scanMessage(err error) string {
	switch {
	case errors.Is(err, capture.ErrNoCode):
		return lang.L("No QR code found in the photo. Hold the code flat, fill more of the frame with it, avoid reflections and try again.")
	case errors.Is(err, capture.ErrTooLarge):
		return lang.L("The photo is too large (over 50 megapixels or 30 MB). Take it at a lower resolution or crop it around the code.")
	case errors.Is(err, capture.ErrNotImage):
		return lang.L("This file is not a PNG, JPEG, GIF or WebP photo. Export it in one of these formats and try again.")
	case errors.Is(err, capture.ErrTruncated):
		return lang.L("The photo is cut short or damaged. Copy it again from the camera or phone.")
	case errors.Is(err, os.ErrNotExist):
		return lang.L("The photo is gone: it was moved or deleted. Open it again.")
	}
	return userMessage(err)
}

// scanSink is an invisible focusable widget at the top of Capture. While no
// field has the focus the window's key handlers feed the scanner; but the
// driver moves the focus to the first focusable object when Tab is typed,
// so a scanner that sends Tab would otherwise type the rest of its payload
// into a field. The sink is that first object: it hands the keys on to the
// assembler, and keeps Tab.
type scanSink struct {
	widget.BaseWidget
	s *captureScreen
}

func newScanSink(s *captureScreen) *scanSink {
	k := &scanSink{s: s}
	k.ExtendBaseWidget(k)
	return k
}

func (k *scanSink) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

func (k *scanSink) FocusGained()               {}
func (k *scanSink) FocusLost()                 {}
func (k *scanSink) TypedRune(r rune)           { k.s.onTypedRune(r) }
func (k *scanSink) TypedKey(ev *fyne.KeyEvent) { k.s.onTypedKey(ev) }

// AcceptsTab keeps a Tab that is part of a payload; any other Tab moves
// the focus on into the form, as usual.
func (k *scanSink) AcceptsTab() bool { return k.s.asm.Pending() }

// draft is an unsaved lead on the lead form: a scan under review or a lead
// being typed in.
type draft struct {
	event  lead.Event
	parsed capture.Parsed
	method lead.Method
	// merge is set when the user chose to update the lead the same person
	// already is at the event.
	merge bool
}

// newDraftScreen shows an unsaved lead on the lead form. Enter in a
// one-line field saves it.
func newDraftScreen(u *UI, d *draft, message string) *leadScreen {
	s := newLeadScreen(u, uuid.Nil)
	s.draft = d
	l := lead.New(d.event.ID, d.method, u.opts.Now())
	l.Contact = d.parsed.Contact
	l.CapturedBy = u.opts.Staff
	s.show(leadLoaded{lead: *l, event: d.event}, message)
	s.captured.SetText(strings.Join([]string{d.event.Name, methodLabel(d.method), lang.L("not saved yet")}, " · "))
	s.syncInfo.SetText(lang.L("Not saved yet."))
	s.addNote.Hide() // the note is saved with the lead
	for _, e := range []*widget.Entry{s.given, s.family, s.org, s.title, s.email, s.phone, s.web, s.wording} {
		e.OnSubmitted = func(string) { s.onSaveTapped() }
	}
	return s
}

// extras are the parts of the form beyond the contact that a saved draft
// carries over: only what the user set.
type extras struct {
	edits
	note     string
	followUp time.Time
	author   string
}

func (x extras) any() bool {
	q := x.qual
	return q.Fit != lead.Unknown || q.Budget != lead.Unknown || q.Authority != lead.Unknown ||
		q.Interest != lead.Unknown || q.Disqualified || x.rating != lead.RatingUnrated ||
		x.basis != lead.BasisNone || x.status != lead.ConsentNotAsked || x.wording != "" || x.note != ""
}

func (x extras) apply(l *lead.Lead) error {
	for _, a := range []struct {
		set lead.Answer
		to  *lead.Answer
	}{{x.qual.Fit, &l.Qualification.Fit}, {x.qual.Budget, &l.Qualification.Budget},
		{x.qual.Authority, &l.Qualification.Authority}, {x.qual.Interest, &l.Qualification.Interest}} {
		if a.set != lead.Unknown {
			*a.to = a.set
		}
	}
	if x.qual.Disqualified {
		l.Qualification.Disqualified = true
	}
	if x.rating != lead.RatingUnrated {
		l.Rating = x.rating
	}
	if x.basis != lead.BasisNone || x.status != lead.ConsentNotAsked || x.wording != "" {
		l.Consent = lead.Consent{Basis: x.basis, Status: x.status, WordingVersion: x.wording, At: x.now.UTC()}
	}
	if x.note != "" {
		if _, err := l.AddNote(x.note, x.author, x.now, x.followUp); err != nil {
			return err
		}
	}
	return nil
}

// saveDraft saves the lead under review, with what the user set beyond the
// contact, through workflow.SaveParsed, which merges the same person at the
// same event into the existing lead. Before that it looks for that person:
// if found, the user is asked first.
func (s *leadScreen) saveDraft() {
	d := s.draft
	x := extras{edits: s.edits(), note: strings.TrimSpace(s.noteText.Text), followUp: dateOf(s.followUp), author: s.ui.opts.Staff}
	c := workflow.Capture{Method: d.method, Staff: s.ui.opts.Staff, DeviceID: s.ui.device, Now: s.ui.opts.Now}
	if x.any() {
		c.Edit = x.apply // saved with the lead, in the same transaction
	}
	p := d.parsed
	var l lead.Lead
	l.Contact = p.Contact
	x.edits.apply(&l)
	p.Contact = l.Contact
	merge := d.merge
	s.save.Disable()
	s.message.SetText(lang.L("Saving…"))
	st := s.ui.st
	s.ui.background(func() func() {
		if !merge {
			if ex, ok := findDuplicate(st, d.event, p.Contact); ok {
				return func() { s.ui.capture.onDuplicate(ex) }
			}
		}
		saved, err := workflow.SaveParsed(st, d.event, p, c)
		if err != nil {
			return func() { s.onSaveFailed(err) }
		}
		return func() { s.ui.capture.onDraftSaved(saved) }
	})
}

// findDuplicate looks for the lead the same person already is at the event,
// by the store's duplicate key (email, else phone, else name and
// organization). It runs off the UI goroutine. A contact the store cannot
// normalize has no duplicate: saving it reports the field error.
func findDuplicate(st *storage.Store, ev lead.Event, c lead.Contact) (lead.Lead, bool) {
	l, found, err := st.FindDuplicate(ev.ID, c)
	return l, err == nil && found
}
