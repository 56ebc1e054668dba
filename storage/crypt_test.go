package storage

import (
	"bytes"
	"fmt"
	"github.com/google/uuid"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"leadcap/lead"
)

// pii is what the encryption tests store and then look for in the file.
var pii = []string{"Müller", "muller", "Zürich", "zurich", "jm@cafe.example", "cafe.example", "Lovelace", "lovelace"}

func addPII(t *testing.T, s *Store) lead.Event {
	t.Helper()
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	mustAdd(t, s, newLead(ev, "Jürgen Müller", "Café Zürich AG", "jm@cafe.example"))
	ada := mustAdd(t, s, newLead(ev, "Ada Lovelace", "Analytical Engines", "ada@lovelace.example"))
	claimAndDone(t, s, ada.ID)
	return ev
}

// plainInBuckets returns the first PII string found in any key or value of
// the buckets that hold leads and their indexes.
func plainInBuckets(t *testing.T, s *Store) string {
	t.Helper()
	found := ""
	var walk func(b *bolt.Bucket)
	walk = func(b *bolt.Bucket) {
		_ = b.ForEach(func(k, v []byte) error {
			if v == nil {
				walk(b.Bucket(k))
				return nil
			}
			for _, p := range pii {
				if bytes.Contains(bytes.ToLower(k), []byte(strings.ToLower(p))) || bytes.Contains(bytes.ToLower(v), []byte(strings.ToLower(p))) {
					found = p
				}
			}
			return nil
		})
	}
	require.NoError(t, s.db.View(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bLeads, bSummaries, bIndexes, bCounts, bOutbox, bSync} {
			walk(tx.Bucket(name))
		}
		return nil
	}))
	return found
}

func TestEncryptExistingStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leadcap.db")
	s, err := Open(path, &Options{rebuildBatch: 1})
	require.NoError(t, err)
	ev := addPII(t, s)
	require.NotEmpty(t, plainInBuckets(t, s), "before: plain text in the store")

	require.NoError(t, s.Encrypt(Passphrase("correct horse battery staple")))
	assert.True(t, s.Encrypted())
	assert.Empty(t, plainInBuckets(t, s), "after: no plain name, organization or email in leads, summaries or indexes")
	require.NoError(t, s.Check())
	require.ErrorIs(t, s.Encrypt(Passphrase("other")), ErrAlreadyEncrypted)
	require.NoError(t, s.Close())
	before := fileHash(t, path)

	// No key, the wrong kind of key, the wrong passphrase: refused, file unchanged.
	_, err = Open(path, nil)
	require.ErrorIs(t, err, ErrEncrypted)
	assert.Contains(t, err.Error(), "LEADCAP_PASSPHRASE")
	_, err = Open(path, &Options{Key: KeyringKey{Keys: ringWith(NewKey())}})
	require.ErrorIs(t, err, ErrEncrypted)
	_, err = Open(path, &Options{Key: Passphrase("Correct horse battery staple")})
	require.ErrorIs(t, err, ErrWrongKey)
	assert.Contains(t, err.Error(), "nothing was changed")
	assert.Equal(t, before, fileHash(t, path))

	s, err = Open(path, &Options{Key: Passphrase("correct horse battery staple")})
	require.NoError(t, err)
	defer s.Close()
	rows, err := s.List(Query{Text: "muller jurg"})
	require.NoError(t, err)
	require.Len(t, rows, 1)
	assert.Equal(t, "Jürgen Müller", rows[0].Name)
	assert.Equal(t, "jm@cafe.example", rows[0].Email)
	l, err := s.Lead(rows[0].ID)
	require.NoError(t, err)
	assert.Equal(t, "Café Zürich AG", l.Contact.Organization)
	st, err := s.Stats()
	require.NoError(t, err)
	assert.Equal(t, 2, st.Leads)
	assert.Equal(t, 1, st.BySync[SyncSynced])

	// The duplicate index works on hashed keys.
	err = s.AddLead(newLead(ev, "J. Müller", "", "JM@cafe.example"))
	var de *DuplicateError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, rows[0].ID, de.Existing)
	mustAdd(t, s, newLead(ev, "Grace Hopper", "US Navy", "grace@navy.example"))
	require.NoError(t, s.Check())
}

// A store encrypted before its first lead never holds a plain record, not
// even in a free page.
func TestEncryptedFileHoldsNoPlainText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leadcap.db")
	ring := KeyringKey{Keys: memKeys{}}
	s, err := Open(path, nil)
	require.NoError(t, err)
	require.NoError(t, s.Encrypt(ring))
	addPII(t, s)
	_, err = s.UpdateLead(mustFind(t, s, "lovelace"), func(l *lead.Lead) error {
		l.Notes = append(l.Notes, lead.Note{Text: "Lovelace wants a demo"})
		return nil
	})
	require.NoError(t, err)
	require.NoError(t, s.Close())

	data, err := os.ReadFile(path)
	require.NoError(t, err)
	for _, p := range append(pii, "wants a demo") {
		assert.False(t, bytes.Contains(data, []byte(p)), "%q is in the file", p)
	}

	_, err = Open(path, &Options{Key: KeyringKey{Keys: ringWith(NewKey())}})
	require.ErrorIs(t, err, ErrWrongKey)
	s, err = Open(path, &Options{Key: ring})
	require.NoError(t, err)
	defer s.Close()
	l, err := s.Lead(mustFind(t, s, "lovelace"))
	require.NoError(t, err)
	assert.Equal(t, "Lovelace wants a demo", l.Notes[0].Text)
	require.NoError(t, s.Check())
}

