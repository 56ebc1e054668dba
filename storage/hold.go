package storage

import (
	"fmt"
	"math"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
)

// bHolds names the leads whose delivery to the CRM is held back while a
// person can still discard them: a scan stored the moment it was read and
// still under review, or just saved with "Undo" on offer. A held lead's
// outbox entry is scheduled at holdUntil, so no relay claims it. Holds only
// live as long as the process that set them: Open releases every hold it
// finds (the review that set it ended with the process), so a crash neither
// loses the lead nor keeps it from the CRM.
var bHolds = []byte("holds") // lead ID (16) -> empty

// holdUntil is the schedule of a held outbox entry: later than any real one.
var holdUntil = time.Unix(0, math.MaxInt64).UTC()

// HoldSync keeps the lead's outbox entry from being claimed until
// ReleaseSync (or the next Open). The lead need not exist yet: a lead saved
// after HoldSync gets a held entry (see firstAttempt). A lead being sent at
// this moment is still delivered once; its next change waits.
func (s *Store) HoldSync(id uuid.UUID) error {
	err := s.update(func(b *bx) error {
		h, err := b.tx.CreateBucketIfNotExists(bHolds)
		if err != nil {
			return fatal(err)
		}
		if err := h.Put(id[:], []byte{}); err != nil {
			return fatal(err)
		}
		if r, ok := b.outboxRec(id); ok && (b.leases == nil || b.leases.Get(id[:]) == nil) {
			return b.reschedule(id, &r, holdUntil)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("storage: hold the sync of lead %s: %w", id, err)
	}
	return nil
}

// ReleaseSync ends HoldSync: a held outbox entry becomes due now. Releasing
// a lead that is not held (or no longer exists) does nothing.
func (s *Store) ReleaseSync(id uuid.UUID) error {
	now := s.now().UTC()
	err := s.update(func(b *bx) error { return b.release(id, now) })
	if err != nil {
		return fmt.Errorf("storage: release the sync of lead %s: %w", id, err)
	}
	return nil
}

// Held reports whether the lead's sync is held.
func (s *Store) Held(id uuid.UUID) (held bool, err error) {
	err = s.view(func(b *bx) error {
		h := b.tx.Bucket(bHolds)
		held = h != nil && h.Get(id[:]) != nil
		return nil
	})
	return held, err
}

func (b *bx) release(id uuid.UUID, now time.Time) error {
	h := b.tx.Bucket(bHolds)
	if h == nil || h.Get(id[:]) == nil {
		return nil
	}
	if err := h.Delete(id[:]); err != nil {
		return fatal(err)
	}
	if r, ok := b.outboxRec(id); ok && r.NextAttempt.Equal(holdUntil) {
		return b.reschedule(id, &r, now)
	}
	return nil
}

// firstAttempt is when a new outbox entry of the lead is first due: now,
// or holdUntil while its sync is held.
func (b *bx) firstAttempt(id uuid.UUID, now time.Time) time.Time {
	if h := b.tx.Bucket(bHolds); h != nil && h.Get(id[:]) != nil {
		return holdUntil
	}
	return now.UTC()
}

// releaseHolds releases every hold left by an earlier process (see bHolds).
// It costs no write when there is none.
func (s *Store) releaseHolds() error {
	var ids []uuid.UUID
	err := s.db.View(func(tx *bolt.Tx) error {
		if h := tx.Bucket(bHolds); h != nil {
			return h.ForEach(func(k, _ []byte) error {
				if id, ok := idOf(k); ok {
					ids = append(ids, id)
				}
				return nil
			})
		}
		return nil
	})
	if err != nil || len(ids) == 0 {
		return err
	}
	now := s.now().UTC()
	return s.write(func(b *bx) error {
		for _, id := range ids {
			if err := b.release(id, now); err != nil {
				return err
			}
		}
		return nil
	})
}
