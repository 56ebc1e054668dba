package storage

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Top-level buckets.
var (
	bMeta      = []byte("meta")      // "schema" -> uint64 big-endian
	bEvents    = []byte("events")    // event ID (16) -> JSON lead.Event
	bLeads     = []byte("leads")     // lead ID (16) -> JSON lead.Lead
	bSettings  = []byte("settings")  // key -> value
	bSync      = []byte("sync")      // lead ID (16) -> JSON syncState
	bOutbox    = []byte("outbox")    // lead ID (16) -> JSON outboxRec (one per lead)
	bDue       = []byte("due")       // timeKey(next attempt) (8) + seq (8) -> lead ID
	bDead      = []byte("dead")      // lead ID (16) -> JSON DeadLetter
	bSummaries = []byte("summaries") // timeKey(captured) (8) + lead ID (16) -> compact summary
	bIndexes   = []byte("indexes")   // nested buckets below
	// bLeases holds the IDs of outbox entries claimed by a relay and not yet
	// marked. Only one process can hold the file, so any lease found when the
	// file is opened belongs to a relay that died: see releaseLeases.
	bLeases = []byte("leases") // lead ID (16) -> empty
	// bCounts counts the leads per event, stage and sync status (see
	// counters.go); rebuilt with the indexes.
	bCounts = []byte("counts") // event ID (16) + stage (1) + sync (1) -> uint64
	// bTombstones, bRemovals and bAliases (erase.go) and bHolds (hold.go)
	// are created by the first write that needs them.
)

// Buckets inside bIndexes. Keys only; values are empty unless noted.
var (
	ixEvent = []byte("event_time") // event ID (16) + summary key (24)
	ixDup   = []byte("event_dup")  // event ID (16) + keyed hash of the duplicate key (16) -> lead ID (16)
	ixStage = []byte("stage")      // stage code (1) + summary key (24)
	ixWords = []byte("words")      // keyed hash of a word stem (4) + first time (8) -> capture times; see postings.go
	ixBadge = []byte("badge")      // event ID (16) + keyed hash of a badge ID (16) -> attendee; see attendees.go
)

var (
	keySchema = []byte("schema")
	// keyRebuild, when present, says the summaries and indexes must be
	// rebuilt from the leads before the store is used (set by a migration
	// or by RebuildIndexes, removed by the last batch of the rebuild).
	// See also keyResummarize (migrate4.go).
	keyRebuild = []byte("rebuild")
)

// migrations[i] moves a database from schema i to schema i+1, inside one
// transaction: a failed migration leaves the file as it was. Append only.
// Derived data (summaries, indexes) is not built inside a migration, which
// would hold every new page of 100,000 leads in memory at once: a migration
// sets keyRebuild and Open rebuilds in batches afterwards.
var migrations = []func(tx *bolt.Tx) error{
	// 0 -> 1: the base buckets.
	func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bMeta, bEvents, bLeads, bSettings, bSync, bOutbox, bDue, bDead} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	},
	// 1 -> 2: indexes and compact summaries, built from the leads.
	func(tx *bolt.Tx) error {
		if err := createIndexBuckets(tx); err != nil {
			return err
		}
		return tx.Bucket(bMeta).Put(keyRebuild, []byte{1})
	},
	// 2 -> 3: compressed lead records (recZstd), summaries without search
	// text (format 2), hashed duplicate keys, the word index and the
	// counters. The rebuild rewrites every lead record in the new format.
	func(tx *bolt.Tx) error {
		if err := createIndexBuckets(tx); err != nil {
			return err
		}
		return tx.Bucket(bMeta).Put(keyRebuild, []byte{1})
	},
	// 3 -> 4: summaries with the consent and the staff member (format 4,
	// sealed 5), so the event report reads no lead, and the attendee
	// index by badge ID, built from the stored attendee lists, so filling
	// a badge scan reads one attendee instead of the event's whole list.
	// Sets keyResummarize: Open rewrites the summaries only (migrate4.go).
	migrate3to4,
}

// schemaVersion is the schema this leadcap writes: len(migrations).
const schemaVersion = 4

func createIndexBuckets(tx *bolt.Tx) error {
	for _, name := range [][]byte{bSummaries, bCounts} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	ix, err := tx.CreateBucketIfNotExists(bIndexes)
	if err != nil {
		return err
	}
	for _, b := range [][]byte{ixEvent, ixDup, ixStage, ixWords, ixBadge} {
		if _, err := ix.CreateBucketIfNotExists(b); err != nil {
			return err
		}
	}
	return nil
}

// rebuildBatch is how many leads one rebuild transaction indexes by
// default.
const rebuildBatch = 5000

