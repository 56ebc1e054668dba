package storage

import (
	"encoding/binary"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// The word index keeps, per stem tag, a posting list of entries (the
// capture time, then a 2-byte hash of the event), sorted ascending and cut
// into chunks:
//
//	tag (4) + first entry of the chunk (10) -> entries (10 each, at most postingMax)
//
// A capture time is enough to find the lead: summary keys begin with it,
// and every candidate's summary is checked against the search anyway; the
// event hash lets a search within one event skip the other events' leads
// without reading their summaries. Ten bytes per entry, packed into
// values, instead of a 28-byte key and bbolt's 16-byte element header per
// entry. Two leads captured at the same nanosecond at the same event with
// the same stem have the entry twice (a list is a multiset), so deleting
// one keeps the other.
const (
	postingMax  = 128
	postingSize = 10
)

// posting is one entry: timeKey (8, big-endian) + event hash (2).
type posting [postingSize]byte

func (p posting) time() uint64 { return binary.BigEndian.Uint64(p[:8]) }

func newPosting(t uint64, ev []byte) posting {
	var p posting
	binary.BigEndian.PutUint64(p[:], t)
	copy(p[8:], ev)
	return p
}

func comparePostings(a, b posting) int { return strings.Compare(string(a[:]), string(b[:])) }

func postingKey(tag []byte, p posting) []byte { return slices.Concat(tag, p[:]) }

func postingTimes(v []byte) []posting {
	out := make([]posting, 0, len(v)/postingSize+1)
	for ; len(v) >= postingSize; v = v[postingSize:] {
		out = append(out, posting(v[:postingSize]))
	}
	return out
}

func postingValue(ps []posting) []byte {
	v := make([]byte, 0, postingSize*len(ps))
	for _, p := range ps {
		v = append(v, p[:]...)
	}
	return v
}

// postingChunk returns the key and times of the chunk where t belongs: the
// last one whose first time is at most t, else the first one of the tag
// (t is older than every entry); nil when the tag has none.
func postingChunk(ix *bolt.Bucket, tag []byte, t posting) ([]byte, []posting) {
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
func putChunk(ix *bolt.Bucket, tag, old []byte, ts []posting) error {
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
func postingAdd(ix *bolt.Bucket, tag []byte, t posting) error {
	k, ts := postingChunk(ix, tag, t)
	if k == nil {
		return putChunk(ix, tag, nil, []posting{t})
	}
	i, _ := slices.BinarySearchFunc(ts, t, comparePostings)
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
func postingDel(ix *bolt.Bucket, tag []byte, t posting) error {
	k, ts := postingChunk(ix, tag, t)
	i, found := slices.BinarySearchFunc(ts, t, comparePostings)
	if !found {
		// t is the first time of this chunk and the last of the one before.
		c := ix.Cursor()
		c.Seek(k)
		pk, pv := c.Prev()
		if pk == nil || string(pk[:len(tag)]) != string(tag) {
			return nil
		}
		k, ts = slices.Clone(pk), postingTimes(pv)
		if i, found = slices.BinarySearchFunc(ts, t, comparePostings); !found {
			return nil
		}
	}
	ts = slices.Delete(ts, i, i+1)
	if len(ts) == 0 {
		return fatal(ix.Delete(k))
	}
	return putChunk(ix, tag, k, ts)
}

// postingWalk calls fn with the tag's distinct times not after upTo,
// newest first, until fn returns false. With ev set, it skips entries of
// other events.
func postingWalk(ix *bolt.Bucket, tag []byte, upTo uint64, ev []byte, fn func(t uint64) bool) {
	last, seen := uint64(0), false
	each := func(_, v []byte) bool {
		ps := postingTimes(v)
		for i := len(ps) - 1; i >= 0; i-- {
			t := ps[i].time()
			if t > upTo || seen && t == last || ev != nil && string(ps[i][8:]) != string(ev) {
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
