package credentials_test

import (
	"bytes"
	"encoding/base64"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/internal/credentials"
	"leadcap/internal/credentials/credentialstest"
)

func TestDatabaseKeysInTheSystemKeyring(t *testing.T) {
	credentialstest.Session(t)
	keys := credentials.DatabaseKeys{Keyring: credentials.System{}}
	id := "test " + t.Name()
	t.Cleanup(func() { _ = keys.DeleteKey(id) })

	_, err := keys.LoadKey(id)
	require.ErrorIs(t, err, credentials.ErrNoKey)

	key := bytes.Repeat([]byte{0, 0xff, 'k', 0x80}, 8)
	require.NoError(t, keys.SaveKey(id, key))
	got, err := keys.LoadKey(id)
	require.NoError(t, err)
	assert.Equal(t, key, got, "binary keys survive the keyring")

	out, err := exec.Command("secret-tool", "lookup", "service", credentials.Service, "username", "database key "+id).Output()
	require.NoError(t, err, "the Secret Service itself holds it")
	assert.Equal(t, base64.StdEncoding.EncodeToString(key), string(out))

	require.NoError(t, keys.DeleteKey(id))
	_, err = keys.LoadKey(id)
	require.ErrorIs(t, err, credentials.ErrNoKey)
}

func TestDatabaseKeysWithoutAKeyring(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	keys := credentials.DatabaseKeys{Keyring: credentials.System{}}
	_, err := keys.LoadKey("any")
	require.ErrorIs(t, err, credentials.ErrNoKeyring)
	require.ErrorIs(t, keys.SaveKey("any", []byte("k")), credentials.ErrNoKeyring)
}
