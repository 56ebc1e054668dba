package storage

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"leadcap/lead"
)

func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return sha256.Sum256(b)
}

func schemaOf(t *testing.T, path string) int {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	require.NoError(t, err)
	defer db.Close()
	v := 0
	require.NoError(t, db.View(func(tx *bolt.Tx) error {
		v = int(binary.BigEndian.Uint64(tx.Bucket([]byte("meta")).Get([]byte("schema"))))
		return nil
	}))
	return v
}

func TestSchemaVersionMatchesMigrations(t *testing.T) {
	assert.Equal(t, len(migrations), schemaVersion, "append a migration and bump schemaVersion together")
}

func TestOpenCreatesFileAndDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nested", "dir", "leadcap.db")
	s, err := Open(path, nil)
	require.NoError(t, err)
	assert.Equal(t, path, s.Path())
	require.NoError(t, s.Close())
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "leads are personal data")
	assert.Equal(t, schemaVersion, schemaOf(t, path))

	// An empty file (a full disk, a failed copy) is not taken for a new
	// database: its leads may be in a backup. It is left as it is.
	empty := filepath.Join(t.TempDir(), "empty.db")
	require.NoError(t, os.WriteFile(empty, nil, 0o600))
	for _, ro := range []bool{false, true} {
		_, err = Open(empty, &Options{ReadOnly: ro})
		require.ErrorIs(t, err, ErrEmptyFile)
		fi, err = os.Stat(empty)
		require.NoError(t, err)
		assert.Zero(t, fi.Size())
	}

	// A directory is named as one, not called damaged.
	_, err = Open(t.TempDir(), nil)
	require.ErrorIs(t, err, ErrIsDirectory)
	assert.NotErrorIs(t, err, ErrDamaged)
}

func TestDefaultPath(t *testing.T) {
	t.Setenv("LEADCAP_DB", "/tmp/custom/leads.db")
	p, err := DefaultPath()
	require.NoError(t, err)
	assert.Equal(t, "/tmp/custom/leads.db", p)

	t.Setenv("LEADCAP_DB", "")
	t.Setenv("XDG_DATA_HOME", "/data/home")
	p, err = DefaultPath()
	require.NoError(t, err)
	assert.Equal(t, filepath.Join("leadcap", "leadcap.db"), filepath.Join(filepath.Base(filepath.Dir(p)), filepath.Base(p)))
	switch runtime.GOOS {
	case "windows", "darwin", "ios":
	default:
		assert.Equal(t, "/data/home/leadcap/leadcap.db", p, "XDG_DATA_HOME is honoured")
		t.Setenv("XDG_DATA_HOME", "relative/dir")
		t.Setenv("HOME", "/home/booth")
		p, err = DefaultPath()
		require.NoError(t, err)
		assert.Equal(t, "/home/booth/.local/share/leadcap/leadcap.db", p, "a relative XDG_DATA_HOME is ignored")
	}
}

// DefaultPathIn reads the variables through the lookup it is given, not
// from the process: the command line passes each invocation's own.
func TestDefaultPathIn(t *testing.T) {
	t.Setenv("LEADCAP_DB", "/process/leads.db")
	t.Setenv("HOME", "/home/process")
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}
	p, err := DefaultPathIn(env(map[string]string{"LEADCAP_DB": "mine.db"}))
	require.NoError(t, err)
	assert.Equal(t, "mine.db", p, "as given, relative too")
	p, err = DefaultPathIn(env(map[string]string{"HOME": "/home/booth", "XDG_DATA_HOME": "/data/booth", "LocalAppData": `C:\Booth`}))
	require.NoError(t, err)
	switch runtime.GOOS {
	case "windows":
		assert.Equal(t, filepath.Join(`C:\Booth`, "leadcap", "leadcap.db"), p)
	case "darwin", "ios":
		assert.Equal(t, "/home/booth/Library/Application Support/leadcap/leadcap.db", p)
	default:
		assert.Equal(t, "/data/booth/leadcap/leadcap.db", p)
		p, err = DefaultPathIn(env(map[string]string{"HOME": "/home/booth"}))
		require.NoError(t, err)
		assert.Equal(t, "/home/booth/.local/share/leadcap/leadcap.db", p)
	}
	_, err = DefaultPathIn(env(nil))
	assert.ErrorContains(t, err, "set LEADCAP_DB", "no home in the invocation's environment, although the process has one")
}