// rebuild drops the summaries and indexes and rebuilds them from the leads
// and the outbox state, s.batch leads per transaction, then clears
// keyRebuild. The attendee index is rebuilt from the attendee lists in the
// first transaction. Interrupted (crash, damaged lead), it leaves keyRebuild set
// and the next Open starts over: the leads themselves are never touched.
func (s *Store) rebuild() error {
	err := s.write(func(b *bx) error {
		for _, name := range [][]byte{bSummaries, bIndexes, bCounts} {
			if err := b.tx.DeleteBucket(name); err != nil && !errors.Is(err, berrors.ErrBucketNotFound) {
				return err
			}
		}
		if err := createIndexBuckets(b.tx); err != nil {
			return err
		}
		if err := b.meta.Put(keyRebuild, []byte{1}); err != nil {
			return err
		}
		b.ixBadge = b.tx.Bucket(bIndexes).Bucket(ixBadge)
		return b.indexAllAttendees()
	})
	var next []byte // first lead key of the next batch
	for done := false; err == nil && !done; {
		err = s.write(func(b *bx) error {
			var ids [][]byte
			next, ids = b.leadKeys(next, s.batch)
			for _, k := range ids {
				if err := b.reindex(k); err != nil {
					return err
				}
			}
			if next != nil {
				return nil
			}
			done = true
			if err := b.meta.Delete(keyResummarize); err != nil {
				return err
			}
			return b.meta.Delete(keyRebuild)
		})
		if err == nil && !done && s.afterBatch != nil {
			err = s.afterBatch()
		}
	}
	if err != nil {
		return fmt.Errorf("rebuild indexes: %w", err)
	}
	return nil
}

// readSchema returns the schema version, 0 for an empty bbolt file, or
// ErrDamaged for a bbolt file that is not a leadcap database.
func readSchema(tx *bolt.Tx) (int, error) {
	m := tx.Bucket(bMeta)
	if m == nil {
		empty := true
		_ = tx.ForEach(func([]byte, *bolt.Bucket) error { empty = false; return nil })
		if empty {
			return 0, nil
		}
		return 0, ErrDamaged
	}
	v := m.Get(keySchema)
	if len(v) != 8 {
		return 0, ErrDamaged
	}
	return int(binary.BigEndian.Uint64(v)), nil
}

func (s *Store) migrate(readOnly bool) error {
	var have int
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		have, err = readSchema(tx)
		return err
	})
	if errors.Is(err, ErrDamaged) {
		return fmt.Errorf("storage: open %s: %w (no leadcap schema)", s.path, ErrDamaged)
	}
	if err != nil {
		return fmt.Errorf("storage: open %s: read schema: %w", s.path, err)
	}
	if have > schemaVersion {
		return fmt.Errorf("storage: open %s: schema %d, this leadcap knows up to %d: %w", s.path, have, schemaVersion, ErrNewerSchema)
	}
	if have == schemaVersion {
		pending := false
		_ = s.db.View(func(tx *bolt.Tx) error {
			pending = derivedPending(tx.Bucket(bMeta))
			return nil
		})
		if !pending {
			return nil
		}
	}
	if readOnly {
		return fmt.Errorf("storage: open %s: schema %d to %d: %w", s.path, have, schemaVersion, ErrNeedsUpgrade)
	}
	if have < schemaVersion {
		err = s.db.Update(func(tx *bolt.Tx) error {
			for v := have; v < schemaVersion; v++ {
				if err := migrations[v](tx); err != nil {
					return fmt.Errorf("schema %d to %d: %w", v, v+1, err)
				}
			}
			return putSchema(tx, schemaVersion)
		})
		if err != nil {
			return fmt.Errorf("storage: migrate %s: %w", s.path, err)
		}
	}
	var rebuild, resummarize bool
	_ = s.db.View(func(tx *bolt.Tx) error {
		m := tx.Bucket(bMeta)
		rebuild, resummarize = m.Get(keyRebuild) != nil, m.Get(keyResummarize) != nil
		return nil
	})
	switch {
	case rebuild:
		err = s.rebuild()
	case resummarize:
		err = s.resummarize()
	}
	if err != nil {
		return fmt.Errorf("storage: migrate %s: %w", s.path, err)
	}
	return nil
}

func putSchema(tx *bolt.Tx, v int) error {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(v))
	return tx.Bucket(bMeta).Put(keySchema, b[:])
}

// leadKeys returns up to n lead keys from from (the first when nil) and the
// key after them (nil at the end).
func (b *bx) leadKeys(from []byte, n int) (next []byte, keys [][]byte) {
	c := b.leads.Cursor()
	k, _ := c.First()
	if from != nil {
		k, _ = c.Seek(from)
	}
	for ; k != nil && len(keys) < n; k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	if k != nil {
		next = bytes.Clone(k)
	}
	return next, keys
}

// reindex writes a lead's summary and index entries, and rewrites its
// record when it is not in the format the store writes (a migration, or
// Encrypt).
func (b *bx) reindex(k []byte) error {
	v := b.leads.Get(k)
	l, err := b.rc.decodeLead(k, v)
	if err != nil {
		return err
	}
	if !b.rc.current(v) {
		data, err := b.rc.encodeLead(&l)
		if err != nil {
			return err
		}
		if err := b.leads.Put(k, data); err != nil {
			return fatal(err)
		}
	}
	return b.index(&l)
}
