package lead

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQuestionAnswersAreCheckedByKind(t *testing.T) {
	for _, c := range []struct {
		q         Question
		in, want  string
		wantError bool
	}{
		{Question{ID: "a", Text: "SAP?", Kind: QuestionYesNo}, "Y", "yes", false},
		{Question{ID: "a", Text: "SAP?", Kind: QuestionYesNo}, "maybe", "", true},
		{Question{ID: "b", Text: "Size", Kind: QuestionChoice, Choices: []string{"Small", "Large"}}, "large", "Large", false},
		{Question{ID: "b", Text: "Size", Kind: QuestionChoice, Choices: []string{"Small", "Large"}}, "Huge", "", true},
		{Question{ID: "c", Text: "Fleet", Kind: QuestionNumber}, "12,5", "12.5", false},
		{Question{ID: "c", Text: "Fleet", Kind: QuestionNumber}, "twelve", "", true},
		{Question{ID: "d", Text: "Notes", Kind: QuestionText}, "  anything ", "anything", false},
		{Question{ID: "d", Text: "Notes", Kind: QuestionText}, "", "", false},
	} {
		got, err := c.q.NormalizeAnswer(c.in)
		if c.wantError {
			var fe *FieldError
			assert.True(t, errors.As(err, &fe), "%s %q", c.q.Kind, c.in)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, c.want, got)
	}
}

func TestQuestionValidate(t *testing.T) {
	q := Question{ID: "x", Text: " Budget? ", Kind: "yes/no"}
	require.NoError(t, q.Validate())
	assert.Equal(t, QuestionYesNo, q.Kind)
	assert.Equal(t, "Budget?", q.Text)
	assert.Error(t, (&Question{ID: "x", Text: "Size", Kind: QuestionChoice, Choices: []string{"S"}}).Validate())
	assert.Error(t, (&Question{ID: "x", Text: "Size", Kind: QuestionChoice, Choices: []string{"S", "S"}}).Validate())
	assert.Error(t, (&Question{ID: "x", Text: "", Kind: QuestionText}).Validate())
	assert.Error(t, (&Question{ID: "x", Text: "Q", Kind: "slider"}).Validate())
}

func TestMarkFollowUpDone(t *testing.T) {
	now := time.Date(2026, 4, 21, 10, 0, 0, 0, time.UTC)
	l := New(NewID(), MethodManual, now)
	early, _ := l.AddNote("call back", "Anna", now, now.AddDate(0, 0, 2))
	late, _ := l.AddNote("send quote", "Ben", now, now.AddDate(0, 0, 5))
	plain, _ := l.AddNote("met at booth", "Ben", now, time.Time{})
	assert.Equal(t, early.FollowUp, l.NextFollowUp())
	require.NoError(t, l.MarkFollowUpDone(early.ID, now.AddDate(0, 0, 1)))
	assert.Equal(t, late.FollowUp, l.NextFollowUp(), "a done follow-up is no longer next")
	require.ErrorIs(t, l.MarkFollowUpDone(plain.ID, now), ErrNoFollowUp)
	assert.Error(t, l.MarkFollowUpDone(NewID(), now))
	require.NoError(t, l.MarkFollowUpDone(late.ID, now.AddDate(0, 0, 3)))
	assert.True(t, l.NextFollowUp().IsZero())
}
