package main_test

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/internal/credentials/credentialstest"
	"leadcap/syncer/hubspot/hubspottest"
	"leadcap/syncer/salesforce/salesforcetest"
)

func TestCRMSetShowTestWebhook(t *testing.T) {
	credentialstest.Session(t) // crm show and set say whether the keyring holds the secret
	const secret = "whsec-0f9e8d7c6b5a-crm-test"
	f := newWebhookFake(t, secret)
	e := newCRMEnv(t, secret)

	assert.Equal(t, "connector: none (no CRM is set up: run leadcap crm set tryton|hubspot|salesforce|webhook (or open Settings > CRM in the app) first)\n",
		e.okCRM("crm", "show"))
	e.failsCRM(secret, []string{"crm", "test"}, "no CRM is set up", "leadcap crm set")

	out := e.okCRM("crm", "set", "webhook", "--url", f.URL)
	assert.Equal(t, "CRM set to webhook\n  connector: webhook\n  url: "+f.URL+"\n  secret: from the environment (LEADCAP_CRM_SECRET)\n"+
		"Run 'leadcap crm test' to check the connection.\n", out)
	assert.Equal(t, "connector: webhook\nurl: "+f.URL+"\nsecret: from the environment (LEADCAP_CRM_SECRET)\n", e.okCRM("crm", "show"))
	r := e.with("", "crm", "show")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "connector: webhook\nurl: "+f.URL+"\nsecret: missing (store it with leadcap crm secret set, or put it in LEADCAP_CRM_SECRET)\n", r.stdout)
	e.assertSecretNotStored()

	assert.Equal(t, "ok: webhook at "+f.URL+" answers and accepts the credentials\n", e.okCRM("crm", "test"))
	_, requests, _, pings := f.snapshot()
	assert.Equal(t, 1, pings, "one signed ping")
	assert.Zero(t, requests, "no lead is sent by a test")

	e.failsCRM("whsec-wrong", []string{"crm", "test"}, "the CRM test failed: webhook: 401 bad signature", "check the token or password in LEADCAP_CRM_SECRET")
	e.failsCRM("", []string{"crm", "test"}, "LEADCAP_CRM_SECRET is empty", "leadcap crm secret set", "put it in LEADCAP_CRM_SECRET")

	down := newWebhookFake(t, secret)
	downURL := down.URL
	down.Close()
	e.okCRM("crm", "set", "webhook", "--url", downURL)
	e.failsCRM(secret, []string{"crm", "test"}, "the CRM test failed", "the CRM cannot be reached", "check the network connection")

	// Without the secret set, crm set says where to put it.
	r = e.with("", "crm", "set", "webhook", "--url", f.URL)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "secret: missing (store it with leadcap crm secret set, or put it in LEADCAP_CRM_SECRET)")
	assert.Contains(t, r.stdout, "Store the webhook's shared key with 'leadcap crm secret set' (or put it in LEADCAP_CRM_SECRET), then run 'leadcap crm test'.")
	e.assertSecretNotStored()
}

func TestCRMSetUsageAndValidation(t *testing.T) {
	credentialstest.Session(t) // crm show and set say whether the keyring holds the secret
	e := newCRMEnv(t, "s3cr3t-validation")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"crm"}, "missing subcommand: set, show, test or secret"},
		{[]string{"crm", "secret"}, "missing subcommand: leadcap crm secret set|delete"},
		{[]string{"crm", "secret", "set", "s3cr3t"}, "the secret is never one"},
		{[]string{"crm", "secret", "show"}, `unknown subcommand "show"`},
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
	e.failsCRM("hunter2", []string{"crm", "set", "tryton", "--url", "https://admin:hunter2@crm.example.com/", "--database", "d", "--user", "admin"},
		"the address carries a user name or password", "https://crm.example.com/")
	e.failsCRM("s3cr3t-validation", []string{"crm", "set", "tryton", "--url", "http://127.evil.example:8000/", "--database", "d", "--user", "admin"}, "use https")
	assert.NoFileExists(t, e.db, "a refused set-up never touches the database")

	assert.Contains(t, e.ok("help", "crm"), "leadcap crm set tryton --url U --database D --user U")
	assert.Contains(t, e.ok("help", "crm"), "--api-version VERSION")
	out := e.ok("help")
	for _, cmd := range []string{"crm", "sync", "dead"} {
		assert.Regexp(t, "(?m)^  "+cmd+" ", out)
	}
}

