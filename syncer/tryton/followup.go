package tryton

import (
	"fmt"
	"time"

	"leadcap/lead"
)

// The lead's next open follow-up (lead.Lead.NextFollowUp) goes to the
// opportunity's end date, where sales sees it in Tryton's lists and
// calendar, and as a "Follow up" line in leadcap's block of the comment.
// An end date is only written while the opportunity is a lead or an
// opportunity (Tryton sets it itself when one is won, lost or cancelled);
// a follow-up marked done clears it.

// followUpDate is the end_date value for the lead: its next open
// follow-up, or nil (no date).
func followUpDate(l lead.Lead) any {
	if t := l.NextFollowUp(); !t.IsZero() {
		return date(t)
	}
	return nil
}

// sameDate compares a date value written by date (or nil) with one read
// back from Tryton ({"__class__": "date", "year": ..., ...} or nil).
func sameDate(want, got any) bool {
	return dateString(want) == dateString(got)
}

func dateString(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return ""
	}
	num := func(k string) int {
		switch n := m[k].(type) {
		case int:
			return n
		case float64:
			return int(n)
		}
		return 0
	}
	return fmt.Sprintf("%04d-%02d-%02d", num("year"), num("month"), num("day"))
}

// followUpLine is the "Follow up" line of leadcap's block.
func followUpLine(l lead.Lead) string {
	if t := l.NextFollowUp(); !t.IsZero() {
		return t.Format(time.DateOnly)
	}
	return ""
}
