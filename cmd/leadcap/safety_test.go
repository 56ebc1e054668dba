package main_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/storage"
	"leadcap/storage/storagetest"
)

func hashOf(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

// No command writes over the open database, directly or through a link.
func TestExportAndBackupNeverReplaceTheDatabase(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.withEvent()
	id(t, e.ok("add", "--given", "Ada", "--family", "Lovelace", "--email", "ada@example.com"))
	before := hashOf(t, e.db)
	link := filepath.Join(e.dir, "leads.csv")
	require.NoError(t, os.Symlink(e.db, link))
	for _, target := range []string{e.db, link} {
		e.fails(1, []string{"export", "--format", "csv", "-o", target}, "is the database", "nothing was written")
		e.fails(1, []string{"backup", target}, "is the database")
	}
	assert.Equal(t, before, hashOf(t, e.db))
	assert.Contains(t, e.ok("check"), "no damage found (1 leads)")
}

// damage overwrites Ada's stored record behind leadcap's back: bbolt's
// pages stay sound, but her lead no longer decodes.
func damage(t *testing.T, path, leadID string) {
	t.Helper()
	require.NoError(t, storagetest.CorruptLead(path, uuid.MustParse(leadID)))
}

// A damaged database: check exits 1, backup writes nothing and exits 1,
// salvage copies what can be read and names what it lost.
func TestCheckBackupSalvageOnDamage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.withEvent()
	ada := id(t, e.ok("add", "--given", "Ada", "--family", "Lovelace", "--email", "ada@example.com"))
	id(t, e.ok("add", "--given", "Grace", "--family", "Hopper", "--email", "grace@example.com"))
	damage(t, e.db, ada)

	e.fails(1, []string{"check"}, "is damaged", "leadcap salvage")
	// check noted it in the file: status shows no counts, add writes nothing.
	e.fails(1, []string{"status"}, "is damaged", "does not decode", "leadcap salvage")
	e.fails(1, []string{"add", "--given", "Alan", "--email", "alan@example.com"}, "damaged", "leadcap salvage")
	backup := filepath.Join(e.dir, "backup.db")
	e.fails(1, []string{"backup", backup}, "is damaged, so no backup was written", "leadcap salvage")
	assert.NoFileExists(t, backup)

	out := filepath.Join(e.dir, "salvaged.db")
	got := e.ok("salvage", e.db, "-o", out)
	assert.Contains(t, got, "salvaged 1 leads and 1 events")
	assert.Contains(t, got, "lost 1:")
	assert.Contains(t, leadcapIn(t, e.dir, "", "--db", out, "check").stdout, "no damage found (1 leads)")
	assert.Regexp(t, `(?m)^checked:\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC, no damage found$`, leadcapIn(t, e.dir, "", "--db", out, "status").stdout)
	e.fails(1, []string{"salvage", e.db, "-o", out}, "already exists")
}

// An empty file, a directory and a pipe are named for what they are.
func TestOpenSaysWhatIsWrong(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	require.NoError(t, os.WriteFile(e.db, nil, 0o600))
	e.fails(1, []string{"status"}, "is empty (0 bytes)", "leadcap restore")
	e.fails(1, []string{"add", "--email", "a@example.com"}, "is empty (0 bytes)")
	fi, err := os.Stat(e.db)
	require.NoError(t, err)
	assert.Zero(t, fi.Size(), "the empty file is left as it was")

	r := leadcapIn(t, e.dir, "", "--db", e.dir, "status")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "is a directory")
	assert.NotContains(t, r.stderr, "damaged")
}

// list, show, status and export open the database read-only: they work
// beside another reader (and on a file that cannot be written).
func TestReadingCommandsOpenReadOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.withEvent()
	l := id(t, e.ok("add", "--given", "Ada", "--family", "Lovelace", "--email", "ada@example.com"))
	e.binary = true // the reader is this process, the commands run in another
	reader, err := storage.Open(e.db, &storage.Options{ReadOnly: true})
	require.NoError(t, err)
	defer reader.Close()
	assert.Contains(t, e.ok("list"), "Ada Lovelace")
	assert.Contains(t, e.ok("show", l), "Ada Lovelace")
	assert.Contains(t, e.ok("status"), "leads:")
	assert.Contains(t, e.ok("export", "--format", "jsonl"), l)
	e.fails(1, []string{"add", "--email", "b@example.com"}, "in use by another leadcap process")
}

// Escape sequences in what a lead holds never reach the terminal.
func TestOutputIsSanitized(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.withEvent()
	evil := "Ada\x1b]0;pwned\x07\x1b[2J\rMallory"
	l := id(t, e.ok("add", "--given", evil, "--family", "Lovelace", "--org", "ACME\x1b[31m", "--email", "ada@example.com",
		"--note", "call back\rFAKE LINE\x1b[1A"))
	for _, args := range [][]string{{"list"}, {"show", l}} {
		out := e.ok(args...)
		assert.NotContains(t, out, "\x1b", "leadcap %v", args)
		assert.NotContains(t, out, "\r", "leadcap %v", args)
		assert.NotContains(t, out, "\x07", "leadcap %v", args)
		assert.Contains(t, out, "Mallory", "leadcap %v", args)
	}
}

// decode on a pipe says so at once instead of waiting for a writer.
func TestDecodeRefusesAPipe(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	fifo := filepath.Join(e.dir, "card.png")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	r := leadcapIn(t, e.dir, "", "decode", fifo)
	assert.Equal(t, 1, r.code)
	assert.True(t, strings.Contains(r.stdout, "not an image file"), "stdout %q", r.stdout)
}
