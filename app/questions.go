package app

import (
	"errors"
	"maps"
	"strings"

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

// The lead form asks the event's own questions (lead.Event.Questions) in
// the Qualification card: yes/no as two radio buttons, a choice as a
// drop-down, a number or text as an entry. Answers are kept in the form's
// qualification and saved with the rest of the form.

// showQuestions builds the widgets of the event's questions, filled with
// the lead's answers.
func (s *leadScreen) showQuestions(ev lead.Event, answers map[string]string) {
	s.questions.RemoveAll()
	if len(ev.Questions) == 0 {
		s.questions.Hide()
		return
	}
	items := make([]*widget.FormItem, 0, len(ev.Questions))
	for _, q := range ev.Questions {
		items = append(items, &widget.FormItem{Text: q.Text, Widget: s.questionWidget(q, answers[q.ID])})
	}
	s.questions.Add(widget.NewLabelWithStyle(lang.L("Questions of this event"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	s.questions.Add(formRows(items...))
	s.questions.Show()
}

// questionWidget is the input of one question; a change is recorded at
// once, an invalid number or choice is not (the entry says why).
func (s *leadScreen) questionWidget(q lead.Question, answer string) fyne.CanvasObject {
	set := func(v string) { s.setAnswer(q, v) }
	switch q.Kind {
	case lead.QuestionYesNo:
		r := widget.NewRadioGroup([]string{"yes", "no"}, nil)
		r.Horizontal = true
		r.SetSelected(answer)
		r.OnChanged = set
		return r
	case lead.QuestionChoice:
		sel := widget.NewSelect(q.Choices, nil)
		sel.SetSelected(answer)
		sel.OnChanged = set
		return sel
	}
	e := widget.NewEntry()
	e.SetText(answer)
	if q.Kind == lead.QuestionNumber {
		e.Validator = func(v string) error { _, err := q.NormalizeAnswer(v); return err }
	}
	e.OnChanged = set
	return e
}

// setAnswer records a valid answer in the form's qualification (a copy of
// the answers: the lead as shown keeps its own).
func (s *leadScreen) setAnswer(q lead.Question, v string) {
	norm, err := q.NormalizeAnswer(v)
	if err != nil {
		return
	}
	answers := maps.Clone(s.qual.Answers)
	if answers == nil {
		answers = map[string]string{}
	}
	if norm == "" {
		delete(answers, q.ID)
	} else {
		answers[q.ID] = norm
	}
	if len(answers) == 0 {
		answers = nil
	}
	s.qual.Answers = answers
	s.onEdited()
}

// newQuestionsBox is the (hidden) place of the questions in the
// Qualification card.
func newQuestionsBox() *fyne.Container {
	b := container.NewVBox()
	b.Hide()
	return b
}

// questionEditor is the Event screen's compact editor of the picked
// event's own questions (workflow.AddQuestion, RemoveQuestion), and of the
// CRM field each one's answers go to (workflow.MapQuestion; the CLI's
// 'event questions map').
type questionEditor struct {
	ui      *UI
	text    *widget.Entry
	kind    *widget.Select
	choices *widget.Entry // comma-separated answers of a choice question
	field   *widget.Entry // the CRM field of a new question, optional
	add     *widget.Button
	list    *fyne.Container
	message *widget.Label
	content fyne.CanvasObject

	// Only touched on the UI goroutine.
	event    lead.Event
	hasEvent bool
	mapping  dialog.Dialog // the CRM field dialog on show, if any
	mapEntry *widget.Entry // its entry
}

func newQuestionEditor(u *UI) *questionEditor {
	e := &questionEditor{ui: u}
	e.text = widget.NewEntry()
	e.text.SetPlaceHolder(lang.L("A question of this event, e.g. Uses SAP?"))
	kinds := make([]string, len(lead.QuestionKinds))
	for i, k := range lead.QuestionKinds {
		kinds[i] = string(k)
	}
	e.kind = widget.NewSelect(kinds, nil)
	e.kind.SetSelectedIndex(0)
	e.choices = widget.NewEntry()
	e.choices.SetPlaceHolder(lang.L("Choices, separated by commas"))
	e.field = widget.NewEntry()
	e.field.SetPlaceHolder(lang.L("CRM field (optional)"))
	e.add = widget.NewButtonWithIcon(lang.L("Add question"), theme.ContentAddIcon(), e.onAddTapped)
	e.list = container.NewVBox()
	e.message = widget.NewLabel("")
	e.message.Wrapping = fyne.TextWrapWord
	e.content = container.NewVBox(e.list,
		container.NewBorder(nil, nil, e.kind, e.add, e.text),
		container.NewGridWithColumns(2, e.choices, e.field), e.message)
	e.setEvent(lead.Event{}, false)
	return e
}

// setEvent shows the questions of a stored event; none disables the editor.
func (e *questionEditor) setEvent(ev lead.Event, ok bool) {
	e.event, e.hasEvent = ev, ok
	if ok {
		e.add.Enable()
	} else {
		e.add.Disable()
	}
	e.list.RemoveAll()
	for _, q := range ev.Questions {
		text := q.Text + " (" + string(q.Kind) + ")"
		if q.CRMField != "" {
			text += " → " + q.CRMField
		}
		label := widget.NewLabel(text)
		label.Wrapping = fyne.TextWrapWord
		rm := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { e.confirmRemove(ev.ID, q) })
		crm := widget.NewButton(lang.L("CRM field…"), func() { e.askField(q) })
		e.list.Add(container.NewBorder(nil, nil, nil, container.NewHBox(crm, rm), label))
	}
}

// confirmRemove asks before the question goes: its answers go with it,
// from every lead of the event and from the CRM at the next sync.
func (e *questionEditor) confirmRemove(eventID uuid.UUID, q lead.Question) {
	d := dialog.NewConfirm(lang.L("Remove this question?"),
		lang.L("“{{.Question}}” and its answers are removed from every lead of this event, and from the CRM at the next sync.", map[string]any{"Question": q.Text}),
		func(ok bool) {
			if ok {
				e.change(func(st *storage.Store) error { return workflow.RemoveQuestion(st, eventID, q.ID) })
			}
		}, e.ui.win)
	d.SetConfirmText(lang.L("Remove"))
	d.SetDismissText(lang.L("Cancel"))
	d.Show()
}

// askField asks for the CRM field that receives the answers to q: a
// HubSpot contact property or a Salesforce Lead field; empty puts them
// back into the CRM's details field.
func (e *questionEditor) askField(q lead.Question) {
	e.mapEntry = widget.NewEntry()
	e.mapEntry.SetText(q.CRMField)
	e.mapEntry.SetPlaceHolder(lang.L("e.g. Product_Line__c"))
	item := widget.NewFormItem(lang.L("CRM field"), e.mapEntry)
	item.HintText = lang.L("The HubSpot property's internal name or the Salesforce field's API name. Empty: the answers go into the CRM's details field.")
	id, evID := q.ID, e.event.ID
	d := dialog.NewForm(q.Text, lang.L("Save"), lang.L("Cancel"), []*widget.FormItem{item}, func(ok bool) {
		field := e.mapEntry.Text
		e.mapping, e.mapEntry = nil, nil
		if ok {
			e.change(func(st *storage.Store) error {
				_, err := workflow.MapQuestion(st, evID, id, field)
				return err
			})
		}
	}, e.ui.win)
	d.Resize(fyne.NewSize(480, 0))
	e.mapping = d
	d.Show()
}

func (e *questionEditor) onAddTapped() {
	q := lead.Question{Text: e.text.Text, Kind: lead.QuestionKind(e.kind.Selected), CRMField: e.field.Text}
	if q.Kind == lead.QuestionChoice {
		for _, c := range strings.Split(e.choices.Text, ",") {
			if c = strings.TrimSpace(c); c != "" {
				q.Choices = append(q.Choices, c)
			}
		}
	}
	e.change(func(st *storage.Store) error {
		_, err := workflow.AddQuestion(st, e.event.ID, q)
		return err
	})
}

// change applies fn to the store in the background and shows the event's
// questions as they are afterwards.
func (e *questionEditor) change(fn func(*storage.Store) error) {
	if !e.hasEvent {
		return
	}
	st, id := e.ui.st, e.event.ID
	e.ui.background(func() func() {
		err := fn(st)
		ev, rerr := st.Event(id)
		return func() {
			if err == nil {
				err = rerr
			}
			if err != nil {
				e.message.SetText(questionMessage(err))
				return
			}
			e.message.SetText("")
			e.text.SetText("")
			e.choices.SetText("")
			e.field.SetText("")
			e.setEvent(ev, true)
		}
	})
}

// questionMessage explains why a question or its CRM field was refused.
func questionMessage(err error) string {
	var fe *lead.FieldError
	switch {
	case errors.As(err, &fe) && fe.Field == "question.crm_field":
		return lang.L("{{.Value}} is not a CRM field's internal name: use the HubSpot property's internal name (e.g. leadcap_product_line) or the Salesforce field's API name (e.g. Product_Line__c).", map[string]any{"Value": fe.Value})
	case errors.Is(err, workflow.ErrFieldTaken):
		return lang.L("Another question of this event already goes to this CRM field: give each question a field of its own.")
	case errors.Is(err, workflow.ErrNoQuestion):
		return lang.L("This question no longer exists.")
	}
	return userMessage(err)
}
