package app

import (
	"maps"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"leadcap/lead"
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
