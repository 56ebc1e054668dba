package salesforce_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
	"leadcap/syncer"
	"leadcap/syncer/salesforce"
	"leadcap/syncer/salesforce/salesforcetest"
	"leadcap/syncer/syncertest"
)

const (
	token = "00Dxx0000001gPL!AQ4AQ"
	extID = "Leadcap_Lead_ID__c"
)

func newServer() *salesforcetest.Server {
	return salesforcetest.New(token, extID, "Leadcap_Details__c")
}

func newConnector(t *testing.T, srv *salesforcetest.Server, tok string, now func() time.Time) *salesforce.Connector {
	return newConnectorAt(t, srv.URL, tok, now, syncer.RetryPolicy{})
}

// newConnectorAt builds a connector to url with the retry policy p
// (syncer.NoRetry: every failure reaches the caller).
func newConnectorAt(t *testing.T, url, tok string, now func() time.Time, p syncer.RetryPolicy) *salesforce.Connector {
	t.Helper()
	c, err := salesforce.New(salesforce.Config{InstanceURL: url, Token: tok, APIVersion: "62.0", DetailsField: "Leadcap_Details__c", Now: now, Retry: p})
	require.NoError(t, err)
	return c
}

func entry(family, org string) lead.OutboxEntry {
	l := lead.New(uuid.Nil, lead.MethodBadgeScan, time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC))
	l.Version = 1
	l.Rating = lead.RatingHot
	l.Contact = lead.Contact{GivenName: "Erika", FamilyName: family, Organization: org, Emails: []string{"erika@example.com"},
		Phones: []lead.Phone{{Number: "+4930123456"}}}
	return lead.OutboxEntry{Lead: *l, Event: lead.Event{Name: "Hannover Messe 2026"}}
}

func TestUpsertCreatesThenUpdatesOnlyOwnedFields(t *testing.T) {
	srv := newServer()
	defer srv.Close()
	c := newConnector(t, srv, token, nil)
	ctx := context.Background()
	require.NoError(t, c.Probe(ctx))

	e := entry("Mustermann", "Beispiel GmbH")
	res := c.Push(ctx, []lead.OutboxEntry{e})
	require.NoError(t, res[0].Err)
	require.NotEmpty(t, res[0].RemoteID)
	got := srv.Leads()[e.Lead.ID.String()]
	assert.Equal(t, "Mustermann", got["LastName"])
	assert.Equal(t, "Erika", got["FirstName"])
	assert.Equal(t, "Beispiel GmbH", got["Company"])
	assert.Equal(t, "Open - Not Contacted", got["Status"])
	assert.Equal(t, "Hot", got["Rating"])
	assert.Equal(t, "Trade Show", got["LeadSource"])

	srv.Edit(e.Lead.ID.String(), "Company", "Beispiel Holding")
	e.RemoteID, e.Lead.Version = res[0].RemoteID, 2
	e.Lead.Contact.Organization = "Changed in app"
	e.Lead.Qualification = lead.Qualification{Fit: lead.Yes, Budget: lead.Yes, Authority: lead.Yes, Interest: lead.Yes}
	res = c.Push(ctx, []lead.OutboxEntry{e})
	require.NoError(t, res[0].Err)
	got = srv.Leads()[e.Lead.ID.String()]
	assert.Equal(t, "Beispiel Holding", got["Company"], "the Salesforce user's edit survives")
	assert.Equal(t, "Working - Contacted", got["Status"])
	assert.Contains(t, got["Leadcap_Details__c"], "Stage: prospect")
	assert.Len(t, srv.Leads(), 1)
}

func TestMissingLastNameOrCompanyIsExplained(t *testing.T) {
	srv := newServer()
	defer srv.Close()
	c := newConnector(t, srv, token, nil)
	noCompany := entry("Mustermann", "")
	noBoth := entry("", "")
	noBoth.Lead.Contact.GivenName = ""
	res := c.Push(context.Background(), []lead.OutboxEntry{noCompany, entry("Muster", "ACME"), noBoth})
	require.ErrorIs(t, res[0].Err, salesforce.ErrRequired)
	assert.Contains(t, res[0].Err.Error(), "this lead has no company: add the company to the lead")
	assert.NoError(t, res[1].Err)
	assert.Contains(t, res[2].Err.Error(), "no last name and no company: add the last name and the company")
	assert.Equal(t, 1, srv.Requests, "refused leads are not sent")
}

