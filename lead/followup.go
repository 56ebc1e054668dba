package lead

import (
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// ErrNoFollowUp means a note has no follow-up date to mark done.
var ErrNoFollowUp = errors.New("the note has no follow-up date: nothing to mark done")

// MarkFollowUpDone marks the follow-up of the note with the ID done at
// the time given. A follow-up already done keeps its first time.
func (l *Lead) MarkFollowUpDone(noteID uuid.UUID, at time.Time) error {
	for i := range l.Notes {
		n := &l.Notes[i]
		if n.ID != noteID {
			continue
		}
		if n.FollowUp.IsZero() {
			return fmt.Errorf("note %s: %w", noteID, ErrNoFollowUp)
		}
		if n.Done.IsZero() {
			n.Done = at.UTC()
		}
		return nil
	}
	return &FieldError{Field: "note", Value: noteID.String(), Reason: "is not a note of this lead"}
}
