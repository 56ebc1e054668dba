package workflow

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"leadcap/lead"
	"leadcap/storage"
)

// ErrNoQuestion means a question ID is not one of the event's questions.
var ErrNoQuestion = errors.New("the event has no question with this ID: see 'leadcap event questions list'")

// ErrQuestionExists means a question with the same ID is already defined.
var ErrQuestionExists = errors.New("the event already has a question with this ID: choose another ID or remove that question first")

// AddQuestion adds a question to the event (ID q1, q2 ... when none is
// given) and returns it as stored.
func AddQuestion(s *storage.Store, eventID uuid.UUID, q lead.Question) (lead.Question, error) {
	ev, err := s.Event(eventID)
	if err != nil {
		return q, fmt.Errorf("workflow: add question: %w", err)
	}
	if q.ID == "" {
		for n := len(ev.Questions) + 1; q.ID == ""; n++ {
			if questionIndex(ev, "q"+strconv.Itoa(n)) < 0 {
				q.ID = "q" + strconv.Itoa(n)
			}
		}
	}
	if err := q.Validate(); err != nil {
		return q, err
	}
	if questionIndex(ev, q.ID) >= 0 {
		return q, fmt.Errorf("question %s: %w", q.ID, ErrQuestionExists)
	}
	if err := fieldFree(ev, q.ID, q.CRMField); err != nil {
		return q, err
	}
	ev.Questions = append(ev.Questions, q)
	if err := s.UpdateEvent(&ev); err != nil {
		return q, fmt.Errorf("workflow: add question: %w", err)
	}
	return q, nil
}

// RemoveQuestion removes a question from the event, and its answers from
// the event's leads, which are queued for the CRM: there the answers are
// emptied too (a mapped field set empty, the details and the Tryton
// description written again without them).
func RemoveQuestion(s *storage.Store, eventID uuid.UUID, id string) error {
	ev, err := s.Event(eventID)
	if err != nil {
		return fmt.Errorf("workflow: remove question: %w", err)
	}
	i := questionIndex(ev, id)
	if i < 0 {
		return fmt.Errorf("question %q: %w", id, ErrNoQuestion)
	}
	q := ev.Questions[i]
	// The answers go first: should this stop half way, removing the
	// question again finishes it.
	if _, err := eachAnswered(s, eventID, id, func(l *lead.Lead) { l.Qualification.ClearAnswer(q) }); err != nil {
		return fmt.Errorf("workflow: remove question: %w", err)
	}
	ev.Questions = append(ev.Questions[:i], ev.Questions[i+1:]...)
	if err := s.UpdateEvent(&ev); err != nil {
		return fmt.Errorf("workflow: remove question: %w", err)
	}
	return nil
}

// ErrFieldTaken means another question of the event already maps to the
// CRM field.
var ErrFieldTaken = errors.New("another question of the event already goes to this CRM field: map each question to a field of its own")

// fieldFree checks that no question of ev but the one with the ID maps to
// field.
func fieldFree(ev lead.Event, id, field string) error {
	if field == "" {
		return nil
	}
	for _, q := range ev.Questions {
		if q.ID != id && strings.EqualFold(q.CRMField, field) {
			return fmt.Errorf("%s (question %s): %w", field, q.ID, ErrFieldTaken)
		}
	}
	return nil
}

// MapQuestion sets the CRM field (HubSpot contact property, Salesforce
// Lead field) that receives the answers to the event's question; an empty
// field puts them back into the CRM's details field. When the answers
// went to another field before, the leads that answered it are queued for
// the CRM: the answer goes to the new field (or the details), and the old
// field is emptied there; otherwise they go at the leads' next change.
func MapQuestion(s *storage.Store, eventID uuid.UUID, id, field string) (lead.Question, error) {
	ev, err := s.Event(eventID)
	if err != nil {
		return lead.Question{}, fmt.Errorf("workflow: map question: %w", err)
	}
	i := questionIndex(ev, id)
	if i < 0 {
		return lead.Question{}, fmt.Errorf("question %q: %w", id, ErrNoQuestion)
	}
	q := ev.Questions[i]
	q.CRMField = field
	if err := q.Validate(); err != nil {
		return q, err
	}
	if err := fieldFree(ev, id, q.CRMField); err != nil {
		return q, err
	}
	before := ev.Questions[i].CRMField
	ev.Questions[i] = q
	if err := s.UpdateEvent(&ev); err != nil {
		return q, fmt.Errorf("workflow: map question: %w", err)
	}
	if strings.EqualFold(before, q.CRMField) {
		return q, nil
	}
	// The answers go elsewhere in the CRM: the leads that answered empty
	// the old field (a change of the lead, which queues it) and are sent
	// again as they stand when nothing in them changed (from the details
	// field to a field of its own).
	answered, err := eachAnswered(s, eventID, id, func(l *lead.Lead) { l.Qualification.ClearCRMField(before) })
	if err == nil {
		_, err = s.Resend(answered)
	}
	if err != nil {
		return q, fmt.Errorf("workflow: map question: %w", err)
	}
	return q, nil
}

// eachAnswered changes (and so queues for the CRM) every lead of the event
// that answered the question, and returns their IDs.
func eachAnswered(s *storage.Store, eventID uuid.UUID, questionID string, change func(*lead.Lead)) ([]uuid.UUID, error) {
	var answered []uuid.UUID
	err := s.EachLead(storage.Query{EventID: eventID}, func(l lead.Lead) error {
		if l.Qualification.Answers[questionID] != "" {
			answered = append(answered, l.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, id := range answered {
		if _, err := s.UpdateLead(id, func(l *lead.Lead) error { change(l); return nil }); err != nil {
			return nil, err
		}
	}
	return answered, nil
}

func questionIndex(ev lead.Event, id string) int {
	for i, q := range ev.Questions {
		if q.ID == id {
			return i
		}
	}
	return -1
}

// SetAnswers checks answers (question ID -> answer) against the questions
// of ev (lead.Question.NormalizeAnswer) and records them on l in their
// normalized form; an empty answer removes the lead's answer.
func SetAnswers(l *lead.Lead, ev lead.Event, answers map[string]string) error {
	for id, a := range answers {
		i := questionIndex(ev, id)
		if i < 0 {
			return fmt.Errorf("question %q: %w", id, ErrNoQuestion)
		}
		v, err := ev.Questions[i].NormalizeAnswer(a)
		if err != nil {
			return err
		}
		if l.Qualification.Answers == nil {
			l.Qualification.Answers = map[string]string{}
		}
		if v == "" {
			delete(l.Qualification.Answers, id)
			continue
		}
		l.Qualification.Answers[id] = v
	}
	return nil
}

// AnswerQuestions records answers to the event's questions on a stored
// lead (see SetAnswers); the lead is queued for the CRM.
func AnswerQuestions(s *storage.Store, leadID uuid.UUID, answers map[string]string) (lead.Lead, error) {
	l, err := s.Lead(leadID)
	if err != nil {
		return lead.Lead{}, fmt.Errorf("workflow: answer questions: %w", err)
	}
	ev, err := s.Event(l.EventID)
	if err != nil {
		return lead.Lead{}, fmt.Errorf("workflow: answer questions: %w", err)
	}
	saved, err := s.UpdateLead(leadID, func(l *lead.Lead) error { return SetAnswers(l, ev, answers) })
	if err != nil {
		return lead.Lead{}, fmt.Errorf("workflow: answer questions: %w", err)
	}
	return saved, nil
}
