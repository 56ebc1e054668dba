package hubspot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"leadcap/syncer"
)

// Follow-ups go to HubSpot as tasks (CRM v3 tasks object), one per note
// with a follow-up date, associated with the contact (association type 204,
// task to contact). The task's body ends with the marker line
// syncer.TaskMarker(note ID); before creating tasks the connector lists the
// tasks of every contact of the push (v4 associations, then a batch read)
// and updates the one that carries the marker; the missing ones are created
// with the tasks batch create (100 a request, the association inline), each
// request sent once, so a push replayed after a lost reply never makes a
// second task. The due date is hs_timestamp, the follow-up date at
// 12:00 UTC (the same calendar day from UTC-11 to UTC+11); a follow-up
// marked done sets hs_task_status COMPLETED. leadcap never reopens a task
// completed in HubSpot, and leaves subject and body alone after creating
// the task.

// taskToContact is HubSpot's default association type from a task to a
// contact.
const taskToContact = 204

var taskProps = []string{"hs_task_subject", "hs_task_body", "hs_task_status", "hs_timestamp"}

// task is a HubSpot task of leadcap's, found by its marker.
type task struct {
	ID    string
	Props map[string]string
}

// dueTimestamp is the hs_timestamp of a follow-up date.
func dueTimestamp(d time.Time) string {
	return d.Add(12 * time.Hour).UTC().Format("2006-01-02T15:04:05.000Z")
}

// sameDay reports whether HubSpot's hs_timestamp (ISO 8601 or Unix
// milliseconds) falls on the follow-up's date in UTC.
func sameDay(hs string, due time.Time) bool {
	t, err := time.Parse(time.RFC3339Nano, hs)
	if err != nil {
		var ms int64
		if _, err := fmt.Sscan(hs, &ms); err != nil {
			return false
		}
		t = time.UnixMilli(ms)
	}
	return t.UTC().Format(time.DateOnly) == due.Format(time.DateOnly)
}

// taskItem is one contact of a push whose lead has follow-ups.
type taskItem struct {
	at      int // index into the batch
	contact string
	want    []syncer.FollowUp
}

// syncTasks creates or updates the tasks of the follow-ups of the
// contacts just written and returns an error per item (nil: done). The
// tasks of all contacts are listed at once (v4 associations batch read,
// then a tasks batch read), the missing ones are created with the tasks
// batch create, up to 100 a request, the association to the contact
// inline: three requests for a push of up to 100 new leads; the tasks whose
// due date or done state changed go with the tasks batch update, up to 100
// a request (four requests when 100 follow-ups are marked done). Items that fail with a
// transient error are tried again, after listing their tasks again, so a
// create is only ever sent when the list showed no task with its marker
// (a lost reply to a batch create makes no second task).
func (c *Connector) syncTasks(ctx context.Context, items []taskItem) []error {
	errs := make([]error, len(items))
	todo := make([]int, len(items))
	for k := range items {
		todo[k] = k
	}
	_, _ = syncer.Retry(ctx, c.cfg.Retry, func() (struct{}, error) {
		contacts := make([]string, len(todo))
		for j, k := range todo {
			contacts[j] = items[k].contact
		}
		have, err := c.tasksOfMany(ctx, contacts)
		if err != nil {
			for _, k := range todo {
				errs[k] = err
			}
			return struct{}{}, err
		}
		var updates []taskUpdate
		var creates []taskCreate
		for _, k := range todo {
			errs[k] = nil
			missing, changed := taskChanges(items[k].want, have[items[k].contact])
			for _, u := range changed {
				u.item = k
				updates = append(updates, u)
			}
			for _, f := range missing {
				creates = append(creates, taskCreate{item: k, contact: items[k].contact, f: f})
			}
		}
		c.updateTasks(ctx, updates, errs)
		creates = slices.DeleteFunc(creates, func(tc taskCreate) bool { return errs[tc.item] != nil })
		c.createTasks(ctx, creates, errs)
		var again []int
		var last error
		for _, k := range todo {
			if errs[k] != nil && syncer.IsTransient(errs[k]) {
				again, last = append(again, k), errs[k]
			}
		}
		todo = again
		return struct{}{}, last
	})
	return errs
}

// taskUpdate is a change to one of leadcap's tasks: of the contact of
// items[item].
type taskUpdate struct {
	item  int
	id    string
	props map[string]string
}

