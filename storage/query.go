package storage

// Reading leads: one lead by ID or prefix, lists and counts through the
// summaries and indexes, sync state, statistics and duplicate look-ups.
// The writes are in leads.go.

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"leadcap/lead"
)

// Lead returns the lead with that ID, or an error wrapping ErrNotFound.
func (s *Store) Lead(id uuid.UUID) (lead.Lead, error) {
	var l lead.Lead
	err := s.view(func(b *bx) error {
		var err error
		l, err = b.lead(id)
		return err
	})
	if err != nil {
		return lead.Lead{}, fmt.Errorf("storage: %w", err)
	}
	return l, nil
}

// FindLead accepts a full lead ID or a unique prefix of at least 8
// characters of it (dashes optional). Leads captured within the same hour
// share their first 8 characters (the IDs are time-ordered), so when no
// prefix matches, a unique suffix of at least 8 characters (an even number)
// is accepted too. Input with other characters than hexadecimal digits and
// dashes fails with ErrBadID, fewer than 8 of them with ErrShortID; several
// matches fail with ErrAmbiguous, none with ErrNotFound.
func (s *Store) FindLead(idOrPrefix string) (lead.Lead, error) {
	in := strings.ToLower(strings.TrimSpace(idOrPrefix))
	if id, err := uuid.Parse(in); err == nil {
		return s.Lead(id)
	}
	h := strings.ReplaceAll(in, "-", "")
	if strings.Trim(h, "0123456789abcdef") != "" {
		return lead.Lead{}, fmt.Errorf("storage: find lead %q: %w", idOrPrefix, ErrBadID)
	}
	if len(h) < 8 {
		return lead.Lead{}, fmt.Errorf("storage: find lead %q: %w", idOrPrefix, ErrShortID)
	}
	if len(h) > 32 {
		return lead.Lead{}, fmt.Errorf("storage: find lead %q: %w", idOrPrefix, ErrNotFound)
	}
	prefix, _ := hex.DecodeString(h[:len(h)/2*2]) // h is hex digits only
	var found []uuid.UUID
	var l lead.Lead
	err := s.view(func(b *bx) error {
		c := b.leads.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && len(found) < 2; k, _ = c.Next() {
			if strings.HasPrefix(hex.EncodeToString(k), h) {
				id, _ := idOf(k)
				found = append(found, id)
			}
		}
		if len(found) == 0 && len(h)%2 == 0 {
			// Time-ordered IDs of leads captured close together share
			// their first characters; their last ones are random, so a
			// unique suffix is accepted too.
			for k, _ := c.First(); k != nil && len(found) < 2; k, _ = c.Next() {
				if bytes.HasSuffix(k, prefix) {
					id, _ := idOf(k)
					found = append(found, id)
				}
			}
		}
		if len(found) != 1 {
			return nil
		}
		var err error
		l, err = b.lead(found[0])
		return err
	})
	switch {
	case err != nil:
		return lead.Lead{}, fmt.Errorf("storage: find lead %q: %w", idOrPrefix, err)
	case len(found) == 0:
		return lead.Lead{}, fmt.Errorf("storage: find lead %q: %w", idOrPrefix, ErrNotFound)
	case len(found) > 1:
		return lead.Lead{}, fmt.Errorf("storage: find lead %q: %w", idOrPrefix, ErrAmbiguous)
	}
	return l, nil
}

// lastWithPrefix walks the keys with prefix from the last to the first.
func lastWithPrefix(c *bolt.Cursor, prefix []byte, fn func(k, v []byte) bool) {
	var k, v []byte
	if next := incPrefix(prefix); next != nil {
		if k, _ = c.Seek(next); k == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
	} else {
		k, v = c.Last()
	}
	for ; k != nil && bytes.HasPrefix(k, prefix); k, v = c.Prev() {
		if !fn(k, v) {
			return
		}
	}
}

// incPrefix returns the smallest key greater than every key with prefix,
// or nil when there is none.
func incPrefix(p []byte) []byte {
	n := bytes.Clone(p)
	for i := len(n) - 1; i >= 0; i-- {
		if n[i] < 0xff {
			n[i]++
			return n[:i+1]
		}
	}
	return nil
}

