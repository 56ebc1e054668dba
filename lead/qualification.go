package lead

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Answer is the state of one qualification criterion: unknown until staff
// confirms or denies it.
type Answer int8

// The three answers to a qualification criterion.
const (
	Unknown Answer = iota
	Yes
	No
)

// String returns "unknown", "yes" or "no".
func (a Answer) String() string {
	switch a {
	case Yes:
		return "yes"
	case No:
		return "no"
	default:
		return "unknown"
	}
}

// ParseAnswer reads "yes", "no" or "unknown" (also y/n/?, true/false and the
// empty string for unknown), case-insensitively.
func ParseAnswer(s string) (Answer, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes", "y", "true", "1":
		return Yes, nil
	case "no", "n", "false", "0":
		return No, nil
	case "unknown", "?", "", "u":
		return Unknown, nil
	}
	return Unknown, fmt.Errorf("%q is not an answer: use yes, no or unknown", s)
}

// MarshalText writes the answer as "yes", "no" or "unknown".
func (a Answer) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText reads what MarshalText writes.
func (a *Answer) UnmarshalText(b []byte) error {
	v, err := ParseAnswer(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// Stage is where a lead stands in the sales distinction the product is built
// on. It is derived from the qualification, never stored on its own.
type Stage string

// The stages a lead can be in.
const (
	// StageLead is an unqualified contact: one-way communication so far.
	StageLead Stage = "lead"
	// StageProspect is a qualified contact: fit, budget, authority and
	// interest are all confirmed.
	StageProspect Stage = "prospect"
	// StageDisqualified is a contact that staff explicitly disqualified.
	StageDisqualified Stage = "disqualified"
)

// Stages lists every stage in display order.
var Stages = []Stage{StageLead, StageProspect, StageDisqualified}

// ParseStage reads a stage name.
func ParseStage(s string) (Stage, error) {
	for _, st := range Stages {
		if strings.EqualFold(strings.TrimSpace(s), string(st)) {
			return st, nil
		}
	}
	return "", fmt.Errorf("%q is not a stage: use lead, prospect or disqualified", s)
}

// Qualification holds the four criteria that turn a lead into a prospect,
// the explicit disqualification by staff, and answers to the event's own
// qualification questions.
type Qualification struct {
	// Fit: the organization fits the target market.
	Fit Answer `json:"fit"`
	// Budget: the organization has the budget.
	Budget Answer `json:"budget"`
	// Authority: the person has decision authority.
	Authority Answer `json:"authority"`
	// Interest: the person has shown interest in a two-way exchange (asked
	// for information, booked a demo or a call).
	Interest Answer `json:"interest"`
	// Disqualified is set only when staff explicitly disqualifies the lead.
	Disqualified bool `json:"disqualified,omitempty"`
	// Answers to the event's custom questions, by question ID.
	Answers map[string]string `json:"answers,omitempty"`
	// ClearCRMFields are the CRM fields (Question.CRMField) an answer of
	// this lead went to that must now be empty: the answer was removed or
	// its question was taken off the event. Every delivery empties them in
	// the CRM; an answer that goes to a field again takes it off the list.
	ClearCRMFields []string `json:"clear_crm_fields,omitempty"`
}

// Stage derives the stage from the qualification. It is the one place the
// rule lives: disqualified only when staff said so; a prospect when all four
// criteria are Yes; a lead otherwise (a No on a criterion does not disqualify
// by itself).
func (q Qualification) Stage() Stage {
	switch {
	case q.Disqualified:
		return StageDisqualified
	case q.Fit == Yes && q.Budget == Yes && q.Authority == Yes && q.Interest == Yes:
		return StageProspect
	default:
		return StageLead
	}
}

// Missing names the criteria that are not yet Yes, in the order fit, budget,
// authority, interest: what is left to confirm before the lead is a prospect.
func (q Qualification) Missing() []string {
	var m []string
	for _, c := range []struct {
		name string
		a    Answer
	}{{"fit", q.Fit}, {"budget", q.Budget}, {"authority", q.Authority}, {"interest", q.Interest}} {
		if c.a != Yes {
			m = append(m, c.name)
		}
	}
	return m
}

// Rating is the booth's gut feeling about a lead.
type Rating string

// The ratings. The zero value reads as unrated.
const (
	RatingUnrated Rating = "unrated"
	RatingHot     Rating = "hot"
	RatingWarm    Rating = "warm"
	RatingCold    Rating = "cold"
)

// Ratings lists every rating in display order.
var Ratings = []Rating{RatingHot, RatingWarm, RatingCold, RatingUnrated}

// ParseRating reads hot, warm, cold or unrated.
func ParseRating(s string) (Rating, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return RatingUnrated, nil
	}
	for _, r := range Ratings {
		if s == string(r) {
			return r, nil
		}
	}
	return "", fmt.Errorf("%q is not a rating: use hot, warm, cold or unrated", s)
}

// MarshalJSON writes the zero rating as "unrated".
func (r Rating) MarshalJSON() ([]byte, error) {
	if r == "" {
		r = RatingUnrated
	}
	return json.Marshal(string(r))
}
