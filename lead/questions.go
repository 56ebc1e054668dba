package lead

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// crmFieldRE matches the internal names of HubSpot properties and the API
// names of Salesforce fields: a letter, then letters, digits and
// underscores.
var crmFieldRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,99}$`)

// QuestionKind is how an event's question is answered.
type QuestionKind string

// The kinds of questions.
const (
	QuestionYesNo  QuestionKind = "yesno"
	QuestionChoice QuestionKind = "choice"
	QuestionNumber QuestionKind = "number"
	QuestionText   QuestionKind = "text"
)

// QuestionKinds lists every kind, in display order.
var QuestionKinds = []QuestionKind{QuestionYesNo, QuestionChoice, QuestionNumber, QuestionText}

// ParseQuestionKind reads a kind's name ("yes/no" and "bool" are yesno).
func ParseQuestionKind(s string) (QuestionKind, error) {
	switch k := QuestionKind(strings.ToLower(strings.TrimSpace(s))); k {
	case "", QuestionText:
		return QuestionText, nil
	case "yes/no", "bool", QuestionYesNo:
		return QuestionYesNo, nil
	case QuestionChoice, QuestionNumber:
		return k, nil
	}
	return "", &FieldError{Field: "question.kind", Value: s, Reason: "is not a kind of question: use yesno, choice, number or text"}
}

// Validate checks a question: an ID, a text, a known kind, and two or more
// distinct choices for a choice question (none for the others).
func (q *Question) Validate() error {
	q.ID, q.Text = strings.TrimSpace(q.ID), strings.TrimSpace(StripControl(q.Text))
	q.CRMField = strings.TrimSpace(q.CRMField)
	if q.CRMField != "" && !crmFieldRE.MatchString(q.CRMField) {
		return &FieldError{Field: "question.crm_field", Value: q.CRMField,
			Reason: "is not a CRM field's internal name: use the HubSpot property's internal name (e.g. leadcap_product_line) or the Salesforce field's API name (e.g. Product_Line__c)"}
	}
	k, err := ParseQuestionKind(string(q.Kind))
	if err != nil {
		return err
	}
	q.Kind = k
	switch {
	case q.ID == "":
		return &FieldError{Field: "question.id", Reason: "is missing"}
	case q.Text == "":
		return &FieldError{Field: "question.text", Reason: "is empty: write the question to ask"}
	case k == QuestionChoice && len(q.Choices) < 2:
		return &FieldError{Field: "question.choices", Reason: "needs at least two answers to choose from"}
	case k != QuestionChoice && len(q.Choices) > 0:
		return &FieldError{Field: "question.choices", Reason: "are only for choice questions"}
	}
	for i, c := range q.Choices {
		q.Choices[i] = strings.TrimSpace(StripControl(c))
		if q.Choices[i] == "" || slices.Contains(q.Choices[:i], q.Choices[i]) {
			return &FieldError{Field: "question.choices", Value: c, Reason: "is empty or given twice"}
		}
	}
	return nil
}

// NormalizeAnswer checks an answer to the question and returns it in its
// canonical form: "yes"/"no" for yesno, the choice as defined, a number as
// Go formats it, text trimmed. The empty answer is no answer.
func (q Question) NormalizeAnswer(a string) (string, error) {
	a = strings.TrimSpace(StripControl(a))
	if a == "" {
		return "", nil
	}
	bad := func(reason string) error {
		return &FieldError{Field: "answers." + q.ID, Value: a, Reason: reason}
	}
	switch q.Kind {
	case QuestionYesNo:
		v, err := ParseAnswer(a)
		if err != nil || v == Unknown {
			return "", bad("is not yes or no")
		}
		return v.String(), nil
	case QuestionChoice:
		for _, c := range q.Choices {
			if strings.EqualFold(c, a) {
				return c, nil
			}
		}
		return "", bad(fmt.Sprintf("is not one of the answers: %s", strings.Join(q.Choices, ", ")))
	case QuestionNumber:
		f, err := strconv.ParseFloat(strings.ReplaceAll(a, ",", "."), 64)
		if err != nil {
			return "", bad("is not a number")
		}
		return strconv.FormatFloat(f, 'f', -1, 64), nil
	}
	return a, nil
}

// TrackClearedAnswers compares the answers of q with those of old, the
// same lead before a change, against the questions of ev: the CRM field of
// a mapped question whose answer was removed joins ClearCRMFields, and a
// field that gets an answer again leaves it.
func (q *Qualification) TrackClearedAnswers(old Qualification, ev Event) {
	for _, qu := range ev.Questions {
		if qu.CRMField == "" {
			continue
		}
		switch {
		case q.Answers[qu.ID] != "":
			q.unclear(qu.CRMField)
		case old.Answers[qu.ID] != "":
			q.clear(qu.CRMField)
		}
	}
}

// ClearAnswer removes the answer to the question qu; when the answer went
// to a CRM field, the field joins ClearCRMFields.
func (q *Qualification) ClearAnswer(qu Question) {
	if q.Answers[qu.ID] == "" {
		return
	}
	delete(q.Answers, qu.ID)
	if len(q.Answers) == 0 {
		q.Answers = nil
	}
	if qu.CRMField != "" {
		q.clear(qu.CRMField)
	}
}

// ClearCRMField puts a CRM field an answer of the lead went to on
// ClearCRMFields, e.g. when its question is mapped to another field.
func (q *Qualification) ClearCRMField(field string) {
	if field != "" {
		q.clear(field)
	}
}

func (q *Qualification) clear(field string) {
	for _, f := range q.ClearCRMFields {
		if strings.EqualFold(f, field) {
			return
		}
	}
	q.ClearCRMFields = append(q.ClearCRMFields, field)
}

func (q *Qualification) unclear(field string) {
	q.ClearCRMFields = slices.DeleteFunc(q.ClearCRMFields, func(f string) bool { return strings.EqualFold(f, field) })
	if len(q.ClearCRMFields) == 0 {
		q.ClearCRMFields = nil
	}
}
