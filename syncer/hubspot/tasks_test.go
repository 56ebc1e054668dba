package hubspot_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
	"leadcap/syncer"
	"leadcap/syncer/hubspot/hubspottest"
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

// visitors returns n new leads (visitor000@example.com, …), each with a
// follow-up note for each of dates.
func visitors(n int, dates ...string) []lead.OutboxEntry {
	batch := make([]lead.OutboxEntry, n)
	for i := range batch {
		batch[i] = withFollowUps(entry(fmt.Sprintf("visitor%03d@example.com", i)), dates...)
	}
	return batch
}

// tasksOf returns the fake's tasks associated with the contact.
func tasksOf(srv *hubspottest.Server, contactID string) []hubspottest.Task {
	var out []hubspottest.Task
	for _, t := range srv.Tasks() {
		for _, c := range t.Contacts {
			if c == contactID {
				out = append(out, t)
			}
		}
	}
	return out
}

func taskFor(t *testing.T, srv *hubspottest.Server, contactID string, n lead.Note) hubspottest.Task {
	t.Helper()
	for _, task := range tasksOf(srv, contactID) {
		if id, ok := syncer.MarkedNote(task.Properties["hs_task_body"]); ok && id == n.ID {
			return task
		}
	}
	t.Fatalf("no task for note %s", n.ID)
	return hubspottest.Task{}
}

func TestFollowUpsBecomeTasksUpdatedInPlace(t *testing.T) {
	srv := hubspottest.New(token, "leadcap_lead_id", "leadcap_details")
	defer srv.Close()
	c := newConnector(t, srv, token)
	ctx := context.Background()
	e := withFollowUps(entry("erika@example.com"), "2026-12-10", "2027-01-15")
	res := c.Push(ctx, []lead.OutboxEntry{e})
	require.NoError(t, res[0].Err)
	contact := res[0].RemoteID
	require.Len(t, tasksOf(srv, contact), 2, "one task per follow-up, none for the plain note")
	first := taskFor(t, srv, contact, e.Lead.Notes[1])
	assert.Equal(t, "Follow up: Send the offer for 2026-12-10", first.Properties["hs_task_subject"])
	assert.Equal(t, "2026-12-10T12:00:00.000Z", first.Properties["hs_timestamp"])
	assert.Equal(t, "NOT_STARTED", first.Properties["hs_task_status"])
	assert.Contains(t, first.Properties["hs_task_body"], "Send the offer for 2026-12-10\nwith prices\n\nEvent: Hannover Messe 2026\nNoted by: Jana\n")
	assert.Equal(t, 2, srv.TaskCreates)

	// A HubSpot user adds a task of their own; the same lead is pushed again.
	e.RemoteID = contact
	e.Lead.Version = 2
	res = c.Push(ctx, []lead.OutboxEntry{e})
	require.NoError(t, res[0].Err)
	assert.Equal(t, 2, srv.TaskCreates, "a replay creates no task")

	// The first follow-up is done, the second moved: the same tasks change.
	require.NoError(t, e.Lead.MarkFollowUpDone(e.Lead.Notes[1].ID, time.Now()))
	e.Lead.Notes[2].FollowUp = day("2027-02-01")
	srv.EditTask(first.ID, "hs_task_subject", "Call Erika (edited in HubSpot)")
	e.Lead.Version = 3
	res = c.Push(ctx, []lead.OutboxEntry{e})
	require.NoError(t, res[0].Err)
	assert.Equal(t, 2, srv.TaskCreates)
	require.Len(t, tasksOf(srv, contact), 2)
	got := taskFor(t, srv, contact, e.Lead.Notes[1])
	assert.Equal(t, first.ID, got.ID)
	assert.Equal(t, "COMPLETED", got.Properties["hs_task_status"])
	assert.Equal(t, "Call Erika (edited in HubSpot)", got.Properties["hs_task_subject"], "the subject is HubSpot's after creation")
	second := taskFor(t, srv, contact, e.Lead.Notes[2])
	assert.Equal(t, "2027-02-01T12:00:00.000Z", second.Properties["hs_timestamp"])
	assert.Equal(t, "NOT_STARTED", second.Properties["hs_task_status"])

	// Completed in HubSpot: leadcap does not reopen it.
	srv.EditTask(second.ID, "hs_task_status", "COMPLETED")
	e.Lead.Version = 4
	require.NoError(t, c.Push(ctx, []lead.OutboxEntry{e})[0].Err)
	assert.Equal(t, "COMPLETED", taskFor(t, srv, contact, e.Lead.Notes[2]).Properties["hs_task_status"])
}

