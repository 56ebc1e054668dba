package salesforce

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/google/uuid"

	"leadcap/syncer"
)

// Follow-ups go to Salesforce as Task records, one per note with a
// follow-up date, on the Lead (WhoId): Subject, ActivityDate (the
// follow-up date), Status (TaskStatusOpen, or TaskStatusDone once the
// follow-up is done in leadcap), Priority "Normal", and a Description that
// ends with the marker line syncer.TaskMarker(note ID). Before creating a
// task the connector queries the Lead's tasks (SOQL on WhoId, which is read
// from the database, not a search index) and updates the one with the
// marker, so a push replayed after a lost reply never makes a second task.
// leadcap never reopens a task closed in Salesforce, and leaves Subject and
// Description alone after creating it.

// taskWorkers is the number of Leads whose tasks are created or updated
// at once within a push.
const taskWorkers = 4

// sfID matches a Salesforce record ID (15 or 18 characters), the only
// value put into a SOQL query.
var sfID = regexp.MustCompile(`^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$`)

type sfTask struct {
	ID           string `json:"Id"`
	WhoID        string `json:"WhoId"`
	ActivityDate string `json:"ActivityDate"`
	Status       string `json:"Status"`
	Description  string `json:"Description"`
}

// taskItem is one Lead of a push whose lead has follow-ups.
type taskItem struct {
	at     int // index into the batch
	leadID string
	want   []syncer.FollowUp
}

// syncTasks creates or updates the tasks of the follow-ups of the Leads
// just written and returns an error per item (nil: done). The tasks of all
// the push's Leads are read with one query (WhoId IN ...), plus one
// request per task that must be created or changed. Items that fail with a
// transient error are tried again after querying their tasks again, so a
// create is only ever sent when the query showed no task with its marker.
func (c *Connector) syncTasks(ctx context.Context, items []taskItem) []error {
	errs := make([]error, len(items))
	todo := make([]int, len(items))
	for k := range items {
		todo[k] = k
	}
	_, _ = syncer.Retry(ctx, c.cfg.Retry, func() (struct{}, error) {
		ids := make([]string, len(todo))
		for j, k := range todo {
			ids[j] = items[k].leadID
		}
		have, err := c.tasksOfMany(ctx, ids)
		if err != nil {
			for _, k := range todo {
				errs[k] = err
			}
			return struct{}{}, err
		}
		var wg sync.WaitGroup
		sem := make(chan struct{}, taskWorkers)
		for _, k := range todo {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				errs[k] = c.applyTasks(ctx, items[k].leadID, items[k].want, have[items[k].leadID])
			}()
		}
		wg.Wait()
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

func (c *Connector) applyTasks(ctx context.Context, leadID string, want []syncer.FollowUp, have map[uuid.UUID]sfTask) error {
	base := "/services/data/" + c.cfg.APIVersion + "/sobjects/Task/"
	for _, f := range want {
		due := f.Due.Format("2006-01-02")
		t, ok := have[f.NoteID]
		if !ok {
			status := c.cfg.TaskStatusOpen
			if f.Done {
				status = c.cfg.TaskStatusDone
			}
			body, _ := json.Marshal(map[string]any{
				"WhoId": leadID, "Subject": f.Subject, "ActivityDate": due, "Status": status,
				"Priority": "Normal", "Description": f.Body,
			})
			// Sent once: after a lost reply the caller queries the tasks again.
			r, err := c.do(ctx, http.MethodPost, base, body)
			if err != nil {
				return err
			}
			if r.Status != http.StatusCreated {
				return c.statusError(r)
			}
			continue
		}
		p := map[string]any{}
		if t.ActivityDate != due {
			p["ActivityDate"] = due
		}
		if f.Done && t.Status != c.cfg.TaskStatusDone {
			p["Status"] = c.cfg.TaskStatusDone
		}
		if len(p) == 0 {
			continue
		}
		body, _ := json.Marshal(p)
		if err := c.ok2xx(c.retry(ctx, http.MethodPatch, base+url.PathEscape(t.ID), body)); err != nil {
			return err
		}
	}
	return nil
}

// tasksOf returns leadcap's tasks on the Lead by note ID.
func (c *Connector) tasksOf(ctx context.Context, leadID string) (map[uuid.UUID]sfTask, error) {
	m, err := c.tasksOfMany(ctx, []string{leadID})
	return m[leadID], err
}

// tasksOfMany returns leadcap's tasks of each Lead by note ID, with one
// SOQL query per 200 Leads (following nextRecordsUrl).
func (c *Connector) tasksOfMany(ctx context.Context, leadIDs []string) (map[string]map[uuid.UUID]sfTask, error) {
	out := map[string]map[uuid.UUID]sfTask{}
	for len(leadIDs) > 0 {
		n := min(len(leadIDs), MaxBatch)
		quoted := make([]string, n)
		for i, id := range leadIDs[:n] {
			if !sfID.MatchString(id) {
				return nil, syncer.Permanent(fmt.Sprintf("Salesforce: %q is not a record ID", id))
			}
			quoted[i] = "'" + id + "'"
		}
		leadIDs = leadIDs[n:]
		q := "SELECT Id, WhoId, ActivityDate, Status, Description FROM Task WHERE WhoId IN (" + strings.Join(quoted, ", ") + ")"
		path := "/services/data/" + c.cfg.APIVersion + "/query?q=" + url.QueryEscape(q)
		for path != "" {
			r, err := c.retry(ctx, http.MethodGet, path, nil)
			if err != nil {
				return nil, err
			}
			if r.Status != http.StatusOK {
				return nil, c.statusError(r)
			}
			var page struct {
				Done           bool     `json:"done"`
				NextRecordsURL string   `json:"nextRecordsUrl"`
				Records        []sfTask `json:"records"`
			}
			if err := json.Unmarshal(r.Body, &page); err != nil {
				return nil, syncer.Transient(fmt.Errorf("Salesforce: unreadable query result (%v): %s", err, syncer.Snippet(r.Body)), 0)
			}
			for _, t := range page.Records {
				if note, ok := syncer.MarkedNote(t.Description); ok {
					if out[t.WhoID] == nil {
						out[t.WhoID] = map[uuid.UUID]sfTask{}
					}
					out[t.WhoID][note] = t
				}
			}
			path = ""
			if !page.Done && strings.HasPrefix(page.NextRecordsURL, "/services/data/") {
				path = page.NextRecordsURL
			}
		}
	}
	return out, nil
}

// removeTasks deletes leadcap's tasks on the Lead; for an erasure each is
// first overwritten (Subject "Erased", no Description) so the recycle
// bin's copy holds nothing about the person. A task already gone counts as
// removed.
func (c *Connector) removeTasks(ctx context.Context, leadID string, erase bool) error {
	have, err := c.tasksOf(ctx, leadID)
	if err != nil {
		return err
	}
	base := "/services/data/" + c.cfg.APIVersion + "/sobjects/Task/"
	for _, t := range have {
		if erase {
			body, _ := json.Marshal(map[string]any{"Subject": "Erased", "Description": nil})
			if err := c.ok(c.retry(ctx, http.MethodPatch, base+url.PathEscape(t.ID), body)); err != nil {
				return err
			}
		}
		if err := c.ok(c.retry(ctx, http.MethodDelete, base+url.PathEscape(t.ID), nil)); err != nil {
			return err
		}
	}
	return nil
}

// ok2xx takes only 2xx as done.
func (c *Connector) ok2xx(r syncer.Reply, err error) error {
	switch {
	case err != nil:
		return err
	case r.Status/100 == 2:
		return nil
	}
	return c.statusError(r)
}