// writeV1 writes a schema-1 database by hand, the way leadcap 1 laid it
// out: no summaries and no indexes.
func writeV1(t *testing.T, path string, ev lead.Event, leads []lead.Lead, syncedIdx int, badJSON bool) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.Update(func(tx *bolt.Tx) error {
		for _, name := range []string{"meta", "events", "leads", "settings", "sync", "outbox", "due", "dead"} {
			_, err := tx.CreateBucket([]byte(name))
			require.NoError(t, err)
		}
		var v [8]byte
		binary.BigEndian.PutUint64(v[:], 1)
		require.NoError(t, tx.Bucket([]byte("meta")).Put([]byte("schema"), v[:]))
		data, _ := json.Marshal(ev)
		require.NoError(t, tx.Bucket([]byte("events")).Put(ev.ID[:], data))
		for i, l := range leads {
			data, _ := json.Marshal(l)
			if badJSON && i == len(leads)-1 {
				data = []byte("{not json")
			}
			require.NoError(t, tx.Bucket([]byte("leads")).Put(l.ID[:], data))
			if i == syncedIdx {
				st, _ := json.Marshal(syncState{SyncedAt: l.UpdatedAt, SyncedVersion: l.Version, RemoteID: "r1"})
				require.NoError(t, tx.Bucket([]byte("sync")).Put(l.ID[:], st))
				continue
			}
			r := outboxRec{Version: l.Version, Seq: uint64(i + 1), Enqueued: l.UpdatedAt, NextAttempt: l.UpdatedAt}
			rd, _ := json.Marshal(r)
			require.NoError(t, tx.Bucket([]byte("outbox")).Put(l.ID[:], rd))
			require.NoError(t, tx.Bucket([]byte("due")).Put(r.dueKey(), l.ID[:]))
		}
		return nil
	}))
}

func v1Fixture() (lead.Event, []lead.Lead) {
	ev := lead.Event{ID: lead.NewID(), Name: "Hannover Messe", Country: "DE"}
	at := time.Date(2025, 4, 1, 10, 0, 0, 0, time.UTC)
	var ls []lead.Lead
	for i, c := range []lead.Contact{
		{FullName: "Jürgen Müller", Organization: "ACME", Emails: []string{"jm@acme.example"}},
		{FullName: "Ada Lovelace", Emails: []string{"ada@example.com"}},
		{FullName: "Grace Hopper", Organization: "US Navy", Phones: []lead.Phone{{Number: "+12025550100"}}},
	} {
		l := lead.New(ev.ID, lead.MethodQRScan, at.Add(time.Duration(i)*time.Minute))
		l.Contact, l.Version = c, 1
		ls = append(ls, *l)
	}
	return ev, ls
}

func TestMigrateV1ToV2(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.db")
	ev, ls := v1Fixture()
	writeV1(t, path, ev, ls, 2, false)
	require.Equal(t, 1, schemaOf(t, path))

	s, err := Open(path, &Options{rebuildBatch: 2})
	require.NoError(t, err)
	require.NoError(t, s.Close())
	assert.Equal(t, schemaVersion, schemaOf(t, path))

	s, err = Open(path, nil)
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Check())
	got, err := s.List(Query{EventID: ev.ID})
	require.NoError(t, err)
	require.Len(t, got, 3, "summaries and the event index were built")
	assert.Equal(t, []uuid.UUID{ls[2].ID, ls[1].ID, ls[0].ID}, []uuid.UUID{got[0].ID, got[1].ID, got[2].ID})
	assert.Equal(t, SyncSynced, got[0].Sync)
	assert.Equal(t, SyncPending, got[1].Sync)
	found, err := s.List(Query{Text: "muller"})
	require.NoError(t, err)
	require.Len(t, found, 1)
	assert.Equal(t, ls[0].ID, found[0].ID)
	n, err := s.Count(Query{Stage: lead.StageLead})
	require.NoError(t, err)
	assert.Equal(t, 3, n, "the stage index was built")

	// The duplicate index was built: the same person is recognised.
	err = s.AddLead(&lead.Lead{EventID: ev.ID, Contact: lead.Contact{Emails: []string{"ADA@example.com"}}})
	var de *DuplicateError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, ls[1].ID, de.Existing)
}

