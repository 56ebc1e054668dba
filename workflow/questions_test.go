package workflow_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
	"leadcap/workflow"
)

// TestMapQuestionToACRMField: a question's answers go to a CRM field of
// their own; a bad name, a field two questions share and an unknown
// question are refused with a sentence that says what to do.
func TestMapQuestionToACRMField(t *testing.T) {
	s := openStore(t)
	ev := lead.Event{Name: "SPS 2026"}
	require.NoError(t, s.CreateEvent(&ev))
	q1, err := workflow.AddQuestion(s, ev.ID, lead.Question{Text: "Which product line?", CRMField: "Product_Line__c"})
	require.NoError(t, err)
	q2, err := workflow.AddQuestion(s, ev.ID, lead.Question{Text: "Wants a demo?", Kind: lead.QuestionYesNo})
	require.NoError(t, err)
	_, err = workflow.AddQuestion(s, ev.ID, lead.Question{Text: "Budget?", CRMField: "product_line__c"})
	require.ErrorIs(t, err, workflow.ErrFieldTaken)

	got, err := workflow.MapQuestion(s, ev.ID, q2.ID, " leadcap_demo ")
	require.NoError(t, err)
	assert.Equal(t, "leadcap_demo", got.CRMField)
	_, err = workflow.MapQuestion(s, ev.ID, q2.ID, "Product_Line__c")
	require.ErrorIs(t, err, workflow.ErrFieldTaken)
	_, err = workflow.MapQuestion(s, ev.ID, q2.ID, "Wants a demo")
	var fe *lead.FieldError
	require.ErrorAs(t, err, &fe)
	assert.Contains(t, err.Error(), "internal name")
	_, err = workflow.MapQuestion(s, ev.ID, "q9", "x")
	require.ErrorIs(t, err, workflow.ErrNoQuestion)
	_, err = workflow.MapQuestion(s, ev.ID, q1.ID, "") // back to the details field
	require.NoError(t, err)

	stored, err := s.Event(ev.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{"", "leadcap_demo"}, []string{stored.Questions[0].CRMField, stored.Questions[1].CRMField})
}
