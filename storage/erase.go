package storage

// Deleting and erasing leads (GDPR art. 17). Both remove the lead with its
// summary, index entries, sync state and dead letter, and leave a
// lead.Tombstone: the ID, the event, when, by whom, and the CRM operation
// still owed. That operation is an outbox entry of the tombstone, claimed
// and marked like a lead's (ClaimDue hands it out with Op set), so the CRM
// hears of the removal exactly once. Erase also compacts the file, because
// bbolt keeps the freed pages, with the old record in them, in the file.

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"leadcap/lead"
)

var (
	// bTombstones keeps what stays of removed leads, created with the
	// first removal.
	bTombstones = []byte("tombstones") // lead ID (16) -> JSON lead.Tombstone
	// bRemovals names the tombstones whose CRM operation is still owed,
	// with its state: removalPending (in the outbox) or removalDead (the
	// CRM refused it; among the dead letters).
	bRemovals = []byte("removals") // lead ID (16) -> state (1)
	// bAliases maps the IDs of leads merged from other devices to the
	// lead they were merged into (see MergeLeads).
	bAliases = []byte("aliases") // alias ID (16) -> lead ID (16)
)

const (
	removalPending = 'p'
	removalDead    = 'd'
)

// tombstone returns the tombstone of a removed lead.
func (b *bx) tombstone(id uuid.UUID) (lead.Tombstone, bool) {
	var t lead.Tombstone
	tb := b.tx.Bucket(bTombstones)
	if tb == nil {
		return t, false
	}
	v := tb.Get(id[:])
	if v == nil || json.Unmarshal(v, &t) != nil {
		return t, false
	}
	return t, true
}

func (b *bx) putTombstone(t *lead.Tombstone) error {
	tb, err := b.tx.CreateBucketIfNotExists(bTombstones)
	if err != nil {
		return fatal(err)
	}
	data, err := json.Marshal(t)
	if err != nil {
		return fatal(err)
	}
	return fatal(tb.Put(t.ID[:], data))
}

func (b *bx) setRemoval(id uuid.UUID, state byte) error {
	rb, err := b.tx.CreateBucketIfNotExists(bRemovals)
	if err != nil {
		return fatal(err)
	}
	if state == 0 {
		return fatal(rb.Delete(id[:]))
	}
	return fatal(rb.Put(id[:], []byte{state}))
}

// removals counts the pending and the dead CRM removals.
func (b *bx) removals() (pending, dead int) {
	rb := b.tx.Bucket(bRemovals)
	if rb == nil {
		return 0, 0
	}
	_ = rb.ForEach(func(_, v []byte) error {
		if len(v) == 1 && v[0] == removalDead {
			dead++
		} else {
			pending++
		}
		return nil
	})
	return pending, dead
}

