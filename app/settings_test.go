package app

import (
	"os"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/workflow"
)

func TestSettingsTestConnectionAndSave(t *testing.T) {
	st := newStore(t)
	hook := newCRMHook(t)
	t.Setenv(workflow.SecretEnv, "")
	u := newTestUI(t, st)
	s := u.office.settings
	selectTab(t, u, "Settings")
	assert.True(t, s.test.Disabled(), "nothing to test before a CRM is chosen")

	s.connector.SetSelected("Webhook")
	assert.Equal(t, []string{"Connector", "Endpoint", "Signing key"}, formLabels(s.crmItems))
	test.Type(s.url, hook.srv.URL)
	test.Tap(s.test)
	assert.Equal(t, "Connection failed: Enter the CRM's password, access token or signing key first.", s.testResult.Text)

	test.Type(s.secret, "wrong-key")
	test.Tap(s.test)
	assert.Equal(t, "Connection failed: The CRM refused the credentials (webhook: 401 bad signature): check them in Settings.", s.testResult.Text,
		"one line with the CRM's own reason")

	s.secret.SetText("")
	test.Type(s.secret, hookSecret)
	test.Tap(s.test)
	assert.Equal(t, "Connection works: Webhook answered and accepted the credentials.", s.testResult.Text)
	assert.Equal(t, 1, hook.pings)
	cs, err := workflow.LoadCRM(st)
	require.NoError(t, err)
	assert.Empty(t, cs.Connector, "testing does not save")

	test.Type(s.country, "fr")
	test.Tap(s.save)
	assert.Equal(t, "Saved.", s.message.Text)
	cs, err = workflow.LoadCRM(st)
	require.NoError(t, err)
	assert.Equal(t, workflow.CRMSettings{Connector: "webhook", URL: hook.srv.URL}, cs)
	country, err := st.Setting(SettingDefaultCountry)
	require.NoError(t, err)
	assert.Equal(t, "FR", country)
	assert.Equal(t, hookSecret, u.office.secretValue(), "the secret is kept in memory for the sync")
}

func TestSecretNeverReachesTheDatabase(t *testing.T) {
	st := newStore(t)
	someLeads(t, st, 3)
	hook := newCRMHook(t)
	u := newTestUI(t, st)
	setUpWebhook(t, u, hook.srv.URL)
	selectTab(t, u, "Sync")
	test.Tap(u.office.sync.syncNow)
	require.Equal(t, 3, hook.received(), "the secret was used")

	raw, err := os.ReadFile(st.Path())
	require.NoError(t, err)
	assert.NotContains(t, string(raw), hookSecret)
	assert.Contains(t, string(raw), hook.srv.URL, "the non-secret settings are in the file, so the search would find the secret too")
}

func TestSettingsLoadsWhatIsSaved(t *testing.T) {
	st := newStore(t)
	require.NoError(t, workflow.SaveCRM(st, workflow.CRMSettings{Connector: "tryton", URL: "http://127.0.0.1:8000/", Database: "crm", User: "admin"}))
	require.NoError(t, st.SetSetting(SettingDefaultCountry, "AT"))
	t.Setenv(workflow.SecretEnv, "from-the-environment")
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "") // no keyring, wherever it runs: the golden shows that
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	u := newTestUI(t, st)
	s := u.office.settings
	assert.Equal(t, "Tryton", s.connector.Selected)
	assert.Equal(t, []string{"Connector", "Server", "Database", "User", "Password"}, formLabels(s.crmItems))
	assert.Equal(t, "http://127.0.0.1:8000/", s.url.Text)
	assert.Equal(t, "crm", s.database.Text)
	assert.Equal(t, "admin", s.user.Text)
	assert.Equal(t, "AT", s.country.Text)
	assert.Equal(t, "from-the-environment", s.secret.Text, "LEADCAP_CRM_SECRET fills the password")
	assert.True(t, s.secret.Password)
	selectTab(t, u, "Settings")
	test.AssertRendersToMarkup(t, golden("settings.xml"), u.win.Canvas())
}

func TestSettingsRejectsABadCountry(t *testing.T) {
	st := newStore(t)
	u := newTestUI(t, st)
	s := u.office.settings
	test.Type(s.country, "Germany")
	test.Tap(s.save)
	assert.Equal(t, "Use a two-letter country code such as DE, FR or US.", s.message.Text)
	country, err := st.Setting(SettingDefaultCountry)
	require.NoError(t, err)
	assert.Empty(t, country)
}

func TestLanguageAndThemePreferences(t *testing.T) {
	st := newStore(t)
	u := newTestUI(t, st)
	s := u.office.settings
	a := fyne.CurrentApp()

	s.language.SetSelected("Deutsch")
	assert.Equal(t, "de", a.Preferences().String(prefLanguage))
	assert.Equal(t, "The language takes effect after a restart of leadcap.", s.restart.Text)

	s.theme.SetSelected("Dark")
	assert.Equal(t, "dark", a.Preferences().String(prefTheme))
	assert.Equal(t, theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantDark),
		a.Settings().Theme().Color(theme.ColorNameBackground, theme.VariantLight), "dark whatever the system says")
	s.theme.SetSelected("Light")
	assert.Equal(t, theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantLight),
		a.Settings().Theme().Color(theme.ColorNameBackground, theme.VariantDark))

	// At the next start, ApplyPreferences sets the language before fyne
	// reads it from the environment.
	t.Setenv("LANGUAGE", "en")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "C")
	ApplyPreferences(a)
	assert.Equal(t, "de", os.Getenv("LANGUAGE"))
	assert.Equal(t, "C.UTF-8", os.Getenv("LANG"), "the C locale would switch translations off")
}

// formLabels are the labels of a form's rows.
func formLabels(items []*widget.FormItem) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Text)
	}
	return out
}

func TestSettingsNamesConnectorsAndForgetsThePreviousOnesResult(t *testing.T) {
	st := newStore(t)
	t.Setenv(workflow.SecretEnv, "")
	u := newTestUI(t, st)
	s := u.office.settings
	assert.Equal(t, []string{"Tryton", "HubSpot", "Salesforce", "Webhook"}, s.connector.Options, "names, not IDs")

	s.connector.SetSelected("Webhook")
	test.Type(s.url, "http://127.0.0.1:1/leadcap")
	test.Tap(s.test)
	require.Contains(t, s.testResult.Text, "Connection failed")
	test.Tap(s.save)
	require.Equal(t, "Saved.", s.message.Text)
	cs, err := workflow.LoadCRM(st)
	require.NoError(t, err)
	assert.Equal(t, "webhook", cs.Connector, "the store keeps the ID")

	s.connector.SetSelected("HubSpot")
	assert.Empty(t, s.testResult.Text, "the webhook's test result does not apply to HubSpot")
	assert.Empty(t, s.message.Text, "nor does its Saved.")
	assert.Equal(t, workflow.CRMSettings{Connector: "hubspot", URL: "http://127.0.0.1:1/leadcap"}, s.form())
}
