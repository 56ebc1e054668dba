package storage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"leadcap/lead"
)

// bAttendees holds each event's attendee list, the organiser's list that
// turns an ID-only badge scan into a person (workflow.ImportAttendees):
//
//	event ID (16) -> the list as JSON, compressed like a lead record
//	                 (recZstd), sealed (recSealed, the event ID as
//	                 additional data) when the store is encrypted
//
// Encrypt seals the lists imported before (sealAttendees).
//
// The index ixBadge (schema 4) finds one attendee by badge ID without
// reading the list, so filling a badge scan takes the same time with
// 100,000 attendees as with ten:
//
//	event ID (16) + keyed hash of the badge ID (16) -> the attendee as
//	    JSON, sealed (recSealed, the index key as additional data) when
//	    the store is encrypted
//
// The hash is keyed like the duplicate index (codec.tag): in an encrypted
// store the keys show neither the badge IDs nor, without the key, whether
// two stores list the same badge. The index is derived data: PutAttendees
// writes it with the list and rebuild (a migration, Encrypt,
// RebuildIndexes) makes it again from the lists.
var bAttendees = []byte("attendees")

// sealAttendees seals every attendee list that is not sealed yet.
func (b *bx) sealAttendees() error {
	bk := b.tx.Bucket(bAttendees)
	if bk == nil || b.rc.aead == nil {
		return nil
	}
	type kv struct{ k, v []byte }
	var plain []kv
	err := bk.ForEach(func(k, v []byte) error {
		if len(v) > 0 && v[0] == recSealed {
			return nil
		}
		data, err := b.rc.leadJSON(k, v)
		if err != nil {
			return fmt.Errorf("attendee list %x: %w (%v)", k, ErrDamaged, err)
		}
		z := b.rc.zenc.EncodeAll(data, []byte{recZstd})
		plain = append(plain, kv{bytes.Clone(k), b.rc.seal(recSealed, z, k)})
		return nil
	})
	if err != nil {
		return err
	}
	for _, e := range plain {
		if err := bk.Put(e.k, e.v); err != nil {
			return fatal(err)
		}
	}
	return nil
}

// PutAttendees stores the event's attendee list, replacing the one stored
// before. The event must exist.
func (s *Store) PutAttendees(eventID uuid.UUID, list []lead.Attendee) error {
	err := s.update(func(b *bx) error {
		if _, err := b.event(eventID); err != nil {
			return err
		}
		if err := b.putAttendeeList(eventID, list); err != nil {
			return err
		}
		return b.indexAttendees(eventID, list)
	})
	if err != nil {
		return fmt.Errorf("storage: save the attendee list of event %s: %w", eventID, err)
	}
	return nil
}

// putAttendeeList writes the event's list (compressed, sealed when the
// store is encrypted), without touching the index.
func (b *bx) putAttendeeList(eventID uuid.UUID, list []lead.Attendee) error {
	data, err := json.Marshal(list)
	if err != nil {
		return err
	}
	v := b.rc.zenc.EncodeAll(data, []byte{recZstd})
	if b.rc.aead != nil {
		v = b.rc.seal(recSealed, v, eventID[:])
	}
	bk, err := b.tx.CreateBucketIfNotExists(bAttendees)
	if err != nil {
		return fatal(err)
	}
	return fatal(bk.Put(eventID[:], v))
}

