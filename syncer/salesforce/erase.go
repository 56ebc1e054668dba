package salesforce

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"leadcap/lead"
	"leadcap/syncer"
)

// anonymous is what an erased Lead is overwritten with before it is
// deleted: LastName and Company are required, everything else personal is
// cleared. Salesforce keeps a deleted record in the recycle bin for 15
// days; overwritten first, that copy holds nothing about the person.
var anonymous = map[string]any{
	"FirstName": nil, "LastName": "Erased", "Company": "Erased", "Title": nil, "Email": nil, "Phone": nil,
	"MobilePhone": nil, "Website": nil, "Street": nil, "City": nil, "State": nil, "PostalCode": nil,
	"Country": nil, "Description": nil,
}

// pushRemovals deletes the Leads of deleted and erased leads by external
// ID (the lead's UUID and each alias: DELETE
// /services/data/vXX.X/sobjects/Lead/{field}/{value}); for an erasure the
// Lead is first overwritten (PATCH /sobjects/Lead/{id}) so the recycle
// bin's copy is anonymous. leadcap's follow-up tasks on the Lead go first
// (removeTasks). A Lead already gone (404) counts as removed.
func (c *Connector) pushRemovals(ctx context.Context, batch []lead.OutboxEntry) []syncer.Result {
	res := make([]syncer.Result, len(batch))
	for i, e := range batch {
		res[i] = syncer.Result{LeadID: e.Lead.ID, Version: e.Lead.Version}
		res[i].Err = c.remove(ctx, e)
	}
	return res
}

func (c *Connector) remove(ctx context.Context, e lead.OutboxEntry) error {
	base := "/services/data/" + c.cfg.APIVersion + "/sobjects/Lead/"
	if e.RemoteID != "" {
		if err := c.removeTasks(ctx, e.RemoteID, e.Op == lead.OpErase); err != nil {
			return err
		}
	}
	if e.Op == lead.OpErase && e.RemoteID != "" {
		blank := map[string]any{}
		for k, v := range anonymous {
			blank[k] = v
		}
		if c.cfg.DetailsField != "" {
			blank[c.cfg.DetailsField] = nil
		}
		body, _ := json.Marshal(blank)
		if err := c.ok(c.retry(ctx, http.MethodPatch, base+url.PathEscape(e.RemoteID), body)); err != nil {
			return err
		}
	}
	ids := []string{e.Lead.ID.String()}
	for _, a := range e.Lead.Aliases {
		ids = append(ids, a.String())
	}
	for _, id := range ids {
		path := base + url.PathEscape(c.cfg.ExternalIDField) + "/" + url.PathEscape(id)
		if err := c.ok(c.retry(ctx, http.MethodDelete, path, nil)); err != nil {
			return err
		}
	}
	return nil
}

// ok takes 2xx and 404 (nothing left to remove) as done.
func (c *Connector) ok(r syncer.Reply, err error) error {
	switch {
	case err != nil:
		return err
	case r.Status/100 == 2, r.Status == http.StatusNotFound:
		return nil
	}
	return c.statusError(r)
}
