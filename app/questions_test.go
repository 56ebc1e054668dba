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
