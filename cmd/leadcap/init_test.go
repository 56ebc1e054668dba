package main_test

import (
	"crypto/sha256"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return sha256.Sum256(data)
}

// An existing database is encrypted in place with a passphrase from
// standard input; every later command needs it in LEADCAP_PASSPHRASE, and
// a wrong one changes nothing.
func TestInitEncrypt(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	assert.Contains(t, e.ok("init"), "0 leads, encrypted: no")
	e.withEvent()
	lid := id(t, e.ok("add", "--name", "Jürgen Müller", "--org", "Café Zürich", "--email", "jm@cafe.example"))

	r := e.runEnv("short\n", nil, "init", "--encrypt")
	assert.Equal(t, 2, r.code, "stderr %q", r.stderr)
	assert.Contains(t, r.stderr, "at least 8 characters")

	r = e.runEnv("correct horse battery\n", nil, "init", "--encrypt")
	require.Equal(t, 0, r.code, "stderr %q", r.stderr)
	assert.Contains(t, r.stdout, "encrypted: 1 leads")

	e.fails(1, []string{"list"}, "is encrypted", "LEADCAP_PASSPHRASE")
	before := fileSum(t, e.db)
	r = e.runEnv("", []string{"LEADCAP_PASSPHRASE=wrong horse battery"}, "status")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "does not open")
	assert.Equal(t, before, fileSum(t, e.db), "a wrong passphrase changes nothing")

	pw := []string{"LEADCAP_PASSPHRASE=correct horse battery"}
	r = e.runEnv("", pw, "list", "--search", "muller")
	require.Equal(t, 0, r.code, "stderr %q", r.stderr)
	assert.Contains(t, r.stdout, lid)
	assert.Contains(t, r.stdout, "Jürgen Müller")
	r = e.runEnv("", pw, "init", "--encrypt")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "encrypted already")
	r = e.runEnv("", pw, "add", "--name", "Ada Lovelace", "--email", "ada@example.com")
	require.Equal(t, 0, r.code, "stderr %q", r.stderr)
	r = e.runEnv("", pw, "status", "--json")
	require.Equal(t, 0, r.code, "stderr %q", r.stderr)
	assert.Contains(t, r.stdout, `"leads":2`)
	r = e.runEnv("", pw, "list", "--json")
	require.Equal(t, 0, r.code, "stderr %q", r.stderr)
	assert.Len(t, jsonLines(t, r.stdout), 2)
	assert.Equal(t, 2, strings.Count(r.stdout, `"sync":{"status":"pending"`))
}