func TestLostReplyAfterTaskCreateMakesNoSecondTask(t *testing.T) {
	srv := hubspottest.New(token, "leadcap_lead_id", "leadcap_details")
	defer srv.Close()
	ctx := context.Background()

	// Without retries inside the push: the lead stays pending, and the
	// next push finds the task the lost reply was about.
	c := newConnectorAt(t, srv.URL, token, syncer.NoRetry)
	srv.FailTasks(hubspottest.Fault{DropAfterWrite: true})
	e := withFollowUps(entry("a@example.com"), "2026-12-10")
	res := c.Push(ctx, []lead.OutboxEntry{e})
	require.True(t, syncer.IsTransient(res[0].Err), "%v", res[0].Err)
	assert.Len(t, srv.Tasks(), 1, "HubSpot made the task")
	res = c.Push(ctx, []lead.OutboxEntry{e})
	require.NoError(t, res[0].Err)
	assert.Len(t, srv.Tasks(), 1, "no second task")
	assert.Equal(t, 1, srv.TaskCreates)

	// With retries: the push lists the tasks again before another create.
	c = newConnector(t, srv, token)
	srv.FailTasks(hubspottest.Fault{DropAfterWrite: true}, hubspottest.Fault{Status: 502})
	b := withFollowUps(entry("b@example.com"), "2026-12-11", "2026-12-12")
	res = c.Push(ctx, []lead.OutboxEntry{b})
	require.NoError(t, res[0].Err)
	assert.Len(t, tasksOf(srv, res[0].RemoteID), 2)
	assert.Len(t, srv.Tasks(), 3)
}

func TestMappedAnswersGoToTheirProperties(t *testing.T) {
	srv := hubspottest.New(token, "leadcap_lead_id", "leadcap_details", "leadcap_product_line", "leadcap_demo")
	defer srv.Close()
	c := newConnector(t, srv, token)
	e := entry("erika@example.com")
	e.Event.Questions = []lead.Question{
		{ID: "q1", Text: "Which product line?", Kind: lead.QuestionChoice, Choices: []string{"drives", "sensors"}, CRMField: "leadcap_product_line"},
		{ID: "q2", Text: "Wants a demo?", Kind: lead.QuestionYesNo, CRMField: "leadcap_demo"},
		{ID: "q3", Text: "Anything else?", Kind: lead.QuestionText},
		{ID: "q4", Text: "Team size?", Kind: lead.QuestionNumber, CRMField: "numemployees"},
	}
	e.Lead.Qualification.Answers = map[string]string{"q1": "drives", "q2": "yes", "q3": "Call in May"}
	res := c.Push(context.Background(), []lead.OutboxEntry{e})
	require.NoError(t, res[0].Err)
	p := srv.Contacts()["erika@example.com"].Properties
	assert.Equal(t, "drives", p["leadcap_product_line"])
	assert.Equal(t, "true", p["leadcap_demo"], "a yes/no answer as a checkbox value")
	assert.NotContains(t, p, "numemployees", "an unanswered question sends nothing")
	assert.Contains(t, p["leadcap_details"], "Q Anything else?: Call in May", "an unmapped answer stays in the details")
	assert.NotContains(t, p["leadcap_details"], "Which product line?")

	// A property that does not exist in the portal: HubSpot's message.
	e.Lead.Qualification.Answers["q4"] = "12"
	e.RemoteID = res[0].RemoteID
	e.Event.Questions[3].CRMField = "leadcap_team_size"
	res = c.Push(context.Background(), []lead.OutboxEntry{e})
	require.True(t, syncer.IsPermanent(res[0].Err))
	assert.Contains(t, res[0].Err.Error(), `leadcap_team_size`)
}

