package app

import (
	"errors"
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

// leadScreen shows one lead for review and editing: contact fields with
// inline validation, the four qualification criteria with the stage badge
// changing live, rating, consent, notes with follow-up dates and the lead's
// sync status.
type leadScreen struct {
	ui *UI
	id uuid.UUID

	given, family, org, title             *widget.Entry
	email, phone, web                     *widget.Entry
	street, postal, city, region, country *widget.Entry
	contact                               fyne.CanvasObject // the contact fields, see formRows
	consent                               fyne.CanvasObject

	fit, budget, authority, interest *segmented
	questions                        *fyne.Container // the event's questions (questions.go)
	disqualify                       *widget.Check
	stage                            *badge
	missing                          *widget.Label
	rating                           *segmented

	basis   *widget.Select
	status  *widget.Select
	wording *widget.Entry

	notes    *fyne.Container
	noteText *widget.Entry
	followUp *dateEntry
	addNote  *widget.Button

	captured *widget.Label // event, when, by whom and how
	syncInfo *widget.Label
	message  *widget.Label
	save     *widget.Button
	content  fyne.CanvasObject
	removal  removeActions // Delete / Erase, lead_remove.go

	// onSave, when set, replaces the screen's own save: a lead typed in
	// on Capture is not stored yet (see capture_review.go).
	onSave func()
	// afterSave, when set, is told of every save instead of the screen
	// saying "Saved." itself.
	afterSave func(lead.Lead)

	// Only touched on the UI goroutine.
	event  lead.Event
	qual   lead.Qualification // as being edited
	loaded bool
	base   lead.Lead // as loaded: the form's edits apply to it
	shown  edits     // what the form showed once loaded, to tell unsaved changes
	then   func()    // runs once after the next successful save
	failed func()    // runs instead of then when that save fails
	ask    *leaveAsk // the unsaved-changes question on show, if any
}

// The options of the yes / no / unknown toggles, in segmented order.
var answers = []lead.Answer{lead.Yes, lead.No, lead.Unknown}

// The options of the consent selects, in display order.
var (
	bases    = []lead.LegalBasis{lead.BasisNone, lead.BasisLegitimateInterest, lead.BasisConsent}
	statuses = []lead.ConsentStatus{lead.ConsentNotAsked, lead.ConsentRequested, lead.ConsentActive, lead.ConsentRevoked}
)

func newLeadScreen(u *UI, id uuid.UUID) *leadScreen {
	s := &leadScreen{ui: u, id: id}

	s.buildContact()

	toggle := func(set func(lead.Answer)) *segmented {
		return newSegmented([]string{lang.L("Yes"), lang.L("No"), lang.L("Unknown")},
			[]widget.Importance{widget.SuccessImportance, widget.DangerImportance, widget.MediumImportance},
			func(i int) { set(answers[i]); s.onQualificationChanged() })
	}
	s.fit = toggle(func(a lead.Answer) { s.qual.Fit = a })
	s.budget = toggle(func(a lead.Answer) { s.qual.Budget = a })
	s.authority = toggle(func(a lead.Answer) { s.qual.Authority = a })
	s.interest = toggle(func(a lead.Answer) { s.qual.Interest = a })
	s.disqualify = widget.NewCheck(lang.L("Disqualified by staff"), func(on bool) {
		s.qual.Disqualified = on
		s.onQualificationChanged()
	})
	s.stage = newBadge(stageLabel(lead.StageLead), stageColor(lead.StageLead))
	s.missing = widget.NewLabel("")
	s.missing.Wrapping = fyne.TextWrapWord
	s.missing.Importance = widget.LowImportance
	s.rating = newSegmented(mapLabels(lead.Ratings, ratingLabel),
		[]widget.Importance{widget.DangerImportance, widget.WarningImportance, widget.HighImportance, widget.MediumImportance}, nil)

	s.basis = widget.NewSelect(mapLabels(bases, basisLabel), nil)
	s.status = widget.NewSelect(mapLabels(statuses, consentStatusLabel), nil)
	s.wording = widget.NewEntry()
	s.wording.SetPlaceHolder(lang.L("e.g. v3"))

	s.notes = container.NewVBox()
	s.noteText = widget.NewMultiLineEntry()
	s.noteText.SetPlaceHolder(lang.L("What was said or agreed"))
	s.noteText.SetMinRowsVisible(3)
	s.noteText.Wrapping = fyne.TextWrapWord
	for _, e := range append(s.entries(), s.noteText) {
		e.OnChanged = func(string) { s.onEdited(); s.divertScan(e) }
	}
	s.followUp = newDateEntry()
	s.followUp.changed = s.onEdited
	s.addNote = widget.NewButtonWithIcon(lang.L("Add note"), theme.ContentAddIcon(), s.onAddNoteTapped)

	s.syncInfo = widget.NewLabel("")
	s.syncInfo.Wrapping = fyne.TextWrapWord
	s.message = widget.NewLabel(lang.L("Loading…"))
	s.message.Wrapping = fyne.TextWrapWord
	s.save = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), s.onSaveTapped)
	s.save.Importance = widget.HighImportance

	criteria := formRows(
		widget.NewFormItem(lang.L("Fits our target market"), s.fit.content),
		widget.NewFormItem(lang.L("Has the budget"), s.budget.content),
		widget.NewFormItem(lang.L("Can decide"), s.authority.content),
		widget.NewFormItem(lang.L("Wants a conversation"), s.interest.content),
	)
	s.questions = newQuestionsBox()
	qualification := widget.NewCard(lang.L("Qualification"), "", container.NewVBox(
		container.NewHBox(widget.NewLabel(lang.L("Stage")), container.NewCenter(s.stage)),
		s.missing, criteria, s.disqualify,
		formRows(widget.NewFormItem(lang.L("Rating"), s.rating.content)),
		s.questions,
	))
	s.consent = formRows(
		widget.NewFormItem(lang.L("Legal basis"), s.basis),
		widget.NewFormItem(lang.L("Status"), s.status),
		widget.NewFormItem(lang.L("Wording version"), s.wording),
	)
	consent := widget.NewCard(lang.L("Permission to contact"), "", s.consent)
	var addRow fyne.CanvasObject = container.NewBorder(nil, nil, widget.NewLabel(lang.L("Follow up")), s.addNote, s.followUp)
	if fyne.CurrentDevice().IsMobile() {
		addRow = container.NewVBox(formRows(widget.NewFormItem(lang.L("Follow up"), s.followUp)), tall(s.addNote))
	}
	notes := widget.NewCard(lang.L("Notes"), "", container.NewVBox(s.notes, s.noteText, addRow))
	s.captured = widget.NewLabel("")
	s.captured.Wrapping = fyne.TextWrapWord
	s.captured.SizeName = theme.SizeNameCaptionText
	left := container.NewVBox(widget.NewCard(lang.L("Contact"), "", container.NewVBox(s.captured, s.contact)), consent)
	right := container.NewVBox(qualification, notes, widget.NewCard(lang.L("Sync"), "", s.syncInfo), s.buildRemove())
	var cols fyne.CanvasObject = container.NewGridWithColumns(2, left, right)
	if fyne.CurrentDevice().IsMobile() {
		cols = container.NewVBox(left, right) // one column, each card as tall as it needs
	}
	body := container.NewVScroll(cols)
	s.content = container.NewBorder(nil, actionBar(s.message, s.save), nil, nil, body)
	s.setEnabled(false)
	return s
}

