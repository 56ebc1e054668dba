package app

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/google/uuid"

	"leadcap/capture"
	"leadcap/lead"
	"leadcap/storage"
	"leadcap/workflow"
)

// meetingScreen is for field reps: find or create the lead in two taps
// (search, tap a result or "New lead"), write the note, set a follow-up
// date, save.
type meetingScreen struct {
	ui *UI

	picker  *leadPicker
	newLead *widget.Button
	find    fyne.CanvasObject // stage one: the picker

	who                       *widget.Label // the lead the note goes to
	other                     *widget.Button
	given, family, org, email *widget.Entry
	phone                     *widget.Entry
	newForm                   fyne.CanvasObject // a new lead's contact, see formRows
	note                      *widget.Entry
	followUp                  *dateEntry
	message                   *widget.Label
	save                      *widget.Button
	write                     fyne.CanvasObject // stage two: the note
	content                   fyne.CanvasObject

	// Only touched on the UI goroutine.
	target storage.Summary // the picked lead; ID is Nil for a new one
}

func newMeetingScreen(u *UI) *meetingScreen {
	s := &meetingScreen{ui: u}
	s.picker = newLeadPicker(u, s.onPicked)
	s.newLead = widget.NewButtonWithIcon(lang.L("New lead"), theme.ContentAddIcon(), s.onNewLeadTapped)
	s.find = container.NewBorder(nil, tall(s.newLead), nil, nil, s.picker.content)

	s.who = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.who.Wrapping = fyne.TextWrapWord
	s.other = widget.NewButtonWithIcon(lang.L("Other lead"), theme.NavigateBackIcon(), s.onOtherTapped)
	s.given, s.family, s.org, s.email, s.phone = widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	s.email.Validator = validateEmail
	s.newForm = formRows(
		widget.NewFormItem(lang.L("Given name"), s.given),
		widget.NewFormItem(lang.L("Family name"), s.family),
		widget.NewFormItem(lang.L("Organization"), s.org),
		widget.NewFormItem(lang.L("Email"), s.email),
		&widget.FormItem{Text: lang.L("Phone"), Widget: s.phone, HintText: lang.L("With country code, or in the event's country")},
	)
	s.note = widget.NewMultiLineEntry()
	s.note.SetPlaceHolder(lang.L("What was said or agreed"))
	s.note.Wrapping = fyne.TextWrapWord
	s.note.SetMinRowsVisible(6)
	s.note.OnChanged = func(string) { s.updateSave() }
	s.followUp = newDateEntry()
	s.message = widget.NewLabel("")
	s.message.Wrapping = fyne.TextWrapWord
	s.save = widget.NewButtonWithIcon(lang.L("Save note"), theme.DocumentSaveIcon(), s.onSaveTapped)
	s.save.Importance = widget.HighImportance
	s.save.Disable()
	body := container.NewVBox(
		container.NewBorder(nil, nil, nil, tall(s.other), s.who),
		s.newForm,
		s.note,
		formRows(widget.NewFormItem(lang.L("Follow up"), s.followUp)),
	)
	s.write = container.NewBorder(nil, actionBar(s.message, s.save), nil, nil, container.NewVScroll(body))
	s.write.Hide()
	s.content = container.NewStack(container.NewPadded(s.find), s.write)
	return s
}

// onPicked is the first tap: the note goes to this lead.
func (s *meetingScreen) onPicked(sum storage.Summary) {
	s.target = sum
	s.who.SetText(lang.L("Note on {{.Name}}", map[string]any{"Name": pickedName(sum)}))
	s.newForm.Hide()
	s.showWrite()
}

// onNewLeadTapped is the other first tap: the note goes to a new lead,
// whose contact is typed in above it.
func (s *meetingScreen) onNewLeadTapped() {
	s.target = storage.Summary{}
	s.who.SetText(lang.L("Note on a new lead"))
	for _, e := range []*widget.Entry{s.given, s.family, s.org, s.email, s.phone} {
		e.SetText("")
	}
	if q := strings.TrimSpace(s.picker.search.Text); q != "" {
		if strings.Contains(q, "@") {
			s.email.SetText(q)
		} else {
			s.given.SetText(q)
		}
	}
	s.newForm.Show()
	s.showWrite()
	s.ui.win.Canvas().Focus(s.given)
}

func (s *meetingScreen) showWrite() {
	s.message.Importance = widget.MediumImportance
	s.message.SetText("")
	s.find.Hide()
	s.write.Show()
	s.updateSave()
	if s.target.ID != uuid.Nil {
		s.ui.win.Canvas().Focus(s.note)
	}
}

func (s *meetingScreen) onOtherTapped() {
	s.write.Hide()
	s.find.Show()
	s.picker.reload()
	s.ui.win.Canvas().Focus(s.picker.search)
}

func (s *meetingScreen) updateSave() {
	if strings.TrimSpace(s.note.Text) != "" {
		s.save.Enable()
	} else {
		s.save.Disable()
	}
}

