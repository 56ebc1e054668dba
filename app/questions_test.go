package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
	"leadcap/workflow"
)

// The review form asks the event's own questions; the answers are saved
// with the lead.
func TestReviewFormAsksTheEventsQuestions(t *testing.T) {
	u, s, ev := atBooth(t)
	for _, q := range []lead.Question{
		{Text: "Uses SAP?", Kind: lead.QuestionYesNo},
		{Text: "When do they buy?", Kind: lead.QuestionChoice, Choices: []string{"Now", "Later"}},
		{Text: "Fleet size", Kind: lead.QuestionNumber},
	} {
		_, err := workflow.AddQuestion(u.st, ev.ID, q)
		require.NoError(t, err)
	}
	stored, err := u.st.Event(ev.ID)
	require.NoError(t, err)
	s.ev = stored

	s.openURI(storage.NewFileURI(qrPNG(t, adaCard)))
	f := s.rev.form
	require.NotNil(t, f)
	require.True(t, f.questions.Visible(), "the event's questions are on the form")
	var radio *widget.RadioGroup
	var sel *widget.Select
	var entry *widget.Entry
	walkTree(f.questions, func(o fyne.CanvasObject) bool {
		switch w := o.(type) {
		case *widget.RadioGroup:
			radio = w
		case *widget.Select:
			sel = w
		case *widget.Entry:
			entry = w
		}
		return true
	})
	require.NotNil(t, radio)
	require.NotNil(t, sel)
	require.NotNil(t, entry)
	radio.SetSelected("yes")
	sel.SetSelected("Later")
	test.Type(entry, "twelve")
	assert.Error(t, entry.Validate(), "not a number")
	entry.SetText("")
	test.Type(entry, "12")
	test.Tap(f.save)

	ls := allLeads(t, u)
	require.Len(t, ls, 1)
	assert.Equal(t, map[string]string{"q1": "yes", "q2": "Later", "q3": "12"}, ls[0].Qualification.Answers)
}

// The event's owner defines the questions on the Event screen.
func TestEventScreenDefinesQuestions(t *testing.T) {
	u, s, ev := atBooth(t)
	test.Tap(s.chip)
	e := s.event.questions
	require.False(t, e.add.Disabled())
	test.Type(e.text, "When do they buy?")
	e.kind.SetSelected(string(lead.QuestionChoice))
	test.Type(e.choices, "Now")
	test.Tap(e.add)
	assert.Contains(t, e.message.Text, "at least two", "a choice needs two answers")
	test.Type(e.choices, ", Later")
	test.Tap(e.add)
	assert.Empty(t, e.message.Text)
	e.kind.SetSelected(string(lead.QuestionYesNo))
	test.Type(e.text, "Uses SAP?")
	test.Tap(e.add)
	stored, err := u.st.Event(ev.ID)
	require.NoError(t, err)
	require.Len(t, stored.Questions, 2)
	assert.Equal(t, []string{"Now", "Later"}, stored.Questions[0].Choices)
	require.Len(t, e.list.Objects, 2)

	var remove *widget.Button
	walkTree(e.list.Objects[0], func(o fyne.CanvasObject) bool {
		if b, ok := o.(*widget.Button); ok {
			remove = b
		}
		return true
	})
	require.NotNil(t, remove)
	test.Tap(remove)
	stored, err = u.st.Event(ev.ID)
	require.NoError(t, err)
	require.Len(t, stored.Questions, 1)
	assert.Equal(t, "Uses SAP?", stored.Questions[0].Text)
}