// buildContact makes the contact fields with their inline checks.
func (s *leadScreen) buildContact() {
	s.given = widget.NewEntry()
	s.family = widget.NewEntry()
	s.org = widget.NewEntry()
	s.title = widget.NewEntry()
	s.email = widget.NewEntry()
	s.email.Validator = validateEmail
	s.phone = widget.NewEntry()
	s.phone.Validator = s.validatePhone
	s.web = widget.NewEntry()
	s.street, s.postal, s.city = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	s.region, s.country = widget.NewEntry(), widget.NewEntry()
	s.contact = formRows(
		widget.NewFormItem(lang.L("Given name"), s.given),
		widget.NewFormItem(lang.L("Family name"), s.family),
		widget.NewFormItem(lang.L("Organization"), s.org),
		widget.NewFormItem(lang.L("Job title"), s.title),
		widget.NewFormItem(lang.L("Email"), s.email),
		&widget.FormItem{Text: lang.L("Phone"), Widget: s.phone, HintText: lang.L("With country code, or in the event's country")},
		widget.NewFormItem(lang.L("Web"), s.web),
		widget.NewFormItem(lang.L("Street"), s.street),
		widget.NewFormItem(lang.L("Postal code"), s.postal),
		widget.NewFormItem(lang.L("City"), s.city),
		widget.NewFormItem(lang.L("Region"), s.region),
		widget.NewFormItem(lang.L("Country"), s.country),
	)
}

