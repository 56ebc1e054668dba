package hubspot_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
	"leadcap/syncer/hubspot/hubspottest"
)

func TestEraseUsesGDPRDeleteAndDeleteArchives(t *testing.T) {
	srv := hubspottest.New(token, "leadcap_lead_id", "leadcap_details")
	defer srv.Close()
	c := newConnector(t, srv, token)
	ctx := context.Background()
	erika, otto, keep := entry("erika@example.com"), entry("otto@example.com"), entry("keep@example.com")
	res := c.Push(ctx, []lead.OutboxEntry{erika, otto, keep})
	for _, r := range res {
		require.NoError(t, r.Err)
	}
	removal := func(e lead.OutboxEntry, op lead.Op, remoteID string) lead.OutboxEntry {
		return lead.OutboxEntry{Op: op, RemoteID: remoteID, Lead: lead.Lead{ID: e.Lead.ID, Version: 2}}
	}
	never := removal(entry(""), lead.OpErase, "") // never delivered: nothing to remove
	batch := []lead.OutboxEntry{removal(erika, lead.OpErase, res[0].RemoteID), keep, removal(otto, lead.OpDelete, res[1].RemoteID), never}
	keep.Lead.Version = 2
	batch[1] = keep
	for range 2 { // a replay finds the contacts gone (404 / 204) and succeeds
		out := c.Push(ctx, batch)
		require.Len(t, out, 4)
		for i, r := range out {
			require.NoError(t, r.Err, "entry %d", i)
			assert.Equal(t, batch[i].Lead.ID, r.LeadID)
		}
	}
	assert.Contains(t, srv.Purged, res[0].RemoteID, "the erased contact went through gdpr-delete")
	assert.Contains(t, srv.Archived, res[1].RemoteID, "the deleted contact was archived")
	contacts := srv.Contacts()
	assert.Len(t, contacts, 1)
	assert.Contains(t, contacts, "keep@example.com")
}