func TestRemovalTakesTheTasksAlong(t *testing.T) {
	srv := hubspottest.New(token, "leadcap_lead_id", "leadcap_details")
	defer srv.Close()
	c := newConnector(t, srv, token)
	ctx := context.Background()
	erika := withFollowUps(entry("erika@example.com"), "2026-12-10")
	otto := withFollowUps(entry("otto@example.com"), "2026-12-11")
	keep := withFollowUps(entry("keep@example.com"), "2026-12-12")
	res := c.Push(ctx, []lead.OutboxEntry{erika, otto, keep})
	for _, r := range res {
		require.NoError(t, r.Err)
	}
	erikaTask := tasksOf(srv, res[0].RemoteID)[0].ID
	ottoTask := tasksOf(srv, res[1].RemoteID)[0].ID
	removal := func(e lead.OutboxEntry, op lead.Op, remoteID string) lead.OutboxEntry {
		return lead.OutboxEntry{Op: op, RemoteID: remoteID, Lead: lead.Lead{ID: e.Lead.ID, Version: 2}}
	}
	batch := []lead.OutboxEntry{removal(erika, lead.OpErase, res[0].RemoteID), removal(otto, lead.OpDelete, res[1].RemoteID)}
	for range 2 { // a replay finds nothing left and succeeds
		for i, r := range c.Push(ctx, batch) {
			require.NoError(t, r.Err, "entry %d", i)
		}
	}
	tasks := srv.Tasks()
	assert.Len(t, tasks, 1, "only the kept lead's task is left")
	require.Contains(t, srv.ArchivedTasks, erikaTask)
	assert.Empty(t, srv.ArchivedTasks[erikaTask].Properties["hs_task_body"], "an erased lead's task keeps no note")
	assert.Equal(t, "Erased", srv.ArchivedTasks[erikaTask].Properties["hs_task_subject"])
	require.Contains(t, srv.ArchivedTasks, ottoTask)
	assert.Contains(t, srv.ArchivedTasks[ottoTask].Properties["hs_task_body"], "Send the offer", "a deleted lead's task is archived as it was")
	assert.Contains(t, srv.Purged, res[0].RemoteID)
	assert.Contains(t, srv.Archived, res[1].RemoteID)
}

// TestTasksOfAPushAreListedTogether: the contacts' tasks are listed with
// one associations batch read per push, following each contact's paging,
// so a replay of a push of several leads finds every task.
func TestTasksOfAPushAreListedTogether(t *testing.T) {
	srv := hubspottest.New(token, "leadcap_lead_id", "leadcap_details")
	defer srv.Close()
	old := hubspottest.AssocPageSize
	hubspottest.AssocPageSize = 1 // one task per page: paging is followed
	t.Cleanup(func() { hubspottest.AssocPageSize = old })
	c := newConnector(t, srv, token)
	batch := []lead.OutboxEntry{
		withFollowUps(entry("a@example.com"), "2026-12-10", "2026-12-11", "2026-12-12"),
		withFollowUps(entry("b@example.com"), "2026-12-13"),
		entry("c@example.com"), // no follow-up: not listed
	}
	res := c.Push(context.Background(), batch)
	for i := range batch {
		require.NoError(t, res[i].Err)
		batch[i].RemoteID = res[i].RemoteID
	}
	require.Len(t, srv.Tasks(), 4)
	batch[0].Lead.Notes[3].FollowUp = day("2027-01-01")
	res = c.Push(context.Background(), batch)
	for i := range batch {
		require.NoError(t, res[i].Err)
	}
	assert.Len(t, srv.Tasks(), 4, "the replay made no task")
	assert.Equal(t, 4, srv.TaskCreates)
	assert.Equal(t, "2027-01-01T12:00:00.000Z", taskFor(t, srv, res[0].RemoteID, batch[0].Lead.Notes[3]).Properties["hs_timestamp"], "the third page's task was found and moved")
}

