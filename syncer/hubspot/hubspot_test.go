package hubspot_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
	"leadcap/syncer"
	"leadcap/syncer/hubspot"
	"leadcap/syncer/hubspot/hubspottest"
	"leadcap/syncer/syncertest"
)

const token = "pat-eu1-test"

func newConnector(t *testing.T, srv *hubspottest.Server, tok string) *hubspot.Connector {
	return newConnectorAt(t, srv.URL, tok, syncer.RetryPolicy{})
}

// newConnectorAt builds a connector to url with the retry policy p
// (syncer.NoRetry: every failure reaches the caller).
func newConnectorAt(t *testing.T, url, tok string, p syncer.RetryPolicy) *hubspot.Connector {
	t.Helper()
	c, err := hubspot.New(hubspot.Config{BaseURL: url, Token: tok, DetailsProperty: "leadcap_details", Retry: p})
	require.NoError(t, err)
	return c
}

func entry(email string) lead.OutboxEntry {
	l := lead.New(uuid.Nil, lead.MethodQRScan, time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC))
	l.Version = 1
	l.Contact = lead.Contact{FullName: "Erika Mustermann", GivenName: "Erika", FamilyName: "Mustermann", Organization: "Beispiel GmbH",
		Phones: []lead.Phone{{Number: "+4930123456", Kind: "work"}, {Number: "+491701234567", Kind: "mobile"}}}
	if email != "" {
		l.Contact.Emails = []string{email}
	}
	return lead.OutboxEntry{Lead: *l, Event: lead.Event{Name: "Hannover Messe 2026"}}
}

func TestUpsertCreatesThenUpdatesOnlyOwnedFields(t *testing.T) {
	srv := hubspottest.New(token, "leadcap_lead_id", "leadcap_details")
	defer srv.Close()
	c := newConnector(t, srv, token)
	ctx := context.Background()
	require.NoError(t, c.Probe(ctx))

	e := entry("erika@example.com")
	res := c.Push(ctx, []lead.OutboxEntry{e})
	require.Len(t, res, 1)
	require.NoError(t, res[0].Err)
	require.NotEmpty(t, res[0].RemoteID)
	got := srv.Contacts()["erika@example.com"]
	assert.Equal(t, map[string]string{
		"email": "erika@example.com", "firstname": "Erika", "lastname": "Mustermann", "company": "Beispiel GmbH",
		"phone": "+4930123456", "mobilephone": "+491701234567", "lifecyclestage": "lead",
		"leadcap_lead_id": e.Lead.ID.String(), "leadcap_details": syncer.Details(e),
	}, got.Properties)

	// A HubSpot user fixes the company; the booth qualifies the lead.
	srv.Edit("erika@example.com", "company", "Beispiel Holding GmbH")
	e.RemoteID = res[0].RemoteID
	e.Lead.Version = 2
	e.Lead.Contact.Organization = "Beispiel"
	e.Lead.Qualification = lead.Qualification{Fit: lead.Yes, Budget: lead.Yes, Authority: lead.Yes, Interest: lead.Yes}
	res = c.Push(ctx, []lead.OutboxEntry{e})
	require.NoError(t, res[0].Err)
	assert.Equal(t, e.RemoteID, res[0].RemoteID, "same contact")
	got = srv.Contacts()["erika@example.com"]
	assert.Equal(t, "Beispiel Holding GmbH", got.Properties["company"], "the CRM user's edit survives")
	assert.Equal(t, "salesqualifiedlead", got.Properties["lifecyclestage"])
	assert.Contains(t, got.Properties["leadcap_details"], "Stage: prospect")
	assert.Len(t, srv.Contacts(), 1)
}

func TestContactDeletedInHubSpotGetsItsFieldsBack(t *testing.T) {
	srv := hubspottest.New(token, "leadcap_lead_id", "leadcap_details")
	defer srv.Close()
	c := newConnector(t, srv, token)
	e := entry("erika@example.com")
	e.RemoteID = "4711" // delivered once, then deleted in HubSpot
	known := entry("known@example.com")
	res := c.Push(context.Background(), []lead.OutboxEntry{known})
	require.NoError(t, res[0].Err)
	known.RemoteID = res[0].RemoteID

	res = c.Push(context.Background(), []lead.OutboxEntry{e, known})
	require.NoError(t, res[0].Err)
	require.NoError(t, res[1].Err)
	got := srv.Contacts()
	assert.Equal(t, "Mustermann", got["erika@example.com"].Properties["lastname"])
	assert.Equal(t, 2, got["erika@example.com"].Writes, "created bare, then completed")
	assert.Equal(t, 2, got["known@example.com"].Writes, "an existing contact is written once per push")
	assert.Equal(t, 3, srv.Requests)
}

