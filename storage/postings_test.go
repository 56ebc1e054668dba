package storage

import (
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

// Random adds and deletes (appends in time order, inserts in the middle,
// the same time twice, deletes of first entries) against a plain multiset.
func TestPostingListsAgainstAMultiset(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "p.db"), 0o600, nil)
	require.NoError(t, err)
	defer db.Close()
	r := rand.New(rand.NewPCG(3, 4))
	tags := [][]byte{{1, 1, 1, 1}, {1, 1, 1, 2}, {9, 0, 0, 0}}
	evs := [][]byte{{0, 1}, {0, 2}}
	want := map[string][]posting{}
	clock := uint64(1000)
	require.NoError(t, db.Update(func(tx *bolt.Tx) error {
		ix, err := tx.CreateBucket([]byte("words"))
		require.NoError(t, err)
		for range 5000 {
			tag := tags[r.IntN(len(tags))]
			ts := want[string(tag)]
			switch op := r.IntN(10); {
			case op < 5: // a new capture
				clock += uint64(r.IntN(3))
				p := newPosting(clock, evs[r.IntN(2)])
				require.NoError(t, postingAdd(ix, tag, p))
				ts = append(ts, p)
			case op < 7: // an import of an older lead
				at := newPosting(uint64(r.IntN(int(clock))), evs[r.IntN(2)])
				require.NoError(t, postingAdd(ix, tag, at))
				ts = append(ts, at)
			case len(ts) > 0: // a delete
				at := ts[r.IntN(len(ts))]
				require.NoError(t, postingDel(ix, tag, at))
				i := slices.Index(ts, at)
				ts = slices.Delete(ts, i, i+1)
			}
			slices.SortFunc(ts, comparePostings)
			want[string(tag)] = ts
		}
		for _, tag := range tags {
			ts := want[string(tag)]
			checkChunks(t, ix, tag, ts)
			for _, ev := range append(evs, nil) {
				var distinct []uint64
				for _, p := range ts {
					if ev == nil || string(p[8:]) == string(ev) {
						distinct = append(distinct, p.time())
					}
				}
				distinct = slices.Compact(distinct)
				slices.Reverse(distinct)
				assert.Equal(t, distinct, walkAll(ix, tag, ^uint64(0), ev))
				if len(distinct) > 10 {
					upTo := distinct[len(distinct)/2]
					assert.Equal(t, distinct[len(distinct)/2:], walkAll(ix, tag, upTo, ev), "walk from the middle")
				}
			}
		}
		return nil
	}))
}

func walkAll(ix *bolt.Bucket, tag []byte, upTo uint64, ev []byte) []uint64 {
	var got []uint64
	postingWalk(ix, tag, upTo, ev, func(t uint64) bool { got = append(got, t); return true })
	return got
}

// checkChunks verifies that a tag's chunks hold exactly ts, each under the
// key of its first time, within postingMax.
func checkChunks(t *testing.T, ix *bolt.Bucket, tag []byte, ts []posting) {
	t.Helper()
	var all []posting
	c := ix.Cursor()
	chunks := 0
	for k, v := c.Seek(tag); k != nil && string(k[:4]) == string(tag); k, v = c.Next() {
		got := postingTimes(v)
		require.NotEmpty(t, got)
		require.LessOrEqual(t, len(got), postingMax)
		require.Equal(t, k[4:], got[0][:], "the key is the first entry")
		require.True(t, slices.IsSortedFunc(got, comparePostings))
		all = append(all, got...)
		chunks++
	}
	require.Equal(t, ts, all)
	if len(ts) > 0 {
		assert.Less(t, chunks, len(ts)/postingMax*3+2, "chunks are not left nearly empty")
	}
}
