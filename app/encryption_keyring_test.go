package app

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/internal/credentials"
	"leadcap/internal/credentials/credentialstest"
	"leadcap/storage"
	"leadcap/workflow"
)

// Where there is a keyring (the real Secret Service of scripts/keyring.sh)
// the card offers it first; the store then opens with the keyring alone.
func TestSettingsEncryptsWithTheKeyring(t *testing.T) {
	credentialstest.Session(t)
	path, st, e := encryptionCard(t)
	assert.Equal(t, optKeyring, e.how.Selected, "the keyring is the default where there is one")
	assert.False(t, e.pass.Visible(), "no passphrase to type for the keyring")
	test.Tap(e.encrypt)
	require.True(t, st.Encrypted())
	assert.Equal(t, "keyring", st.KeyKind())
	assert.False(t, e.form.Visible())
	assert.Contains(t, e.state.Text, "keyring")
	require.NoError(t, st.Close())

	_, err := storage.Open(path, nil)
	require.ErrorIs(t, err, storage.ErrEncrypted)
	st, err = storage.Open(path, &storage.Options{Key: workflow.StoreKey(credentials.System{})})
	require.NoError(t, err, "opens silently with the key from the keyring")
	n, err := st.Count(storage.Query{Text: "lovelace"})
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	require.NoError(t, st.Close())

	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	_, err = storage.Open(path, &storage.Options{Key: workflow.StoreKey(credentials.System{})})
	require.ErrorIs(t, err, storage.ErrNoKeyringKey)
	assert.Contains(t, userMessage(err), "this device has no keyring")
}

// Without a keyring the card offers the passphrase only.
func TestSettingsWithoutKeyringOffersThePassphrase(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	st, err := storage.Open(filepath.Join(t.TempDir(), "leads.db"), nil)
	require.NoError(t, err)
	defer st.Close()
	e := newEncryptionBlock(newTestUI(t, st))
	assert.Equal(t, optPassphrase, e.how.Selected)
	assert.True(t, e.how.Disabled())
	assert.True(t, e.pass.Visible())
}

func sum(t *testing.T, path string) [32]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return sha256.Sum256(data)
}

// A passphrase store asks at start; a wrong passphrase says so, changes
// nothing and asks again; the right one opens the store.
func TestUnlockWindowAsksForThePassphrase(t *testing.T) {
	a := test.NewTempApp(t)
	path := filepath.Join(t.TempDir(), "leads.db")
	st, err := storage.Open(path, nil)
	require.NoError(t, err)
	demo(t, st)
	require.NoError(t, st.Encrypt(storage.Passphrase("correct horse battery")))
	require.NoError(t, st.Close())
	before := sum(t, path)

	var opened *storage.Store
	w := newUnlockWindow(a, path, func(s *storage.Store) { opened = s })
	w.background = func(work func() func()) { work()() } // at once, so the test sees the result
	w.win.Show()
	test.Tap(w.open)
	assert.Contains(t, w.msg.Text, "Enter the passphrase")
	test.Type(w.pass, "wrong horse battery")
	test.Tap(w.open)
	assert.Contains(t, w.msg.Text, "Wrong passphrase")
	assert.Nil(t, opened)
	assert.Empty(t, w.pass.Text, "the passphrase is not kept in the widget")
	assert.Equal(t, before, sum(t, path), "a wrong passphrase changes nothing")

	test.Type(w.pass, "correct horse battery")
	w.pass.OnSubmitted(w.pass.Text) // Enter opens too
	require.NotNil(t, opened)
	defer opened.Close()
	n, err := opened.Count(storage.Query{Text: "lovelace"})
	require.NoError(t, err)
	assert.Equal(t, 1, n)
}