func TestBatchesOfAtMost100(t *testing.T) {
	srv := hubspottest.New(token, "leadcap_lead_id", "leadcap_details")
	defer srv.Close()
	c := newConnector(t, srv, token)
	var batch []lead.OutboxEntry
	for i := range 150 {
		batch = append(batch, entry(fmt.Sprintf("p%03d@example.com", i)))
	}
	res := c.Push(context.Background(), batch)
	for i, r := range res {
		require.NoError(t, r.Err, "entry %d", i)
		assert.Equal(t, batch[i].Lead.ID, r.LeadID)
	}
	assert.Equal(t, 100, srv.MaxSeen)
	assert.Equal(t, 2, srv.Requests)
	assert.Len(t, srv.Contacts(), 150)
}

func TestMultiStatusPartialFailure(t *testing.T) {
	srv := hubspottest.New(token, "leadcap_lead_id", "leadcap_details")
	defer srv.Close()
	c := newConnector(t, srv, token)
	batch := []lead.OutboxEntry{entry("a@example.com"), entry("bad@example.invalid"), entry("c@example.com"), entry(""), entry("a@example.com")}
	res := c.Push(context.Background(), batch)
	require.Len(t, res, 5)
	assert.NoError(t, res[0].Err)
	assert.NoError(t, res[2].Err)
	var perm *syncer.PermanentError
	require.ErrorAs(t, res[1].Err, &perm)
	assert.Contains(t, perm.Reason, "INVALID_EMAIL")
	require.ErrorAs(t, res[3].Err, &perm)
	assert.ErrorIs(t, res[3].Err, hubspot.ErrNoEmail)
	assert.Contains(t, perm.Reason, "add the person's email address")
	assert.True(t, syncer.IsTransient(res[4].Err), "second lead with the same email waits for the next batch: %v", res[4].Err)
	assert.Equal(t, 1, srv.Requests)
}

func TestWholeBatch400IsSplitToFindTheBadLead(t *testing.T) {
	srv := hubspottest.New(token, "leadcap_lead_id", "leadcap_details")
	defer srv.Close()
	c := newConnector(t, srv, token)
	batch := []lead.OutboxEntry{entry("a@example.com"), entry("x@blocked.reject-batch"), entry("c@example.com")}
	res := c.Push(context.Background(), batch)
	assert.NoError(t, res[0].Err)
	assert.True(t, syncer.IsPermanent(res[1].Err))
	assert.Contains(t, res[1].Err.Error(), "is blocked")
	assert.NoError(t, res[2].Err)
	assert.Equal(t, 4, srv.Requests, "one batch, then one by one")
}

func TestRateLimitLockAndServerErrorsAreTransient(t *testing.T) {
	srv := hubspottest.New(token, "leadcap_lead_id", "leadcap_details")
	defer srv.Close()
	c := newConnectorAt(t, srv.URL, token, syncer.NoRetry)
	srv.Fail(
		hubspottest.Fault{Status: 429, Policy: "TEN_SECONDLY_ROLLING", RetryAfter: "3"},
		hubspottest.Fault{Status: 429, Policy: "DAILY"},
		hubspottest.Fault{Status: 423},
		hubspottest.Fault{Status: 502},
	)
	ctx := context.Background()
	for _, want := range []struct {
		wait time.Duration
		text string
	}{
		{3 * time.Second, "TEN_SECONDLY_ROLLING"},
		{time.Hour, "DAILY"},
		{2 * time.Second, "423"},
		{0, "502"},
	} {
		res := c.Push(ctx, []lead.OutboxEntry{entry("a@example.com")})
		var tr *syncer.TransientError
		require.ErrorAs(t, res[0].Err, &tr)
		assert.Equal(t, want.wait, tr.RetryAfter, want.text)
		assert.Contains(t, tr.Error(), want.text)
	}
	res := c.Push(ctx, []lead.OutboxEntry{entry("a@example.com")})
	assert.NoError(t, res[0].Err)
	assert.Len(t, srv.Contacts(), 1)
}

