package storage

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