// leadLoaded is what a background load of the lead hands back.
type leadLoaded struct {
	lead  lead.Lead
	event lead.Event
	sync  storage.SyncInfo
	err   error
}

// load reads the lead, its event and its sync status in the background.
func (s *leadScreen) load() {
	st, id := s.ui.st, s.id
	s.ui.background(func() func() {
		r := readLead(st, id)
		return func() { s.show(r, "") }
	})
}

func readLead(st *storage.Store, id uuid.UUID) leadLoaded {
	var r leadLoaded
	if r.lead, r.err = st.Lead(id); r.err != nil {
		return r
	}
	ev, err := st.Event(r.lead.EventID)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		r.err = err
		return r
	}
	r.event = ev
	r.sync, r.err = st.SyncInfo(id)
	return r
}

// show fills the widgets from a loaded lead; it runs on the UI goroutine.
func (s *leadScreen) show(r leadLoaded, message string) {
	if r.err != nil {
		s.message.SetText(userMessage(r.err))
		s.ui.damageFound(r.err)
		return
	}
	l := r.lead
	s.event, s.qual, s.loaded, s.base = r.event, l.Qualification, true, l

	c := l.Contact
	s.given.SetText(c.GivenName)
	s.family.SetText(c.FamilyName)
	if c.GivenName == "" && c.FamilyName == "" {
		s.given.SetText(c.FullName)
	}
	s.org.SetText(c.Organization)
	s.title.SetText(c.Title)
	s.email.SetText(first(c.Emails))
	phone := ""
	if len(c.Phones) > 0 {
		phone = c.Phones[0].Raw
		if phone == "" {
			phone = c.Phones[0].Number
		}
	}
	s.phone.SetText(phone)
	s.web.SetText(first(c.URLs))
	a := c.Address
	for _, f := range []struct {
		e *widget.Entry
		v string
	}{{s.street, a.Street}, {s.postal, a.PostalCode}, {s.city, a.City}, {s.region, a.Region}, {s.country, a.Country}} {
		f.e.SetText(f.v)
	}

	s.fit.setSelected(slices.Index(answers, s.qual.Fit))
	s.budget.setSelected(slices.Index(answers, s.qual.Budget))
	s.authority.setSelected(slices.Index(answers, s.qual.Authority))
	s.interest.setSelected(slices.Index(answers, s.qual.Interest))
	s.disqualify.SetChecked(s.qual.Disqualified)
	s.rating.setSelected(max(0, slices.Index(lead.Ratings, l.Rating)))
	s.onQualificationChanged()
	s.showQuestions(r.event, l.Qualification.Answers)

	s.basis.SetSelectedIndex(max(0, slices.Index(bases, l.Consent.Basis)))
	s.status.SetSelectedIndex(max(0, slices.Index(statuses, l.Consent.Status)))
	s.wording.SetText(l.Consent.WordingVersion)

	s.captured.SetText(capturedText(l, r.event))
	s.showNotes(l.Notes)
	s.syncInfo.SetText(syncText(r.sync))
	s.message.Importance = widget.MediumImportance
	s.message.SetText(message)
	s.setEnabled(true)
	s.shown = s.edits()
}

func (s *leadScreen) showNotes(notes []lead.Note) {
	objs := make([]fyne.CanvasObject, 0, len(notes))
	for _, n := range slices.Backward(notes) {
		head := formatDateTime(n.At)
		if n.Author != "" {
			head += " · " + n.Author
		}
		if !n.FollowUp.IsZero() {
			head += " · " + lang.L("follow up {{.Date}}", map[string]any{"Date": formatDate(n.FollowUp)})
		}
		h := widget.NewLabel(head)
		h.SizeName = theme.SizeNameCaptionText
		h.Importance = widget.LowImportance
		t := widget.NewLabel(n.Text)
		t.Wrapping = fyne.TextWrapWord
		objs = append(objs, container.New(layout.NewCustomPaddedVBoxLayout(0), h, t))
	}
	if len(objs) == 0 {
		none := widget.NewLabel(lang.L("No notes yet."))
		none.Importance = widget.LowImportance
		objs = append(objs, none)
	}
	s.notes.Objects = objs
	s.notes.Refresh()
}

