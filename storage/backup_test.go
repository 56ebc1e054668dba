package storage

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"leadcap/lead"
)

// No export or backup writes over the database or the copies Restore
// kept, whether named directly or through a symbolic link; a link to
// another file is followed and stays a link.
func TestWriteFileNeverReplacesTheDatabase(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "leadcap.db")
	s, err := Open(path, nil)
	require.NoError(t, err)
	defer s.Close()
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	mustAdd(t, s, newLead(ev, "Ada Lovelace", "", "ada@example.com"))
	kept := path + ".before-restore-20261203T100000Z"
	require.NoError(t, os.WriteFile(kept, []byte("an older database"), 0o600))
	link := filepath.Join(dir, "export.csv")
	require.NoError(t, os.Symlink(path, link))
	keptLink := filepath.Join(dir, "old.db")
	require.NoError(t, os.Symlink(kept, keptLink))
	before, keptBefore := fileHash(t, path), fileHash(t, kept)

	csv := func(w io.Writer) error { _, err := io.WriteString(w, "First Name\n"); return err }
	compacting := filepath.Join(dir, ".leadcap.db.compact") // what Compact writes before its rename
	for _, target := range []string{path, link, filepath.Join(dir, ".", "leadcap.db"), kept, keptLink, compacting} {
		require.ErrorIs(t, s.WriteFile(target, csv), ErrOwnFile, target)
		require.ErrorIs(t, s.BackupFile(target), ErrOwnFile, target)
	}
	assert.Equal(t, before, fileHash(t, path))
	assert.Equal(t, keptBefore, fileHash(t, kept))
	require.NoError(t, s.Check())

	// A link to another file: that file gets the export, the link stays.
	dest := filepath.Join(dir, "exports", "leads.csv")
	require.NoError(t, os.MkdirAll(filepath.Dir(dest), 0o700))
	require.NoError(t, os.WriteFile(dest, []byte("old"), 0o600))
	other := filepath.Join(dir, "leads.csv")
	require.NoError(t, os.Symlink(dest, other))
	require.NoError(t, s.WriteFile(other, csv))
	got, err := os.ReadFile(dest)
	require.NoError(t, err)
	assert.Equal(t, "First Name\n", string(got))
	fi, err := os.Lstat(other)
	require.NoError(t, err)
	assert.NotZero(t, fi.Mode()&os.ModeSymlink, "the link is still a link")

	require.Error(t, s.WriteFile(dir, csv), "a directory is not replaced")
}

// breakLead stores garbage in place of a lead, behind the store's back:
// bbolt's pages stay sound, the lead is lost.
func breakLead(t *testing.T, path string, l lead.Lead) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	require.NoError(t, err)
	require.NoError(t, db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bLeads).Put(l.ID[:], []byte("{garbage"))
	}))
	require.NoError(t, db.Close())
}

// backup checks what it wrote: a damaged database gives no backup, and the
// last good backup stays; restore refuses a backup whose leads are
// damaged, not only one whose pages are.
func TestBackupAndRestoreVerifyLeads(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "leadcap.db")
	s, err := Open(path, nil)
	require.NoError(t, err)
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	l := mustAdd(t, s, newLead(ev, "Ada Lovelace", "", "ada@example.com"))
	mustAdd(t, s, newLead(ev, "Grace Hopper", "", "grace@example.com"))
	good := filepath.Join(dir, "good.db")
	require.NoError(t, s.BackupFile(good))
	require.NoError(t, s.Close())
	goodHash := fileHash(t, good)

	breakLead(t, path, l)
	s, err = Open(path, nil)
	require.NoError(t, err, "the pages are sound")
	require.ErrorIs(t, s.BackupFile(good), ErrDamaged)
	assert.Equal(t, goodHash, fileHash(t, good), "the good backup is left as it was")
	fresh := filepath.Join(dir, "fresh.db")
	require.ErrorIs(t, s.BackupFile(fresh), ErrDamaged)
	assert.NoFileExists(t, fresh)
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*tmp-*"))
	assert.Empty(t, leftovers, "no temporary file left behind")

	var raw bytes.Buffer
	_, err = s.Backup(&raw)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	bad := filepath.Join(dir, "bad.db")
	require.NoError(t, os.WriteFile(bad, raw.Bytes(), 0o600))
	require.ErrorIs(t, Verify(bad, nil), ErrDamaged)
	target := filepath.Join(dir, "target.db")
	require.ErrorIs(t, Restore(bad, target, nil), ErrDamaged)
	assert.NoFileExists(t, target)
	require.NoError(t, Restore(good, target, nil))
}

// BenchmarkBackupFile100k writes a verified backup of the 100k store: the
// copy, its fsync, and the check of every page and lead before the rename.
func BenchmarkBackupFile100k(b *testing.B) {
	path, _ := fixture(b)
	s, err := Open(path, &Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	out := filepath.Join(b.TempDir(), "backup.db")
	for b.Loop() {
		if err := s.BackupFile(out); err != nil {
			b.Fatal(err)
		}
	}
}
