package storage

import (
	"bytes"
	"encoding/json"
	"fmt"

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
// One value per event, so a lookup needs no index whose keys would show
// the badge IDs. Encrypt seals the lists imported before (sealAttendees).
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
	})
	if err != nil {
		return fmt.Errorf("storage: save the attendee list of event %s: %w", eventID, err)
	}
	return nil
}

// Attendees returns the event's attendee list, empty when none was
// imported.
func (s *Store) Attendees(eventID uuid.UUID) ([]lead.Attendee, error) {
	var list []lead.Attendee
	err := s.view(func(b *bx) error {
		bk := b.tx.Bucket(bAttendees)
		if bk == nil {
			return nil
		}
		v := bk.Get(eventID[:])
		if v == nil {
			return nil
		}
		data, err := b.rc.leadJSON(eventID[:], v)
		if err != nil {
			return fmt.Errorf("%w (%v)", ErrDamaged, err)
		}
		return json.Unmarshal(data, &list)
	})
	if err != nil {
		return nil, fmt.Errorf("storage: read the attendee list of event %s: %w", eventID, err)
	}
	return list, nil
}

// FindAttendee returns the attendee with the badge ID on the event's list.
func (s *Store) FindAttendee(eventID uuid.UUID, badgeID string) (lead.Attendee, bool, error) {
	if badgeID == "" {
		return lead.Attendee{}, false, nil
	}
	list, err := s.Attendees(eventID)
	if err != nil {
		return lead.Attendee{}, false, err
	}
	for _, a := range list {
		if a.BadgeID == badgeID {
			return a, true, nil
		}
	}
	return lead.Attendee{}, false, nil
}