func leadsBucket(t *testing.T, path string) map[string]string {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	require.NoError(t, err)
	defer db.Close()
	rc, err := newCodec()
	require.NoError(t, err)
	defer rc.close()
	// What the records hold: a migration may rewrite them in a new format.
	out := map[string]string{}
	require.NoError(t, db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bLeads).ForEach(func(k, v []byte) error {
			out[string(k)] = string(v)
			if l, err := rc.decodeLead(k, v); err == nil {
				data, _ := json.Marshal(l)
				out[string(k)] = string(data)
			}
			return nil
		})
	}))
	return out
}

// A migration whose index rebuild fails (a damaged lead) never touches the
// leads, fails again on the next Open instead of serving half-built
// indexes, and completes once the lead is repaired.
func TestInterruptedMigrationResumes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.db")
	ev, ls := v1Fixture()
	writeV1(t, path, ev, ls, -1, true)
	before := leadsBucket(t, path)

	for range 2 {
		_, err := Open(path, &Options{rebuildBatch: 1})
		require.ErrorIs(t, err, ErrDamaged)
		assert.Contains(t, err.Error(), "rebuild indexes")
		assert.Equal(t, before, leadsBucket(t, path), "the leads are untouched")
	}

	db, err := bolt.Open(path, 0o600, nil)
	require.NoError(t, err)
	require.NoError(t, db.Update(func(tx *bolt.Tx) error {
		data, _ := json.Marshal(ls[2])
		return tx.Bucket(bLeads).Put(ls[2].ID[:], data)
	}))
	require.NoError(t, db.Close())

	s, err := Open(path, &Options{rebuildBatch: 2})
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Check())
	n, err := s.Count(Query{EventID: ev.ID})
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	require.NoError(t, s.db.View(func(tx *bolt.Tx) error {
		assert.Nil(t, tx.Bucket(bMeta).Get(keyRebuild), "the rebuild finished")
		return nil
	}))
}

func TestNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "future.db")
	s, err := Open(path, nil)
	require.NoError(t, err)
	require.NoError(t, s.db.Update(func(tx *bolt.Tx) error { return putSchema(tx, schemaVersion+1) }))
	require.NoError(t, s.Close())
	before := fileHash(t, path)

	_, err = Open(path, nil)
	require.ErrorIs(t, err, ErrNewerSchema)
	assert.Contains(t, err.Error(), "update leadcap")
	assert.Equal(t, before, fileHash(t, path))
}

func TestSecondOpenFailsLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leadcap.db")
	s, err := Open(path, nil)
	require.NoError(t, err)

	_, err = Open(path, nil)
	require.ErrorIs(t, err, ErrLocked)
	assert.Contains(t, err.Error(), "in use by another leadcap process")
	_, err = Open(path, &Options{ReadOnly: true, Timeout: 50 * time.Millisecond})
	require.ErrorIs(t, err, ErrLocked, "a reader waits for the writer too")

	require.NoError(t, s.Close())
	s, err = Open(path, nil)
	require.NoError(t, err, "free again once closed")
	require.NoError(t, s.Close())
}

func TestReadOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leadcap.db")
	_, err := Open(path, &Options{ReadOnly: true})
	require.ErrorIs(t, err, os.ErrNotExist, "read-only never creates")

	s, err := Open(path, nil)
	require.NoError(t, err)
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	require.NoError(t, s.Close())

	r1, err := Open(path, &Options{ReadOnly: true})
	require.NoError(t, err)
	defer r1.Close()
	r2, err := Open(path, &Options{ReadOnly: true})
	require.NoError(t, err, "readers share the file")
	defer r2.Close()
	got, err := r2.Event(ev.ID)
	require.NoError(t, err)
	assert.Equal(t, "Hannover Messe", got.Name)
	require.ErrorIs(t, r1.CreateEvent(&lead.Event{Name: "x"}), ErrReadOnly)
}

