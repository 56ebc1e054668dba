package workflow

import (
	"errors"
	"fmt"
	"strconv"

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
	ev.Questions = append(ev.Questions, q)
	if err := s.UpdateEvent(&ev); err != nil {
		return q, fmt.Errorf("workflow: add question: %w", err)
	}
	return q, nil
}

// RemoveQuestion removes a question from the event. Answers already given
// stay with the leads.
func RemoveQuestion(s *storage.Store, eventID uuid.UUID, id string) error {
	ev, err := s.Event(eventID)
	if err != nil {
		return fmt.Errorf("workflow: remove question: %w", err)
	}
	i := questionIndex(ev, id)
	if i < 0 {
		return fmt.Errorf("question %q: %w", id, ErrNoQuestion)
	}
	ev.Questions = append(ev.Questions[:i], ev.Questions[i+1:]...)
	if err := s.UpdateEvent(&ev); err != nil {
		return fmt.Errorf("workflow: remove question: %w", err)
	}
	return nil
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
