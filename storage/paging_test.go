package storage

import (
	"fmt"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"leadcap/lead"
)

// pages follows Next until the end and returns every row's ID.
func pages(t *testing.T, s *Store, q Query) []uuid.UUID {
	t.Helper()
	var out []uuid.UUID
	for n := 0; ; n++ {
		require.Less(t, n, 100, "the pages end")
		p, err := s.Page(q)
		require.NoError(t, err)
		require.LessOrEqual(t, len(p.Rows), q.Limit)
		for _, r := range p.Rows {
			out = append(out, r.ID)
		}
		if p.Next == "" {
			return out
		}
		q.Cursor = p.Next
	}
}

func TestPageFollowsEveryQuery(t *testing.T) {
	s, _ := openTest(t)
	fair := mustEvent(t, s, "Hannover Messe", "DE")
	expo := mustEvent(t, s, "SPS", "DE")
	for i := range 23 {
		ev := fair
		if i%3 == 0 {
			ev = expo
		}
		name := fmt.Sprintf("Person %d Müller", i)
		if i%2 == 0 {
			name = fmt.Sprintf("Person %d Lovelace", i)
		}
		l := mustAdd(t, s, newLead(ev, name, "Org", fmt.Sprintf("p%d@example.com", i)))
		if i%4 == 0 {
			claimAndDone(t, s, l.ID)
		}
		if i%5 == 0 {
			_, err := s.UpdateLead(l.ID, func(x *lead.Lead) error {
				x.Qualification = lead.Qualification{Fit: lead.Yes, Budget: lead.Yes, Authority: lead.Yes, Interest: lead.Yes}
				return nil
			})
			require.NoError(t, err)
		}
	}
	for _, q := range []Query{
		{}, {EventID: expo.ID}, {Stage: lead.StageProspect}, {Sync: SyncSynced},
		{Text: "muller"}, {Text: "person"}, {Text: "p1"}, {Text: "lovelace", EventID: fair.ID},
	} {
		all, err := s.List(q)
		require.NoError(t, err)
		var want []uuid.UUID
		for _, r := range all {
			want = append(want, r.ID)
		}
		for _, size := range []int{1, 4, 100} {
			q.Limit = size
			assert.Equal(t, want, pages(t, s, q), "%+v", q)
		}
		n, err := s.Count(q)
		require.NoError(t, err)
		assert.Equal(t, len(want), n, "%+v", q)
	}

	// A lead captured while someone pages is newer: the pages already
	// handed out stay valid and the following ones do not repeat a lead.
	p, err := s.Page(Query{Limit: 5})
	require.NoError(t, err)
	mustAdd(t, s, newLead(fair, "Late Comer", "Org", "late@example.com"))
	rest := pages(t, s, Query{Limit: 5, Cursor: p.Next})
	assert.Len(t, rest, 23-5)
	for _, r := range p.Rows {
		assert.NotContains(t, rest, r.ID)
	}

	_, err = s.Page(Query{Cursor: "not hex"})
	require.NoError(t, err, "a bad cursor gives an empty page")
}

func TestStatsOfFromCounters(t *testing.T) {
	s, _ := openTest(t)
	fair := mustEvent(t, s, "Hannover Messe", "DE")
	expo := mustEvent(t, s, "SPS", "DE")
	a := mustAdd(t, s, newLead(fair, "Ada Lovelace", "", "ada@example.com"))
	b := mustAdd(t, s, newLead(fair, "Bob Müller", "", "bob@example.com"))
	mustAdd(t, s, newLead(expo, "Grace Hopper", "", "grace@example.com"))
	claimAndDone(t, s, a.ID)
	require.NoError(t, s.MarkDead(b.ID, 1, "refused"))
	require.NoError(t, s.DeleteLead(a.ID))

	st, err := s.StatsOf(Query{EventID: fair.ID})
	require.NoError(t, err)
	assert.Equal(t, 1, st.Leads)
	assert.Equal(t, 1, st.BySync[SyncDead])
	assert.Equal(t, 1, st.Dead)
	st, err = s.Stats()
	require.NoError(t, err)
	assert.Equal(t, 2, st.Leads)
	assert.Equal(t, map[SyncStatus]int{SyncPending: 1, SyncSynced: 0, SyncFailed: 0, SyncDead: 1, SyncWaiting: 0}, st.BySync)
	assert.Equal(t, 1, st.OutboxPending)
	st, err = s.StatsOf(Query{Text: "hopper"})
	require.NoError(t, err)
	assert.Equal(t, 1, st.Leads)
	assert.Equal(t, 1, st.ByStage[lead.StageLead])

	// A counter that disagrees with the summaries is damage; a rebuild
	// recounts.
	require.NoError(t, s.db.Update(func(tx *bolt.Tx) error {
		c := tx.Bucket(bCounts).Cursor()
		k, _ := c.First()
		return tx.Bucket(bCounts).Put(k, []byte{0, 0, 0, 0, 0, 0, 0, 9})
	}))
	require.ErrorIs(t, s.Check(), ErrDamaged)
	require.NoError(t, s.RebuildIndexes())
	require.NoError(t, s.Check())
}
