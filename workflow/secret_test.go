package workflow_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/internal/credentials"
	"leadcap/internal/credentials/credentialstest"
	"leadcap/syncer/webhook"
	"leadcap/workflow"
)

func TestSecretFromTheKeyringTheEnvironmentWins(t *testing.T) {
	credentialstest.Session(t)
	t.Setenv(workflow.SecretEnv, "")
	kr := credentials.System{}
	cs := workflow.CRMSettings{Connector: "tryton", URL: "http://127.0.0.1:8000/", Database: "leadcap", User: "admin-" + t.Name()}
	t.Cleanup(func() { _ = workflow.ForgetSecret(kr, cs) })

	secret, src, err := workflow.ResolveSecret(kr, cs)
	require.NoError(t, err)
	assert.Equal(t, workflow.SecretMissing, src)
	assert.Empty(t, secret)
	assert.ErrorIs(t, workflow.ForgetSecret(kr, cs), credentials.ErrNotFound)

	require.NoError(t, workflow.RememberSecret(kr, cs, "  tryton-pw-Ä \n"))
	secret, src, err = workflow.ResolveSecret(kr, cs)
	require.NoError(t, err)
	assert.Equal(t, workflow.SecretFromKeyring, src)
	assert.Equal(t, "tryton-pw-Ä", secret, "stored trimmed")
	assert.Contains(t, cs.Describe(src), "secret: from this device's keyring")

	t.Setenv(workflow.SecretEnv, "from-env")
	secret, src, err = workflow.ResolveSecret(kr, cs)
	require.NoError(t, err)
	assert.Equal(t, workflow.SecretFromEnv, src, "LEADCAP_CRM_SECRET wins")
	assert.Equal(t, "from-env", secret)
	t.Setenv(workflow.SecretEnv, "")

	// The secret belongs to the CRM it was saved for: another address or
	// user does not get it.
	for _, other := range []workflow.CRMSettings{
		{Connector: "tryton", URL: "https://crm.example.com/", Database: cs.Database, User: cs.User},
		{Connector: "tryton", URL: cs.URL, Database: cs.Database, User: "someone-else"},
		{Connector: "webhook", URL: cs.URL},
	} {
		_, src, err := workflow.ResolveSecret(kr, other)
		require.NoError(t, err)
		assert.Equal(t, workflow.SecretMissing, src, "%+v", other)
	}
	assert.ErrorIs(t, workflow.RememberSecret(kr, cs, ""), credentials.ErrEmpty)
	assert.ErrorIs(t, workflow.RememberSecret(kr, workflow.CRMSettings{}, "x"), workflow.ErrNoCRM)

	require.NoError(t, workflow.ForgetSecret(kr, cs))
	_, src, err = workflow.ResolveSecret(kr, cs)
	require.NoError(t, err)
	assert.Equal(t, workflow.SecretMissing, src)
}

func TestNoKeyringIsSaidInOneSentence(t *testing.T) {
	t.Setenv(credentialstest.EnvVar, "")
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	t.Setenv(workflow.SecretEnv, "")
	cs := workflow.CRMSettings{Connector: "webhook", URL: "https://crm.example.com/leadcap"}
	_, src, err := workflow.ResolveSecret(credentials.System{}, cs)
	assert.Equal(t, workflow.SecretMissing, src)
	assert.ErrorIs(t, err, credentials.ErrUnavailable)
	assert.ErrorIs(t, workflow.RememberSecret(credentials.System{}, cs, "k"), credentials.ErrUnavailable)

	t.Setenv(workflow.SecretEnv, "from-env")
	secret, src, err := workflow.ResolveSecret(credentials.System{}, cs)
	require.NoError(t, err, "with LEADCAP_CRM_SECRET the keyring is not asked")
	assert.Equal(t, workflow.SecretFromEnv, src)
	assert.Equal(t, "from-env", secret)
}

// TestSyncWithTheRememberedSecret: after a restart (a new SyncNow without
// a secret given) the remembered secret signs the deliveries; the database
// file never holds it.
func TestSyncWithTheRememberedSecret(t *testing.T) {
	credentialstest.Session(t)
	t.Setenv(workflow.SecretEnv, "")
	const key = "whsec-remembered-7c1f0e"
	var ok atomic.Int32
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !webhook.Verify(key, body, r.Header.Get(webhook.HeaderSignature)) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if !strings.HasPrefix(r.Header.Get(webhook.HeaderIdempotencyKey), "ping:") {
			ok.Add(1)
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hook.Close()
	f := newSyncFixture(t)
	cs := workflow.CRMSettings{Connector: "webhook", URL: hook.URL}
	require.NoError(t, workflow.SaveCRM(f.st, cs))
	f.addLeads(t, 3)

	_, err := workflow.SyncNow(context.Background(), f.st, workflow.SyncOptions{Timeout: 10 * time.Second})
	require.ErrorIs(t, err, workflow.ErrNoSecret, "nothing remembered yet")

	kr := credentials.System{}
	require.NoError(t, workflow.RememberSecret(kr, cs, key))
	t.Cleanup(func() { _ = workflow.ForgetSecret(kr, cs) })
	sum, err := workflow.SyncNow(context.Background(), f.st, workflow.SyncOptions{Timeout: 10 * time.Second})
	require.NoError(t, err)
	assert.Equal(t, 3, sum.Done)
	assert.Equal(t, int32(3), ok.Load(), "three leads signed with the remembered secret")

	dir := filepath.Dir(f.st.Path())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		assert.False(t, bytes.Contains(data, []byte(key)), "the secret is in %s", e.Name())
	}
}
