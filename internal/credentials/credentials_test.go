package credentials_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/internal/credentials"
	"leadcap/internal/credentials/credentialstest"
)

func TestSystemKeyringStoresReplacesAndDeletes(t *testing.T) {
	credentialstest.Session(t)
	kr := credentials.System{}
	account := "webhook https://crm.example.com/" + t.Name()
	t.Cleanup(func() { _ = kr.Delete(account) })

	_, err := kr.Get(account)
	assert.ErrorIs(t, err, credentials.ErrNotFound)
	assert.ErrorIs(t, kr.Delete(account), credentials.ErrNotFound)

	const secret = "whsec-Ünïcode €-and spaces"
	require.NoError(t, kr.Set(account, secret))
	got, err := kr.Get(account)
	require.NoError(t, err)
	assert.Equal(t, secret, got)

	// The Secret Service itself holds it, filed under leadcap.
	out, err := exec.Command("secret-tool", "lookup", "service", credentials.Service, "username", account).Output()
	require.NoError(t, err, "secret-tool (libsecret-tools) asks the same Secret Service")
	assert.Equal(t, secret, string(out))

	require.NoError(t, kr.Set(account, "replaced"))
	got, err = kr.Get(account)
	require.NoError(t, err)
	assert.Equal(t, "replaced", got, "a second Set replaces the secret")

	assert.ErrorIs(t, kr.Set(account, ""), credentials.ErrEmpty)
	require.NoError(t, kr.Delete(account))
	_, err = kr.Get(account)
	assert.ErrorIs(t, err, credentials.ErrNotFound)
}

func TestNoKeyringSaysSoAndStartsNone(t *testing.T) {
	t.Setenv(credentialstest.EnvVar, "")
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	// The D-Bus library would run dbus-launch to autolaunch a session bus
	// (and gnome-keyring with it) that outlives leadcap: a stand-in notes it.
	bin := t.TempDir()
	marker := filepath.Join(bin, "launched")
	require.NoError(t, os.WriteFile(filepath.Join(bin, "dbus-launch"), []byte("#!/bin/sh\ntouch "+marker+"\nexit 1\n"), 0o755))
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))

	kr := credentials.System{}
	_, err := kr.Get("tryton http://127.0.0.1:8000/")
	assert.ErrorIs(t, err, credentials.ErrUnavailable)
	assert.Contains(t, err.Error(), "LEADCAP_CRM_SECRET", "the sentence says what to do")
	assert.ErrorIs(t, kr.Set("x", "y"), credentials.ErrUnavailable)
	assert.ErrorIs(t, kr.Delete("x"), credentials.ErrUnavailable)
	assert.NoFileExists(t, marker, "no D-Bus session was autolaunched")
}