func TestLostReplyReplayUpdatesTheSameContact(t *testing.T) {
	srv := hubspottest.New(token, "leadcap_lead_id", "leadcap_details")
	defer srv.Close()
	c := newConnectorAt(t, srv.URL, token, syncer.NoRetry)
	srv.Fail(hubspottest.Fault{DropAfterWrite: true})
	e := entry("a@example.com")
	res := c.Push(context.Background(), []lead.OutboxEntry{e})
	require.True(t, syncer.IsTransient(res[0].Err), "%v", res[0].Err)
	assert.ErrorIs(t, res[0].Err, syncer.ErrOffline)
	res = c.Push(context.Background(), []lead.OutboxEntry{e})
	require.NoError(t, res[0].Err)
	assert.Len(t, srv.Contacts(), 1)
	assert.Equal(t, 2, srv.Contacts()["a@example.com"].Writes)
}

func TestLostReplyIsRetriedInsideThePush(t *testing.T) {
	srv := hubspottest.New(token, "leadcap_lead_id", "leadcap_details")
	defer srv.Close()
	c := newConnector(t, srv, token)
	srv.Fail(hubspottest.Fault{DropAfterWrite: true}, hubspottest.Fault{Status: 429, Policy: "SECONDLY", RetryAfter: "1"})
	res := c.Push(context.Background(), []lead.OutboxEntry{entry("a@example.com")})
	require.NoError(t, res[0].Err)
	assert.Len(t, srv.Contacts(), 1)
	assert.Equal(t, 2, srv.Contacts()["a@example.com"].Writes, "the lost write, then the retry")
}

// TestConvergesThroughFaults: one on-demand sync of 150 leads with a
// follow-up for every third through a proxy that spoils 35% of the requests (503 and
// 429 with Retry-After: 1, replies lost after HubSpot saved, task creates
// included) delivers every lead, one contact each and one task per follow-up.
func TestConvergesThroughFaults(t *testing.T) {
	srv := hubspottest.New(token, "leadcap_lead_id", "leadcap_details")
	defer srv.Close()
	proxy := syncertest.NewFaultProxy(t, srv.URL, syncertest.Faults{Unavailable: 0.10, TooMany: 0.10, LostReply: 0.15, Seed: 7})
	out := syncertest.NewOutbox()
	for i := range 150 {
		e := entry(fmt.Sprintf("person%03d@example.com", i))
		if i%3 == 0 {
			e = withFollowUps(e, "2026-12-10")
		}
		out.Add(e)
	}
	r := syncer.NewRelay(out, newConnectorAt(t, proxy.URL, token, syncer.RetryPolicy{}), syncer.Options{Batch: 50})
	sum, err := r.SyncAll(context.Background(), 4*time.Minute)
	require.NoError(t, err)
	assert.Equal(t, 150, sum.Done)
	assert.Zero(t, sum.Pending)
	assert.Len(t, srv.Contacts(), 150, "one contact per lead")
	assert.Len(t, srv.Tasks(), 50, "one task per follow-up, lost replies after a create included")
	for email, ct := range srv.Contacts() {
		want := 0
		var n int
		if _, err := fmt.Sscanf(email, "person%03d@", &n); err == nil && n%3 == 0 {
			want = 1
		}
		assert.Len(t, tasksOf(srv, ct.ID), want, email)
	}
	st := proxy.Stats()
	assert.Positive(t, st.LostReplies+st.TooMany+st.Unavailable, "no fault fired: %+v", st)
}

func TestAuthAndSetUpErrors(t *testing.T) {
	srv := hubspottest.New(token, "leadcap_details")
	defer srv.Close()
	ctx := context.Background()

	bad := newConnector(t, srv, "wrong")
	assert.ErrorIs(t, bad.Probe(ctx), syncer.ErrAuth)
	res := bad.Push(ctx, []lead.OutboxEntry{entry("a@example.com")})
	assert.ErrorIs(t, res[0].Err, syncer.ErrAuth)
	assert.True(t, syncer.IsPermanent(res[0].Err))

	err := newConnector(t, srv, token).Probe(ctx)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `no contact property "leadcap_lead_id"`)

	_, err = hubspot.New(hubspot.Config{})
	assert.ErrorIs(t, err, hubspot.ErrNoToken)

	srv.Close()
	err = newConnector(t, srv, token).Probe(ctx)
	assert.ErrorIs(t, err, syncer.ErrOffline)
}

func TestCancelledPushIsTransient(t *testing.T) {
	srv := hubspottest.New(token, "leadcap_lead_id", "leadcap_details")
	defer srv.Close()
	srv.Latency = time.Second
	c := newConnector(t, srv, token)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := c.Push(ctx, []lead.OutboxEntry{entry("a@example.com")})
	assert.True(t, syncer.IsTransient(res[0].Err))
	assert.True(t, errors.Is(res[0].Err, context.Canceled))
}
