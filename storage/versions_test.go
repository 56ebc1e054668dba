package storage

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
)

// An impossible version is refused on import: accepted, the next edit
// would wrap it to a negative number, after which re-importing an old
// export would overwrite the edit.
func TestPutLeadRefusesImpossibleVersions(t *testing.T) {
	s, _ := openTest(t)
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	for _, v := range []int64{math.MaxInt64, MaxVersion + 1, -1, math.MinInt64} {
		l := newLead(ev, "Ada Lovelace", "", "ada@example.com")
		l.ID, l.Version = lead.NewID(), v
		_, err := s.PutLead(l)
		require.ErrorIs(t, err, ErrBadVersion, "version %d", v)
		_, err = s.Lead(l.ID)
		require.ErrorIs(t, err, ErrNotFound, "nothing of it was stored")
	}

	// A version at the limit is stored, but an edit does not wrap it.
	l := newLead(ev, "Ada Lovelace", "", "ada@example.com")
	l.ID, l.Version = lead.NewID(), MaxVersion
	_, err := s.PutLead(l)
	require.NoError(t, err)
	_, err = s.UpdateLead(l.ID, func(l *lead.Lead) error { l.Contact.Title = "Countess"; return nil })
	require.ErrorIs(t, err, ErrBadVersion)
	got, err := s.Lead(l.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(MaxVersion), got.Version)
	assert.Empty(t, got.Contact.Title)

}

// An older version never wins over an edit, and the same version with
// other content is a conflict, not "unchanged".
func TestPutLeadVersionRules(t *testing.T) {
	s, _ := openTest(t)
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	exported := mustAdd(t, s, newLead(ev, "Ada Lovelace", "", "ada@example.com"))
	edited, err := s.UpdateLead(exported.ID, func(l *lead.Lead) error {
		l.Notes = append(l.Notes, lead.Note{At: exported.CapturedAt, Text: "wants a demo"})
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, int64(2), edited.Version)

	old := exported
	res, err := s.PutLeads([]lead.Lead{old})
	require.NoError(t, err)
	assert.Equal(t, PutUnchanged, res[0].Outcome)
	require.NoError(t, res[0].Err)

	same := edited
	res, err = s.PutLeads([]lead.Lead{same})
	require.NoError(t, err)
	assert.Equal(t, PutUnchanged, res[0].Outcome, "the same version with the same content")

	other := edited
	other.Notes = []lead.Note{{At: exported.CapturedAt, Text: "no interest"}}
	res, err = s.PutLeads([]lead.Lead{other})
	require.NoError(t, err)
	assert.Equal(t, PutConflict, res[0].Outcome)
	require.ErrorIs(t, res[0].Err, ErrConflict)

	got, err := s.Lead(exported.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(2), got.Version)
	require.Len(t, got.Notes, 1)
	assert.Equal(t, "wants a demo", got.Notes[0].Text, "the stored edit is kept")
}

// A read-only open of an older schema says it needs an upgrade (the CLI
// then opens it writable once), and changes nothing.
func TestReadOnlyOpenOfOlderSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.db")
	ev, ls := v1Fixture()
	writeV1(t, path, ev, ls, -1, false)
	before := fileHash(t, path)
	_, err := Open(path, &Options{ReadOnly: true})
	require.ErrorIs(t, err, ErrNeedsUpgrade)
	assert.Equal(t, before, fileHash(t, path))
	s, err := Open(path, nil)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	s, err = Open(path, &Options{ReadOnly: true})
	require.NoError(t, err)
	require.NoError(t, s.Close())
}
