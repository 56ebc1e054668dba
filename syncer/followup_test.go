package syncer_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
	"leadcap/syncer"
)

func TestFollowUpsAndTheirMarker(t *testing.T) {
	l := lead.New(uuid.Nil, lead.MethodManual, time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC))
	_, err := l.AddNote("Plain note", "", l.CapturedAt, time.Time{})
	require.NoError(t, err)
	long, err := l.AddNote(strings.Repeat("ä", 200)+"\nsecond line", "Jana", l.CapturedAt, time.Date(2026, 12, 10, 15, 4, 0, 0, time.FixedZone("CET", 3600)))
	require.NoError(t, err)
	done, err := l.AddNote("Call back", "", l.CapturedAt, time.Date(2026, 12, 11, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	require.NoError(t, l.MarkFollowUpDone(done.ID, l.CapturedAt))

	fus := syncer.FollowUps(lead.OutboxEntry{Lead: *l, Event: lead.Event{Name: "Expo"}})
	require.Len(t, fus, 2, "one per note with a follow-up date")
	assert.Equal(t, long.ID, fus[0].NoteID)
	assert.Equal(t, time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC), fus[0].Due, "the calendar date, in UTC")
	assert.False(t, fus[0].Done)
	assert.Equal(t, 120, utf8.RuneCountInString(fus[0].Subject))
	assert.True(t, strings.HasSuffix(fus[0].Subject, "…"))
	assert.NotContains(t, fus[0].Subject, "second line")
	assert.True(t, strings.HasSuffix(fus[0].Body, "\n\nEvent: Expo\nNoted by: Jana\n"+syncer.TaskMarker(long.ID)))
	assert.True(t, fus[1].Done)
	assert.Equal(t, "Follow up: Call back", fus[1].Subject)

	// The marker is found again in HubSpot's HTML rendering of an edited body.
	got, ok := syncer.MarkedNote("<p>Call back</p><p>" + syncer.TaskMarker(done.ID) + "</p>")
	require.True(t, ok)
	assert.Equal(t, done.ID, got)
	_, ok = syncer.MarkedNote("a task someone made in the CRM")
	assert.False(t, ok)
}

func TestMappedAnswersLeaveTheDetails(t *testing.T) {
	l := lead.New(uuid.Nil, lead.MethodManual, time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC))
	l.Qualification.Answers = map[string]string{"q1": "yes", "q2": "drives", "q3": "7.5"}
	e := lead.OutboxEntry{Lead: *l, Event: lead.Event{Name: "Expo", Questions: []lead.Question{
		{ID: "q1", Text: "Demo?", Kind: lead.QuestionYesNo, CRMField: "demo"},
		{ID: "q2", Text: "Line?", Kind: lead.QuestionText},
		{ID: "q3", Text: "Size?", Kind: lead.QuestionNumber, CRMField: "size"},
		{ID: "q4", Text: "Unanswered?", CRMField: "unanswered"},
	}}}
	got := syncer.MappedAnswers(e)
	require.Len(t, got, 2)
	assert.Equal(t, "demo", got[0].Field)
	v, ok := got[0].Bool()
	assert.True(t, v && ok)
	n, ok := got[1].Number()
	assert.True(t, ok)
	assert.InDelta(t, 7.5, n, 0)
	d := syncer.Details(e)
	assert.Contains(t, d, "Q Line?: drives")
	assert.NotContains(t, d, "Demo?")
	assert.NotContains(t, d, "Size?")
}