// An answer removed after it was delivered (or whose question was taken
// off the event) empties its property at the next delivery: HubSpot
// clears a property set to an empty string. A property the lead never
// answered is left alone, and one answered again gets the new answer.
func TestRemovedAnswersAreClearedInHubSpot(t *testing.T) {
	srv := hubspottest.New(token, "leadcap_lead_id", "leadcap_details", "leadcap_product_line", "leadcap_demo", "leadcap_size")
	defer srv.Close()
	c := newConnector(t, srv, token)
	ctx := context.Background()
	e := entry("erika@example.com")
	product := lead.Question{ID: "q1", Text: "Which product line?", Kind: lead.QuestionChoice, Choices: []string{"drives", "sensors"}, CRMField: "leadcap_product_line"}
	demo := lead.Question{ID: "q2", Text: "Wants a demo?", Kind: lead.QuestionYesNo, CRMField: "leadcap_demo"}
	size := lead.Question{ID: "q3", Text: "Team size?", Kind: lead.QuestionNumber, CRMField: "leadcap_size"}
	e.Event.Questions = []lead.Question{product, demo, size}
	e.Lead.Qualification.Answers = map[string]string{"q1": "drives", "q2": "yes"}
	res := c.Push(ctx, []lead.OutboxEntry{e})
	require.NoError(t, res[0].Err)
	srv.Edit("erika@example.com", "leadcap_size", "40") // sales knows the team size

	// The booth clears the product line; the demo question is removed.
	before := e.Lead.Qualification
	e.Lead.Qualification.Answers = map[string]string{"q2": "yes"}
	e.Lead.Qualification.TrackClearedAnswers(before, e.Event)
	e.Lead.Qualification.ClearAnswer(demo)
	e.Event.Questions = []lead.Question{product, size}
	e.RemoteID, e.Lead.Version = res[0].RemoteID, 2
	res = c.Push(ctx, []lead.OutboxEntry{e})
	require.NoError(t, res[0].Err)
	p := srv.Contacts()["erika@example.com"].Properties
	assert.Equal(t, "", p["leadcap_product_line"], "the cleared answer is cleared in HubSpot")
	assert.Equal(t, "", p["leadcap_demo"], "the removed question's answer is cleared in HubSpot")
	assert.Equal(t, "40", p["leadcap_size"], "a property the lead never answered is not touched")

	// Answered again: the new answer goes there.
	before = e.Lead.Qualification
	e.Lead.Qualification.Answers = map[string]string{"q1": "sensors"}
	e.Lead.Qualification.TrackClearedAnswers(before, e.Event)
	e.Lead.Version = 3
	res = c.Push(ctx, []lead.OutboxEntry{e})
	require.NoError(t, res[0].Err)
	p = srv.Contacts()["erika@example.com"].Properties
	assert.Equal(t, "sensors", p["leadcap_product_line"])
	assert.Equal(t, []string{"leadcap_demo"}, e.Lead.Qualification.ClearCRMFields)
}

// TestTasksOfAPushAreCreatedInBatches: the follow-ups of a push of 100
// new leads become their tasks with the tasks batch create, 100 a
// request, associated inline: a handful of requests instead of one per
// task. A lost reply to a batch create makes no second task: the tasks
// are listed again and only the missing ones created.
func TestTasksOfAPushAreCreatedInBatches(t *testing.T) {
	srv := hubspottest.New(token, "leadcap_lead_id", "leadcap_details")
	defer srv.Close()
	c := newConnector(t, srv, token)
	ctx := context.Background()
	batch := visitors(100, "2026-12-10", "2026-12-11")
	srv.FailTasks(hubspottest.Fault{DropAfterWrite: true}) // the first batch's reply is lost
	res := c.Push(ctx, batch)
	for i := range batch {
		require.NoError(t, res[i].Err)
		batch[i].RemoteID = res[i].RemoteID
		require.Len(t, tasksOf(srv, res[i].RemoteID), 2, "lead %d", i)
	}
	assert.Len(t, srv.Tasks(), 200, "no task twice")
	assert.Equal(t, 100, srv.MaxTaskBatchSeen)
	assert.Equal(t, 200, srv.TaskCreates, "each task asked for once")
	assert.Equal(t, 2, srv.TaskCreateRequests, "two batches; the one whose reply was lost is listed again, not sent again")

	before := srv.AllRequests
	res = c.Push(ctx, batch)
	for i := range batch {
		require.NoError(t, res[i].Err)
	}
	assert.Len(t, srv.Tasks(), 200, "a replay creates nothing")
	assert.Equal(t, 4, srv.AllRequests-before, "upsert, associations, two task reads")
}

