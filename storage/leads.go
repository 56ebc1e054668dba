package storage

// Writing leads: add, merge a capture, update, import (put) and delete, each
// in one transaction with the lead's summary, indexes and outbox entry.
// The queries are in query.go.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"leadcap/lead"
)

// resolveEvent returns the lead's event, or the active event when the lead
// has none (and sets it on the lead).
func (b *bx) resolveEvent(l *lead.Lead) (lead.Event, error) {
	if l.EventID == uuid.Nil {
		ev, err := b.activeEvent()
		if err != nil {
			return lead.Event{}, err
		}
		l.EventID = ev.ID
		return ev, nil
	}
	return b.event(l.EventID)
}

// prepareNew fills a new lead's defaults and normalizes it.
func (b *bx) prepareNew(l *lead.Lead, now time.Time) error {
	ev, err := b.resolveEvent(l)
	if err != nil {
		return err
	}
	if l.ID == uuid.Nil {
		l.ID = lead.NewID()
	}
	if l.CapturedAt.IsZero() {
		l.CapturedAt = now
	}
	if err := l.Normalize(ev.Country); err != nil {
		return err
	}
	l.Version = 1
	l.UpdatedAt = now
	return nil
}

// AddLead saves a new lead: it normalizes it with its event's country as the
// phone region, assigns an ID when it has none, takes the active event when
// it has no event, sets Version 1 and UpdatedAt, and queues it for the CRM,
// all in one transaction. The same person (same duplicate key) at the same
// event fails with *DuplicateError. On success l holds what was stored.
func (s *Store) AddLead(l *lead.Lead) error {
	now := s.now().UTC()
	c := *l
	err := s.update(func(b *bx) error {
		if err := s.refuseDamaged(b); err != nil {
			return err
		}
		if err := b.prepareNew(&c, now); err != nil {
			return err
		}
		if b.leads.Get(c.ID[:]) != nil {
			return fmt.Errorf("lead %s: %w", c.ID, ErrExists)
		}
		return b.save(nil, &c, now)
	})
	if err != nil {
		return fmt.Errorf("storage: add lead %s: %w", c.ID, err)
	}
	*l = c
	return nil
}

// AddOrMerge is the scan flow: a new person is added like AddLead; the same
// person at the same event is merged into the existing lead (see
// lead.Lead.MergeCapture: new emails, phones and URLs, empty fields filled,
// the raw payload and badge ID when the existing lead has none, new notes),
// which is saved with Version+1 when anything changed. It returns the
// stored lead and whether it was created.
func (s *Store) AddOrMerge(l *lead.Lead) (saved lead.Lead, created bool, err error) {
	return s.AddOrMergeWith(l, nil)
}

// AddOrMergeWith is AddOrMerge with edit applied to the new or merged lead
// before it is saved, in the same transaction: the lead, edit's changes,
// its indexes and its outbox entry are written together or not at all. An
// error from edit (or from validating what it left) saves nothing, neither
// a new lead nor a change to the existing one. edit cannot change the ID,
// the event or the version. A nil edit is AddOrMerge.
func (s *Store) AddOrMergeWith(l *lead.Lead, edit func(*lead.Lead) error) (saved lead.Lead, created bool, err error) {
	now := s.now().UTC()
	c := *l
	err = s.update(func(b *bx) error {
		if err := s.refuseDamaged(b); err != nil {
			return err
		}
		if err := b.prepareNew(&c, now); err != nil {
			return err
		}
		var dup *DuplicateError
		err := b.checkDuplicate(&c)
		if err == nil {
			if b.leads.Get(c.ID[:]) != nil {
				return fmt.Errorf("lead %s: %w", c.ID, ErrExists)
			}
			if edit != nil {
				if err := b.edit(&c, edit); err != nil {
					return err
				}
			}
			saved, created = c, true
			return b.save(nil, &c, now)
		}
		if !errors.As(err, &dup) {
			return err
		}
		old, err := b.lead(dup.Existing)
		if err != nil {
			return err
		}
		cur, _ := b.lead(dup.Existing)
		if !cur.MergeCapture(&c) && edit == nil {
			saved = old
			return nil
		}
		if err := b.edit(&cur, edit); err != nil {
			return err
		}
		if unchanged(&old, &cur) {
			saved = old
			return nil
		}
		if err := bump(&old, &cur, now); err != nil {
			return err
		}
		saved = cur
		return b.save(&old, &cur, now)
	})
	if err != nil {
		return lead.Lead{}, false, fmt.Errorf("storage: add lead %s: %w", c.ID, err)
	}
	return saved, created, nil
}

