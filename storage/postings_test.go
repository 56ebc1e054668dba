package storage

import (
	"encoding/binary"
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
	want := map[string][]uint64{}
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
				require.NoError(t, postingAdd(ix, tag, clock))
				ts = append(ts, clock)
			case op < 7: // an import of an older lead
				at := uint64(r.IntN(int(clock)))
				require.NoError(t, postingAdd(ix, tag, at))
				ts = append(ts, at)
			case len(ts) > 0: // a delete
				at := ts[r.IntN(len(ts))]
				require.NoError(t, postingDel(ix, tag, at))
				i := slices.Index(ts, at)
				ts = slices.Delete(ts, i, i+1)
			}
			slices.Sort(ts)
			want[string(tag)] = ts
		}
		for _, tag := range tags {
			ts := want[string(tag)]
			checkChunks(t, ix, tag, ts)
			distinct := slices.Compact(slices.Clone(ts))
			slices.Reverse(distinct)
			assert.Equal(t, distinct, walkAll(ix, tag, ^uint64(0)))
			if len(distinct) > 10 {
				upTo := distinct[len(distinct)/2]
				assert.Equal(t, distinct[len(distinct)/2:], walkAll(ix, tag, upTo), "walk from the middle")
			}
		}
		return nil
	}))
}

func walkAll(ix *bolt.Bucket, tag []byte, upTo uint64) []uint64 {
	var got []uint64
	postingWalk(ix, tag, upTo, func(t uint64) bool { got = append(got, t); return true })
	return got
}

// checkChunks verifies that a tag's chunks hold exactly ts, each under the
// key of its first time, within postingMax.
func checkChunks(t *testing.T, ix *bolt.Bucket, tag []byte, ts []uint64) {
	t.Helper()
	var all []uint64
	c := ix.Cursor()
	chunks := 0
	for k, v := c.Seek(tag); k != nil && string(k[:4]) == string(tag); k, v = c.Next() {
		got := postingTimes(v)
		require.NotEmpty(t, got)
		require.LessOrEqual(t, len(got), postingMax)
		require.Equal(t, binary.BigEndian.Uint64(k[4:]), got[0], "the key is the first time")
		require.True(t, slices.IsSorted(got))
		all = append(all, got...)
		chunks++
	}
	require.Equal(t, ts, all)
	if len(ts) > 0 {
		assert.Less(t, chunks, len(ts)/postingMax*3+2, "chunks are not left nearly empty")
	}
}
