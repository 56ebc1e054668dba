package lead

import (
	"maps"
	"slices"

	"github.com/google/uuid"
)

// MergeDevice folds the same person's lead from another device (an import
// of that device's export) into l: the contact and notes as MergeCapture
// does, the better qualification and rating, the earlier capture time, and
// other's ID (and aliases) as aliases of l, so a CRM record made from other
// is updated rather than duplicated. It reports whether anything changed.
func (l *Lead) MergeDevice(other *Lead) bool {
	changed := l.MergeCapture(other)
	from := other.Qualification.Answers
	if other.Qualification.score() > l.Qualification.score() {
		from = l.Qualification.Answers
		l.Qualification, changed = other.Qualification, true
		l.Qualification.Answers = maps.Clone(other.Qualification.Answers)
	}
	for k, v := range from {
		if _, ok := l.Qualification.Answers[k]; !ok {
			if l.Qualification.Answers == nil {
				l.Qualification.Answers = map[string]string{}
			}
			l.Qualification.Answers[k], changed = v, true
		}
	}
	if ratingRank(other.Rating) > ratingRank(l.Rating) {
		l.Rating, changed = other.Rating, true
	}
	if !other.CapturedAt.IsZero() && other.CapturedAt.Before(l.CapturedAt) {
		l.CapturedAt, changed = other.CapturedAt, true
	}
	for _, id := range append([]uuid.UUID{other.ID}, other.Aliases...) {
		if id != l.ID && id != uuid.Nil && !slices.Contains(l.Aliases, id) {
			l.Aliases, changed = append(l.Aliases, id), true
		}
	}
	return changed
}

// KnownAs reports whether id is the lead's ID or one of its aliases.
func (l *Lead) KnownAs(id uuid.UUID) bool {
	return l.ID == id || slices.Contains(l.Aliases, id)
}

// score ranks qualifications for MergeDevice: a staff decision
// (disqualified) or more criteria answered Yes is better, then more
// criteria answered at all.
func (q Qualification) score() int {
	n := 0
	for _, a := range []Answer{q.Fit, q.Budget, q.Authority, q.Interest} {
		if a == Yes {
			n += 10
		}
		if a != Unknown {
			n++
		}
	}
	if q.Disqualified {
		n += 100
	}
	return n
}

func ratingRank(r Rating) int {
	return slices.Index([]Rating{RatingUnrated, RatingCold, RatingWarm, RatingHot}, r)
}
