package main_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/internal/credentials/credentialstest"
)

// A database encrypted with its key in the keyring (the real Secret
// Service of scripts/keyring.sh) opens in every command without a
// passphrase; backup, check, restore and salvage read it with that key.
// Without a keyring every command says so in one sentence and changes
// nothing.
func TestInitEncryptKeyring(t *testing.T) {
	credentialstest.Session(t)
	e := newEnv(t)
	e.withEvent()
	lid := id(t, e.ok("add", "--name", "Jürgen Müller", "--org", "Café Zürich", "--email", "jm@cafe.example"))

	e.fails(2, []string{"init", "--keyring"}, "--keyring goes with --encrypt")
	assert.Contains(t, e.ok("init", "--encrypt", "--keyring"), "encrypted: 1 leads, with a key kept in this device's keyring")
	assert.Contains(t, e.ok("init"), "encrypted: yes")
	e.fails(1, []string{"init", "--encrypt", "--keyring"}, "encrypted already")

	out := e.ok("list", "--search", "muller")
	assert.Contains(t, out, lid)
	assert.Contains(t, out, "Jürgen Müller")
	r := e.runEnv("", []string{"LEADCAP_PASSPHRASE=correct horse battery"}, "list")
	require.Equal(t, 0, r.code, "a passphrase in the environment does not get in the keyring's way: %q", r.stderr)

	backup := filepath.Join(e.dir, "backup.db")
	e.ok("backup", backup)
	assert.Contains(t, e.ok("check"), "no damage found (1 leads)")
	e.ok("add", "--name", "Ada Lovelace", "--email", "ada@example.com")
	e.ok("restore", backup)
	assert.NotContains(t, e.ok("list"), "Lovelace", "the backup from before Ada came back")

	salvaged := filepath.Join(e.dir, "salvaged.db")
	assert.Contains(t, e.ok("salvage", e.db, "-o", salvaged), "salvaged 1 leads")
	r = leadcapEnvIn(t, e.dir, "", nil, "--db", salvaged, "list")
	require.Equal(t, 0, r.code, "stderr %q", r.stderr)
	assert.Contains(t, r.stdout, "Jürgen Müller")

	before := fileSum(t, e.db)
	noKeyring := []string{"DBUS_SESSION_BUS_ADDRESS=", "XDG_RUNTIME_DIR=" + t.TempDir()}
	r = e.runEnv("", noKeyring, "list")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "this database's key is not in this device's keyring")
	assert.Contains(t, r.stderr, "there is no keyring leadcap can use")
	assert.Equal(t, before, fileSum(t, e.db), "nothing changed")
}

// Without a keyring, --keyring refuses and points to the passphrase; the
// database stays as it was.
func TestInitEncryptKeyringWithoutKeyring(t *testing.T) {
	e := newEnv(t)
	e.ok("init")
	before := fileSum(t, e.db)
	r := e.runEnv("", []string{"DBUS_SESSION_BUS_ADDRESS=", "XDG_RUNTIME_DIR=" + t.TempDir()}, "init", "--encrypt", "--keyring")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "no keyring leadcap can use")
	assert.Contains(t, r.stderr, "with a passphrase")
	assert.Equal(t, before, fileSum(t, e.db))
	assert.Contains(t, e.ok("init"), "encrypted: no")
}