// onQualificationChanged updates the stage badge and what is missing.
func (s *leadScreen) onQualificationChanged() {
	st := s.qual.Stage()
	s.stage.set(stageLabel(st), stageColor(st))
	switch {
	case st == lead.StageDisqualified:
		s.missing.SetText(lang.L("Staff disqualified this lead."))
	case st == lead.StageProspect:
		s.missing.SetText(lang.L("All four criteria are confirmed."))
	default:
		var names []string
		for _, m := range s.qual.Missing() {
			names = append(names, criterionLabel(m))
		}
		s.missing.SetText(lang.L("To become a prospect, confirm: {{.Missing}}", map[string]any{"Missing": strings.Join(names, ", ")}))
	}
}

func (s *leadScreen) setEnabled(on bool) {
	for _, e := range append(s.entries(), s.noteText) {
		if on {
			e.Enable()
		} else {
			e.Disable()
		}
	}
	for _, g := range []*segmented{s.fit, s.budget, s.authority, s.interest, s.rating} {
		g.setEnabled(on)
	}
	for _, w := range []fyne.Disableable{s.disqualify, s.basis, s.status, s.followUp} {
		if on {
			w.Enable()
		} else {
			w.Disable()
		}
	}
	// A form greys its labels by the state of their widgets.
	s.contact.Refresh()
	s.consent.Refresh()
	s.setRemoveEnabled(on)
	s.updateSave()
}

// updateSave enables Save and Add note only when the form can be saved.
func (s *leadScreen) updateSave() {
	ok := s.loaded && s.email.Validate() == nil && s.phone.Validate() == nil && s.followUp.Validate() == nil
	if ok {
		s.save.Enable()
	} else {
		s.save.Disable()
	}
	if ok && strings.TrimSpace(s.noteText.Text) != "" {
		s.addNote.Enable()
	} else {
		s.addNote.Disable()
	}
}

func (s *leadScreen) onAddNoteTapped() {
	text := strings.TrimSpace(s.noteText.Text)
	if !s.loaded || text == "" {
		return
	}
	follow, author, now := dateOf(s.followUp), s.ui.opts.Staff, s.ui.opts.Now()
	s.addNote.Disable()
	st, id := s.ui.st, s.id
	s.ui.background(func() func() {
		saved, err := st.UpdateLead(id, func(l *lead.Lead) error {
			_, err := l.AddNote(text, author, now, follow)
			return err
		})
		if err != nil {
			return func() { s.onSaveFailed(err) }
		}
		si, err := st.SyncInfo(id)
		return func() {
			// The note is stored: it leaves the input for the list. Keep
			// what is being edited in the other fields: only the notes and
			// the sync status come from the store.
			s.noteText.SetText("")
			s.followUp.SetDate(nil)
			s.showNotes(saved.Notes)
			s.ui.leadSaved(saved)
			if err != nil {
				s.onSaveFailed(err) // the sync status could not be read
				return
			}
			s.syncInfo.SetText(syncText(si))
			s.message.Importance = widget.MediumImportance
			s.message.SetText(lang.L("Note added."))
			s.updateSave()
		}
	})
}

// onSaveFailed explains why the lead was not saved; the form keeps what the
// user typed so nothing is lost.
func (s *leadScreen) onSaveFailed(err error) {
	s.message.SetText(userMessage(err))
	s.message.Importance = widget.DangerImportance
	s.message.Refresh()
	s.updateSave()
	failed := s.failed
	s.then, s.failed = nil, nil // the way out waits for a save that works
	if failed != nil {
		failed()
	}
}

// validateEmail is the inline check of the email field.
func validateEmail(s string) error {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	if _, err := lead.NormalizeEmail(s); err != nil {
		return errors.New(lang.L("Not an email address: check it for typos."))
	}
	return nil
}