// edit lets fn, when not nil, change l (but not its ID, event, version or
// update time), then normalizes l with its event's country.
func (b *bx) edit(l *lead.Lead, fn func(*lead.Lead) error) error {
	if fn != nil {
		keep := *l
		if err := callUser(func() error { return fn(l) }); err != nil {
			return err
		}
		l.ID, l.EventID, l.Version, l.UpdatedAt = keep.ID, keep.EventID, keep.Version, keep.UpdatedAt
	}
	ev, err := b.event(l.EventID)
	if err != nil {
		return err
	}
	return l.Normalize(ev.Country)
}

// unchanged reports whether cur holds what old holds, the version and the
// update time aside (cur takes old's).
func unchanged(old, cur *lead.Lead) bool {
	cur.Version, cur.UpdatedAt = old.Version, old.UpdatedAt
	a, _ := json.Marshal(old)
	c, _ := json.Marshal(cur)
	return bytes.Equal(a, c)
}

// bump gives cur the version after old's and the update time now. A stored
// version at MaxVersion (imported before versions were checked) is not
// wrapped around: the edit is refused with ErrBadVersion.
func bump(old, cur *lead.Lead, now time.Time) error {
	if old.Version < 0 || old.Version >= MaxVersion {
		return fmt.Errorf("lead %s version %d: %w", old.ID, old.Version, ErrBadVersion)
	}
	cur.Version = old.Version + 1
	cur.UpdatedAt = now
	return nil
}

// UpdateLead reads the lead, lets fn change it, re-normalizes it and saves
// it with Version+1 and a new UpdatedAt, upserting its outbox entry, all in
// one transaction. An error from fn (or from validation) saves nothing. A
// change that leaves the lead as it was is not saved and not queued. fn
// cannot change the ID.
func (s *Store) UpdateLead(id uuid.UUID, fn func(*lead.Lead) error) (lead.Lead, error) {
	now := s.now().UTC()
	var saved lead.Lead
	err := s.update(func(b *bx) error {
		if err := s.refuseDamaged(b); err != nil {
			return err
		}
		old, err := b.lead(id)
		if err != nil {
			return err
		}
		cur, _ := b.lead(id)
		if err := callUser(func() error { return fn(&cur) }); err != nil {
			return err
		}
		cur.ID = id
		ev, err := b.event(cur.EventID)
		if err != nil {
			return err
		}
		if err := cur.Normalize(ev.Country); err != nil {
			return err
		}
		cur.Qualification.TrackClearedAnswers(old.Qualification, ev)
		if unchanged(&old, &cur) {
			saved = old
			return nil
		}
		if err := bump(&old, &cur, now); err != nil {
			return err
		}
		saved = cur
		return b.save(&old, &cur, now)
	})
	if err != nil {
		return lead.Lead{}, fmt.Errorf("storage: update lead %s: %w", id, err)
	}
	return saved, nil
}

// put is PutLead inside a transaction. When the lead's event is not stored
// and bring has it, the event is created together with the lead, after
// every check passed: a refused lead leaves no event behind.
func (b *bx) put(l *lead.Lead, now time.Time, bring map[uuid.UUID]lead.Event) (out PutOutcome, eventCreated bool, err error) {
	if l.ID == uuid.Nil {
		return PutFailed, false, &lead.FieldError{Field: "id", Reason: "is missing: imported leads keep their ID"}
	}
	if _, ok := b.tombstone(l.ID); ok {
		return PutFailed, false, fmt.Errorf("lead %s: %w", l.ID, ErrRemoved)
	}
	ev, err := b.event(l.EventID)
	var newEvent *lead.Event
	if e, ok := bring[l.EventID]; ok && errors.Is(err, ErrNotFound) {
		if err := e.Validate(); err != nil {
			return PutFailed, false, fmt.Errorf("event %s: %w", e.ID, err)
		}
		if e.CreatedAt.IsZero() {
			e.CreatedAt = now
		}
		ev, newEvent, err = e, &e, nil
	}
	if err != nil {
		return PutFailed, false, err
	}
	if err := l.Normalize(ev.Country); err != nil {
		return PutFailed, false, err
	}
	switch {
	case l.Version < 0 || l.Version > MaxVersion:
		return PutFailed, false, fmt.Errorf("lead %s version %d: %w", l.ID, l.Version, ErrBadVersion)
	case l.Version == 0:
		l.Version = 1
	}
	if l.CapturedAt.IsZero() {
		l.CapturedAt = now
	}
	if l.UpdatedAt.IsZero() {
		l.UpdatedAt = now
	}
	var prev *lead.Lead
	old, err := b.lead(l.ID)
	switch {
	case errors.Is(err, ErrNotFound):
		out = PutCreated
	case err != nil:
		return PutFailed, false, err
	case old.Version == l.Version && !unchanged(&old, l):
		*l = old
		return PutConflict, false, fmt.Errorf("lead %s version %d: %w", l.ID, l.Version, ErrConflict)
	case old.Version >= l.Version:
		*l = old
		return PutUnchanged, false, nil
	default:
		out, prev = PutUpdated, &old
	}
	if err := b.save(prev, l, now); err != nil {
		return PutFailed, false, err
	}
	if newEvent != nil {
		// The lead is written: a failure now must abandon the transaction.
		if err := b.putEvent(newEvent); err != nil {
			return PutFailed, false, fatal(err)
		}
	}
	return out, newEvent != nil, nil
}

