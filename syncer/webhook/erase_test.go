package webhook_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
	"leadcap/syncer/webhook"
)

func TestEraseIsASignedEventWithoutPersonalData(t *testing.T) {
	rc, srv := newReceiver()
	defer srv.Close()
	c := connector(t, srv.URL, secret)
	ctx := context.Background()
	up, other := entry("erika@example.com"), entry("otto@example.com")
	alias := uuid.New()
	up.Lead.Aliases = []uuid.UUID{alias}
	for _, r := range c.Push(ctx, []lead.OutboxEntry{up, other}) {
		require.NoError(t, r.Err)
	}
	assert.Equal(t, []uuid.UUID{alias}, rc.leads[up.Lead.ID].Aliases, "an upsert names the aliases")

	erase := lead.OutboxEntry{Op: lead.OpErase, RemoteID: "wh-1",
		Lead: lead.Lead{ID: up.Lead.ID, EventID: up.Lead.EventID, Version: 2, Aliases: up.Lead.Aliases}}
	body, err := webhook.Marshal(erase)
	require.NoError(t, err)
	assert.NotContains(t, string(body), "Erika")
	var doc map[string]any
	require.NoError(t, json.Unmarshal(body, &doc))
	assert.NotContains(t, doc, "lead")
	assert.NotContains(t, doc, "event")

	for range 2 { // a replay is answered 409: done, not sent again as new
		res := c.Push(ctx, []lead.OutboxEntry{erase})
		require.NoError(t, res[0].Err)
	}
	got, ok := rc.removed[up.Lead.ID]
	require.True(t, ok, "the receiver got the erasure (signature checked by the receiver)")
	assert.Equal(t, "lead.erase", got.Type)
	assert.Equal(t, int64(2), got.Version)
	assert.Equal(t, "wh-1", got.RemoteID)
	assert.NotContains(t, rc.leads, up.Lead.ID)
	assert.Contains(t, rc.leads, other.Lead.ID)

	del := erase
	del.Op, del.Lead.ID = lead.OpDelete, other.Lead.ID
	require.NoError(t, c.Push(ctx, []lead.OutboxEntry{del})[0].Err)
	assert.Equal(t, "lead.delete", rc.removed[other.Lead.ID].Type)
	assert.Empty(t, rc.leads)
}