// fieldMessage explains a validation error of the lead model.
func fieldMessage(fe *lead.FieldError) string {
	switch {
	case errors.Is(fe, lead.ErrUnreachable):
		return lang.L("Add an email, a phone number or a web address, or a name together with an organization.")
	case strings.HasPrefix(fe.Field, "contact.emails"):
		return lang.L("The email address {{.Value}} is not valid: check it for typos.", map[string]any{"Value": fe.Value})
	case strings.HasPrefix(fe.Field, "contact.phones"):
		return lang.L("The phone number {{.Value}} is not valid: check the digits and the country code.", map[string]any{"Value": fe.Value})
	case fe.Field == "note":
		return lang.L("The note is empty.")
	}
	return fe.Error()
}

func syncText(si storage.SyncInfo) string {
	t := syncLabel(si.Status)
	switch si.Status {
	case storage.SyncSynced:
		if !si.SyncedAt.IsZero() {
			t = lang.L("Synced on {{.Date}}", map[string]any{"Date": formatDateTime(si.SyncedAt)})
		}
	case storage.SyncFailed, storage.SyncDead:
		t += " · " + lang.N("{{.Count}} attempts", si.Attempts, map[string]any{"Count": thousands(si.Attempts)})
		if si.LastError != "" {
			t += "\n" + si.LastError
		}
	case storage.SyncWaiting:
		t = lang.L("Waits for its contact: add an email or phone, or import the event's attendee list. Not sent to the CRM until then.")
	default:
		t = lang.L("Waiting to be sent to the CRM.")
	}
	return t
}

// capturedText says where, when, by whom and how a lead was captured.
func capturedText(l lead.Lead, ev lead.Event) string {
	parts := []string{}
	if ev.Name != "" {
		parts = append(parts, ev.Name)
	}
	parts = append(parts, lang.L("captured {{.Date}}", map[string]any{"Date": formatDateTime(l.CapturedAt)}))
	if l.CapturedBy != "" {
		parts = append(parts, lang.L("by {{.Name}}", map[string]any{"Name": l.CapturedBy}))
	}
	parts = append(parts, methodLabel(l.Source.Method))
	return strings.Join(parts, " · ")
}

func methodLabel(m lead.Method) string {
	switch m {
	case lead.MethodQRScan:
		return lang.L("QR code")
	case lead.MethodBadgeScan:
		return lang.L("badge scan")
	case lead.MethodScanner:
		return lang.L("handheld scanner")
	case lead.MethodImport:
		return lang.L("import")
	case lead.MethodMeeting:
		return lang.L("meeting")
	default:
		return lang.L("typed in")
	}
}

func criterionLabel(name string) string {
	switch name {
	case "fit":
		return lang.L("fit")
	case "budget":
		return lang.L("budget")
	case "authority":
		return lang.L("authority")
	default:
		return lang.L("interest")
	}
}

func ratingLabel(r lead.Rating) string {
	switch r {
	case lead.RatingHot:
		return lang.L("Hot")
	case lead.RatingWarm:
		return lang.L("Warm")
	case lead.RatingCold:
		return lang.L("Cold")
	default:
		return lang.L("Unrated")
	}
}

func basisLabel(b lead.LegalBasis) string {
	switch b {
	case lead.BasisLegitimateInterest:
		return lang.L("Legitimate interest")
	case lead.BasisConsent:
		return lang.L("Consent")
	default:
		return lang.L("None recorded")
	}
}

func consentStatusLabel(c lead.ConsentStatus) string {
	switch c {
	case lead.ConsentRequested:
		return lang.L("Requested")
	case lead.ConsentActive:
		return lang.L("Active")
	case lead.ConsentRevoked:
		return lang.L("Revoked")
	default:
		return lang.L("Not asked")
	}
}

func mapLabels[T any](xs []T, label func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = label(x)
	}
	return out
}

func first(xs []string) string {
	if len(xs) == 0 {
		return ""
	}
	return xs[0]
}

// replaceFirst sets the first element of a list, or removes it when v is
// empty, keeping the others.
func replaceFirst(xs []string, v string) []string {
	var rest []string
	if len(xs) > 1 {
		rest = xs[1:]
	}
	if v == "" {
		return slices.Clone(rest)
	}
	return append([]string{v}, rest...)
}
