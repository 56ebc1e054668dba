package workflow_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
	"leadcap/syncer"
	"leadcap/syncer/hubspot/hubspottest"
	"leadcap/workflow"
)

// TestFollowUpTravelsToHubSpotAsOneTask, end to end with the real store:
// a note with a follow-up becomes a HubSpot task on the lead's contact
// (the first create's reply is lost), answers to a mapped question land in
// their property, marking the follow-up done completes the same task, and
// erasing the lead empties and archives it with the contact.
func TestFollowUpTravelsToHubSpotAsOneTask(t *testing.T) {
	f := newSyncFixture(t)
	f.srv.Custom["leadcap_demo"] = true
	_, err := workflow.AddQuestion(f.st, f.ev.ID, lead.Question{ID: "demo", Text: "Wants a demo?", Kind: lead.QuestionYesNo, CRMField: "leadcap_demo"})
	require.NoError(t, err)
	id := f.addLeads(t, 1)[0]
	_, err = workflow.AnswerQuestions(f.st, id, map[string]string{"demo": "yes"})
	require.NoError(t, err)
	var note lead.Note
	_, err = f.st.UpdateLead(id, func(l *lead.Lead) error {
		note, err = l.AddNote("Send the offer", "Jana", f.clock.Now(), time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC))
		return err
	})
	require.NoError(t, err)

	f.srv.FailTasks(hubspottest.Fault{DropAfterWrite: true})
	opt := f.options(f.connector(t, syncToken))
	sync := func() {
		t.Helper()
		sum, err := workflow.SyncNow(context.Background(), f.st, opt)
		require.NoError(t, err)
		require.Zero(t, sum.Pending+sum.Dead, "%+v", sum)
	}
	sync()
	contact := f.srv.Contacts()["person0000@example.com"]
	assert.Equal(t, "true", contact.Properties["leadcap_demo"])
	tasks := f.srv.Tasks()
	require.Len(t, tasks, 1, "one task although the first create's reply was lost")
	var taskID string
	for tid, task := range tasks {
		taskID = tid
		assert.Equal(t, []string{contact.ID}, task.Contacts)
		assert.Equal(t, "2026-05-04T12:00:00.000Z", task.Properties["hs_timestamp"])
		assert.Equal(t, "NOT_STARTED", task.Properties["hs_task_status"])
		got, ok := syncer.MarkedNote(task.Properties["hs_task_body"])
		require.True(t, ok)
		assert.Equal(t, note.ID, got)
	}

	_, err = workflow.MarkFollowUpDone(f.st, id, note.ID, f.clock.Now())
	require.NoError(t, err)
	sync()
	tasks = f.srv.Tasks()
	require.Len(t, tasks, 1)
	assert.Equal(t, "COMPLETED", tasks[taskID].Properties["hs_task_status"], "the same task, completed")

	_, err = f.st.Erase(id, "clerk")
	require.NoError(t, err)
	sync()
	assert.Empty(t, f.srv.Tasks())
	require.Contains(t, f.srv.ArchivedTasks, taskID)
	assert.Empty(t, f.srv.ArchivedTasks[taskID].Properties["hs_task_body"])
	assert.Contains(t, f.srv.Purged, contact.ID)
}
