package storage

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"leadcap/lead"
	"leadcap/storage/storagetest"
)

// damagedStore returns a closed store file with two leads, the first of
// which no longer decodes (bbolt's pages are sound), and its event.
func damagedStore(t *testing.T) (path string, ev lead.Event, bad, good lead.Lead) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "leadcap.db")
	s, err := Open(path, nil)
	require.NoError(t, err)
	ev = mustEvent(t, s, "Hannover Messe", "DE")
	bad = mustAdd(t, s, newLead(ev, "Ada Lovelace", "Analytical Engines", "ada@lovelace.example"))
	good = mustAdd(t, s, newLead(ev, "Grace Hopper", "US Navy", "grace@navy.example"))
	require.NoError(t, s.Close())
	require.NoError(t, storagetest.CorruptLead(path, bad.ID))
	return path, ev, bad, good
}

// Check finds the damage and notes it in the file: from then on Stats
// reports it and no new data is written (a new lead, an import, an edit),
// in this process and the next, until the leads are salvaged.
func TestDamageFoundByCheckStopsNewWrites(t *testing.T) {
	path, ev, bad, good := damagedStore(t)
	s, err := Open(path, nil)
	require.NoError(t, err)
	st, err := s.Stats()
	require.NoError(t, err)
	assert.Nil(t, st.Damage, "nothing has read the damaged lead yet")

	require.ErrorIs(t, s.Check(), ErrDamaged)
	st, err = s.Stats()
	require.NoError(t, err)
	require.NotNil(t, st.Damage)
	assert.Contains(t, st.Damage.What, "does not decode")
	assert.Contains(t, st.Damage.What, bad.ID.String()[:8])

	refused := func(s *Store) {
		t.Helper()
		err := s.AddLead(newLead(ev, "Alan Turing", "NPL", "alan@npl.example"))
		var de *DamageError
		require.ErrorAs(t, err, &de)
		require.ErrorIs(t, err, ErrDamaged)
		assert.Contains(t, err.Error(), "nothing was written")
		assert.Contains(t, err.Error(), "leadcap salvage")
		_, _, err = s.AddOrMerge(newLead(ev, "Alan Turing", "NPL", "alan@npl.example"))
		require.ErrorAs(t, err, &de)
		_, err = s.PutLeads([]lead.Lead{good})
		require.ErrorAs(t, err, &de)
		_, err = s.MergeLeads([]lead.Lead{good})
		require.ErrorAs(t, err, &de)
		_, err = s.UpdateLead(good.ID, func(l *lead.Lead) error { l.Contact.Title = "Rear Admiral"; return nil })
		require.ErrorAs(t, err, &de)
		n, err := s.Count(Query{})
		require.NoError(t, err)
		assert.Equal(t, 2, n, "nothing was added")
		l, err := s.Lead(good.ID)
		require.NoError(t, err)
		assert.Empty(t, l.Contact.Title, "nothing was changed")
	}
	refused(s)
	require.NoError(t, s.Close())

	s, err = Open(path, nil)
	require.NoError(t, err)
	st, err = s.Stats()
	require.NoError(t, err)
	require.NotNil(t, st.Damage, "the note is in the file")
	refused(s)
	require.NoError(t, s.Close())

	ro, err := Open(path, &Options{ReadOnly: true})
	require.NoError(t, err)
	st, err = ro.Stats()
	require.NoError(t, err)
	assert.NotNil(t, st.Damage, "a read-only open sees the note")
	require.NoError(t, ro.Close())

	out := filepath.Join(t.TempDir(), "salvaged.db")
	rep, err := Salvage(path, out, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Leads)
	s, err = Open(out, nil)
	require.NoError(t, err)
	defer s.Close()
	st, err = s.Stats()
	require.NoError(t, err)
	assert.Nil(t, st.Damage, "the salvaged store is sound")
	mustAdd(t, s, newLead(ev, "Alan Turing", "NPL", "alan@npl.example"))
	require.NoError(t, s.Check())
}

// A lead that does not decode, met by an ordinary read, is damage too: the
// store remembers it, and writes it into the file when it closes.
func TestDamageMetByAReadIsNoted(t *testing.T) {
	path, ev, bad, _ := damagedStore(t)
	s, err := Open(path, nil)
	require.NoError(t, err)
	_, err = s.Lead(bad.ID)
	require.ErrorIs(t, err, ErrDamaged)
	var de *DamageError
	require.ErrorAs(t, s.AddLead(newLead(ev, "Alan Turing", "NPL", "alan@npl.example")), &de)
	require.NoError(t, s.Close())

	s, err = Open(path, nil)
	require.NoError(t, err)
	defer s.Close()
	st, err := s.Stats()
	require.NoError(t, err)
	require.NotNil(t, st.Damage)
	assert.Contains(t, st.Damage.What, bad.ID.String()[:8])
}

// A read-only store notes the damage it finds for as long as it is open,
// and never writes into the file.
func TestDamageInAReadOnlyStoreIsNotWritten(t *testing.T) {
	path, _, _, _ := damagedStore(t)
	before := fileHash(t, path)
	ro, err := Open(path, &Options{ReadOnly: true})
	require.NoError(t, err)
	require.ErrorIs(t, ro.Check(), ErrDamaged)
	st, err := ro.Stats()
	require.NoError(t, err)
	assert.NotNil(t, st.Damage)
	require.NoError(t, ro.Close())
	assert.Equal(t, before, fileHash(t, path), "the file is unchanged")
}

// Index damage that RebuildIndexes repairs: the next clean Check clears the
// note and new leads are taken again.
func TestCleanCheckClearsTheDamageNote(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leadcap.db")
	s, err := Open(path, nil)
	require.NoError(t, err)
	defer s.Close()
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	ada := mustAdd(t, s, newLead(ev, "Ada Lovelace", "Analytical Engines", "ada@lovelace.example"))
	require.NoError(t, s.write(func(b *bx) error { return b.ixStage.Delete(stageIndexKey(&ada, summaryKey(&ada))) }))

	require.ErrorIs(t, s.Check(), ErrDamaged)
	var de *DamageError
	require.ErrorAs(t, s.AddLead(newLead(ev, "Grace Hopper", "US Navy", "grace@navy.example")), &de)
	st, err := s.Stats()
	require.NoError(t, err)
	assert.True(t, st.CheckedAt.IsZero(), "no check found nothing wrong yet")
	require.NoError(t, s.RebuildIndexes())
	require.NoError(t, s.Check())
	st, err = s.Stats()
	require.NoError(t, err)
	assert.Nil(t, st.Damage)
	require.NoError(t, s.db.View(func(tx *bolt.Tx) error {
		assert.Nil(t, tx.Bucket(bMeta).Get(keyDamage), "the note left the file")
		return nil
	}))
	assert.False(t, st.CheckedAt.IsZero(), "when the clean check ran")
	mustAdd(t, s, newLead(ev, "Grace Hopper", "US Navy", "grace@navy.example"))
}