// taskChanges compares the follow-ups a lead wants with the tasks its
// contact has: the follow-ups without a task yet, and the tasks whose due
// date or done state changed.
func taskChanges(want []syncer.FollowUp, have map[uuid.UUID]task) (missing []syncer.FollowUp, changed []taskUpdate) {
	for _, f := range want {
		t, ok := have[f.NoteID]
		if !ok {
			missing = append(missing, f)
			continue
		}
		p := map[string]string{}
		if !sameDay(t.Props["hs_timestamp"], f.Due) {
			p["hs_timestamp"] = dueTimestamp(f.Due)
		}
		if f.Done && t.Props["hs_task_status"] != "COMPLETED" {
			p["hs_task_status"] = "COMPLETED"
		}
		if len(p) > 0 {
			changed = append(changed, taskUpdate{id: t.ID, props: p})
		}
	}
	return missing, changed
}

// updateTasks sends the changes with the tasks batch update, MaxBatch a
// request (an update is the same however often it is sent, so a request
// is retried), and records a failure in errs under the item it belongs
// to: the whole request's under each of its items, a task HubSpot no
// longer has under its own.
func (c *Connector) updateTasks(ctx context.Context, updates []taskUpdate, errs []error) {
	type input struct {
		ID         string            `json:"id"`
		Properties map[string]string `json:"properties"`
	}
	for len(updates) > 0 {
		n := min(len(updates), MaxBatch)
		chunk := updates[:n]
		updates = updates[n:]
		inputs := make([]input, n)
		byID := map[string]int{}
		for i, u := range chunk {
			inputs[i] = input{u.id, u.props}
			byID[u.id] = u.item
		}
		body, _ := json.Marshal(map[string]any{"inputs": inputs})
		r, err := c.retry(ctx, http.MethodPost, "/crm/v3/objects/tasks/batch/update", body)
		if err == nil {
			switch r.Status {
			case http.StatusOK:
				continue
			case http.StatusMultiStatus:
				var br struct {
					Errors []apiError `json:"errors"`
				}
				if jerr := json.Unmarshal(r.Body, &br); jerr != nil {
					err = syncer.Transient(fmt.Errorf("HubSpot: unreadable reply to updating tasks (%v): %s", jerr, syncer.Snippet(r.Body)), 0)
					break
				}
				for _, e := range br.Errors {
					for _, id := range e.Context["ids"] {
						if k, ok := byID[id]; ok {
							errs[k] = syncer.Permanent("HubSpot: a follow-up task could not be updated: " + e.text())
						}
					}
				}
				continue
			default:
				err = c.statusError(r)
			}
		}
		for _, u := range chunk {
			errs[u.item] = err
		}
	}
}

// taskCreate is a task to create: a follow-up of the contact of items[item].
type taskCreate struct {
	item    int
	contact string
	f       syncer.FollowUp
}

// createTasks creates the tasks with the tasks batch create, MaxBatch a
// request, and records a failure in errs under the item it belongs to.
// Each request is sent once: after a lost reply the caller lists the tasks
// again. A batch HubSpot refuses as a whole (400, which creates nothing)
// that holds several contacts' tasks is sent again one contact at a time,
// so one contact's bad task does not hold back the others.
func (c *Connector) createTasks(ctx context.Context, creates []taskCreate, errs []error) {
	for len(creates) > 0 {
		n := min(len(creates), MaxBatch)
		chunk := creates[:n]
		creates = creates[n:]
		err := c.createTaskBatch(ctx, chunk, errs)
		if err == nil {
			continue
		}
		byItem := map[int][]taskCreate{}
		var order []int
		for _, tc := range chunk {
			if _, seen := byItem[tc.item]; !seen {
				order = append(order, tc.item)
			}
			byItem[tc.item] = append(byItem[tc.item], tc)
		}
		if syncer.IsPermanent(err) && len(order) > 1 {
			for _, k := range order {
				if err := c.createTaskBatch(ctx, byItem[k], errs); err != nil {
					errs[k] = err
				}
			}
			continue
		}
		for _, k := range order {
			errs[k] = err
		}
	}
}

