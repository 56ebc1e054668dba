package salesforce_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
	"leadcap/syncer"
	"leadcap/syncer/salesforce/salesforcetest"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// withFollowUps adds a note with a follow-up per date (and one without).
func withFollowUps(e lead.OutboxEntry, dates ...string) lead.OutboxEntry {
	at := e.Lead.CapturedAt
	_, _ = e.Lead.AddNote("Met at the booth", "Jana", at, time.Time{})
	for _, d := range dates {
		_, _ = e.Lead.AddNote("Send the offer for "+d+"\nwith prices", "Jana", at, day(d))
	}
	return e
}

// tasksOf returns the fake's tasks on the Lead (WhoId) by ID.
func tasksOf(srv *salesforcetest.Server, leadID string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, t := range srv.Tasks() {
		if t["WhoId"] == leadID {
			out[id] = t
		}
	}
	return out
}

func taskFor(t *testing.T, srv *salesforcetest.Server, leadID string, n lead.Note) (string, map[string]any) {
	t.Helper()
	for id, task := range tasksOf(srv, leadID) {
		desc, _ := task["Description"].(string)
		if note, ok := syncer.MarkedNote(desc); ok && note == n.ID {
			return id, task
		}
	}
	t.Fatalf("no task for note %s", n.ID)
	return "", nil
}

func TestFollowUpsBecomeTasksUpdatedInPlace(t *testing.T) {
	srv := newServer()
	defer srv.Close()
	c := newConnector(t, srv, token, nil)
	ctx := context.Background()
	e := withFollowUps(entry("Mustermann", "Beispiel GmbH"), "2026-12-10", "2027-01-15")
	res := c.Push(ctx, []lead.OutboxEntry{e})
	require.NoError(t, res[0].Err)
	leadID := res[0].RemoteID
	require.Len(t, tasksOf(srv, leadID), 2, "one task per follow-up, none for the plain note")
	firstID, first := taskFor(t, srv, leadID, e.Lead.Notes[1])
	assert.Equal(t, "Follow up: Send the offer for 2026-12-10", first["Subject"])
	assert.Equal(t, "2026-12-10", first["ActivityDate"])
	assert.Equal(t, "Not Started", first["Status"])
	assert.Equal(t, "Normal", first["Priority"])
	assert.Contains(t, first["Description"], "with prices\n\nEvent: Hannover Messe 2026\nNoted by: Jana\nleadcap follow-up ")
	assert.Equal(t, 2, srv.TaskCreates)

	e.RemoteID, e.Lead.Version = leadID, 2
	require.NoError(t, c.Push(ctx, []lead.OutboxEntry{e})[0].Err)
	assert.Equal(t, 2, srv.TaskCreates, "a replay creates no task")

	require.NoError(t, e.Lead.MarkFollowUpDone(e.Lead.Notes[1].ID, time.Now()))
	e.Lead.Notes[2].FollowUp = day("2027-02-01")
	srv.EditTask(firstID, "Subject", "Call Erika (edited in Salesforce)")
	e.Lead.Version = 3
	require.NoError(t, c.Push(ctx, []lead.OutboxEntry{e})[0].Err)
	assert.Equal(t, 2, srv.TaskCreates)
	require.Len(t, tasksOf(srv, leadID), 2)
	id, got := taskFor(t, srv, leadID, e.Lead.Notes[1])
	assert.Equal(t, firstID, id)
	assert.Equal(t, "Completed", got["Status"])
	assert.Equal(t, "Call Erika (edited in Salesforce)", got["Subject"])
	secondID, second := taskFor(t, srv, leadID, e.Lead.Notes[2])
	assert.Equal(t, "2027-02-01", second["ActivityDate"])

	// Closed in Salesforce: leadcap does not reopen it.
	srv.EditTask(secondID, "Status", "Deferred")
	e.Lead.Version = 4
	require.NoError(t, c.Push(ctx, []lead.OutboxEntry{e})[0].Err)
	_, second = taskFor(t, srv, leadID, e.Lead.Notes[2])
	assert.Equal(t, "Deferred", second["Status"])
}

