package app

import (
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/storage"
)

// encryptionCard opens a store with the demo leads and builds the
// Settings card on it.
func encryptionCard(t *testing.T) (path string, st *storage.Store, e *encryptionBlock) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "leads.db")
	st, err := storage.Open(path, nil)
	require.NoError(t, err)
	demo(t, st)
	return path, st, newEncryptionBlock(newTestUI(t, st))
}

func TestSettingsEncryptsTheLeads(t *testing.T) {
	path, st, e := encryptionCard(t)
	e.how.SetSelected(optPassphrase)
	assert.True(t, e.pass.Visible())
	assert.True(t, e.form.Visible())
	assert.Contains(t, e.state.Text, "not encrypted")

	try := func(pass, again string) {
		e.pass.SetText("")
		e.again.SetText("")
		test.Type(e.pass, pass)
		test.Type(e.again, again)
		test.Tap(e.encrypt)
	}
	for _, bad := range []struct{ pass, again, says string }{
		{"short", "short", "at least 8"},
		{"correct horse battery", "correct horse batterz", "differ"},
	} {
		try(bad.pass, bad.again)
		assert.Contains(t, e.state.Text, bad.says)
		assert.False(t, st.Encrypted())
	}
	try("correct horse battery", "correct horse battery")
	assert.True(t, st.Encrypted())
	assert.False(t, e.form.Visible())
	assert.Empty(t, e.pass.Text, "the passphrase is not kept in the widget")
	assert.Contains(t, e.state.Text, "LEADCAP_PASSPHRASE")
	require.NoError(t, st.Close())

	_, err := storage.Open(path, nil)
	require.ErrorIs(t, err, storage.ErrEncrypted)
	st, err = storage.Open(path, &storage.Options{Key: storage.Passphrase("correct horse battery")})
	require.NoError(t, err)
	defer st.Close()
	n, err := st.Count(storage.Query{Text: "lovelace"})
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	require.NoError(t, st.Check())
}
