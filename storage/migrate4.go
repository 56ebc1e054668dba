package storage

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// keyResummarize, when present, says the summaries must be rewritten in
// the current format and the attendee index built from the attendee lists
// before the store is used (the migration from schema 3 to 4). The other
// indexes stay as they are: this reads each lead once and writes its
// summary, about a third of a full rebuild. Removed by the last batch (and
// by a rebuild, which does all of it too).
var keyResummarize = []byte("resummarize")

// migrate3to4 adds the attendee index and asks for new summaries, unless
// an earlier step of the same upgrade asked for a full rebuild.
func migrate3to4(tx *bolt.Tx) error {
	if err := createIndexBuckets(tx); err != nil {
		return err
	}
	m := tx.Bucket(bMeta)
	if m.Get(keyRebuild) != nil {
		return nil
	}
	return m.Put(keyResummarize, []byte{1})
}

// derivedPending reports whether summaries or indexes must be rebuilt or
// rewritten before the store is used.
func derivedPending(meta *bolt.Bucket) bool {
	return meta.Get(keyRebuild) != nil || meta.Get(keyResummarize) != nil
}

// resummarize builds the attendee index, then rewrites every lead's
// summary, s.batch leads per transaction. Interrupted, it leaves
// keyResummarize set and the next Open starts over; the leads are only
// read.
func (s *Store) resummarize() error {
	err := s.write(func(b *bx) error { return b.indexAllAttendees() })
	var next []byte // first lead key of the next batch
	for done := false; err == nil && !done; {
		err = s.write(func(b *bx) error {
			var ids [][]byte
			next, ids = b.leadKeys(next, s.batch)
			for _, k := range ids {
				l, err := b.rc.decodeLead(k, b.leads.Get(k))
				if err != nil {
					return err
				}
				// The stage, event and sync status are those of the
				// summary replaced: its counter is moved back and forth.
				sk := summaryKey(&l)
				if err := b.putSummary(sk, b.rc.encodeSummary(sk, &l, b.status(l.ID))); err != nil {
					return err
				}
			}
			if next != nil {
				return nil
			}
			done = true
			return b.meta.Delete(keyResummarize)
		})
		if err == nil && !done && s.afterBatch != nil {
			err = s.afterBatch()
		}
	}
	if err != nil {
		return fmt.Errorf("rewrite summaries: %w", err)
	}
	return nil
}
