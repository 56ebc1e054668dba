package workflow

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"leadcap/lead"
	"leadcap/storage"
)

// FollowUp is an open follow-up: a note of a lead with a follow-up date
// not marked done.
type FollowUp struct {
	LeadID, NoteID, EventID uuid.UUID
	Name, Organization      string
	// Staff is who follows up: the note's author, else who captured the
	// lead.
	Staff string
	// Due is the follow-up day (YYYY-MM-DD) as it was set.
	Due  string
	Text string
	// Overdue: the day is before today; Today: it is today.
	Overdue, Today bool
}

// FollowUpQuery selects follow-ups. Zero fields do not filter.
type FollowUpQuery struct {
	EventID uuid.UUID
	// Due keeps the follow-ups due on or before this day (overdue ones
	// included).
	Due time.Time
	// Staff keeps those of this staff member (case and spacing ignored).
	Staff string
	// Now is today, in the user's location; zero means time.Now.
	Now time.Time
}

// FollowUps lists the open follow-ups, the earliest first (then by name).
func FollowUps(s *storage.Store, q FollowUpQuery) ([]FollowUp, error) {
	if q.Now.IsZero() {
		q.Now = time.Now()
	}
	today := q.Now.Format(time.DateOnly)
	until := ""
	if !q.Due.IsZero() {
		until = q.Due.Format(time.DateOnly)
	}
	staff := strings.ToLower(strings.Join(strings.Fields(q.Staff), " "))
	var out []FollowUp
	err := s.EachLead(storage.Query{EventID: q.EventID}, func(l lead.Lead) error {
		for _, n := range l.Notes {
			if n.FollowUp.IsZero() || !n.Done.IsZero() {
				continue
			}
			f := FollowUp{LeadID: l.ID, NoteID: n.ID, EventID: l.EventID, Name: l.Contact.Name(),
				Organization: l.Contact.Organization, Staff: cmp.Or(n.Author, l.CapturedBy),
				Due: n.FollowUp.Format(time.DateOnly), Text: n.Text}
			f.Overdue, f.Today = f.Due < today, f.Due == today
			if (until != "" && f.Due > until) || (staff != "" && strings.ToLower(strings.Join(strings.Fields(f.Staff), " ")) != staff) {
				continue
			}
			out = append(out, f)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("workflow: follow-ups: %w", err)
	}
	slices.SortStableFunc(out, func(a, b FollowUp) int {
		return cmp.Or(cmp.Compare(a.Due, b.Due), cmp.Compare(a.Name, b.Name))
	})
	return out, nil
}

// MarkFollowUpDone marks a follow-up done; the lead is queued for the CRM
// (its next follow-up changes there too).
func MarkFollowUpDone(s *storage.Store, leadID, noteID uuid.UUID, now time.Time) (lead.Lead, error) {
	l, err := s.UpdateLead(leadID, func(l *lead.Lead) error { return l.MarkFollowUpDone(noteID, now) })
	if err != nil {
		return lead.Lead{}, fmt.Errorf("workflow: mark follow-up done: %w", err)
	}
	return l, nil
}
