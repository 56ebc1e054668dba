package storage

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"leadcap/lead"
)

// rawLeads reads the lead records of a file as they are stored.
func rawLeads(t *testing.T, path string) map[uuid.UUID][]byte {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	require.NoError(t, err)
	defer db.Close()
	out := map[uuid.UUID][]byte{}
	require.NoError(t, db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bLeads).ForEach(func(k, v []byte) error {
			out[uuid.UUID(k)] = append([]byte(nil), v...)
			return nil
		})
	}))
	return out
}

// testdata/schema2.db was written by leadcap at d1cdac4 (schema 2: JSON
// records, summaries with search text, plain duplicate keys): four leads at
// one event, Ada synced, Grace dead.
func TestMigrateSchema2File(t *testing.T) {
	data, err := os.ReadFile("testdata/schema2.db")
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "leadcap.db")
	require.NoError(t, os.WriteFile(path, data, 0o600))
	require.Equal(t, 2, schemaOf(t, path))
	before := rawLeads(t, path)
	require.Len(t, before, 4)

	_, err = Open(path, &Options{ReadOnly: true})
	require.ErrorContains(t, err, "needs an upgrade")

	s, err := Open(path, &Options{rebuildBatch: 3})
	require.NoError(t, err)
	require.NoError(t, s.Close())
	assert.Equal(t, schemaVersion, schemaOf(t, path))
	for _, v := range rawLeads(t, path) {
		assert.Equal(t, byte(recZstd), v[0], "every record was rewritten compressed")
	}

	s, err = Open(path, nil)
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Check())

	for id, v := range before {
		require.Equal(t, byte(recJSON), v[0])
		var want lead.Lead
		require.NoError(t, json.Unmarshal(v, &want))
		got, err := s.Lead(id)
		require.NoError(t, err)
		assert.Equal(t, want, got, "the lead reads back as it was")
	}
	st, err := s.Stats()
	require.NoError(t, err)
	assert.Equal(t, 4, st.Leads)
	assert.Equal(t, 1, st.BySync[SyncSynced])
	assert.Equal(t, 1, st.BySync[SyncDead])
	assert.Equal(t, 2, st.OutboxPending)
	assert.Equal(t, 1, st.Dead)

	rows, err := s.List(Query{Text: "muller"})
	require.NoError(t, err)
	require.Len(t, rows, 2)
	assert.Equal(t, "Bob Müller", rows[0].Name)
	assert.Equal(t, "Jürgen Müller", rows[1].Name)
	rows, err = s.List(Query{Text: "countess"})
	require.NoError(t, err)
	require.Len(t, rows, 1)
	assert.Equal(t, "ada@example.com", rows[0].Email)

	// The duplicate index was rebuilt with hashed keys.
	evs, err := s.Events()
	require.NoError(t, err)
	err = s.AddLead(&lead.Lead{EventID: evs[0].ID, Contact: lead.Contact{Emails: []string{"ADA@example.com"}}})
	var de *DuplicateError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, rows[0].ID, de.Existing)
	require.NoError(t, s.Check())
}