func TestServerSideRequiredFieldAndPicklistErrorsPerRecord(t *testing.T) {
	srv := newServer()
	defer srv.Close()
	srv.Required = []string{"Industry"}
	c, err := salesforce.New(salesforce.Config{InstanceURL: srv.URL, Token: token, StatusProspect: "Qualified"})
	require.NoError(t, err)
	lead1 := entry("Muster", "ACME")
	prospect := entry("Prosp", "ACME")
	prospect.Lead.Qualification = lead.Qualification{Fit: lead.Yes, Budget: lead.Yes, Authority: lead.Yes, Interest: lead.Yes}
	res := c.Push(context.Background(), []lead.OutboxEntry{lead1, prospect})
	require.True(t, syncer.IsPermanent(res[1].Err))
	assert.Contains(t, res[1].Err.Error(), "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST")
	assert.ErrorIs(t, res[0].Err, salesforce.ErrRequired)
	assert.Contains(t, res[0].Err.Error(), "REQUIRED_FIELD_MISSING: Required fields are missing: [Industry] (fields Industry)")
	assert.Contains(t, res[0].Err.Error(), "fill in the fields named")
}

func TestLeadDeletedInSalesforceIsCreatedAgainWithItsFields(t *testing.T) {
	srv := newServer()
	defer srv.Close()
	c := newConnector(t, srv, token, nil)
	gone := entry("Muster", "ACME")
	gone.RemoteID = "00Q-deleted-in-crm"
	gone.Lead.Version = 4
	empty := entry("", "")
	empty.Lead.Contact.GivenName = ""
	empty.RemoteID = "00Q-also-deleted"
	res := c.Push(context.Background(), []lead.OutboxEntry{gone, empty})
	require.NoError(t, res[0].Err)
	got := srv.Leads()[gone.Lead.ID.String()]
	assert.Equal(t, "Muster", got["LastName"])
	assert.Equal(t, "ACME", got["Company"])
	assert.ErrorIs(t, res[1].Err, salesforce.ErrRequired)
	assert.Contains(t, res[1].Err.Error(), "no last name and no company")
	assert.Equal(t, 2, srv.Requests)
}

func TestBatchesOfAtMost200(t *testing.T) {
	srv := newServer()
	defer srv.Close()
	c := newConnector(t, srv, token, nil)
	var batch []lead.OutboxEntry
	for i := range 450 {
		batch = append(batch, entry(fmt.Sprintf("Name%d", i), "ACME"))
	}
	res := c.Push(context.Background(), batch)
	for i, r := range res {
		require.NoError(t, r.Err, "record %d", i)
	}
	assert.Equal(t, 200, srv.MaxSeen)
	assert.Equal(t, 3, srv.Requests)
	assert.Len(t, srv.Leads(), 450)
}

func TestTransientFailures(t *testing.T) {
	srv := newServer()
	defer srv.Close()
	c := newConnectorAt(t, srv.URL, token, nil, syncer.NoRetry)
	srv.LockNext = 1
	res := c.Push(context.Background(), []lead.OutboxEntry{entry("A", "ACME"), entry("B", "ACME")})
	assert.True(t, syncer.IsTransient(res[0].Err), "UNABLE_TO_LOCK_ROW: %v", res[0].Err)
	assert.NoError(t, res[1].Err)

	srv.Unavailable = 1
	res = c.Push(context.Background(), []lead.OutboxEntry{entry("C", "ACME")})
	var tr *syncer.TransientError
	require.ErrorAs(t, res[0].Err, &tr)
	assert.Equal(t, 5*time.Second, tr.RetryAfter)
}