// Tombstone returns what stays of a deleted or erased lead, or ErrNotFound.
func (s *Store) Tombstone(id uuid.UUID) (lead.Tombstone, error) {
	var t lead.Tombstone
	err := s.view(func(b *bx) error {
		var ok bool
		if t, ok = b.tombstone(id); !ok {
			return fmt.Errorf("tombstone of lead %s: %w", id, ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return lead.Tombstone{}, fmt.Errorf("storage: %w", err)
	}
	return t, nil
}

// Tombstones returns every tombstone, in ID order.
func (s *Store) Tombstones() ([]lead.Tombstone, error) {
	var out []lead.Tombstone
	err := s.view(func(b *bx) error {
		tb := b.tx.Bucket(bTombstones)
		if tb == nil {
			return nil
		}
		return tb.ForEach(func(k, v []byte) error {
			var t lead.Tombstone
			if err := json.Unmarshal(v, &t); err != nil {
				return fmt.Errorf("tombstone %x: %w (%v)", k, ErrDamaged, err)
			}
			out = append(out, t)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("storage: list tombstones: %w", err)
	}
	return out, nil
}

// RemoveLead deletes a mistaken scan (op lead.OpDelete) or erases a
// person's data on request (lead.OpErase), in one transaction: the lead
// goes from every list, export and count, a tombstone stays, and the CRM
// is told through the outbox: always for an erasure, for a deletion when
// the CRM may have the lead (it was delivered or is being sent, or it
// carries aliases). An erasure also removes the person from the event's
// attendee list and badge index (matched by the lead's badge ID, else by
// email; Tombstone.AttendeesRemoved counts the entries). by says who
// removed it. An erasure leaves the old
// record in bbolt's free pages: use Erase, which also compacts the file.
func (s *Store) RemoveLead(id uuid.UUID, op lead.Op, by string) (lead.Tombstone, error) {
	if op != lead.OpDelete && op != lead.OpErase {
		return lead.Tombstone{}, fmt.Errorf("storage: remove lead %s: unknown operation %q", id, op)
	}
	now := s.now().UTC()
	var t lead.Tombstone
	err := s.update(func(b *bx) error {
		var err error
		t, err = b.remove(id, op, by, now)
		return err
	})
	if err != nil {
		return lead.Tombstone{}, fmt.Errorf("storage: %s lead %s: %w", op, id, err)
	}
	return t, nil
}

func (b *bx) remove(id uuid.UUID, op lead.Op, by string, now time.Time) (lead.Tombstone, error) {
	l, err := b.lead(id)
	if errors.Is(err, ErrNotFound) {
		if _, ok := b.tombstone(id); ok {
			return lead.Tombstone{}, fmt.Errorf("lead %s: %w", id, ErrRemoved)
		}
	}
	if err != nil {
		return lead.Tombstone{}, err
	}
	st := b.syncState(id)
	leased := b.leases != nil && b.leases.Get(id[:]) != nil
	t := lead.Tombstone{ID: id, EventID: l.EventID, Op: op, At: now, By: by,
		Aliases: l.Aliases, Version: l.Version + 1, RemoteID: st.RemoteID}
	tell := op == lead.OpErase || st.SyncedVersion > 0 || leased || len(l.Aliases) > 0
	if err := b.unindex(&l); err != nil {
		return t, err
	}
	if r, ok := b.outboxRec(id); ok {
		if err := b.dropOutbox(id, &r); err != nil {
			return t, err
		}
	}
	for _, bk := range []*bolt.Bucket{b.dead, b.sync, b.leads} {
		if err := bk.Delete(id[:]); err != nil {
			return t, fatal(err)
		}
	}
	if err := b.dropAliases(&l); err != nil {
		return t, err
	}
	if op == lead.OpErase {
		if t.AttendeesRemoved, err = b.eraseAttendee(&l); err != nil {
			return t, err
		}
	}
	if err := b.putTombstone(&t); err != nil {
		return t, err
	}
	if !tell {
		return t, nil
	}
	if err := b.enqueue(id, t.Version, now); err != nil {
		return t, err
	}
	return t, b.setRemoval(id, removalPending)
}

// removalEntry is the outbox entry of a tombstone: the lead's ID, event,
// version and aliases, nothing personal.
func (b *bx) removalEntry(t *lead.Tombstone, r *outboxRec) lead.OutboxEntry {
	ev, err := b.event(t.EventID)
	if err != nil {
		ev = lead.Event{ID: t.EventID}
	}
	return lead.OutboxEntry{
		Lead:     lead.Lead{ID: t.ID, EventID: t.EventID, Version: t.Version, Aliases: t.Aliases},
		Event:    ev,
		Attempts: r.Attempts, NextAttempt: r.NextAttempt, LastError: r.LastError,
		RemoteID: t.RemoteID, Op: t.Op,
	}
}

// removalDone records that the CRM confirmed a removal, or (a lower
// version) the delivery of the lead before it was removed: its remote ID
// is kept for the removal still owed.
func (b *bx) removalDone(t lead.Tombstone, version int64, remoteID string, now time.Time) error {
	if version < t.Version {
		if remoteID != "" && t.RemoteID == "" {
			t.RemoteID = remoteID
			return b.putTombstone(&t)
		}
		return nil
	}
	t.Delivered = now
	if err := b.putTombstone(&t); err != nil {
		return err
	}
	if r, ok := b.outboxRec(t.ID); ok {
		if err := b.dropOutbox(t.ID, &r); err != nil {
			return err
		}
	}
	return b.setRemoval(t.ID, 0)
}

// dropAliases forgets the aliases of a removed lead.
func (b *bx) dropAliases(l *lead.Lead) error {
	ab := b.tx.Bucket(bAliases)
	if ab == nil {
		return nil
	}
	for _, a := range l.Aliases {
		if err := ab.Delete(a[:]); err != nil {
			return fatal(err)
		}
	}
	return nil
}

// Erase is RemoveLead(id, lead.OpErase, by) followed by Compact: the
// personal data leaves the file, not only the lists. If the compaction
// fails the erasure itself stands (and the error says so): run Compact
// again.
func (s *Store) Erase(id uuid.UUID, by string) (lead.Tombstone, error) {
	t, err := s.RemoveLead(id, lead.OpErase, by)
	if err != nil {
		return t, err
	}
	if err := s.Compact(); err != nil {
		return t, fmt.Errorf("storage: erase lead %s: the lead is erased, but its old bytes may stay in the file until a compaction succeeds: %w", id, err)
	}
	return t, nil
}

// Compact rewrites the database into a new file holding only the live
// records (bbolt's Compact), and puts it in place of the old one with an
// atomic rename: the pages freed by deletions and erasures, which bbolt
// keeps in the file and reuses later, are gone. Writers and readers wait
// while it runs. The old file's blocks on disk are released to the file
// system, not overwritten; backups are not touched.
func (s *Store) Compact() error {
	s.rebuilding.Lock()
	defer s.rebuilding.Unlock()
	return s.compact()
}

// compact is Compact for a caller that holds s.rebuilding exclusively.
func (s *Store) compact() error {
	s.swap.Lock()
	defer s.swap.Unlock()
	if s.db.IsReadOnly() {
		return fmt.Errorf("storage: compact %s: %w", s.path, ErrReadOnly)
	}
	tmp := filepath.Join(filepath.Dir(s.path), compactName(filepath.Base(s.path)))
	_ = os.Remove(tmp)
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: time.Second, PageSize: s.db.Info().PageSize})
	if err != nil {
		return fmt.Errorf("storage: compact %s: %w", s.path, err)
	}
	dst.NoSync = true // one fsync at the end instead of one per copy transaction
	err = bolt.Compact(dst, s.db, 64<<20)
	if err == nil {
		err = dst.Sync()
	}
	dst.NoSync = false
	if err != nil {
		_ = dst.Close()
		_ = os.Remove(tmp)
		return fmt.Errorf("storage: compact %s: %w", s.path, err)
	}
	// dst keeps its lock through the rename: no other process can open the
	// new file between the rename and the swap.
	if err := os.Rename(tmp, s.path); err != nil {
		_ = dst.Close()
		_ = os.Remove(tmp)
		return fmt.Errorf("storage: compact %s: %w", s.path, err)
	}
	syncDir(filepath.Dir(s.path))
	old := s.db
	s.db = dst
	_ = old.Close()
	return nil
}

// aliasOf returns the lead an ID was merged into.
func (b *bx) aliasOf(id uuid.UUID) (uuid.UUID, bool) {
	ab := b.tx.Bucket(bAliases)
	if ab == nil {
		return uuid.Nil, false
	}
	return idOf(ab.Get(id[:]))
}

func (b *bx) putAliases(l *lead.Lead) error {
	if len(l.Aliases) == 0 {
		return nil
	}
	ab, err := b.tx.CreateBucketIfNotExists(bAliases)
	if err != nil {
		return fatal(err)
	}
	for _, a := range l.Aliases {
		if err := ab.Put(a[:], l.ID[:]); err != nil {
			return fatal(err)
		}
	}
	return nil
}

// RemovalOwed reports whether the CRM still has to be told of the lead's
// deletion or erasure (pending, or refused and among the dead letters).
func (s *Store) RemovalOwed(id uuid.UUID) (bool, error) {
	owed := false
	err := s.view(func(b *bx) error {
		if rb := b.tx.Bucket(bRemovals); rb != nil {
			owed = rb.Get(id[:]) != nil
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("storage: removal of lead %s: %w", id, err)
	}
	return owed, nil
}

// ApplyTombstone brings another device's deletion or erasure (from its
// bundle) into this store: the lead of that ID, or for an erasure also the
// lead it was merged into here (an alias), is removed as RemoveLead does,
// the CRM told as RemoveLead does; a lead this store does not have gets
// the tombstone only, so a later import of it is refused. It reports
// whether a lead was removed. A tombstone already here changes nothing.
// The caller compacts after erasures (Compact).
func (s *Store) ApplyTombstone(t lead.Tombstone) (removed bool, err error) {
	if t.ID == uuid.Nil || (t.Op != lead.OpDelete && t.Op != lead.OpErase) {
		return false, fmt.Errorf("storage: apply tombstone %s: not a deletion or erasure", t.ID)
	}
	now := s.now().UTC()
	err = s.update(func(b *bx) error {
		if _, ok := b.tombstone(t.ID); ok {
			return nil
		}
		target := t.ID
		if id, ok := b.aliasOf(t.ID); ok && t.Op == lead.OpErase && b.leads.Get(t.ID[:]) == nil {
			target = id
		}
		if b.leads.Get(target[:]) != nil {
			if _, err := b.remove(target, t.Op, t.By, now); err != nil {
				return err
			}
			removed = true
			if target == t.ID {
				return nil
			}
		}
		own := lead.Tombstone{ID: t.ID, EventID: t.EventID, Op: t.Op, At: t.At, By: t.By, Aliases: t.Aliases, Version: t.Version}
		return b.putTombstone(&own)
	})
	if err != nil {
		return false, fmt.Errorf("storage: apply the %s of lead %s: %w", t.Op, t.ID, err)
	}
	return removed, nil
}

// compactName is the name of the file Compact writes the database named
// base into before renaming it over the database.
func compactName(base string) string { return "." + base + ".compact" }