func TestCRMSetHubSpotAndSalesforce(t *testing.T) {
	credentialstest.Session(t) // crm show and set say whether the keyring holds the secret
	const hsToken = "pat-eu1-11111111-2222-3333-4444-555555555555"
	hs := hubspottest.New(hsToken, "leadcap_lead_id", "leadcap_details")
	defer hs.Close()
	e := newCRMEnv(t, hsToken)
	e.okCRM("crm", "set", "hubspot", "--url", hs.URL, "--details-field", "leadcap_details")
	assert.Equal(t, "connector: hubspot\nurl: "+hs.URL+"\ndetails field: leadcap_details\nsecret: from the environment (LEADCAP_CRM_SECRET)\n", e.okCRM("crm", "show"))
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
	assert.Equal(t, "connector: salesforce\nurl: "+sf.URL+"\napi version: v60.0\nsecret: from the environment (LEADCAP_CRM_SECRET)\n",
		e.okCRM("crm", "show"), "a new set-up replaces the previous one")
	assert.Equal(t, "ok: salesforce at "+sf.URL+" answers and accepts the credentials\n", e.okCRM("crm", "test"))
	e.failsCRM("00D5g000004SfTest!wrong", []string{"crm", "test"}, "the CRM test failed", "INVALID_SESSION_ID", "LEADCAP_CRM_SECRET")
	e.assertSecretNotStored()
}

// TestCRMSecretInTheKeyring: the secret set once from standard input is
// used by later commands without LEADCAP_CRM_SECRET, which still wins when
// set; it is never an argument, never printed, never in the database.
func TestCRMSecretInTheKeyring(t *testing.T) {
	credentialstest.Session(t)
	const secret = "whsec-keyring-5d2c9a-Ä"
	f := newWebhookFake(t, secret)
	e := newCRMEnv(t, "")
	e.secret = secret // for assertSecretNotStored
	withStdin := func(stdin string, args ...string) result {
		return leadcapEnvIn(t, e.dir, stdin, []string{"LEADCAP_CRM_SECRET="}, append([]string{"--db", e.db}, args...)...)
	}
	r := withStdin(secret+"\n", "crm", "secret", "set")
	require.Equal(t, 1, r.code, "no CRM yet: %s", r.stderr)
	assert.Contains(t, r.stderr, "no CRM is set up")

	require.Equal(t, 0, e.with("", "crm", "set", "webhook", "--url", f.URL).code)
	account := "webhook " + f.URL
	t.Cleanup(func() { withStdin("", "crm", "secret", "delete") })

	r = withStdin("  \n", "crm", "secret", "set")
	assert.Equal(t, 2, r.code, "an empty standard input: %s", r.stderr)
	assert.Contains(t, r.stderr, "no secret on standard input")

	r = withStdin(secret+"\n", "crm", "secret", "set")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "The webhook's shared key is kept in this device's keyring for "+account+".\nRun 'leadcap crm test' to check it.\n", r.stdout)
	assert.Equal(t, "connector: webhook\nurl: "+f.URL+"\nsecret: from this device's keyring\n", e.with("", "crm", "show").stdout)

	r = e.with("", "crm", "test")
	require.Equal(t, 0, r.code, r.stderr)
	e.seed(2, nil)
	r = e.with("", "sync", "--timeout", "20s")
	require.Equal(t, 0, r.code, "sync with the remembered secret: %s", r.stderr)
	records, _, _, _ := f.snapshot()
	assert.Len(t, records, 2, "both leads arrived, signed with the remembered secret")

	// LEADCAP_CRM_SECRET wins over the keyring.
	r = e.with("whsec-other", "crm", "show")
	assert.Contains(t, r.stdout, "secret: from the environment (LEADCAP_CRM_SECRET)")
	e.failsCRM("whsec-other", []string{"crm", "test"}, "401")

	// The secret belongs to the address it was set for.
	moved := newWebhookFake(t, secret)
	e.with("", "crm", "set", "webhook", "--url", moved.URL)
	assert.Contains(t, e.with("", "crm", "show").stdout, "secret: missing")
	e.with("", "crm", "set", "webhook", "--url", f.URL)

	r = withStdin("", "crm", "secret", "delete")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "The secret for "+account+" is deleted from this device's keyring.\n", r.stdout)
	assert.Contains(t, e.with("", "crm", "show").stdout, "secret: missing")
	r = withStdin("", "crm", "secret", "delete")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "nothing to delete")
	e.failsCRM("", []string{"crm", "test"}, "no CRM secret")
	e.assertSecretNotStored()
}

