package hubspot

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"leadcap/lead"
	"leadcap/syncer"
)

// pushRemovals removes the contacts of deleted and erased leads by their
// HubSpot ID (the entry's RemoteID), after their follow-up tasks
// (removeTasks): a deletion archives the contact
// (DELETE /crm/v3/objects/contacts/{id}, restorable in HubSpot for 90
// days), an erasure deletes it for good with HubSpot's GDPR delete (POST
// /crm/v3/objects/contacts/gdpr-delete), which also removes its
// associations and history. A lead this device never delivered has no
// RemoteID and nothing to remove here; a contact already gone (404) counts
// as removed, so a replay is harmless.
func (c *Connector) pushRemovals(ctx context.Context, batch []lead.OutboxEntry) []syncer.Result {
	res := make([]syncer.Result, len(batch))
	for i, e := range batch {
		res[i] = syncer.Result{LeadID: e.Lead.ID, Version: e.Lead.Version}
		if e.RemoteID == "" {
			continue
		}
		if err := c.removeTasks(ctx, e.RemoteID, e.Op == lead.OpErase); err != nil {
			res[i].Err = err
			continue
		}
		var r syncer.Reply
		var err error
		if e.Op == lead.OpErase {
			body, _ := json.Marshal(map[string]string{"objectId": e.RemoteID})
			r, err = c.retry(ctx, http.MethodPost, "/crm/v3/objects/contacts/gdpr-delete", body)
		} else {
			r, err = c.retry(ctx, http.MethodDelete, "/crm/v3/objects/contacts/"+url.PathEscape(e.RemoteID), nil)
		}
		switch {
		case err != nil:
			res[i].Err = err
		case r.Status/100 == 2, r.Status == http.StatusNotFound:
		default:
			res[i].Err = c.statusError(r)
		}
	}
	return res
}
