package syncer

import (
	"fmt"
	"strings"
	"time"

	"leadcap/lead"
)

// SplitName returns the contact's first and last name. A contact known only
// by its full name is split before the last word, since CRMs need a last
// name.
func SplitName(c lead.Contact) (first, last string) {
	if c.GivenName != "" || c.FamilyName != "" {
		return c.GivenName, c.FamilyName
	}
	f := strings.Fields(c.FullName)
	if len(f) == 0 {
		return "", ""
	}
	return strings.Join(f[:len(f)-1], " "), f[len(f)-1]
}

// Details is the multi-line text for a CRM's details field: event, capture,
// stage and qualification, the answers to the event's questions that are
// not mapped to a CRM field of their own (lead.Question.CRMField), rating,
// consent, the next open follow-up and notes.
func Details(e lead.OutboxEntry) string {
	l := e.Lead
	var b strings.Builder
	fmt.Fprintf(&b, "Event: %s\n", e.Event.Name)
	fmt.Fprintf(&b, "Captured: %s (%s)\n", l.CapturedAt.UTC().Format("2006-01-02 15:04 MST"), l.Source.Method)
	q := l.Qualification
	fmt.Fprintf(&b, "Stage: %s (fit %s, budget %s, authority %s, interest %s)\n", l.Stage(), q.Fit, q.Budget, q.Authority, q.Interest)
	for _, qu := range e.Event.Questions {
		if a := q.Answers[qu.ID]; a != "" && qu.CRMField == "" {
			fmt.Fprintf(&b, "Q %s: %s\n", qu.Text, a)
		}
	}
	fmt.Fprintf(&b, "Rating: %s\n", l.Rating)
	fmt.Fprintf(&b, "Consent: %s\n", l.Consent.Summary())
	if fu := l.NextFollowUp(); !fu.IsZero() {
		fmt.Fprintf(&b, "Follow up: %s\n", fu.Format(time.DateOnly))
	}
	for _, n := range l.Notes {
		fmt.Fprintf(&b, "Note %s: %s\n", n.At.UTC().Format("2006-01-02 15:04"), n.Text)
	}
	return strings.TrimRight(b.String(), "\n")
}