func TestLostReplyAfterTaskCreateMakesNoSecondTask(t *testing.T) {
	srv := newServer()
	defer srv.Close()
	ctx := context.Background()
	c := newConnectorAt(t, srv.URL, token, nil, syncer.NoRetry)
	srv.LoseTaskReplies = 1
	e := withFollowUps(entry("A", "ACME"), "2026-12-10")
	res := c.Push(ctx, []lead.OutboxEntry{e})
	require.True(t, syncer.IsTransient(res[0].Err), "%v", res[0].Err)
	assert.Len(t, srv.Tasks(), 1, "Salesforce saved the task")
	res = c.Push(ctx, []lead.OutboxEntry{e})
	require.NoError(t, res[0].Err)
	assert.Len(t, srv.Tasks(), 1, "no second task")
	assert.Equal(t, 1, srv.TaskCreates)

	c = newConnector(t, srv, token, nil)
	srv.LoseTaskReplies = 2
	b := withFollowUps(entry("B", "ACME"), "2026-12-11", "2026-12-12")
	res = c.Push(ctx, []lead.OutboxEntry{b})
	require.NoError(t, res[0].Err)
	assert.Len(t, tasksOf(srv, res[0].RemoteID), 2)
	assert.Len(t, srv.Tasks(), 3)
}

func TestMappedAnswersGoToTheirFields(t *testing.T) {
	srv := salesforcetest.New(token, extID, "Leadcap_Details__c", "Product_Line__c", "Wants_Demo__c", "Team_Size__c")
	defer srv.Close()
	c := newConnector(t, srv, token, nil)
	e := entry("Mustermann", "Beispiel GmbH")
	e.Event.Questions = []lead.Question{
		{ID: "q1", Text: "Which product line?", Kind: lead.QuestionChoice, Choices: []string{"drives", "sensors"}, CRMField: "Product_Line__c"},
		{ID: "q2", Text: "Wants a demo?", Kind: lead.QuestionYesNo, CRMField: "Wants_Demo__c"},
		{ID: "q3", Text: "Anything else?", Kind: lead.QuestionText},
		{ID: "q4", Text: "Team size?", Kind: lead.QuestionNumber, CRMField: "Team_Size__c"},
	}
	e.Lead.Qualification.Answers = map[string]string{"q1": "drives", "q2": "no", "q3": "Call in May", "q4": "12"}
	other := entry("Other", "ACME")
	other.Event.Questions = []lead.Question{{ID: "q1", Text: "Budget?", Kind: lead.QuestionText, CRMField: "No_Such_Field__c"}}
	other.Lead.Qualification.Answers = map[string]string{"q1": "some"}
	res := c.Push(context.Background(), []lead.OutboxEntry{e, other})
	require.NoError(t, res[0].Err, "the other lead's bad field does not hold this one back")
	got := srv.Leads()[e.Lead.ID.String()]
	assert.Equal(t, "drives", got["Product_Line__c"])
	assert.Equal(t, false, got["Wants_Demo__c"], "a yes/no answer as a checkbox")
	assert.Equal(t, float64(12), got["Team_Size__c"], "a number as a number")
	assert.Contains(t, got["Leadcap_Details__c"], "Q Anything else?: Call in May")
	assert.NotContains(t, got["Leadcap_Details__c"], "Team size?")
	require.True(t, syncer.IsPermanent(res[1].Err), "%v", res[1].Err)
	assert.Contains(t, res[1].Err.Error(), "No_Such_Field__c")
}

func TestRemovalTakesTheTasksAlong(t *testing.T) {
	srv := newServer()
	defer srv.Close()
	c := newConnector(t, srv, token, nil)
	ctx := context.Background()
	erika := withFollowUps(entry("Erika", "ACME"), "2026-12-10")
	otto := withFollowUps(entry("Otto", "ACME"), "2026-12-11")
	keep := withFollowUps(entry("Keep", "ACME"), "2026-12-12")
	res := c.Push(ctx, []lead.OutboxEntry{erika, otto, keep})
	for _, r := range res {
		require.NoError(t, r.Err)
	}
	var erikaTask, ottoTask string
	for id := range tasksOf(srv, res[0].RemoteID) {
		erikaTask = id
	}
	for id := range tasksOf(srv, res[1].RemoteID) {
		ottoTask = id
	}
	removal := func(e lead.OutboxEntry, op lead.Op, remoteID string) lead.OutboxEntry {
		return lead.OutboxEntry{Op: op, RemoteID: remoteID, Lead: lead.Lead{ID: e.Lead.ID, Version: 2}}
	}
	batch := []lead.OutboxEntry{removal(erika, lead.OpErase, res[0].RemoteID), removal(otto, lead.OpDelete, res[1].RemoteID)}
	for range 2 {
		for i, r := range c.Push(ctx, batch) {
			require.NoError(t, r.Err, "entry %d", i)
		}
	}
	assert.Len(t, srv.Tasks(), 1, "only the kept lead's task is left")
	require.Contains(t, srv.TaskRecycleBin, erikaTask)
	assert.NotContains(t, srv.TaskRecycleBin[erikaTask], "Description", "an erased lead's task keeps no note")
	assert.Equal(t, "Erased", srv.TaskRecycleBin[erikaTask]["Subject"])
	require.Contains(t, srv.TaskRecycleBin, ottoTask)
	assert.Contains(t, srv.TaskRecycleBin[ottoTask]["Description"], "Send the offer")
}