// TestConvergesThroughFaults: one on-demand sync of 150 leads, a
// follow-up for every third, through a proxy that spoils 35% of the
// requests (503 and 429 with Retry-After: 1, replies lost after Salesforce
// saved, task creates included) delivers every lead, one Lead record each
// and one task per follow-up.
func TestConvergesThroughFaults(t *testing.T) {
	srv := newServer()
	defer srv.Close()
	proxy := syncertest.NewFaultProxy(t, srv.URL, syncertest.Faults{Unavailable: 0.10, TooMany: 0.10, LostReply: 0.15, Seed: 7})
	out := syncertest.NewOutbox()
	var all []lead.OutboxEntry
	for i := range 150 {
		e := entry(fmt.Sprint("Muster", i), "ACME")
		if i%3 == 0 {
			e = withFollowUps(e, "2026-12-10")
		}
		out.Add(e)
		all = append(all, e)
	}
	r := syncer.NewRelay(out, newConnectorAt(t, proxy.URL, token, nil, syncer.RetryPolicy{}), syncer.Options{Batch: 50})
	sum, err := r.SyncAll(context.Background(), 4*time.Minute)
	require.NoError(t, err)
	assert.Equal(t, 150, sum.Done)
	assert.Zero(t, sum.Pending)
	assert.Len(t, srv.Leads(), 150, "one Lead per lead")
	assert.Len(t, srv.Tasks(), 50, "one task per follow-up, lost replies after a create included")
	for i, e := range all {
		want := 0
		if i%3 == 0 {
			want = 1
		}
		assert.Len(t, tasksOf(srv, srv.LeadID(e.Lead.ID.String())), want, "lead %d", i)
	}
	st := proxy.Stats()
	assert.Positive(t, st.LostReplies+st.TooMany+st.Unavailable, "no fault fired: %+v", st)
}

func TestExpiredSessionIsAnAuthError(t *testing.T) {
	srv := newServer()
	defer srv.Close()
	c := newConnector(t, srv, "expired", nil)
	err := c.Probe(context.Background())
	require.ErrorIs(t, err, syncer.ErrAuth)
	assert.Contains(t, err.Error(), "INVALID_SESSION_ID")
	res := c.Push(context.Background(), []lead.OutboxEntry{entry("A", "ACME")})
	assert.ErrorIs(t, res[0].Err, syncer.ErrAuth)
}

func TestLimitInfoSlowsDownNearTheAllowance(t *testing.T) {
	srv := newServer()
	defer srv.Close()
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	c := newConnector(t, srv, token, func() time.Time { return now })
	ctx := context.Background()
	srv.DailyMax = 100
	srv.Used = 10
	require.NoError(t, c.Push(ctx, []lead.OutboxEntry{entry("A", "ACME")})[0].Err)
	used, max := c.Usage()
	assert.Equal(t, [2]int{11, 100}, [2]int{used, max})
	assert.Equal(t, time.Duration(0), c.Pace())

	srv.Used = 84
	require.NoError(t, c.Push(ctx, []lead.OutboxEntry{entry("B", "ACME")})[0].Err)
	assert.Equal(t, 2*time.Second, c.Pace())
	srv.Used = 96
	require.NoError(t, c.Push(ctx, []lead.OutboxEntry{entry("C", "ACME")})[0].Err)
	assert.Equal(t, time.Minute, c.Pace())

	srv.Used = 100
	res := c.Push(ctx, []lead.OutboxEntry{entry("D", "ACME")})
	var tr *syncer.TransientError
	require.ErrorAs(t, res[0].Err, &tr)
	assert.Equal(t, time.Hour, tr.RetryAfter)
	assert.Contains(t, tr.Error(), "REQUEST_LIMIT_EXCEEDED")
	assert.Equal(t, time.Hour, c.Pace())
}

func TestConfigErrors(t *testing.T) {
	_, err := salesforce.New(salesforce.Config{InstanceURL: "https://x.my.example.com"})
	assert.ErrorIs(t, err, salesforce.ErrNoToken)
	_, err = salesforce.New(salesforce.Config{InstanceURL: "not a url", Token: "t"})
	assert.ErrorContains(t, err, "is not the org's address")
	_, err = salesforce.New(salesforce.Config{InstanceURL: "https://x.my.example.com", Token: "t", APIVersion: "latest"})
	assert.ErrorContains(t, err, "not an API version")
}
