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
	// A lead answered it; removing the question asks first, as the answers go too.
	l := lead.New(ev.ID, lead.MethodManual, t0)
	l.Contact = lead.Contact{FullName: "Ada Lovelace", Emails: []string{"ada@example.com"}}
	l.Qualification.Answers = map[string]string{stored.Questions[0].ID: "Later", stored.Questions[1].ID: "yes"}
	require.NoError(t, u.st.AddLead(l))
	test.Tap(remove)
	tapDialogButton(t, u.win, "Cancel")
	stored, err = u.st.Event(ev.ID)
	require.NoError(t, err)
	require.Len(t, stored.Questions, 2, "cancelled: nothing removed")
	test.Tap(remove)
	tapDialogButton(t, u.win, "Remove")
	stored, err = u.st.Event(ev.ID)
	require.NoError(t, err)
	require.Len(t, stored.Questions, 1)
	assert.Equal(t, "Uses SAP?", stored.Questions[0].Text)
	got, err := u.st.Lead(l.ID)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{stored.Questions[0].ID: "yes"}, got.Qualification.Answers, "the removed question's answer went with it")
}

// tapDialogButton taps the button of the dialog on show that says text.
func tapDialogButton(t *testing.T, w fyne.Window, text string) {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	require.NotNil(t, top, "a dialog is on show")
	var found *widget.Button
	walkTree(top, func(o fyne.CanvasObject) bool {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			found = b
		}
		return true
	})
	require.NotNil(t, found, "the dialog has a %q button", text)
	test.Tap(found)
}

// rowButton returns the button of a question row in the editor that says
// text.
func rowButton(t *testing.T, row fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	walkTree(row, func(o fyne.CanvasObject) bool {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			found = b
		}
		return true
	})
	require.NotNil(t, found, "the row has a %q button", text)
	return found
}

// The editor sets the CRM field a question's answers go to: when the
// question is added, and later for each question; what the CRM cannot
// take is refused with workflow.MapQuestion's reasons, said plainly.
func TestEventScreenMapsQuestionsToCRMFields(t *testing.T) {
	u, s, ev := atBooth(t)
	test.Tap(s.chip)
	e := s.event.questions
	stored := func() []lead.Question {
		t.Helper()
		got, err := u.st.Event(ev.ID)
		require.NoError(t, err)
		return got.Questions
	}

	e.kind.SetSelected(string(lead.QuestionYesNo))
	test.Type(e.text, "Uses SAP?")
	test.Type(e.field, "uses sap")
	test.Tap(e.add)
	assert.Equal(t, "uses sap is not a CRM field's internal name: use the HubSpot property's internal name (e.g. leadcap_product_line) or the Salesforce field's API name (e.g. Product_Line__c).", e.message.Text)
	assert.Empty(t, stored(), "nothing stored")
	e.field.SetText("Uses_SAP__c")
	test.Tap(e.add)
	assert.Empty(t, e.message.Text)
	assert.Empty(t, e.field.Text, "the form is cleared for the next question")
	require.Len(t, stored(), 1)
	assert.Equal(t, "Uses_SAP__c", stored()[0].CRMField)

	e.kind.SetSelected(string(lead.QuestionNumber))
	test.Type(e.text, "Fleet size")
	test.Tap(e.add)
	require.Len(t, stored(), 2)
	assert.Empty(t, stored()[1].CRMField, "the CRM field is optional")
	require.Len(t, e.list.Objects, 2)
	assert.Contains(t, rowTextsOf(e.list), "Uses SAP? (yesno) → Uses_SAP__c")

	// Mapping the second question to the first one's field is refused.
	test.Tap(rowButton(t, e.list.Objects[1], "CRM field…"))
	require.NotNil(t, e.mapEntry)
	assert.Empty(t, e.mapEntry.Text)
	e.mapEntry.SetText("uses_sap__C")
	tapDialogButton(t, u.win, "Save")
	assert.Equal(t, "Another question of this event already goes to this CRM field: give each question a field of its own.", e.message.Text)
	assert.Empty(t, stored()[1].CRMField)

	test.Tap(rowButton(t, e.list.Objects[1], "CRM field…"))
	e.mapEntry.SetText("Fleet_Size__c")
	tapDialogButton(t, u.win, "Save")
	assert.Empty(t, e.message.Text)
	assert.Equal(t, "Fleet_Size__c", stored()[1].CRMField)
	assert.Contains(t, rowTextsOf(e.list), "Fleet size (number) → Fleet_Size__c")

	// Cancel changes nothing; an empty field puts the answers back into
	// the details.
	test.Tap(rowButton(t, e.list.Objects[0], "CRM field…"))
	assert.Equal(t, "Uses_SAP__c", e.mapEntry.Text, "the dialog shows the current field")
	e.mapEntry.SetText("Other__c")
	tapDialogButton(t, u.win, "Cancel")
	assert.Equal(t, "Uses_SAP__c", stored()[0].CRMField)
	test.Tap(rowButton(t, e.list.Objects[0], "CRM field…"))
	e.mapEntry.SetText("")
	tapDialogButton(t, u.win, "Save")
	assert.Empty(t, stored()[0].CRMField)
	assert.Contains(t, rowTextsOf(e.list), "Uses SAP? (yesno)")
}

func TestQuestionCRMFieldErrorsInGerman(t *testing.T) {
	inGerman(t)
	u, s, ev := atBooth(t)
	_, err := workflow.AddQuestion(u.st, ev.ID, lead.Question{Text: "Nutzt SAP?", Kind: lead.QuestionYesNo, CRMField: "Uses_SAP__c"})
	require.NoError(t, err)
	test.Tap(s.chip)
	e := s.event.questions
	test.Type(e.text, "Flottengröße")
	test.Type(e.field, "Flotte!")
	test.Tap(e.add)
	assert.Equal(t, "Flotte! ist kein interner Name eines CRM-Felds: Verwenden Sie den internen Namen der HubSpot-Eigenschaft (z. B. leadcap_product_line) oder den API-Namen des Salesforce-Felds (z. B. Product_Line__c).", e.message.Text)
	e.field.SetText("Uses_SAP__c")
	test.Tap(e.add)
	assert.Equal(t, "Eine andere Frage dieser Messe geht schon in dieses CRM-Feld: Geben Sie jeder Frage ein eigenes Feld.", e.message.Text)
	test.Tap(rowButton(t, e.list.Objects[0], "CRM-Feld …"))
	tapDialogButton(t, u.win, "Abbrechen")
}

// rowTextsOf is the text of every label in the editor's list.
func rowTextsOf(list *fyne.Container) []string {
	var out []string
	walkTree(list, func(o fyne.CanvasObject) bool {
		if l, ok := o.(*widget.Label); ok {
			out = append(out, l.Text)
		}
		return true
	})
	return out
}
