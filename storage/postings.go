package storage

import (
	"encoding/binary"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// The word index keeps, per stem tag, a posting list of capture times
// (timeKey, 8 bytes each), sorted ascending and cut into chunks:
//
//	tag (4) + first time of the chunk (8) -> times (8 each, at most postingMax)
//
// A capture time is enough to find the lead: summary keys begin with it,
// and every candidate's summary is checked against the search anyway.
// Eight bytes per entry, packed into values, instead of a 28-byte key with
// bbolt's 16-byte element header per entry: the index is a fifth of the
// size. Two leads captured at the same nanosecond with the same stem have
// the time twice (a list is a multiset), so deleting one keeps the other.
const postingMax = 128

func postingKey(tag []byte, t uint64) []byte {
	return binary.BigEndian.AppendUint64(slices.Clip(tag), t)
}

func postingTimes(v []byte) []uint64 {
	out := make([]uint64, 0, len(v)/8+1)
	for ; len(v) >= 8; v = v[8:] {
		out = append(out, binary.BigEndian.Uint64(v))
	}
	return out
}

func postingValue(ts []uint64) []byte {
	v := make([]byte, 0, 8*len(ts))
	for _, t := range ts {
		v = binary.BigEndian.AppendUint64(v, t)
	}
	return v
}

// postingChunk returns the key and times of the chunk where t belongs: the
// last one whose first time is at most t, else the first one of the tag
// (t is older than every entry); nil when the tag has none.
func postingChunk(ix *bolt.Bucket, tag []byte, t uint64) ([]byte, []uint64) {
	c := ix.Cursor()
	want := postingKey(tag, t)
	k, v := c.Seek(want)
	if k == nil || string(k) != string(want) {
		if pk, pv := c.Prev(); pk != nil && string(pk[:len(tag)]) == string(tag) {
			k, v = pk, pv
		} else if k == nil || string(k[:len(tag)]) != string(tag) {
			return nil, nil
		}
	}
	return slices.Clone(k), postingTimes(v)
}

// putChunk stores ts under the key of its first time, replacing old.
func putChunk(ix *bolt.Bucket, tag, old []byte, ts []uint64) error {
	k := postingKey(tag, ts[0])
	if old != nil && string(old) != string(k) {
		if err := ix.Delete(old); err != nil {
			return fatal(err)
		}
	}
	return fatal(ix.Put(k, postingValue(ts)))
}

// postingAdd adds t to the tag's list. Appending the newest time to a full
// chunk starts a new one, so that lists built in capture order stay full.
func postingAdd(ix *bolt.Bucket, tag []byte, t uint64) error {
	k, ts := postingChunk(ix, tag, t)
	if k == nil {
		return putChunk(ix, tag, nil, []uint64{t})
	}
	i, _ := slices.BinarySearch(ts, t)
	ts = slices.Insert(ts, i, t)
	switch {
	case len(ts) <= postingMax:
		return putChunk(ix, tag, k, ts)
	case i == len(ts)-1:
		return putChunk(ix, tag, nil, ts[i:])
	}
	half := len(ts) / 2
	if err := putChunk(ix, tag, k, ts[:half]); err != nil {
		return err
	}
	return putChunk(ix, tag, nil, ts[half:])
}

// postingDel removes one occurrence of t from the tag's list.
func postingDel(ix *bolt.Bucket, tag []byte, t uint64) error {
	k, ts := postingChunk(ix, tag, t)
	i, found := slices.BinarySearch(ts, t)
	if !found {
		// t is the first time of this chunk and the last of the one before.
		c := ix.Cursor()
		c.Seek(k)
		pk, pv := c.Prev()
		if pk == nil || string(pk[:len(tag)]) != string(tag) {
			return nil
		}
		k, ts = slices.Clone(pk), postingTimes(pv)
		if i, found = slices.BinarySearch(ts, t); !found {
			return nil
		}
	}
	ts = slices.Delete(ts, i, i+1)
	if len(ts) == 0 {
		return fatal(ix.Delete(k))
	}
	return putChunk(ix, tag, k, ts)
}

// postingWalk calls fn with the tag's distinct times not after upTo, newest
// first, until fn returns false.
func postingWalk(ix *bolt.Bucket, tag []byte, upTo uint64, fn func(t uint64) bool) {
	last, seen := uint64(0), false
	each := func(_, v []byte) bool {
		ts := postingTimes(v)
		for i := len(ts) - 1; i >= 0; i-- {
			t := ts[i]
			if t > upTo || seen && t == last {
				continue
			}
			last, seen = t, true
			if !fn(t) {
				return false
			}
		}
		return true
	}
	if upTo == ^uint64(0) {
		lastWithPrefix(ix.Cursor(), tag, each)
		return
	}
	olderThan(ix.Cursor(), tag, binary.BigEndian.AppendUint64(nil, upTo+1), each)
}