// TestCRMSecretWithoutAKeyring: where no keyring exists, one sentence says
// so and what to do; LEADCAP_CRM_SECRET still works.
func TestCRMSecretWithoutAKeyring(t *testing.T) {
	t.Setenv(credentialstest.EnvVar, "")
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	const secret = "whsec-no-keyring-1f"
	f := newWebhookFake(t, secret)
	e := newCRMEnv(t, secret)
	e.okCRM("crm", "set", "webhook", "--url", f.URL)
	r := e.with("", "crm", "show")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "connector: webhook\nurl: "+f.URL+"\nsecret: missing (store it with leadcap crm secret set, or put it in LEADCAP_CRM_SECRET)\n"+
		"note: this device has no keyring leadcap can use (Secret Service such as GNOME Keyring or KWallet, macOS Keychain, Windows Credential Manager): put the secret in LEADCAP_CRM_SECRET for each run instead, or start a keyring and try again.\n", r.stdout)
	r = leadcapEnvIn(t, e.dir, secret, []string{"LEADCAP_CRM_SECRET="}, "--db", e.db, "crm", "secret", "set")
	assert.Equal(t, 1, r.code)
	assert.Equal(t, "leadcap: this device has no keyring leadcap can use (Secret Service such as GNOME Keyring or KWallet, macOS Keychain, Windows Credential Manager): put the secret in LEADCAP_CRM_SECRET for each run instead, or start a keyring and try again.\n", r.stderr)
	assert.Equal(t, "ok: webhook at "+f.URL+" answers and accepts the credentials\n", e.okCRM("crm", "test"), "the environment still works")
}

// TestCRMTestSaysWhatIsWrongWithTheCRMsAnswer: a certificate this device
// does not trust is named as such, not as the network; a redirect is not a
// success; a CRM's reason reaches the terminal without control characters.
func TestCRMTestSaysWhatIsWrongWithTheCRMsAnswer(t *testing.T) {
	credentialstest.Session(t)
	const secret = "whsec-answers-3b"
	e := newCRMEnv(t, secret)

	selfSigned := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	selfSigned.Config.ErrorLog = log.New(io.Discard, "", 0)
	selfSigned.StartTLS()
	defer selfSigned.Close()
	e.okCRM("crm", "set", "webhook", "--url", selfSigned.URL)
	r := e.failsCRM(secret, []string{"crm", "test"}, "certificate was not accepted (not a network problem)", "self-signed")
	assert.NotContains(t, r.stderr, "cannot be reached")
	e.seed(1, nil)
	r = e.sync("sync", "--timeout", "3s")
	require.Equal(t, 3, r.code, "the lead stays pending: stdout %q stderr %q", r.stdout, r.stderr)
	assert.Contains(t, r.stderr, "certificate was not accepted")
	assert.Contains(t, r.stderr, "the leads stay safe on this device")
	assert.NotContains(t, r.stderr, "check the network", "a sync names the certificate, not the network")

	var landed int
	moved := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/new" {
			landed++
			return
		}
		http.Redirect(w, r, "/new", http.StatusMovedPermanently)
	}))
	defer moved.Close()
	e.okCRM("crm", "set", "webhook", "--url", moved.URL+"/old")
	e.failsCRM(secret, []string{"crm", "test"}, "the CRM answered with a redirect", "/new", "set the address the CRM points to")
	assert.Zero(t, landed, "the signed ping was not sent again")
	r = e.sync("sync", "--timeout", "3s")
	require.Equal(t, 3, r.code, "a redirect delivers nothing: stdout %q stderr %q", r.stdout, r.stderr)
	assert.Contains(t, r.stderr, "the CRM answered with a redirect")
	assert.NotContains(t, r.stderr, "check the network", "a sync names the redirect, not the network")
	assert.Zero(t, landed, "no lead went to where the CRM pointed")

	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnprocessableEntity)
		_, _ = w.Write([]byte("{\"error\":\"\\u001b]0;owned\\u0007\\u001b[2Jschema\\rmismatch\\u202e\"}"))
	}))
	defer evil.Close()
	e.okCRM("crm", "set", "webhook", "--url", evil.URL)
	r = e.failsCRM(secret, []string{"crm", "test"}, "422", "schema", "mismatch")
	for _, c := range r.stderr[:len(r.stderr)-1] {
		assert.False(t, c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u202e', "%q in %q", c, r.stderr)
	}
}