func TestDamagedFile(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 64<<10)
	for i := range random {
		random[i] = byte(rng.UintN(256))
	}

	// A real database, cut in half.
	full := filepath.Join(dir, "full.db")
	s, err := Open(full, nil)
	require.NoError(t, err)
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	for i := range 150 {
		require.NoError(t, s.AddLead(newLead(ev, "Person", "Org", fmt.Sprintf("p%d@example.com", i))))
	}
	require.NoError(t, s.Close())
	data, err := os.ReadFile(full)
	require.NoError(t, err)

	// A sound bbolt file of some other program.
	other := filepath.Join(dir, "other.db")
	db, err := bolt.Open(other, 0o600, nil)
	require.NoError(t, err)
	require.NoError(t, db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucket([]byte("widgets"))
		return err
	}))
	require.NoError(t, db.Close())
	otherData, err := os.ReadFile(other)
	require.NoError(t, err)

	zeroedMeta := bytes.Clone(data)
	clear(zeroedMeta[:2*pageSize])
	// Valid meta pages, garbage everywhere else.
	scrambled := bytes.Clone(data)
	for off := 2 * pageSize; off < len(scrambled); off += len(random) {
		copy(scrambled[off:], random)
	}

	for name, content := range map[string][]byte{
		"text file":         bytes.Repeat([]byte("First Name,Last Name,Email\n"), 500),
		"random bytes":      random,
		"tiny":              []byte("x"),
		"truncated":         data[:len(data)/2],
		"meta pages zeroed": zeroedMeta,
		"other bbolt file":  otherData,
		"scrambled pages":   scrambled,
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "leadcap.db")
			require.NoError(t, os.WriteFile(path, content, 0o600))
			_, err := Open(path, nil)
			require.ErrorIs(t, err, ErrDamaged)
			t.Log(err)
			assert.Contains(t, err.Error(), "restore it from a backup")
			after, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.True(t, bytes.Equal(content, after), "the file was not modified")
			require.ErrorIs(t, Verify(path, nil), ErrDamaged)
		})
	}
}

func TestBackupRestore(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "leadcap.db")
	s, err := Open(path, nil)
	require.NoError(t, err)
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	kept := mustAdd(t, s, newLead(ev, "Ada Lovelace", "", "ada@example.com"))

	var buf bytes.Buffer
	n, err := s.Backup(&buf)
	require.NoError(t, err)
	assert.Equal(t, int64(buf.Len()), n)
	assert.Positive(t, n)

	backup := filepath.Join(dir, "backups", "leadcap-backup.db")
	require.NoError(t, s.BackupFile(backup))
	require.Error(t, s.BackupFile(path), "refuses to overwrite the database itself")
	require.NoError(t, Verify(backup, nil))

	// After the backup, another lead arrives.
	later := mustAdd(t, s, newLead(ev, "Grace Hopper", "", "grace@example.com"))

	// Restoring over an open database is refused.
	require.ErrorIs(t, Restore(backup, path, nil), ErrLocked)
	require.NoError(t, s.Close())

	// A damaged backup is refused and the database left alone.
	bad := filepath.Join(dir, "bad.db")
	require.NoError(t, os.WriteFile(bad, buf.Bytes()[:buf.Len()/2], 0o600))
	before := fileHash(t, path)
	require.ErrorIs(t, Restore(bad, path, nil), ErrDamaged)
	assert.Equal(t, before, fileHash(t, path))

	require.NoError(t, Restore(backup, path, nil))
	s, err = Open(path, nil)
	require.NoError(t, err)
	got, err := s.Lead(kept.ID)
	require.NoError(t, err)
	assert.Equal(t, kept.Contact, got.Contact)
	_, err = s.Lead(later.ID)
	require.ErrorIs(t, err, ErrNotFound, "the restored file is the backup")
	evs, err := s.Events()
	require.NoError(t, err)
	assert.Len(t, evs, 1)
	require.NoError(t, s.Close())

	// The replaced database is kept next to it.
	old, err := filepath.Glob(path + ".before-restore-*")
	require.NoError(t, err)
	require.Len(t, old, 1)
	prev, err := Open(old[0], nil)
	require.NoError(t, err)
	defer prev.Close()
	_, err = prev.Lead(later.ID)
	require.NoError(t, err)

	// Restoring to a new place works too; a restored file is a normal store.
	fresh := filepath.Join(dir, "elsewhere", "leadcap.db")
	require.NoError(t, Restore(backup, fresh, nil))
	s2, err := Open(fresh, nil)
	require.NoError(t, err)
	defer s2.Close()
	_, err = s2.Lead(kept.ID)
	require.NoError(t, err)
	mustAdd(t, s2, newLead(ev, "New After Restore", "", "new@example.com"))
}