// createTaskBatch sends one batch create. An error of the whole request is
// returned; the errors of single tasks in a 207 reply go into errs.
func (c *Connector) createTaskBatch(ctx context.Context, chunk []taskCreate, errs []error) error {
	type assoc struct {
		To    map[string]any   `json:"to"`
		Types []map[string]any `json:"types"`
	}
	type input struct {
		Properties         map[string]string `json:"properties"`
		Associations       []assoc           `json:"associations"`
		ObjectWriteTraceID string            `json:"objectWriteTraceId"`
	}
	inputs := make([]input, len(chunk))
	byTrace := map[string]int{}
	for i, tc := range chunk {
		id, err := json.Number(tc.contact).Int64()
		if err != nil {
			return syncer.Permanent(fmt.Sprintf("HubSpot: the contact ID %q is not a number", tc.contact))
		}
		status := "NOT_STARTED"
		if tc.f.Done {
			status = "COMPLETED"
		}
		trace := tc.f.NoteID.String()
		byTrace[trace] = tc.item
		inputs[i] = input{
			Properties: map[string]string{
				"hs_timestamp": dueTimestamp(tc.f.Due), "hs_task_subject": tc.f.Subject, "hs_task_body": tc.f.Body,
				"hs_task_status": status, "hs_task_type": "TODO",
			},
			Associations: []assoc{{
				To:    map[string]any{"id": id},
				Types: []map[string]any{{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": taskToContact}},
			}},
			ObjectWriteTraceID: trace,
		}
	}
	body, _ := json.Marshal(map[string]any{"inputs": inputs})
	// Sent once: after a lost reply the caller lists the tasks again.
	r, err := c.do(ctx, http.MethodPost, "/crm/v3/objects/tasks/batch/create", body)
	if err != nil {
		return err
	}
	switch r.Status {
	case http.StatusCreated, http.StatusOK:
		return nil
	case http.StatusMultiStatus:
		var br struct {
			Errors []apiError `json:"errors"`
		}
		if err := json.Unmarshal(r.Body, &br); err != nil {
			return syncer.Transient(fmt.Errorf("HubSpot: unreadable reply to creating tasks (%v): %s", err, syncer.Snippet(r.Body)), 0)
		}
		for _, e := range br.Errors {
			for _, trace := range e.Context["objectWriteTraceId"] {
				if k, ok := byTrace[trace]; ok {
					errs[k] = syncer.Permanent("HubSpot: a follow-up task was refused: " + e.text())
				}
			}
		}
		return nil
	}
	return c.statusError(r)
}

// tasksOf returns leadcap's tasks on the contact by note ID; a contact that
// no longer exists has none. Removals use it, one contact at a time.
func (c *Connector) tasksOf(ctx context.Context, contactID string) (map[uuid.UUID]task, error) {
	var ids []string
	after := ""
	for {
		path := "/crm/v4/objects/contacts/" + url.PathEscape(contactID) + "/associations/tasks?limit=500"
		if after != "" {
			path += "&after=" + url.QueryEscape(after)
		}
		r, err := c.retry(ctx, http.MethodGet, path, nil)
		if err != nil {
			return nil, err
		}
		if r.Status == http.StatusNotFound {
			return nil, nil
		}
		if r.Status != http.StatusOK {
			return nil, c.statusError(r)
		}
		var page struct {
			Results []struct {
				ToObjectID json.RawMessage `json:"toObjectId"`
			} `json:"results"`
			Paging struct {
				Next struct {
					After string `json:"after"`
				} `json:"next"`
			} `json:"paging"`
		}
		if err := json.Unmarshal(r.Body, &page); err != nil {
			return nil, syncer.Transient(fmt.Errorf("HubSpot: unreadable list of tasks (%v): %s", err, syncer.Snippet(r.Body)), 0)
		}
		for _, res := range page.Results {
			ids = append(ids, strings.Trim(string(bytes.TrimSpace(res.ToObjectID)), `"`))
		}
		if after = page.Paging.Next.After; after == "" {
			break
		}
	}
	byTask, err := c.readTasks(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := map[uuid.UUID]task{}
	for _, t := range byTask {
		if note, ok := syncer.MarkedNote(t.Props["hs_task_body"]); ok {
			out[note] = t
		}
	}
	return out, nil
}

// tasksOfMany returns leadcap's tasks of each contact by note ID, read with
// the v4 associations batch read (a contact without tasks may come back as
// an error of a 207 reply, or not at all) and the tasks batch read.
func (c *Connector) tasksOfMany(ctx context.Context, contacts []string) (map[string]map[uuid.UUID]task, error) {
	type input struct {
		ID    string `json:"id"`
		After string `json:"after,omitempty"`
	}
	var ins []input
	for _, id := range contacts {
		ins = append(ins, input{ID: id})
	}
	owner := map[string][]string{} // task ID -> contacts
	var taskIDs []string
	for len(ins) > 0 {
		n := min(len(ins), MaxBatch)
		body, _ := json.Marshal(map[string]any{"inputs": ins[:n]})
		ins = ins[n:]
		r, err := c.retry(ctx, http.MethodPost, "/crm/v4/associations/contacts/tasks/batch/read", body)
		if err != nil {
			return nil, err
		}
		if r.Status != http.StatusOK && r.Status != http.StatusMultiStatus {
			return nil, c.statusError(r)
		}
		var br struct {
			Results []struct {
				From struct {
					ID string `json:"id"`
				} `json:"from"`
				To []struct {
					ToObjectID json.RawMessage `json:"toObjectId"`
				} `json:"to"`
				Paging struct {
					Next struct {
						After string `json:"after"`
					} `json:"next"`
				} `json:"paging"`
			} `json:"results"`
		}
		if err := json.Unmarshal(r.Body, &br); err != nil {
			return nil, syncer.Transient(fmt.Errorf("HubSpot: unreadable associations (%v): %s", err, syncer.Snippet(r.Body)), 0)
		}
		for _, res := range br.Results {
			for _, to := range res.To {
				id := strings.Trim(string(bytes.TrimSpace(to.ToObjectID)), `"`)
				if len(owner[id]) == 0 {
					taskIDs = append(taskIDs, id)
				}
				owner[id] = append(owner[id], res.From.ID)
			}
			if a := res.Paging.Next.After; a != "" {
				ins = append(ins, input{ID: res.From.ID, After: a})
			}
		}
	}
	byTask, err := c.readTasks(ctx, taskIDs)
	if err != nil {
		return nil, err
	}
	out := map[string]map[uuid.UUID]task{}
	for id, t := range byTask {
		note, ok := syncer.MarkedNote(t.Props["hs_task_body"])
		if !ok {
			continue
		}
		for _, contact := range owner[id] {
			if out[contact] == nil {
				out[contact] = map[uuid.UUID]task{}
			}
			out[contact][note] = t
		}
	}
	return out, nil
}

// readTasks reads the tasks with the IDs, 100 a request; tasks deleted
// meanwhile are left out.
func (c *Connector) readTasks(ctx context.Context, ids []string) (map[string]task, error) {
	out := map[string]task{}
	for len(ids) > 0 {
		n := min(len(ids), MaxBatch)
		inputs := make([]map[string]string, n)
		for i, id := range ids[:n] {
			inputs[i] = map[string]string{"id": id}
		}
		ids = ids[n:]
		body, _ := json.Marshal(map[string]any{"properties": taskProps, "inputs": inputs})
		r, err := c.retry(ctx, http.MethodPost, "/crm/v3/objects/tasks/batch/read", body)
		if err != nil {
			return nil, err
		}
		// 207: some tasks were deleted meanwhile; the others are read.
		if r.Status != http.StatusOK && r.Status != http.StatusMultiStatus {
			return nil, c.statusError(r)
		}
		var br struct {
			Results []struct {
				ID         string            `json:"id"`
				Properties map[string]string `json:"properties"`
			} `json:"results"`
		}
		if err := json.Unmarshal(r.Body, &br); err != nil {
			return nil, syncer.Transient(fmt.Errorf("HubSpot: unreadable tasks (%v): %s", err, syncer.Snippet(r.Body)), 0)
		}
		for _, t := range br.Results {
			out[t.ID] = task{ID: t.ID, Props: t.Properties}
		}
	}
	return out, nil
}

// removeTasks deletes leadcap's tasks on the contact before the contact is
// removed; for an erasure each task is first emptied (subject "Erased", no
// body), so the copy HubSpot keeps of an archived task holds nothing about
// the person. A task already gone counts as removed.
func (c *Connector) removeTasks(ctx context.Context, contactID string, erase bool) error {
	have, err := c.tasksOf(ctx, contactID)
	if err != nil {
		return err
	}
	for _, t := range have {
		path := "/crm/v3/objects/tasks/" + url.PathEscape(t.ID)
		if erase {
			body, _ := json.Marshal(map[string]any{"properties": map[string]string{"hs_task_subject": "Erased", "hs_task_body": ""}})
			if err := c.gone(c.retry(ctx, http.MethodPatch, path, body)); err != nil {
				return err
			}
		}
		if err := c.gone(c.retry(ctx, http.MethodDelete, path, nil)); err != nil {
			return err
		}
	}
	return nil
}

// gone takes 2xx and 404 (nothing left) as done.
func (c *Connector) gone(r syncer.Reply, err error) error {
	switch {
	case err != nil:
		return err
	case r.Status/100 == 2, r.Status == http.StatusNotFound:
		return nil
	}
	return c.statusError(r)
}
