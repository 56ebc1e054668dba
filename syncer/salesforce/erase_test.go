package salesforce_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
)

func TestEraseOverwritesThenDeletesAndDeleteRemovesAliases(t *testing.T) {
	srv := newServer()
	defer srv.Close()
	c := newConnector(t, srv, token, nil)
	ctx := context.Background()
	erika, otto, alias, keep := entry("Mustermann", "Muster GmbH"), entry("Normalverbraucher", "Otto AG"),
		entry("Alias", "Otto AG"), entry("Bleibt", "Keep AG")
	res := c.Push(ctx, []lead.OutboxEntry{erika, otto, alias, keep})
	for _, r := range res {
		require.NoError(t, r.Err)
	}
	erase := lead.OutboxEntry{Op: lead.OpErase, RemoteID: res[0].RemoteID, Lead: lead.Lead{ID: erika.Lead.ID, Version: 2}}
	del := lead.OutboxEntry{Op: lead.OpDelete, RemoteID: res[1].RemoteID,
		Lead: lead.Lead{ID: otto.Lead.ID, Version: 2, Aliases: []uuid.UUID{alias.Lead.ID}}}
	for range 2 { // a replay finds the Leads gone (404) and succeeds
		out := c.Push(ctx, []lead.OutboxEntry{erase, del})
		for i, r := range out {
			require.NoError(t, r.Err, "entry %d", i)
		}
	}
	leads := srv.Leads()
	assert.Len(t, leads, 1)
	assert.Contains(t, leads, keep.Lead.ID.String())
	binned := srv.RecycleBin[erika.Lead.ID.String()]
	require.NotNil(t, binned, "the erased Lead was deleted")
	assert.Equal(t, "Erased", binned["LastName"])
	assert.NotContains(t, binned, "Email", "the recycle bin's copy holds no email")
	assert.NotContains(t, binned, "Leadcap_Details__c")
	assert.Equal(t, "erika@example.com", srv.RecycleBin[otto.Lead.ID.String()]["Email"], "a deletion is not an erasure")
	assert.Contains(t, srv.RecycleBin, alias.Lead.ID.String(), "the Lead made under the alias went too")
}
