package workflow

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"leadcap/capture"
	"leadcap/lead"
	"leadcap/storage"
)

// A scan is never kept only in memory. StartReview stores it the moment it
// is read and holds its delivery to the CRM (storage.HoldSync) while a
// person reviews it and can still take it back: the review form edits the
// stored lead; Discard deletes it (or, when the scan was merged into a lead
// the person already was, puts that lead back as it was) and Restore undoes
// the Discard; Finish releases the hold once the review and its Undo are
// over. A held lead never reaches the CRM, so a discarded scan leaves no
// record there. Holds end with the process: storage.Open releases those of
// a process that died, so a crash with a review open loses nothing and the
// lead is delivered as it stood.

// Review is a scan stored the moment it was read, under review.
type Review struct {
	// Lead is the lead as stored after the scan: new, or the existing lead
	// of the same person with the scan merged in.
	Lead lead.Lead
	// Before is that existing lead as it was before the scan was merged
	// into it; nil when the scan made a new lead.
	Before   *lead.Lead
	Format   capture.Format
	NotTaken []capture.NotTaken
}

// Created reports whether the scan made a new lead.
func (r Review) Created() bool { return r.Before == nil }

// StartReview saves what capture.Parse read as SaveParsed does (the same
// person at the same event is merged into their lead), with the lead's
// sync held until Finish. Errors are those of SaveParsed; on error nothing
// is stored or held.
func StartReview(s *storage.Store, ev lead.Event, p capture.Parsed, c Capture) (Review, error) {
	l, err := scannedLead(s, ev, p, c)
	if err != nil {
		return Review{}, err
	}
	r := Review{Format: p.Format, NotTaken: p.NotTaken}
	target := l.ID
	if ex, found, err := s.FindDuplicate(ev.ID, l.Contact); err == nil && found {
		r.Before, target = &ex, ex.ID
	}
	if err := s.HoldSync(target); err != nil {
		return Review{}, fmt.Errorf("workflow: scan: %w", err)
	}
	saved, created, err := s.AddOrMergeWith(l, c.Edit)
	if err != nil {
		return Review{}, errors.Join(fmt.Errorf("workflow: scan: save: %w", err), s.ReleaseSync(target))
	}
	if saved.ID != target { // another writer added the person in between
		if err := errors.Join(s.ReleaseSync(target), s.HoldSync(saved.ID)); err != nil {
			return Review{}, fmt.Errorf("workflow: scan: %w", err)
		}
		r.Before = nil
		if !created {
			r.Before = &saved // what it was before is unknown: Discard keeps it
		}
	}
	r.Lead = saved
	return r, nil
}

// AddReviewed stores a lead typed in (or a scan that needed a person's
// help, such as a badge ID alone) once it was reviewed: edit, when not nil,
// is applied first; the lead is added with its sync held until Finish, so
// Discard can still take it back. The same person at the same event is not
// merged: the error is then a *storage.DuplicateError.
func AddReviewed(s *storage.Store, l *lead.Lead, edit func(*lead.Lead) error) (Review, error) {
	if edit != nil {
		if err := edit(l); err != nil {
			return Review{}, fmt.Errorf("workflow: save: %w", err)
		}
	}
	if err := s.HoldSync(l.ID); err != nil {
		return Review{}, fmt.Errorf("workflow: save: %w", err)
	}
	if err := s.AddLead(l); err != nil {
		if errors.Is(err, lead.ErrUnreachable) && l.BadgeID != "" {
			err = fmt.Errorf("badge %q: %w", l.BadgeID, ErrOnlyBadgeID)
		}
		return Review{}, errors.Join(fmt.Errorf("workflow: save: %w", err), s.ReleaseSync(l.ID))
	}
	return Review{Lead: *l}, nil
}

// AddUnfinished stores a lead typed in when the app must stop before the
// person could finish it: as AddReviewed, but a lead with no way yet to
// reach the person (a name alone, say) is kept all the same, marked
// Unfinished, and waits for its contact as a badge ID alone does; it goes
// to the CRM once someone completes it. Other errors are AddReviewed's.
func AddUnfinished(s *storage.Store, l *lead.Lead, edit func(*lead.Lead) error) (Review, error) {
	if edit != nil {
		if err := edit(l); err != nil {
			return Review{}, fmt.Errorf("workflow: save: %w", err)
		}
	}
	r, err := AddReviewed(s, l, nil)
	if errors.Is(err, lead.ErrUnreachable) {
		l.Unfinished = true
		return AddReviewed(s, l, nil)
	}
	return r, err
}

// Discard takes the scan under review back: a new lead is deleted, an
// existing lead is put back as it was before the scan (a new version, so a
// CRM that saw the merge is corrected). It returns the lead as it was
// stored, for Restore. The hold ends.
func Discard(s *storage.Store, r Review) (lead.Lead, error) {
	id := r.Lead.ID
	cur, err := s.Lead(id)
	if err != nil {
		return lead.Lead{}, fmt.Errorf("workflow: discard: %w", err)
	}
	if r.Before == nil {
		err = s.DeleteLead(id)
	} else {
		_, err = s.UpdateLead(id, func(l *lead.Lead) error { *l = *r.Before; return nil })
	}
	if err != nil {
		return lead.Lead{}, fmt.Errorf("workflow: discard: %w", err)
	}
	return cur, Finish(s, id)
}

// Restore undoes Discard: the lead is stored again as Discard found it
// and goes to the CRM.
func Restore(s *storage.Store, r Review, was lead.Lead) error {
	var err error
	if r.Before == nil {
		_, err = s.PutLead(&was)
	} else {
		_, err = s.UpdateLead(was.ID, func(l *lead.Lead) error { *l = was; return nil })
	}
	if err != nil {
		return fmt.Errorf("workflow: undo discard: %w", err)
	}
	return nil
}

// Finish ends the review of a lead: its sync is no longer held.
func Finish(s *storage.Store, id uuid.UUID) error {
	if err := s.ReleaseSync(id); err != nil {
		return fmt.Errorf("workflow: finish review: %w", err)
	}
	return nil
}

// errEnough stops EachLead once the leads are older than wanted.
var errEnough = errors.New("enough")

// CapturedToday counts the leads of the event that staff captured on the
// day of now, in now's location.
func CapturedToday(s *storage.Store, eventID uuid.UUID, staff string, now time.Time) (int, error) {
	y, m, d := now.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, now.Location())
	staff = strings.TrimSpace(staff)
	n := 0
	err := s.EachLead(storage.Query{EventID: eventID}, func(l lead.Lead) error {
		if l.CapturedAt.Before(day) {
			return errEnough // newest capture first: the rest are older
		}
		if l.CapturedBy == staff {
			n++
		}
		return nil
	})
	if err != nil && !errors.Is(err, errEnough) {
		return 0, fmt.Errorf("workflow: count today's leads: %w", err)
	}
	return n, nil
}