// PutLead stores an imported lead as it is, keyed by its ID: a lead already
// stored with the same or a higher Version is left alone (importing the
// same file twice changes nothing); a higher Version replaces it and is
// queued for the CRM. The event must exist (see CreateEvent, or PutLeads,
// which can bring it along). A different lead of the same person at the
// same event fails with *DuplicateError.
func (s *Store) PutLead(l *lead.Lead) (created bool, err error) {
	now := s.now().UTC()
	c := *l
	err = s.update(func(b *bx) error {
		if err := s.refuseDamaged(b); err != nil {
			return err
		}
		out, _, err := b.put(&c, now, nil)
		created = out == PutCreated
		return err
	})
	if err != nil {
		return false, fmt.Errorf("storage: import lead %s: %w", c.ID, err)
	}
	*l = c
	return created, nil
}

// PutLeads is PutLead for many leads in one transaction (one fsync), for
// imports. Each PutResult says whether its lead was created, updated or
// left unchanged. A lead that fails (validation, duplicate, unknown event)
// is skipped and reported in its PutResult; the others are saved. The error
// is for the transaction as a whole, in which case nothing was saved.
//
// events are the events the leads bring along (the first one of an ID
// counts). When a lead's event is not stored and is among them, it is
// created in the same transaction as the first lead that is saved with it,
// so an event whose leads were all refused or unchanged is not created. An
// event already stored is left as it is.
func (s *Store) PutLeads(ls []lead.Lead, events ...lead.Event) ([]PutResult, error) {
	return s.putLeads((*bx).put, ls, events)
}

// putFunc stores one imported lead: PutLead's rule (bx.put) or
// MergeLeads's (bx.merge).
type putFunc func(b *bx, l *lead.Lead, now time.Time, bring map[uuid.UUID]lead.Event) (PutOutcome, bool, error)

func (s *Store) putLeads(put putFunc, ls []lead.Lead, events []lead.Event) ([]PutResult, error) {
	now := s.now().UTC()
	bring := make(map[uuid.UUID]lead.Event, len(events))
	for _, ev := range events {
		if _, ok := bring[ev.ID]; !ok && ev.ID != uuid.Nil {
			bring[ev.ID] = ev
		}
	}
	res := make([]PutResult, len(ls))
	err := s.update(func(b *bx) error {
		if err := s.refuseDamaged(b); err != nil {
			return err
		}
		for i := range ls {
			c := ls[i]
			out, evCreated, err := put(b, &c, now, bring)
			var f fatalError
			if errors.As(err, &f) {
				return err
			}
			res[i] = PutResult{ID: c.ID, Outcome: out, EventCreated: evCreated}
			if err != nil {
				res[i].Err = fmt.Errorf("storage: import lead %s: %w", c.ID, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("storage: import %d leads: %w", len(ls), err)
	}
	return res, nil
}

// DeleteLead removes a lead with its summary, index entries, outbox entry,
// dead letter and sync state, in one transaction (for example when a person
// asks to be forgotten). It does not delete the lead in the CRM.
func (s *Store) DeleteLead(id uuid.UUID) error {
	err := s.update(func(b *bx) error {
		l, err := b.lead(id)
		if err != nil {
			return err
		}
		if err := b.unindex(&l); err != nil {
			return err
		}
		if r, ok := b.outboxRec(id); ok {
			if err := b.dropOutbox(id, &r); err != nil {
				return err
			}
		}
		for _, bk := range []*bolt.Bucket{b.dead, b.sync, b.leads} {
			if err := bk.Delete(id[:]); err != nil {
				return fatal(err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("storage: delete lead %s: %w", id, err)
	}
	return nil
}