// scan calls fn with the summary key and value of every lead matching q,
// newest capture first (see walk in search.go).
func (b *bx) scan(q Query, window bool, fn func(k, v []byte) bool) { b.walk(q, window, fn) }

// List returns summaries of the leads matching q, newest capture first. It
// reads compact summaries, never whole leads, so it stays fast at 100,000
// leads.
func (s *Store) List(q Query) ([]Summary, error) {
	var out []Summary
	err := s.view(func(b *bx) error {
		var bad error
		b.scan(q, true, func(k, v []byte) bool {
			sum, ok := b.rc.decodeSummary(k, v)
			if !ok {
				bad = fmt.Errorf("summary %x: %w", k, ErrDamaged)
				return false
			}
			out = append(out, sum)
			return true
		})
		return bad
	})
	if err != nil {
		return nil, fmt.Errorf("storage: list leads: %w", err)
	}
	return out, nil
}

// EachLead calls fn with every full lead matching q, newest capture first,
// without holding them all in memory (for exports). An error from fn stops
// the walk and is returned.
func (s *Store) EachLead(q Query, fn func(lead.Lead) error) error {
	return s.eachLead(q, func(_ *bx, l lead.Lead) error { return fn(l) })
}

// Leads returns the full leads matching q, newest capture first.
func (s *Store) Leads(q Query) ([]lead.Lead, error) {
	var out []lead.Lead
	err := s.EachLead(q, func(l lead.Lead) error {
		out = append(out, l)
		return nil
	})
	return out, err
}

// Count returns how many leads match q (Limit and Offset are ignored):
// from the counters without search text (see StatsOf).
func (s *Store) Count(q Query) (int, error) {
	st, err := s.StatsOf(q)
	return st.Leads, err
}

// SyncInfo returns the delivery state of a lead.
func (s *Store) SyncInfo(id uuid.UUID) (SyncInfo, error) {
	var si SyncInfo
	err := s.view(func(b *bx) error {
		if b.leads.Get(id[:]) == nil {
			return fmt.Errorf("lead %s: %w", id, ErrNotFound)
		}
		si = b.syncInfo(id)
		return nil
	})
	if err != nil {
		return SyncInfo{}, fmt.Errorf("storage: sync state: %w", err)
	}
	return si, nil
}

// Stats counts leads by stage and sync status, outbox entries and dead
// letters, from the counters (see StatsOf). OutboxPending and Dead also
// count the deletions and erasures still owed to the CRM (erase.go).
func (s *Store) Stats() (Stats, error) {
	var st Stats
	err := s.view(func(b *bx) error {
		st = b.stats(Query{})
		pending, dead := b.removals()
		st.OutboxPending += pending
		st.Dead += dead
		st.Damage = s.damageOf(b)
		st.CheckedAt = checkedAt(b)
		return nil
	})
	if err != nil {
		return Stats{}, fmt.Errorf("storage: stats: %w", err)
	}
	return st, nil
}

// FindDuplicate returns the lead that the contact's person already is at the
// event: the same duplicate key (normalized email, else E.164 phone, else
// name and organization) as AddLead and AddOrMerge use. The contact is
// normalized on a copy with the event's country; found is false when the
// contact has no key or nobody matches.
func (s *Store) FindDuplicate(eventID uuid.UUID, c lead.Contact) (existing lead.Lead, found bool, err error) {
	c.Emails = append([]string(nil), c.Emails...)
	c.Phones = append([]lead.Phone(nil), c.Phones...)
	c.URLs = append([]string(nil), c.URLs...)
	err = s.view(func(b *bx) error {
		ev, err := b.event(eventID)
		if err != nil {
			return err
		}
		if err := c.Normalize(ev.Country); err != nil {
			return err
		}
		key := c.DuplicateKey()
		if key == "" {
			return nil
		}
		v := b.ixDup.Get(b.dupIndexKey(eventID, key))
		id, ok := idOf(v)
		if !ok {
			return nil
		}
		existing, err = b.lead(id)
		found = err == nil
		return err
	})
	if err != nil {
		return lead.Lead{}, false, fmt.Errorf("storage: find duplicate at event %s: %w", eventID, err)
	}
	return existing, found, nil
}
