package storage

import (
	"bytes"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Check reads the whole database and verifies bbolt's page structure and
// leadcap's own invariants: every lead has its summary and index entries,
// nothing else has any, every outbox entry is scheduled exactly once, and
// every lease names an outbox entry.
// A problem is reported as an error wrapping ErrDamaged; RebuildIndexes
// repairs the index part. It takes time proportional to the file size
// (about 2 s at 100,000 leads: it decodes every lead).
func (s *Store) Check() error {
	err := s.view(func(b *bx) error {
		if err := checkBolt(b.tx); err != nil {
			return err
		}
		if err := b.checkInvariants(); err != nil {
			return err
		}
		if err := b.checkAttendees(); err != nil {
			return err
		}
		return b.checkCounts()
	})
	s.checked(err)
	if err != nil {
		return fmt.Errorf("storage: check %s: %w", s.path, err)
	}
	return nil
}

func (b *bx) checkInvariants() error {
	bad := damaged
	n, dups := 0, 0 // leads, and duplicate index entries naming their lead
	err := b.leads.ForEach(func(k, v []byte) error {
		n++
		l, err := b.rc.decodeLead(k, v)
		if err != nil {
			return bad("lead %x does not decode", k)
		}
		if !bytes.Equal(l.ID[:], k) {
			return bad("lead %x is stored under the wrong key", k)
		}
		sk := summaryKey(&l)
		sv := b.summaries.Get(sk)
		if sum, ok := b.rc.decodeSummary(sk, sv); !ok || sum.EventID != l.EventID || sum.Stage != l.Stage() || sum.Sync != b.status(l.ID) ||
			sum.Rating != l.Rating || sum.CapturedBy != l.CapturedBy || sum.Consent != decodeConsent(consentCode(l.Consent)) {
			return bad("lead %s has no or a stale summary", l.ID)
		}
		if b.ixEvent.Get(eventIndexKey(&l, sk)) == nil {
			return bad("lead %s is missing from the event index", l.ID)
		}
		if b.ixStage.Get(stageIndexKey(&l, sk)) == nil {
			return bad("lead %s is missing from the stage index", l.ID)
		}
		if key := l.Contact.DuplicateKey(); key != "" {
			v := b.ixDup.Get(b.dupIndexKey(l.EventID, key))
			if v == nil {
				return bad("lead %s is missing from the duplicate index", l.ID)
			}
			if bytes.Equal(v, k) {
				dups++
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if k := b.summaries.Stats().KeyN; k != n {
		return bad("%d summaries for %d leads", k, n)
	}
	if k := b.ixEvent.Stats().KeyN; k != n {
		return bad("%d event index entries for %d leads", k, n)
	}
	if k := b.ixStage.Stats().KeyN; k != n {
		return bad("%d stage index entries for %d leads", k, n)
	}
	// An entry that names no lead with that key would turn the person away
	// as a duplicate of someone else.
	if k := b.ixDup.Stats().KeyN; k != dups {
		return bad("%d duplicate index entries, %d of them for a lead with that key", k, dups)
	}
	err = b.outbox.ForEach(func(k, v []byte) error {
		id, _ := idOf(k)
		r, ok := b.outboxRec(id)
		_, removal := b.tombstone(id)
		if !ok || (b.leads.Get(k) == nil && !removal) {
			return bad("outbox entry %x has no lead", k)
		}
		if !bytes.Equal(b.due.Get(r.dueKey()), k) {
			return bad("outbox entry %s is not scheduled", id)
		}
		if b.dead.Get(k) != nil {
			return bad("lead %s is both queued and dead", id)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if d, o := b.due.Stats().KeyN, b.outbox.Stats().KeyN; d != o {
		return bad("%d schedule entries for %d outbox entries", d, o)
	}
	if b.leases == nil { // a file not yet opened for writing by this version
		return nil
	}
	return b.leases.ForEach(func(k, _ []byte) error {
		if b.outbox.Get(k) == nil {
			return bad("lease %x has no outbox entry", k)
		}
		return nil
	})
}

// checkLeadsDecode checks that every lead decodes and is stored under its
// own ID (for a file whose indexes are built when it is next opened).
func (b *bx) checkLeadsDecode() error {
	return b.leads.ForEach(func(k, v []byte) error {
		l, err := b.rc.decodeLead(k, v)
		if err != nil || !bytes.Equal(l.ID[:], k) {
			return damaged("lead %x does not decode", k)
		}
		return nil
	})
}

// RebuildIndexes drops and rebuilds every summary and index from the leads,
// in batches (about 7 s at 100,000 leads). Writes wait until it is done;
// List, Count and search made meanwhile see an incomplete index. If it is
// interrupted, the next Open finishes the job.
func (s *Store) RebuildIndexes() error {
	s.rebuilding.Lock()
	defer s.rebuilding.Unlock()
	if err := s.rebuild(); err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	return nil
}

// checkBolt runs bbolt's page check, reporting the first problem as
// ErrDamaged without keys or values.
func checkBolt(tx *bolt.Tx) error {
	for err := range tx.Check(bolt.WithKVStringer(redacted{})) {
		if err != nil {
			return fmt.Errorf("%w (%v)", ErrDamaged, err)
		}
	}
	return nil
}

// redacted keeps keys and values (emails in the duplicate index, whole
// leads) out of bbolt's consistency messages.
type redacted struct{}

func (redacted) KeyToString(k []byte) string   { return fmt.Sprintf("<%d-byte key>", len(k)) }
func (redacted) ValueToString(v []byte) string { return fmt.Sprintf("<%d-byte value>", len(v)) }