// eraseAttendee removes the erased lead's person from the attendee lists
// and from the badge index, so that the organiser's copy of the name and
// email does not outlive the erasure (GDPR art. 17 covers every copy the
// controller holds) and a later scan of the badge is not filled again. On
// the lead's own event the person is every entry with the lead's badge ID
// or one of its email addresses (compared normalized); on every other
// event's list, every entry with one of its email addresses (a badge ID
// means something only at its own fair). It returns how many entries it
// removed from all lists.
func (b *bx) eraseAttendee(l *lead.Lead) (int, error) {
	emails := map[string]bool{}
	for _, e := range l.Contact.Emails {
		if e = normAttendeeEmail(e); e != "" {
			emails[e] = true
		}
	}
	byEmail := func(a *lead.Attendee) bool { return len(emails) > 0 && emails[normAttendeeEmail(a.Email)] }
	removed := 0
	onList := l.BadgeID != "" && (b.ixBadge == nil || b.ixBadge.Get(b.badgeKey(l.EventID[:], l.BadgeID)) != nil)
	if onList || len(emails) > 0 {
		n, err := b.eraseFromList(l.EventID, func(a *lead.Attendee) bool {
			return l.BadgeID != "" && a.BadgeID == l.BadgeID || byEmail(a)
		})
		if err != nil {
			return 0, err
		}
		removed += n
	}
	bk := b.tx.Bucket(bAttendees)
	if len(emails) == 0 || bk == nil {
		return removed, nil
	}
	var others []uuid.UUID
	err := bk.ForEach(func(k, _ []byte) error {
		if id, err := uuid.FromBytes(k); err == nil && id != l.EventID {
			others = append(others, id)
		}
		return nil
	})
	if err != nil {
		return 0, fatal(err)
	}
	for _, ev := range others {
		n, err := b.eraseFromList(ev, byEmail)
		if err != nil {
			return 0, err
		}
		removed += n
	}
	return removed, nil
}

// eraseFromList removes the entries that match from the event's attendee
// list and the badge index, and returns how many.
func (b *bx) eraseFromList(eventID uuid.UUID, match func(*lead.Attendee) bool) (int, error) {
	list, err := b.attendees(eventID[:])
	if err != nil || len(list) == 0 {
		return 0, err
	}
	keep := list[:0:0]
	badges := map[string]bool{}
	for i := range list {
		if match(&list[i]) {
			badges[list[i].BadgeID] = true
			continue
		}
		keep = append(keep, list[i])
	}
	removed := len(list) - len(keep)
	if removed == 0 {
		return 0, nil
	}
	if len(keep) == 0 {
		if err := b.tx.Bucket(bAttendees).Delete(eventID[:]); err != nil {
			return 0, fatal(err)
		}
	} else if err := b.putAttendeeList(eventID, keep); err != nil {
		return 0, err
	}
	if b.ixBadge == nil {
		return removed, nil
	}
	// The index holds the first attendee of each badge ID: drop the
	// removed ones' entries and put back the next attendee with the same
	// badge, if the list has one (only possible when matched by email).
	for badge := range badges {
		if badge == "" {
			continue
		}
		k := b.badgeKey(eventID[:], badge)
		if err := b.ixBadge.Delete(k); err != nil {
			return 0, fatal(err)
		}
		for i := range keep {
			if keep[i].BadgeID != badge {
				continue
			}
			v, err := b.rc.encodeAttendee(k, &keep[i])
			if err != nil {
				return 0, err
			}
			if err := b.ixBadge.Put(k, v); err != nil {
				return 0, fatal(err)
			}
			break
		}
	}
	return removed, nil
}

// normAttendeeEmail is an email address as compared by eraseAttendee.
func normAttendeeEmail(e string) string {
	if n, err := lead.NormalizeEmail(e); err == nil {
		return n
	}
	return strings.ToLower(strings.TrimSpace(e))
}

