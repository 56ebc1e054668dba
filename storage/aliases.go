package storage

import (
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"leadcap/lead"
)

// MergeLeads is PutLeads for the exports of several devices of one fair:
// a lead whose ID is stored (or was merged before) follows PutLead's
// rule, and a lead of a person already stored under another ID at the same
// event (the duplicate rule of AddLead) is folded into that lead with
// lead.Lead.MergeDevice — both devices' notes, the better qualification,
// the earlier capture time, and its ID kept as an alias, so a CRM record
// made from it is updated instead of duplicated. Its PutResult says
// PutMerged (or PutUnchanged when the stored lead already had everything)
// and carries the stored lead's ID. Importing the same files again changes
// nothing.
func (s *Store) MergeLeads(ls []lead.Lead, events ...lead.Event) ([]PutResult, error) {
	return s.putLeads((*bx).merge, ls, events)
}

func (b *bx) merge(l *lead.Lead, now time.Time, bring map[uuid.UUID]lead.Event) (PutOutcome, bool, error) {
	target, ok := b.sameAs(l, bring)
	if !ok {
		out, evCreated, err := b.put(l, now, bring)
		if err == nil && (out == PutCreated || out == PutUpdated) {
			err = b.putAliases(l)
		}
		return out, evCreated, err
	}
	if _, removed := b.tombstone(l.ID); removed {
		return PutFailed, false, fmt.Errorf("lead %s: %w", l.ID, ErrRemoved)
	}
	old, err := b.lead(target)
	if err != nil {
		return PutFailed, false, err
	}
	cur, _ := b.lead(target)
	in := *l
	if err := b.edit(&in, nil); err != nil {
		return PutFailed, false, err
	}
	if !cur.MergeDevice(&in) {
		*l = old
		return PutUnchanged, false, nil
	}
	if err := b.edit(&cur, nil); err != nil {
		return PutFailed, false, err
	}
	if err := bump(&old, &cur, now); err != nil {
		return PutFailed, false, err
	}
	if err := b.save(&old, &cur, now); err != nil {
		return PutFailed, false, err
	}
	*l = cur
	return PutMerged, false, b.putAliases(&cur)
}

// sameAs finds the stored lead an imported lead is the same person as,
// under another ID: one it was merged into before (an alias), or one with
// its duplicate key at its event.
func (b *bx) sameAs(l *lead.Lead, bring map[uuid.UUID]lead.Event) (uuid.UUID, bool) {
	if id, ok := b.aliasOf(l.ID); ok {
		return id, true
	}
	if b.leads.Get(l.ID[:]) != nil {
		return uuid.Nil, false
	}
	ev, err := b.event(l.EventID)
	if err != nil {
		if e, ok := bring[l.EventID]; ok {
			ev = e
		}
	}
	c := *l
	c.Contact.Emails = append([]string(nil), l.Contact.Emails...)
	c.Contact.Phones = append([]lead.Phone(nil), l.Contact.Phones...)
	if c.Normalize(ev.Country) != nil {
		return uuid.Nil, false
	}
	var dup *DuplicateError
	if errors.As(b.checkDuplicate(&c), &dup) {
		return dup.Existing, true
	}
	return uuid.Nil, false
}
