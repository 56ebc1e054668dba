package main_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/syncer/hubspot/hubspottest"
	"leadcap/syncer/salesforce/salesforcetest"
)

func TestCRMSetShowTestWebhook(t *testing.T) {
	const secret = "whsec-0f9e8d7c6b5a-crm-test"
	f := newWebhookFake(t, secret)
	e := newCRMEnv(t, secret)

	assert.Equal(t, "connector: none (no CRM is set up: run leadcap crm set tryton|hubspot|salesforce|webhook (or open Settings > CRM in the app) first)\n",
		e.okCRM("crm", "show"))
	e.failsCRM(secret, []string{"crm", "test"}, "no CRM is set up", "leadcap crm set")

	out := e.okCRM("crm", "set", "webhook", "--url", f.URL)
	assert.Equal(t, "CRM set to webhook\n  connector: webhook\n  url: "+f.URL+"\n  secret: set in LEADCAP_CRM_SECRET\n"+
		"Run 'leadcap crm test' to check the connection.\n", out)
	assert.Equal(t, "connector: webhook\nurl: "+f.URL+"\nsecret: set in LEADCAP_CRM_SECRET\n", e.okCRM("crm", "show"))
	r := e.with("", "crm", "show")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "connector: webhook\nurl: "+f.URL+"\nsecret: missing (LEADCAP_CRM_SECRET is empty)\n", r.stdout)
	e.assertSecretNotStored()

	assert.Equal(t, "ok: webhook at "+f.URL+" answers and accepts the credentials\n", e.okCRM("crm", "test"))
	_, requests, _, pings := f.snapshot()
	assert.Equal(t, 1, pings, "one signed ping")
	assert.Zero(t, requests, "no lead is sent by a test")

	e.failsCRM("whsec-wrong", []string{"crm", "test"}, "the CRM test failed: webhook: 401 bad signature", "check the token or password in LEADCAP_CRM_SECRET")
	e.failsCRM("", []string{"crm", "test"}, "LEADCAP_CRM_SECRET is empty", "put the CRM password, access token or webhook key in it")

	down := newWebhookFake(t, secret)
	downURL := down.URL
	down.Close()
	e.okCRM("crm", "set", "webhook", "--url", downURL)
	e.failsCRM(secret, []string{"crm", "test"}, "the CRM test failed", "the CRM cannot be reached", "check the network connection")

	// Without the secret set, crm set says where to put it.
	r = e.with("", "crm", "set", "webhook", "--url", f.URL)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "secret: missing (LEADCAP_CRM_SECRET is empty)")
	assert.Contains(t, r.stdout, "Put the webhook's shared key in LEADCAP_CRM_SECRET, then run 'leadcap crm test'.")
	e.assertSecretNotStored()
}

func TestCRMSetUsageAndValidation(t *testing.T) {
	e := newCRMEnv(t, "s3cr3t-validation")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"crm"}, "missing subcommand: set, show or test"},
		{[]string{"crm", "sync"}, `unknown subcommand "sync"`},
		{[]string{"crm", "set"}, "missing arguments"},
		{[]string{"crm", "set", "pipedrive", "--url", "https://x.example"}, `unknown CRM "pipedrive": use tryton, hubspot, salesforce or webhook`},
		{[]string{"crm", "set", "webhook"}, "the webhook connector needs --url"},
		{[]string{"crm", "set", "tryton", "--url", "http://127.0.0.1:8000/"}, "the tryton connector needs --database, --user"},
		{[]string{"crm", "set", "salesforce"}, "the salesforce connector needs --url"},
		{[]string{"crm", "set", "hubspot", "--rate", "fast"}, `--rate "fast" is not a number`},
		{[]string{"crm", "set", "hubspot", "--secret", "s3cr3t"}, "flag provided but not defined: -secret"},
		{[]string{"crm", "show", "extra"}, "too many arguments"},
	} {
		r := e.run(tc.args...)
		assert.Equal(t, 2, r.code, "leadcap %v: %s", tc.args, r.stderr)
		assert.Contains(t, r.stderr, tc.want, "leadcap %v", tc.args)
		assert.NotContains(t, r.stderr, "s3cr3t")
	}
	e.failsCRM("s3cr3t-validation", []string{"crm", "set", "webhook", "--url", "http://crm.example.com/leadcap"}, "unencrypted over the network: use https", "leadcap crm set webhook")
	e.failsCRM("s3cr3t-validation", []string{"crm", "set", "salesforce", "--url", "https://acme.my.salesforce.com", "--api-version", "62"}, `"v62" is not an API version`)
	assert.NoFileExists(t, e.db, "a refused set-up never touches the database")

	assert.Contains(t, e.ok("help", "crm"), "leadcap crm set tryton --url U --database D --user U")
	assert.Contains(t, e.ok("help", "crm"), "--api-version VERSION")
	out := e.ok("help")
	for _, cmd := range []string{"crm", "sync", "dead"} {
		assert.Regexp(t, "(?m)^  "+cmd+" ", out)
	}
}

func TestCRMSetHubSpotAndSalesforce(t *testing.T) {
	const hsToken = "pat-eu1-11111111-2222-3333-4444-555555555555"
	hs := hubspottest.New(hsToken, "leadcap_lead_id", "leadcap_details")
	defer hs.Close()
	e := newCRMEnv(t, hsToken)
	e.okCRM("crm", "set", "hubspot", "--url", hs.URL, "--details-field", "leadcap_details")
	assert.Equal(t, "connector: hubspot\nurl: "+hs.URL+"\ndetails field: leadcap_details\nsecret: set in LEADCAP_CRM_SECRET\n", e.okCRM("crm", "show"))
	assert.Equal(t, "ok: hubspot at "+hs.URL+" answers and accepts the credentials\n", e.okCRM("crm", "test"))
	e.failsCRM("pat-eu1-expired", []string{"crm", "test"}, "the CRM test failed", "401", "LEADCAP_CRM_SECRET")
	// A property that does not exist in the portal is a set-up problem.
	e.okCRM("crm", "set", "hubspot", "--url", hs.URL, "--external-id", "no_such_property")
	r := e.failsCRM(hsToken, []string{"crm", "test"}, "the CRM test failed", "no_such_property")
	t.Logf("missing property: %s", strings.TrimSpace(r.stderr))
	e.assertSecretNotStored()

	const sfToken = "00D5g000004SfTest!AQ4AQFake.Token.Value"
	sf := salesforcetest.New(sfToken, "Leadcap_Lead_ID__c")
	defer sf.Close()
	e.secret = sfToken
	e.okCRM("crm", "set", "salesforce", "--url", sf.URL, "--api-version", "v60.0")
	assert.Equal(t, "connector: salesforce\nurl: "+sf.URL+"\napi version: v60.0\nsecret: set in LEADCAP_CRM_SECRET\n",
		e.okCRM("crm", "show"), "a new set-up replaces the previous one")
	assert.Equal(t, "ok: salesforce at "+sf.URL+" answers and accepts the credentials\n", e.okCRM("crm", "test"))
	e.failsCRM("00D5g000004SfTest!wrong", []string{"crm", "test"}, "the CRM test failed", "INVALID_SESSION_ID", "LEADCAP_CRM_SECRET")
	e.assertSecretNotStored()
}
