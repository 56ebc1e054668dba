package storage

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

// Salvage copies every lead that decodes into a new store, names the ones
// it lost, and never changes the damaged file.
func TestSalvage(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "leadcap.db")
	s, err := Open(path, nil)
	require.NoError(t, err)
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	broken := mustAdd(t, s, newLead(ev, "Ada Lovelace", "", "ada@example.com"))
	kept := mustAdd(t, s, newLead(ev, "Grace Hopper", "US Navy", "grace@example.com"))
	mustAdd(t, s, newLead(ev, "Alan Turing", "", "alan@example.com"))
	require.NoError(t, s.Close())
	breakLead(t, path, broken)
	db, err := bolt.Open(path, 0o600, nil)
	require.NoError(t, err)
	require.NoError(t, db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bEvents).Delete(ev.ID[:]) }))
	require.NoError(t, db.Close())
	before := fileHash(t, path)

	out := filepath.Join(dir, "salvaged.db")
	rep, err := Salvage(path, out, nil)
	require.NoError(t, err)
	assert.Equal(t, 2, rep.Leads)
	assert.Equal(t, 1, rep.Events, "a placeholder for the lost event")
	require.Len(t, rep.Lost, 1)
	assert.Equal(t, fmt.Sprintf("%x", broken.ID[:]), rep.Lost[0].Key)
	assert.Equal(t, before, fileHash(t, path), "the damaged file is not changed")

	got, err := Open(out, nil)
	require.NoError(t, err)
	defer got.Close()
	require.NoError(t, got.Check())
	l, err := got.Lead(kept.ID)
	require.NoError(t, err)
	assert.Equal(t, kept.Contact, l.Contact)
	assert.Equal(t, kept.Version, l.Version)
	gotEv, err := got.Event(ev.ID)
	require.NoError(t, err)
	assert.Contains(t, gotEv.Name, "Salvaged event")

	_, err = Salvage(path, out, nil)
	require.ErrorIs(t, err, ErrExists, "an existing file is never replaced")
}

// Garbage in any page of a store never crashes Salvage; what it copies is
// a sound store, and every lead is copied or accounted for.
func TestSalvageDamagedPages(t *testing.T) {
	dir := t.TempDir()
	full := filepath.Join(dir, "full.db")
	s, err := Open(full, nil)
	require.NoError(t, err)
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	const n = 300
	for i := range n {
		require.NoError(t, s.AddLead(newLead(ev, fmt.Sprintf("Person %d", i), "Org", fmt.Sprintf("p%d@example.com", i))))
	}
	require.NoError(t, s.Close())
	data, err := os.ReadFile(full)
	require.NoError(t, err)

	lostSome := 0
	for p := 2; p < len(data)/pageSize; p++ {
		c := append([]byte(nil), data...)
		for i := p * pageSize; i < (p+1)*pageSize; i++ {
			c[i] = byte(i*7 + p)
		}
		path := filepath.Join(dir, fmt.Sprintf("page%d.db", p))
		require.NoError(t, os.WriteFile(path, c, 0o600))
		out := filepath.Join(dir, fmt.Sprintf("out%d.db", p))
		rep, err := Salvage(path, out, nil)
		require.NoError(t, err, "page %d", p)
		assert.LessOrEqual(t, rep.Leads, n)
		if rep.Leads < n {
			lostSome++
			require.NotEmpty(t, rep.Lost, "page %d: a lost lead is reported", p)
		}
		got, err := Open(out, nil)
		require.NoError(t, err)
		require.NoError(t, got.Check())
		c2, err := got.Count(Query{})
		require.NoError(t, err)
		assert.Equal(t, rep.Leads, c2)
		require.NoError(t, got.Close())
	}
	assert.Positive(t, lostSome)
}
