package workflow_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
	"leadcap/storage"
	"leadcap/syncer"
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

// TestClearedAnswersAreQueuedForTheCRM: an answer cleared after it was
// delivered, and the answers to a question taken off the event, leave the
// lead (queued for the CRM again) with the CRM fields to empty; an
// unmapped answer just goes, the details and the Tryton description are
// written again without it.
func TestClearedAnswersAreQueuedForTheCRM(t *testing.T) {
	s := openStore(t)
	ev := lead.Event{Name: "SPS 2026"}
	require.NoError(t, s.CreateEvent(&ev))
	product, err := workflow.AddQuestion(s, ev.ID, lead.Question{Text: "Which product line?", CRMField: "Product_Line__c"})
	require.NoError(t, err)
	demo, err := workflow.AddQuestion(s, ev.ID, lead.Question{Text: "Wants a demo?", Kind: lead.QuestionYesNo, CRMField: "Wants_Demo__c"})
	require.NoError(t, err)
	note, err := workflow.AddQuestion(s, ev.ID, lead.Question{Text: "Anything else?"})
	require.NoError(t, err)
	l := lead.New(ev.ID, lead.MethodManual, time.Now())
	l.Contact = lead.Contact{FullName: "Erika Mustermann", Emails: []string{"erika@example.com"}}
	require.NoError(t, s.AddLead(l))
	other := lead.New(ev.ID, lead.MethodManual, time.Now())
	other.Contact = lead.Contact{FullName: "Otto Normal", Emails: []string{"otto@example.com"}}
	require.NoError(t, s.AddLead(other))
	synced := func(id uuid.UUID) {
		t.Helper()
		cur, err := s.Lead(id)
		require.NoError(t, err)
		require.NoError(t, s.MarkDone(id, cur.Version, "remote-"+id.String()))
	}
	status := func(id uuid.UUID) storage.SyncStatus {
		t.Helper()
		si, err := s.SyncInfo(id)
		require.NoError(t, err)
		return si.Status
	}
	_, err = workflow.AnswerQuestions(s, l.ID, map[string]string{product.ID: "drives", demo.ID: "yes", note.ID: "call in May"})
	require.NoError(t, err)
	synced(l.ID)
	synced(other.ID)

	got, err := workflow.AnswerQuestions(s, l.ID, map[string]string{product.ID: ""})
	require.NoError(t, err)
	assert.Equal(t, []string{"Product_Line__c"}, got.Qualification.ClearCRMFields)
	assert.Equal(t, storage.SyncPending, status(l.ID), "queued to clear the field")
	synced(l.ID)

	require.NoError(t, workflow.RemoveQuestion(s, ev.ID, demo.ID))
	got, err = s.Lead(l.ID)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{note.ID: "call in May"}, got.Qualification.Answers)
	assert.Equal(t, []string{"Product_Line__c", "Wants_Demo__c"}, got.Qualification.ClearCRMFields)
	assert.Equal(t, storage.SyncPending, status(l.ID))
	assert.Equal(t, storage.SyncSynced, status(other.ID), "a lead without an answer to it is not sent again")
	synced(l.ID)

	require.NoError(t, workflow.RemoveQuestion(s, ev.ID, note.ID))
	got, err = s.Lead(l.ID)
	require.NoError(t, err)
	assert.Empty(t, got.Qualification.Answers)
	assert.Equal(t, storage.SyncPending, status(l.ID), "sent again without the unmapped answer")

	got, err = workflow.AnswerQuestions(s, l.ID, map[string]string{product.ID: "sensors"})
	require.NoError(t, err)
	assert.Equal(t, []string{"Wants_Demo__c"}, got.Qualification.ClearCRMFields, "answered again: the field gets the answer")
	ev, err = s.Event(ev.ID)
	require.NoError(t, err)
	assert.Len(t, ev.Questions, 1)
}

// TestRemappedQuestionEmptiesTheOldField: a question mapped to another
// CRM field queues the leads that answered it, with the old field to
// empty; the answer goes to the new one.
func TestRemappedQuestionEmptiesTheOldField(t *testing.T) {
	s := openStore(t)
	ev := lead.Event{Name: "SPS 2026"}
	require.NoError(t, s.CreateEvent(&ev))
	q, err := workflow.AddQuestion(s, ev.ID, lead.Question{Text: "Which product line?", CRMField: "Product_Line__c"})
	require.NoError(t, err)
	l := lead.New(ev.ID, lead.MethodManual, time.Now())
	l.Contact = lead.Contact{FullName: "Erika Mustermann", Emails: []string{"erika@example.com"}}
	require.NoError(t, s.AddLead(l))
	saved, err := workflow.AnswerQuestions(s, l.ID, map[string]string{q.ID: "drives"})
	require.NoError(t, err)
	require.NoError(t, s.MarkDone(l.ID, saved.Version, "remote-1"))

	_, err = workflow.MapQuestion(s, ev.ID, q.ID, "Productline__c")
	require.NoError(t, err)
	got, err := s.Lead(l.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{"Product_Line__c"}, got.Qualification.ClearCRMFields)
	si, err := s.SyncInfo(l.ID)
	require.NoError(t, err)
	assert.Equal(t, storage.SyncPending, si.Status, "queued: the old field is emptied, the new one filled")
	ev, err = s.Event(ev.ID)
	require.NoError(t, err)
	e := lead.OutboxEntry{Lead: got, Event: ev}
	assert.Equal(t, []string{"Product_Line__c"}, syncer.ClearedFields(e))
	assert.Equal(t, "Productline__c", syncer.MappedAnswers(e)[0].Field)
}

// A question whose answers went into the details field and now get a field
// of their own: nothing in the leads changes, but the ones that answered
// are sent again so the CRM gets the new field.
func TestMappedQuestionSendsTheAnsweredLeadsAgain(t *testing.T) {
	s := openStore(t)
	ev := lead.Event{Name: "SPS 2026"}
	require.NoError(t, s.CreateEvent(&ev))
	q, err := workflow.AddQuestion(s, ev.ID, lead.Question{Text: "Which product line?"})
	require.NoError(t, err)
	answered := lead.New(ev.ID, lead.MethodManual, time.Now())
	answered.Contact = lead.Contact{FullName: "Erika Mustermann", Emails: []string{"erika@example.com"}}
	require.NoError(t, s.AddLead(answered))
	silent := lead.New(ev.ID, lead.MethodManual, time.Now())
	silent.Contact = lead.Contact{FullName: "Jonas Weber", Emails: []string{"jonas@example.com"}}
	require.NoError(t, s.AddLead(silent))
	saved, err := workflow.AnswerQuestions(s, answered.ID, map[string]string{q.ID: "drives"})
	require.NoError(t, err)
	require.NoError(t, s.MarkDone(answered.ID, saved.Version, "remote-1"))
	require.NoError(t, s.MarkDone(silent.ID, silent.Version, "remote-2"))

	_, err = workflow.MapQuestion(s, ev.ID, q.ID, "Product_Line__c")
	require.NoError(t, err)
	got, err := s.Lead(answered.ID)
	require.NoError(t, err)
	assert.Equal(t, saved.Version, got.Version, "the lead itself is unchanged")
	si, err := s.SyncInfo(answered.ID)
	require.NoError(t, err)
	assert.Equal(t, storage.SyncPending, si.Status, "sent again, with the answer in its new field")
	si, err = s.SyncInfo(silent.ID)
	require.NoError(t, err)
	assert.Equal(t, storage.SyncSynced, si.Status, "a lead without an answer stays synced")
	n, err := s.PendingCount()
	require.NoError(t, err)
	assert.Equal(t, 1, n)
}