// TestTasksOfAPushAreQueriedTogether: one SOQL query (WhoId IN ...) reads
// the tasks of every Lead of a push, following nextRecordsUrl, so a replay
// of several leads finds every task.
func TestTasksOfAPushAreQueriedTogether(t *testing.T) {
	srv := newServer()
	defer srv.Close()
	srv.QueryPageSize = 1 // one task per page: nextRecordsUrl is followed
	c := newConnector(t, srv, token, nil)
	batch := []lead.OutboxEntry{
		withFollowUps(entry("A", "ACME"), "2026-12-10", "2026-12-11", "2026-12-12"),
		withFollowUps(entry("B", "ACME"), "2026-12-13"),
		entry("C", "ACME"), // no follow-up: not queried
	}
	res := c.Push(context.Background(), batch)
	for i := range batch {
		require.NoError(t, res[i].Err)
		batch[i].RemoteID = res[i].RemoteID
	}
	require.Len(t, srv.Tasks(), 4)
	batch[0].Lead.Notes[3].FollowUp = day("2027-01-01")
	before := srv.Queries
	res = c.Push(context.Background(), batch)
	for i := range batch {
		require.NoError(t, res[i].Err)
	}
	assert.Equal(t, 4, srv.Queries-before, "one query, its 4 pages")
	assert.Len(t, srv.Tasks(), 4, "the replay made no task")
	assert.Equal(t, 4, srv.TaskCreates)
	_, moved := taskFor(t, srv, res[0].RemoteID, batch[0].Lead.Notes[3])
	assert.Equal(t, "2027-01-01", moved["ActivityDate"])
}

// An answer removed after it was delivered (or whose question was taken
// off the event) empties its field at the next delivery: a field set to
// null is cleared. A field the lead never answered is left alone.
func TestRemovedAnswersAreClearedInSalesforce(t *testing.T) {
	srv := salesforcetest.New(token, extID, "Leadcap_Details__c", "Product_Line__c", "Wants_Demo__c", "Team_Size__c")
	defer srv.Close()
	c := newConnector(t, srv, token, nil)
	ctx := context.Background()
	e := entry("Mustermann", "Beispiel GmbH")
	product := lead.Question{ID: "q1", Text: "Which product line?", Kind: lead.QuestionChoice, Choices: []string{"drives", "sensors"}, CRMField: "Product_Line__c"}
	demo := lead.Question{ID: "q2", Text: "Wants a demo?", Kind: lead.QuestionYesNo, CRMField: "Wants_Demo__c"}
	size := lead.Question{ID: "q4", Text: "Team size?", Kind: lead.QuestionNumber, CRMField: "Team_Size__c"}
	e.Event.Questions = []lead.Question{product, demo, size}
	e.Lead.Qualification.Answers = map[string]string{"q1": "drives", "q2": "yes"}
	res := c.Push(ctx, []lead.OutboxEntry{e})
	require.NoError(t, res[0].Err)
	srv.Edit(e.Lead.ID.String(), "Team_Size__c", float64(40))

	before := e.Lead.Qualification
	e.Lead.Qualification.Answers = map[string]string{"q2": "yes"}
	e.Lead.Qualification.TrackClearedAnswers(before, e.Event)
	e.Lead.Qualification.ClearAnswer(demo)
	e.Event.Questions = []lead.Question{product, size}
	e.RemoteID, e.Lead.Version = res[0].RemoteID, 2
	res = c.Push(ctx, []lead.OutboxEntry{e})
	require.NoError(t, res[0].Err)
	got := srv.Leads()[e.Lead.ID.String()]
	assert.Contains(t, got, "Product_Line__c")
	assert.Nil(t, got["Product_Line__c"], "the cleared answer is null in Salesforce")
	assert.Nil(t, got["Wants_Demo__c"], "the removed question's answer is null in Salesforce")
	assert.Equal(t, float64(40), got["Team_Size__c"], "a field the lead never answered is not touched")
}
