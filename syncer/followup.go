package syncer

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"leadcap/lead"
)

// FollowUp is a note's follow-up as the HubSpot and Salesforce connectors
// deliver it: one CRM task per note that has a follow-up date.
type FollowUp struct {
	// NoteID identifies the task: its body carries TaskMarker(NoteID).
	NoteID uuid.UUID
	// Due is the follow-up date (a calendar date, time of day zero, UTC).
	Due time.Time
	// Done is true once the follow-up was marked done in leadcap.
	Done bool
	// Subject is "Follow up: " and the note's first line, at most 120
	// characters in all.
	Subject string
	// Body is the note's text, the event, who wrote it, and the marker line.
	Body string
}

// taskMarker is the prefix of the line that ties a CRM task to its note.
const taskMarker = "leadcap follow-up "

// TaskMarker is the last line of a task's body, which ties the task to the
// note; the connectors find their tasks again by it, so a replayed push
// updates a task instead of creating a second one.
func TaskMarker(noteID uuid.UUID) string { return taskMarker + noteID.String() }

var markerRE = regexp.MustCompile(`leadcap follow-up ([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})`)

// MarkedNote returns the note ID of the marker in a task's body (also when
// the CRM turned the body into HTML), and false for a task without one: a
// task leadcap did not create.
func MarkedNote(body string) (uuid.UUID, bool) {
	m := markerRE.FindStringSubmatch(body)
	if m == nil {
		return uuid.Nil, false
	}
	id, err := uuid.Parse(m[1])
	return id, err == nil
}

// FollowUps returns the follow-ups of the entry's lead, one per note with a
// follow-up date, in the order of the notes.
func FollowUps(e lead.OutboxEntry) []FollowUp {
	var out []FollowUp
	for _, n := range e.Lead.Notes {
		if n.FollowUp.IsZero() {
			continue
		}
		first, _, _ := strings.Cut(n.Text, "\n")
		subject := "Follow up: " + strings.TrimSpace(first)
		if utf8.RuneCountInString(subject) > 120 {
			subject = string([]rune(subject)[:119]) + "…"
		}
		var b strings.Builder
		b.WriteString(n.Text)
		b.WriteString("\n\n")
		if e.Event.Name != "" {
			b.WriteString("Event: " + e.Event.Name + "\n")
		}
		if n.Author != "" {
			b.WriteString("Noted by: " + n.Author + "\n")
		}
		b.WriteString(TaskMarker(n.ID))
		d := n.FollowUp
		out = append(out, FollowUp{
			NoteID:  n.ID,
			Due:     time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC),
			Done:    !n.Done.IsZero(),
			Subject: subject,
			Body:    b.String(),
		})
	}
	return out
}

// MappedAnswer is an answer to a question of the event that the event maps
// to a CRM field (lead.Question.CRMField).
type MappedAnswer struct {
	Field string
	Kind  lead.QuestionKind
	// Value is the answer as leadcap stores it: "yes"/"no", a choice, a
	// number, text.
	Value string
}

// MappedAnswers returns the lead's answers to the event's questions that
// have a CRM field, in the order of the questions. Unanswered questions
// are left out: leadcap empties a CRM field only when an answer it
// delivered there was removed (ClearedFields).
func MappedAnswers(e lead.OutboxEntry) []MappedAnswer {
	var out []MappedAnswer
	for _, q := range e.Event.Questions {
		a := e.Lead.Qualification.Answers[q.ID]
		if q.CRMField == "" || a == "" {
			continue
		}
		out = append(out, MappedAnswer{Field: q.CRMField, Kind: q.Kind, Value: a})
	}
	return out
}

// ClearedFields returns the CRM fields an answer of the lead went to that
// must now be emptied (lead.Qualification.ClearCRMFields): the answer was
// removed, or its question was taken off the event. A field that an
// answer goes to now is left out.
func ClearedFields(e lead.OutboxEntry) []string {
	set := map[string]bool{}
	for _, a := range MappedAnswers(e) {
		set[strings.ToLower(a.Field)] = true
	}
	var out []string
	for _, f := range e.Lead.Qualification.ClearCRMFields {
		if !set[strings.ToLower(f)] {
			out = append(out, f)
		}
	}
	return out
}

// Bool returns a yes/no answer as a boolean, and false when it is not one.
func (a MappedAnswer) Bool() (v, ok bool) {
	switch a.Value {
	case "yes":
		return true, true
	case "no":
		return false, true
	}
	return false, false
}

// Number returns a number answer as a float64, and false when it is not one.
func (a MappedAnswer) Number() (float64, bool) {
	f, err := strconv.ParseFloat(a.Value, 64)
	return f, err == nil
}
