package salesforce

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/google/uuid"

	"leadcap/lead"
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

// sfID matches a Salesforce record ID (15 or 18 characters), the only
// value put into a SOQL query.
var sfID = regexp.MustCompile(`^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$`)

type sfTask struct {
	ID           string `json:"Id"`
	ActivityDate string `json:"ActivityDate"`
	Status       string `json:"Status"`
	Description  string `json:"Description"`
}

func (c *Connector) syncTasks(ctx context.Context, leadID string, e lead.OutboxEntry) error {
	want := syncer.FollowUps(e)
	if len(want) == 0 {
		return nil
	}
	_, err := syncer.Retry(ctx, c.cfg.Retry, func() (struct{}, error) {
		return struct{}{}, c.syncTasksOnce(ctx, leadID, want)
	})
	return err
}

func (c *Connector) syncTasksOnce(ctx context.Context, leadID string, want []syncer.FollowUp) error {
	have, err := c.tasksOf(ctx, leadID)
	if err != nil {
		return err
	}
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
	if !sfID.MatchString(leadID) {
		return nil, syncer.Permanent(fmt.Sprintf("Salesforce: %q is not a record ID", leadID))
	}
	q := "SELECT Id, ActivityDate, Status, Description FROM Task WHERE WhoId = '" + leadID + "'"
	path := "/services/data/" + c.cfg.APIVersion + "/query?q=" + url.QueryEscape(q)
	out := map[uuid.UUID]sfTask{}
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
				out[note] = t
			}
		}
		path = ""
		if !page.Done && strings.HasPrefix(page.NextRecordsURL, "/services/data/") {
			path = page.NextRecordsURL
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