func mustFind(t *testing.T, s *Store, text string) [16]byte {
	t.Helper()
	rows, err := s.List(Query{Text: text})
	require.NoError(t, err)
	require.Len(t, rows, 1, "one lead matches %q", text)
	return rows[0].ID
}

// Encrypting a store that already holds leads leaves none of their plain
// text in the file: not in the records, summaries or index, not in an
// attendee list, and not in the pages the rewrite freed (the file is
// compacted into a new one). Nothing else is left beside it either.
func TestEncryptExistingStoreLeavesNoPlainTextInTheFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "leadcap.db")
	s, err := Open(path, nil) // every lead rewritten in one transaction: no freed page reused
	require.NoError(t, err)
	ev := addPII(t, s)
	_, err = s.UpdateLead(mustFind(t, s, "lovelace"), func(l *lead.Lead) error {
		l.Notes = append(l.Notes, lead.Note{Text: "Lovelace wants a demo of the difference engine"})
		return nil
	})
	require.NoError(t, err)
	require.NoError(t, s.PutAttendees(ev.ID, []lead.Attendee{{BadgeID: "B-1", GivenName: "Konrad", FamilyName: "Zuse", Email: "konrad@zuse.example"}}))
	// Enough other leads that the rewrite frees pages it does not reuse.
	var more []lead.Lead
	for i := range 400 {
		l := newLead(ev, fmt.Sprintf("Person %d", i), "Filler AG", fmt.Sprintf("p%d@filler.example", i))
		l.ID, l.CapturedAt, l.Version = uuid.New(), time.Now().Add(-time.Duration(i)*time.Minute), 1
		more = append(more, *l)
	}
	rs, err := s.PutLeads(more)
	require.NoError(t, err)
	require.NoError(t, rs[len(rs)-1].Err)
	// CRM replies may quote the person: kept as a last error and a dead letter's reason.
	require.NoError(t, s.MarkFailed(more[0].ID, 1, "HubSpot: email crm-failed@reply.example is invalid", time.Now().Add(time.Hour)))
	require.NoError(t, s.MarkDead(more[1].ID, 1, "Salesforce: duplicate of crm-dead@reply.example"))
	secrets := append(pii, "Konrad", "zuse.example", "difference engine", "filler.example", "reply.example")
	inFile := func() []string { return plainInDir(t, dir, secrets) }
	before := inFile()
	require.NotEmpty(t, before, "before: the names are in the file (the search below can find them)")

	ring := KeyringKey{Keys: memKeys{}}
	require.NoError(t, s.Encrypt(ring))
	assert.Empty(t, inFile(), "right after Encrypt: plain text in the directory")
	// Still usable after the file was swapped under it.
	mustAdd(t, s, newLead(ev, "Grace Hopper", "US Navy", "grace@navy.example"))
	require.NoError(t, s.MarkFailed(more[2].ID, 1, "Tryton: crm-after@reply.example refused", time.Now().Add(time.Hour)))
	require.NoError(t, s.Check())
	require.NoError(t, s.Close())
	assert.Empty(t, inFile(), "after more writes and Close: plain text in the directory")

	s, err = Open(path, &Options{Key: ring})
	require.NoError(t, err)
	defer s.Close()
	l, err := s.Lead(mustFind(t, s, "lovelace"))
	require.NoError(t, err)
	assert.Equal(t, "Lovelace wants a demo of the difference engine", l.Notes[0].Text)
	a, ok, err := s.FindAttendee(ev.ID, "B-1")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "Zuse", a.FamilyName)
	mustFind(t, s, "müller")
	mustFind(t, s, "grace")
	si, err := s.SyncInfo(more[0].ID)
	require.NoError(t, err)
	assert.Equal(t, "HubSpot: email crm-failed@reply.example is invalid", si.LastError)
	si, err = s.SyncInfo(more[2].ID)
	require.NoError(t, err)
	assert.Equal(t, "Tryton: crm-after@reply.example refused", si.LastError)
	dead, err := s.DeadLetters()
	require.NoError(t, err)
	require.Len(t, dead, 1)
	assert.Equal(t, "Salesforce: duplicate of crm-dead@reply.example", dead[0].Reason)
	require.NoError(t, s.Check())
}

// plainInDir returns "file: secret" for each secret found in a file of dir:
// in its bytes, or in a lead record compressed with the store's dictionary
// (a zstd frame anywhere in the file, also in a free page), which a plain
// search of the bytes would miss.
func plainInDir(t *testing.T, dir string, secrets []string) []string {
	t.Helper()
	c, err := newCodec()
	require.NoError(t, err)
	defer c.close()
	var found []string
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		texts := [][]byte{data}
		magic := []byte{0x28, 0xb5, 0x2f, 0xfd}
		for i := bytes.Index(data, magic); i >= 0; {
			out, _ := c.zdec.DecodeAll(data[i:min(len(data), i+4096)], nil) // a record is smaller
			texts = append(texts, out)
			j := bytes.Index(data[i+1:], magic)
			if j < 0 {
				break
			}
			i += 1 + j
		}
		for _, p := range secrets {
			for _, text := range texts {
				if bytes.Contains(bytes.ToLower(text), bytes.ToLower([]byte(p))) {
					found = append(found, e.Name()+": "+p)
					break
				}
			}
		}
	}
	return found
}
