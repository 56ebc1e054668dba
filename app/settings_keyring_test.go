package app

import (
	"os"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/internal/credentials"
	"leadcap/internal/credentials/credentialstest"
	"leadcap/workflow"
)

// TestRememberOnThisDevice ticks "Remember on this device", saves, and
// starts the app again on the same store: the secret comes back from the
// real keyring, the sync works without typing it, and it was never in the
// database. Unticking forgets it.
func TestRememberOnThisDevice(t *testing.T) {
	credentialstest.Session(t)
	t.Setenv(workflow.SecretEnv, "")
	st := newStore(t)
	hook := newCRMHook(t)
	cs := workflow.CRMSettings{Connector: "webhook", URL: hook.srv.URL}
	t.Cleanup(func() { _ = workflow.ForgetSecret(credentials.System{}, cs) })

	u := newTestUI(t, st)
	s := u.office.settings
	assert.False(t, s.keep.check.Checked)
	test.Tap(s.keep.check)
	setUpWebhook(t, u, hook.srv.URL)
	secret, src, err := workflow.ResolveSecret(credentials.System{}, cs)
	require.NoError(t, err)
	assert.Equal(t, workflow.SecretFromKeyring, src)
	assert.Equal(t, hookSecret, secret)

	// The next start (a new app on the same store): nothing typed.
	someLeads(t, st, 3)
	u = newTestUI(t, st)
	s = u.office.settings
	assert.True(t, s.keep.check.Checked, "the box shows the secret is remembered")
	assert.Equal(t, hookSecret, s.secret.Text)
	assert.Equal(t, hookSecret, u.office.secretValue(), "the sync has it")
	selectTab(t, u, "Sync")
	test.Tap(u.office.sync.syncNow)
	assert.Equal(t, 3, hook.received(), "synced with the remembered secret")

	raw, err := os.ReadFile(st.Path())
	require.NoError(t, err)
	assert.NotContains(t, string(raw), hookSecret, "never in the database")

	selectTab(t, u, "Settings")
	test.Tap(s.keep.check)
	test.Tap(s.save)
	require.Equal(t, "Saved.", s.message.Text)
	_, src, err = workflow.ResolveSecret(credentials.System{}, cs)
	require.NoError(t, err)
	assert.Equal(t, workflow.SecretMissing, src, "unticked and saved: forgotten")
}

// TestRememberWithoutAKeyring: where no keyring exists the box is off and
// one sentence says so and what to do.
func TestRememberWithoutAKeyring(t *testing.T) {
	t.Setenv(credentialstest.EnvVar, "")
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	t.Setenv(workflow.SecretEnv, "")
	st := newStore(t)
	require.NoError(t, workflow.SaveCRM(st, workflow.CRMSettings{Connector: "webhook", URL: "https://crm.example.com/leadcap"}))
	u := newTestUI(t, st)
	s := u.office.settings
	assert.True(t, s.keep.check.Disabled())
	assert.True(t, s.keep.note.Visible())
	assert.Equal(t, "This device has no keyring to remember the secret in: enter it after each start, or set LEADCAP_CRM_SECRET.", s.keep.note.Text)
	test.Type(s.secret, hookSecret)
	test.Tap(s.save)
	assert.Equal(t, "Saved.", s.message.Text, "the rest saves; the secret stays in memory")
	assert.Equal(t, hookSecret, u.office.secretValue())
}