// TestTaskRequestsPer100Leads counts the requests of a push of 100 new
// leads with one follow-up each (docs/benchmarks.md).
func TestTaskRequestsPer100Leads(t *testing.T) {
	srv := hubspottest.New(token, "leadcap_lead_id", "leadcap_details")
	defer srv.Close()
	c := newConnector(t, srv, token)
	batch := visitors(100, "2026-12-10")
	for i, r := range c.Push(context.Background(), batch) {
		require.NoError(t, r.Err, "lead %d", i)
	}
	assert.Len(t, srv.Tasks(), 100)
	t.Logf("requests for a push of 100 new leads with a follow-up each: %d (%d task creates)", srv.AllRequests, srv.TaskCreateRequests)
	assert.Equal(t, 3, srv.AllRequests, "contacts upsert, associations read, one tasks batch create")
}

// A batch create HubSpot refuses as a whole (400, nothing created) is sent
// again one contact at a time: only the contact whose task is refused
// again fails, the others get their tasks.
func TestRefusedTaskBatchIsSplitByContact(t *testing.T) {
	srv := hubspottest.New(token, "leadcap_lead_id", "leadcap_details")
	defer srv.Close()
	c := newConnector(t, srv, token)
	batch := []lead.OutboxEntry{
		withFollowUps(entry("a@example.com"), "2026-12-10", "2026-12-11"),
		withFollowUps(entry("b@example.com"), "2026-12-12"),
		withFollowUps(entry("c@example.com"), "2026-12-13"),
	}
	srv.FailTasks(hubspottest.Fault{Status: 400}, hubspottest.Fault{}, hubspottest.Fault{Status: 400})
	res := c.Push(context.Background(), batch)
	require.NoError(t, res[0].Err)
	require.True(t, syncer.IsPermanent(res[1].Err), "%v", res[1].Err)
	require.NoError(t, res[2].Err)
	assert.Len(t, tasksOf(srv, res[0].RemoteID), 2)
	assert.Empty(t, tasksOf(srv, res[1].RemoteID))
	assert.Len(t, tasksOf(srv, res[2].RemoteID), 1)
	assert.Equal(t, 4, srv.TaskCreateRequests, "the batch, then one per contact")
}

// 100 follow-ups marked done go to HubSpot in one tasks batch update, not a
// PATCH each.
func TestTaskUpdatesOfAPushAreBatched(t *testing.T) {
	srv := hubspottest.New(token, "leadcap_lead_id", "leadcap_details")
	defer srv.Close()
	c := newConnector(t, srv, token)
	ctx := context.Background()
	batch := visitors(100, "2026-12-10")
	for i, r := range c.Push(ctx, batch) {
		require.NoError(t, r.Err, "lead %d", i)
		batch[i].RemoteID = r.RemoteID
		require.NoError(t, batch[i].Lead.MarkFollowUpDone(batch[i].Lead.Notes[1].ID, time.Now()))
		batch[i].Lead.Version++
	}
	before := srv.AllRequests
	for i, r := range c.Push(ctx, batch) {
		require.NoError(t, r.Err, "lead %d", i)
	}
	tasks := srv.Tasks()
	require.Len(t, tasks, 100, "no task made twice")
	for _, task := range tasks {
		assert.Equal(t, "COMPLETED", task.Properties["hs_task_status"])
	}
	t.Logf("requests for marking 100 follow-ups done: %d", srv.AllRequests-before)
	assert.Equal(t, 1, srv.TaskUpdateRequests, "one batch update")
	assert.Equal(t, 4, srv.AllRequests-before, "contacts upsert, associations read, tasks read, one tasks batch update")
}