// onSaveTapped adds the note to the picked lead, or creates the new lead
// at the active event and adds the note to it.
func (s *meetingScreen) onSaveTapped() {
	text := strings.TrimSpace(s.note.Text)
	if text == "" {
		return
	}
	follow, author, now, device := dateOf(s.followUp), s.ui.opts.Staff, s.ui.opts.Now(), s.ui.device
	addNote := func(l *lead.Lead) error { _, err := l.AddNote(text, author, now, follow); return err }
	target := s.target
	contact := lead.Contact{GivenName: strings.TrimSpace(s.given.Text), FamilyName: strings.TrimSpace(s.family.Text),
		Organization: strings.TrimSpace(s.org.Text)}
	if e := strings.TrimSpace(s.email.Text); e != "" {
		contact.Emails = []string{e}
	}
	if p := strings.TrimSpace(s.phone.Text); p != "" {
		contact.Phones = []lead.Phone{{Raw: p}}
	}
	s.save.Disable()
	s.message.SetText(lang.L("Saving…"))
	st := s.ui.st
	s.ui.background(func() func() {
		var l lead.Lead
		var err error
		if target.ID != uuid.Nil {
			l, err = st.UpdateLead(target.ID, addNote)
		} else {
			var ev lead.Event
			if ev, err = workflow.ResolveEvent(st, ""); err == nil {
				var saved workflow.Saved
				p := capture.Parsed{Contact: contact, Method: lead.MethodMeeting}
				c := workflow.Capture{Staff: author, DeviceID: device, Now: func() time.Time { return now }, Edit: addNote}
				saved, err = workflow.SaveParsed(st, ev, p, c)
				l = saved.Lead
			}
		}
		return func() {
			if err != nil {
				s.message.Importance = widget.DangerImportance
				s.message.SetText(userMessage(err))
				s.updateSave()
				return
			}
			s.onSaved(l)
		}
	})
}

func (s *meetingScreen) onSaved(l lead.Lead) {
	s.note.SetText("")
	s.followUp.SetDate(nil)
	s.picker.search.SetText("")
	s.write.Hide()
	s.find.Show()
	s.picker.setStatus(lang.L("Note saved on {{.Name}}.", map[string]any{"Name": l.Contact.Name()}))
	s.ui.leadSaved(l)
}

// leadPicker finds a lead: a search box and the leads that match, newest
// first. A tap on a row picks it.
type leadPicker struct {
	ui      *UI
	search  *widget.Entry
	list    *widget.List
	status  *widget.Label
	content fyne.CanvasObject
	onPick  func(storage.Summary)

	// Only touched on the UI goroutine.
	rows []storage.Summary
	gen  int
}

// pickerLimit bounds the rows a picker shows: search narrows them down.
const pickerLimit = 50

func newLeadPicker(u *UI, onPick func(storage.Summary)) *leadPicker {
	p := &leadPicker{ui: u, onPick: onPick}
	p.search = widget.NewEntry()
	p.search.SetPlaceHolder(lang.L("Search name, organization or email"))
	p.search.ActionItem = widget.NewIcon(theme.SearchIcon())
	p.search.OnChanged = func(string) { p.reload() }
	p.search.OnSubmitted = func(string) {
		if len(p.rows) == 1 {
			p.onPick(p.rows[0])
		}
	}
	p.status = widget.NewLabel("")
	p.status.Wrapping = fyne.TextWrapWord
	p.status.Importance = widget.LowImportance
	p.list = widget.NewList(
		func() int { return len(p.rows) },
		func() fyne.CanvasObject { return newLeadRow() },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= 0 && id < len(p.rows) {
				o.(*leadRow).show(p.rows[id], nil)
			}
		})
	p.list.OnSelected = func(id widget.ListItemID) {
		p.list.Unselect(id)
		if id >= 0 && id < len(p.rows) {
			p.onPick(p.rows[id])
		}
	}
	p.content = container.NewBorder(container.NewVBox(p.search, p.status), nil, nil, nil, p.list)
	return p
}

// reload searches in the background; only the latest search is shown.
func (p *leadPicker) reload() {
	p.gen++
	gen, st := p.gen, p.ui.st
	q := storage.Query{Text: strings.TrimSpace(p.search.Text), Limit: pickerLimit}
	p.ui.background(func() func() {
		rows, err := st.List(q)
		return func() {
			if gen != p.gen {
				return
			}
			if err != nil {
				p.setStatus(userMessage(err))
				return
			}
			p.rows = rows
			p.list.Refresh()
			switch {
			case len(rows) == 0 && q.Text != "":
				p.setStatus(lang.L("No lead matches. Tap New lead to create one."))
			case len(rows) == 0:
				p.setStatus(lang.L("No leads yet."))
			default:
				p.setStatus("")
			}
		}
	})
}

func (p *leadPicker) setStatus(text string) {
	p.status.SetText(text)
	if text == "" {
		p.status.Hide()
	} else {
		p.status.Show()
	}
}

// pickedName names a lead in a message.
func pickedName(sum storage.Summary) string {
	if sum.Name != "" {
		return sum.Name
	}
	return sum.Email
}