// Damage anywhere in the file never crashes the process: every page in
// turn is overwritten with garbage, and each operation either works (the
// page was free) or fails with ErrDamaged.
func TestDamagedPagesNeverCrash(t *testing.T) {
	dir := t.TempDir()
	full := filepath.Join(dir, "full.db")
	s, err := Open(full, nil)
	require.NoError(t, err)
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	for i := range 300 {
		require.NoError(t, s.AddLead(newLead(ev, fmt.Sprintf("Person %d", i), "Org", fmt.Sprintf("p%d@example.com", i))))
	}
	require.NoError(t, s.Close())
	data, err := os.ReadFile(full)
	require.NoError(t, err)

	damaged := 0
	check := func(err error) {
		if err != nil {
			require.ErrorIs(t, err, ErrDamaged)
			damaged++
		}
	}
	for p := 2; p < len(data)/pageSize; p++ {
		c := bytes.Clone(data)
		for i := p * pageSize; i < (p+1)*pageSize; i++ {
			c[i] = byte(i*7 + p)
		}
		path := filepath.Join(dir, fmt.Sprintf("page%d.db", p))
		require.NoError(t, os.WriteFile(path, c, 0o600))
		s, err := Open(path, nil)
		if err != nil {
			check(err)
			continue
		}
		_, err = s.List(Query{Text: "person"})
		check(err)
		_, err = s.Leads(Query{})
		check(err)
		_, err = s.Stats()
		check(err)
		check(s.AddLead(newLead(ev, "New", "Org", "new@example.com")))
		require.NoError(t, s.Close())
	}
	assert.Positive(t, damaged)
}

func TestCheckAndRebuildIndexes(t *testing.T) {
	s, _ := openTest(t)
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	l := mustAdd(t, s, newLead(ev, "Ada Lovelace", "", "ada@example.com"))
	mustAdd(t, s, newLead(ev, "Grace Hopper", "", "grace@example.com"))
	require.NoError(t, s.Check())

	require.NoError(t, s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bSummaries).Delete(summaryKey(&l))
	}))
	err := s.Check()
	require.ErrorIs(t, err, ErrDamaged)
	assert.Contains(t, err.Error(), l.ID.String())

	require.NoError(t, s.RebuildIndexes())
	require.NoError(t, s.Check())
	n, err := s.Count(Query{Text: "lovelace"})
	require.NoError(t, err)
	assert.Equal(t, 1, n)

	require.NoError(t, s.db.Update(func(tx *bolt.Tx) error {
		var r outboxRec
		require.NoError(t, json.Unmarshal(tx.Bucket(bOutbox).Get(l.ID[:]), &r))
		return tx.Bucket(bDue).Delete(r.dueKey())
	}))
	require.ErrorIs(t, s.Check(), ErrDamaged)
	require.NoError(t, s.db.Update(func(tx *bolt.Tx) error {
		var r outboxRec
		require.NoError(t, json.Unmarshal(tx.Bucket(bOutbox).Get(l.ID[:]), &r))
		return tx.Bucket(bDue).Put(r.dueKey(), l.ID[:])
	}))
	require.NoError(t, s.Check())

	// A duplicate index entry that names no lead with that key turns a new
	// person away; RebuildIndexes drops it.
	stale := (&bx{rc: s.rc.Load()}).dupIndexKey(ev.ID, "email:gone@example.com")
	require.NoError(t, s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bIndexes).Bucket(ixDup).Put(stale, l.ID[:])
	}))
	err = s.Check()
	require.ErrorIs(t, err, ErrDamaged)
	assert.Contains(t, err.Error(), "duplicate index")
	assert.NotContains(t, err.Error(), "gone@", "no PII in the message")
	require.NoError(t, s.RebuildIndexes())
	require.NoError(t, s.Check())

	// A lease must name an outbox entry.
	claimAndDone(t, s, l.ID)
	require.NoError(t, s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bLeases).Put(l.ID[:], nil) }))
	err = s.Check()
	require.ErrorIs(t, err, ErrDamaged)
	assert.Contains(t, err.Error(), "lease")
	require.NoError(t, s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bLeases).Delete(l.ID[:]) }))
}
