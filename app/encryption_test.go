package app

import (
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/storage"
)

func TestSettingsEncryptsTheLeads(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leads.db")
	st, err := storage.Open(path, nil)
	require.NoError(t, err)
	demo(t, st)
	u := newTestUI(t, st)
	e := newEncryptionBlock(u)
	assert.True(t, e.form.Visible())
	assert.Contains(t, e.state.Text, "not encrypted")

	test.Type(e.pass, "short")
	test.Type(e.again, "short")
	test.Tap(e.encrypt)
	assert.Contains(t, e.state.Text, "at least 8")
	assert.False(t, st.Encrypted())

	e.pass.SetText("")
	test.Type(e.pass, "correct horse battery")
	test.Type(e.again, "correct horse batterz")
	test.Tap(e.encrypt)
	assert.Contains(t, e.state.Text, "differ")
	assert.False(t, st.Encrypted())

	e.again.SetText("")
	test.Type(e.again, "correct horse battery")
	test.Tap(e.encrypt)
	assert.True(t, st.Encrypted())
	assert.False(t, e.form.Visible())
	assert.Empty(t, e.pass.Text, "the passphrase is not kept in the widget")
	assert.Contains(t, e.state.Text, "LEADCAP_PASSPHRASE")
	require.NoError(t, st.Close())

	_, err = storage.Open(path, nil)
	require.ErrorIs(t, err, storage.ErrEncrypted)
	st, err = storage.Open(path, &storage.Options{Key: storage.Passphrase("correct horse battery")})
	require.NoError(t, err)
	defer st.Close()
	n, err := st.Count(storage.Query{Text: "lovelace"})
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	require.NoError(t, st.Check())
}
