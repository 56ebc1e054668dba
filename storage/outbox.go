package storage

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"leadcap/lead"
)

// ClaimDue returns up to max outbox entries whose next attempt is due at
// now, oldest due first, each with a snapshot of its lead and event. It
// moves their next attempt to now+lease in the same transaction, so a second
// claimer skips them; if the claimer crashes, the lease expires and the
// entries become due again.
func (s *Store) ClaimDue(now time.Time, max int, lease time.Duration) ([]lead.OutboxEntry, error) {
	if max <= 0 {
		return nil, nil
	}
	// Idle polls must not cost a write transaction (and its fsync).
	limit := timeKey(now)
	anyDue := false
	err := s.view(func(b *bx) error {
		k, _ := b.due.Cursor().First()
		anyDue = k != nil && binary.BigEndian.Uint64(k) <= limit
		return nil
	})
	if err != nil || !anyDue {
		if err != nil {
			err = fmt.Errorf("storage: claim outbox entries: %w", err)
		}
		return nil, err
	}
	var out []lead.OutboxEntry
	err = s.update(func(b *bx) error {
		var ids []uuid.UUID
		var orphans [][]byte
		c := b.due.Cursor()
		for k, v := c.First(); k != nil && len(ids) < max; k, v = c.Next() {
			if binary.BigEndian.Uint64(k) > limit {
				break
			}
			id, ok := idOf(v)
			if r, found := b.outboxRec(id); !ok || !found || r.Seq != binary.BigEndian.Uint64(k[8:]) {
				orphans = append(orphans, append([]byte(nil), k...))
				continue
			}
			ids = append(ids, id)
		}
		for _, k := range orphans {
			if err := b.due.Delete(k); err != nil {
				return fatal(err)
			}
		}
		for _, id := range ids {
			r, _ := b.outboxRec(id)
			if t, ok := b.tombstone(id); ok && b.leads.Get(id[:]) == nil {
				if err := b.claim(id, &r, now.Add(lease)); err != nil {
					return err
				}
				out = append(out, b.removalEntry(&t, &r))
				continue
			}
			l, err := b.lead(id)
			if err != nil {
				// One unreadable lead must not block the whole outbox.
				if err := b.dropOutbox(id, &r); err != nil {
					return err
				}
				if errors.Is(err, ErrNotFound) {
					continue
				}
				if err := b.putDead(DeadLetter{LeadID: id, Version: r.Version, At: now.UTC(), Attempts: r.Attempts,
					Reason: "the lead's record is damaged: restore it from a backup"}); err != nil {
					return err
				}
				continue
			}
			ev, err := b.event(l.EventID)
			if errors.Is(err, ErrNotFound) {
				ev, err = lead.Event{ID: l.EventID}, nil
			}
			if err != nil {
				return err
			}
			if err := b.claim(id, &r, now.Add(lease)); err != nil {
				return err
			}
			out = append(out, lead.OutboxEntry{
				Lead: l, Event: ev, Attempts: r.Attempts, NextAttempt: r.NextAttempt,
				LastError: r.LastError, RemoteID: b.syncState(id).RemoteID,
			})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("storage: claim outbox entries: %w", err)
	}
	return out, nil
}

// claim leases an outbox entry until the given time.
func (b *bx) claim(id uuid.UUID, r *outboxRec, until time.Time) error {
	if err := b.reschedule(id, r, until); err != nil {
		return err
	}
	return b.lease(id)
}

// releaseLeases makes the entries claimed by a relay that died (killed,
// crashed, power lost) due at once instead of after their lease. The file
// lock guarantees that no other process holds it, so every lease found at
// open is stale. It also creates the leases bucket, which files written
// before leases existed lack. It costs no write when the bucket exists and
// is empty.
func (s *Store) releaseLeases() error {
	work := true // the bucket is missing or holds leases
	err := s.db.View(func(tx *bolt.Tx) error {
		if lb := tx.Bucket(bLeases); lb != nil {
			k, _ := lb.Cursor().First()
			work = k != nil
		}
		return nil
	})
	if err != nil || !work {
		return err
	}
	now := s.now().UTC()
	return s.db.Update(func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists(bLeases); err != nil {
			return err
		}
		b := buckets(tx)
		b.rc = s.codec()
		var ids []uuid.UUID
		err := b.leases.ForEach(func(k, _ []byte) error {
			if id, ok := idOf(k); ok {
				ids = append(ids, id)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, id := range ids {
			if r, ok := b.outboxRec(id); ok {
				if err := b.reschedule(id, &r, now); err != nil {
					return err
				}
			}
			if err := b.unlease(id); err != nil {
				return err
			}
		}
		return nil
	})
}

// MarkDone records that the CRM confirmed version of the lead (and its
// remote ID, when not empty). The outbox entry is removed only if it still
// holds that version: a change made while the push was under way stays
// pending and becomes due at once.
func (s *Store) MarkDone(id uuid.UUID, version int64, remoteID string) error {
	now := s.now().UTC()
	err := s.update(func(b *bx) error { return b.markDone(id, version, remoteID, now) })
	if err != nil {
		return fmt.Errorf("storage: mark lead %s synced: %w", id, err)
	}
	return nil
}

func (b *bx) markDone(id uuid.UUID, version int64, remoteID string, now time.Time) error {
	if b.leads.Get(id[:]) == nil {
		if t, ok := b.tombstone(id); ok {
			return b.removalDone(t, version, remoteID, now)
		}
		return fmt.Errorf("lead %s: %w", id, ErrNotFound)
	}
	st := b.syncState(id)
	st.SyncedAt = now
	st.SyncedVersion = max(st.SyncedVersion, version)
	if remoteID != "" {
		st.RemoteID = remoteID
	}
	data, err := json.Marshal(st)
	if err != nil {
		return err
	}
	if err := b.sync.Put(id[:], data); err != nil {
		return fatal(err)
	}
	if r, ok := b.outboxRec(id); ok {
		if r.Version <= version {
			if err := b.dropOutbox(id, &r); err != nil {
				return err
			}
		} else {
			r.Attempts, r.LastError = 0, ""
			if err := b.reschedule(id, &r, now); err != nil {
				return err
			}
		}
	}
	return b.refreshStatus(id)
}

// MarkFailed records a failed delivery: attempts+1, the reason, and when to
// try again. Without a pending entry (another claimer finished it) it does
// nothing.
func (s *Store) MarkFailed(id uuid.UUID, version int64, reason string, next time.Time) error {
	err := s.update(func(b *bx) error {
		r, ok := b.outboxRec(id)
		if !ok {
			return nil
		}
		r.Attempts++
		r.LastError = reason
		if err := b.reschedule(id, &r, next); err != nil {
			return err
		}
		return b.refreshStatus(id)
	})
	if err != nil {
		return fmt.Errorf("storage: mark lead %s failed: %w", id, err)
	}
	return nil
}

// MarkDead moves the lead's outbox entry to the dead letters with the CRM's
// reason. If the lead changed since version, the newer change stays pending
// (due at once, with the reason as its last error) instead: it may fix what
// the CRM rejected. Without a pending entry it does nothing.
func (s *Store) MarkDead(id uuid.UUID, version int64, reason string) error {
	now := s.now().UTC()
	err := s.update(func(b *bx) error {
		r, ok := b.outboxRec(id)
		if !ok {
			return nil
		}
		r.Attempts++
		r.LastError = reason
		if r.Version > version {
			if err := b.reschedule(id, &r, now); err != nil {
				return err
			}
			return b.refreshStatus(id)
		}
		if err := b.dropOutbox(id, &r); err != nil {
			return err
		}
		if err := b.putDead(DeadLetter{LeadID: id, Version: r.Version, Reason: reason, At: now, Attempts: r.Attempts}); err != nil {
			return err
		}
		if _, ok := b.tombstone(id); ok && b.leads.Get(id[:]) == nil {
			return b.setRemoval(id, removalDead)
		}
		return b.refreshStatus(id)
	})
	if err != nil {
		return fmt.Errorf("storage: mark lead %s dead: %w", id, err)
	}
	return nil
}

// PendingCount returns the number of outbox entries (pending and failed).
func (s *Store) PendingCount() (int, error) {
	n := 0
	err := s.view(func(b *bx) error {
		removals, _ := b.removals()
		n = b.stats(Query{}).OutboxPending + removals // from the counters
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("storage: count outbox: %w", err)
	}
	return n, nil
}

// DeadLetters returns the dead letters, oldest first.
func (s *Store) DeadLetters() ([]DeadLetter, error) {
	var out []DeadLetter
	err := s.view(func(b *bx) error {
		return b.dead.ForEach(func(k, v []byte) error {
			var d DeadLetter
			data, err := b.rc.openReply(v, k, adDead)
			if err == nil {
				err = json.Unmarshal(data, &d)
			}
			if err != nil {
				return fmt.Errorf("dead letter %x: %w (%v)", k, ErrDamaged, err)
			}
			out = append(out, d)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("storage: list dead letters: %w", err)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}

func (b *bx) retryDead(id uuid.UUID, now time.Time) error {
	if b.dead.Get(id[:]) == nil {
		return fmt.Errorf("dead letter for lead %s: %w", id, ErrNotFound)
	}
	if t, ok := b.tombstone(id); ok && b.leads.Get(id[:]) == nil {
		if err := b.enqueue(id, t.Version, now); err != nil {
			return err
		}
		return b.setRemoval(id, removalPending)
	}
	l, err := b.lead(id)
	if err != nil {
		return err
	}
	if err := b.enqueue(id, l.Version, now); err != nil {
		return err
	}
	return b.refreshStatus(id)
}

// Resend queues the leads for the CRM again as they stand, without a new
// version: for a change of how they go to the CRM (an event question sent
// to another field) rather than of the leads themselves. A lead already
// queued keeps its place; one that waits for its contact, or is gone, is
// left alone. It returns how many it queued.
func (s *Store) Resend(ids []uuid.UUID) (int, error) {
	now := s.now().UTC()
	n := 0
	err := s.update(func(b *bx) error {
		n = 0
		if err := s.refuseDamaged(b); err != nil {
			return err
		}
		for _, id := range ids {
			l, err := b.lead(id)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			waits, err := b.awaitsContact(&l)
			if err != nil {
				return err
			}
			if waits {
				continue
			}
			if err := b.enqueue(id, l.Version, now); err != nil {
				return err
			}
			if err := b.refreshStatus(id); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("storage: queue leads again: %w", err)
	}
	return n, nil
}

// RetryDead puts a dead lead back into the outbox, due now, with no
// attempts.
func (s *Store) RetryDead(id uuid.UUID) error {
	now := s.now().UTC()
	err := s.update(func(b *bx) error { return b.retryDead(id, now) })
	if err != nil {
		return fmt.Errorf("storage: retry lead %s: %w", id, err)
	}
	return nil
}

// RetryAllDead puts every dead lead back into the outbox and returns how
// many.
func (s *Store) RetryAllDead() (int, error) {
	now := s.now().UTC()
	n := 0
	err := s.update(func(b *bx) error {
		var ids []uuid.UUID
		c := b.dead.Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			if id, ok := idOf(k); ok {
				ids = append(ids, id)
			}
		}
		for _, id := range ids {
			if err := b.retryDead(id, now); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("storage: retry dead letters: %w", err)
	}
	return n, nil
}

func (b *bx) putDead(d DeadLetter) error {
	data, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return fatal(b.dead.Put(d.LeadID[:], b.rc.sealReply(data, d.LeadID[:], adDead, d.Reason != "")))
}