// Attendees returns the event's attendee list, empty when none was
// imported.
func (s *Store) Attendees(eventID uuid.UUID) ([]lead.Attendee, error) {
	var list []lead.Attendee
	err := s.view(func(b *bx) error {
		var err error
		list, err = b.attendees(eventID[:])
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("storage: read the attendee list of event %s: %w", eventID, err)
	}
	return list, nil
}

// attendees decodes the stored list of the event (nil when there is none).
func (b *bx) attendees(eventID []byte) ([]lead.Attendee, error) {
	bk := b.tx.Bucket(bAttendees)
	if bk == nil {
		return nil, nil
	}
	v := bk.Get(eventID)
	if v == nil {
		return nil, nil
	}
	var list []lead.Attendee
	data, err := b.rc.leadJSON(eventID, v)
	if err == nil {
		err = json.Unmarshal(data, &list)
	}
	if err != nil {
		return nil, fmt.Errorf("the attendee list of event %x: %w (%v)", eventID, ErrDamaged, err)
	}
	return list, nil
}

// FindAttendee returns the attendee with the badge ID on the event's list:
// one index look-up (the first attendee with that badge ID when the list
// has several).
func (s *Store) FindAttendee(eventID uuid.UUID, badgeID string) (lead.Attendee, bool, error) {
	if badgeID == "" {
		return lead.Attendee{}, false, nil
	}
	var a lead.Attendee
	found := false
	err := s.view(func(b *bx) error {
		if b.ixBadge == nil {
			return nil
		}
		k := b.badgeKey(eventID[:], badgeID)
		v := b.ixBadge.Get(k)
		if v == nil {
			return nil
		}
		var err error
		a, err = b.rc.decodeAttendee(k, v)
		found = err == nil && a.BadgeID == badgeID
		return err
	})
	if err != nil {
		return lead.Attendee{}, false, fmt.Errorf("storage: find badge in the attendee list of event %s: %w", eventID, err)
	}
	return a, found, nil
}

// badgeTagLen is the length of a hashed badge ID (like dupTagLen: two
// badges of one event never collide).
const badgeTagLen = 16

// badgeKey is the ixBadge key of a badge ID at an event.
func (b *bx) badgeKey(eventID []byte, badgeID string) []byte {
	return append(bytes.Clone(eventID), b.rc.tag(badgeID, badgeTagLen)...)
}

func (c *codec) encodeAttendee(k []byte, a *lead.Attendee) ([]byte, error) {
	data, err := json.Marshal(a)
	if err != nil || c.aead == nil {
		return data, err
	}
	return c.seal(recSealed, data, k), nil
}

func (c *codec) decodeAttendee(k, v []byte) (lead.Attendee, error) {
	var a lead.Attendee
	data, err := v, error(nil)
	if len(v) > 0 && v[0] == recSealed {
		data, err = c.open(v, k)
	}
	if err == nil {
		err = json.Unmarshal(data, &a)
	}
	if err != nil {
		return lead.Attendee{}, fmt.Errorf("attendee %x: %w (%v)", k, ErrDamaged, err)
	}
	return a, nil
}

// indexAttendees replaces the event's entries in the attendee index with
// list's.
func (b *bx) indexAttendees(eventID uuid.UUID, list []lead.Attendee) error {
	c := b.ixBadge.Cursor()
	for k, _ := c.Seek(eventID[:]); k != nil && bytes.HasPrefix(k, eventID[:]); k, _ = c.Seek(eventID[:]) {
		if err := c.Delete(); err != nil {
			return fatal(err)
		}
	}
	for i := range list {
		a := &list[i]
		if a.BadgeID == "" {
			continue
		}
		k := b.badgeKey(eventID[:], a.BadgeID)
		if b.ixBadge.Get(k) != nil {
			continue // the first attendee with a badge ID wins
		}
		v, err := b.rc.encodeAttendee(k, a)
		if err != nil {
			return err
		}
		if err := b.ixBadge.Put(k, v); err != nil {
			return fatal(err)
		}
	}
	return nil
}

// indexAllAttendees builds the attendee index from every stored list
// (rebuild).
func (b *bx) indexAllAttendees() error {
	bk := b.tx.Bucket(bAttendees)
	if bk == nil {
		return nil
	}
	return bk.ForEach(func(k, _ []byte) error {
		id, ok := idOf(k)
		if !ok {
			return nil
		}
		list, err := b.attendees(k)
		if err != nil {
			return err
		}
		return b.indexAttendees(id, list)
	})
}

// checkAttendees verifies that the attendee index holds the first
// attendee of every badge ID of every list, and nothing else.
func (b *bx) checkAttendees() error {
	if b.ixBadge == nil {
		return nil
	}
	want := 0
	if bk := b.tx.Bucket(bAttendees); bk != nil {
		err := bk.ForEach(func(k, _ []byte) error {
			list, err := b.attendees(k)
			if err != nil {
				return err
			}
			seen := map[string]bool{}
			for _, a := range list {
				if a.BadgeID == "" || seen[a.BadgeID] {
					continue
				}
				seen[a.BadgeID] = true
				want++
				ik := b.badgeKey(k, a.BadgeID)
				got, err := b.rc.decodeAttendee(ik, b.ixBadge.Get(ik))
				if err != nil || got != a {
					return fmt.Errorf("%w (badge index entry of an attendee of event %x missing or stale)", ErrDamaged, k)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if n := b.ixBadge.Stats().KeyN; n != want {
		return fmt.Errorf("%w (%d badge index entries for %d attendees)", ErrDamaged, n, want)
	}
	return nil
}
