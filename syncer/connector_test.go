package syncer

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
)

func TestSplitName(t *testing.T) {
	for _, tc := range []struct {
		name        string
		c           lead.Contact
		first, last string
	}{
		{"parts win over the full name", lead.Contact{FullName: "Dr. Erika Mustermann", GivenName: "Erika", FamilyName: "Mustermann"}, "Erika", "Mustermann"},
		{"family name only", lead.Contact{FamilyName: "Mustermann"}, "", "Mustermann"},
		{"full name split before the last word", lead.Contact{FullName: "Marie-Claire de la Fontaine"}, "Marie-Claire de la", "Fontaine"},
		{"one word is the last name", lead.Contact{FullName: "Cher"}, "", "Cher"},
		{"no name", lead.Contact{Organization: "ACME"}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			first, last := SplitName(tc.c)
			assert.Equal(t, tc.first, first)
			assert.Equal(t, tc.last, last)
		})
	}
}

func TestDetails(t *testing.T) {
	at := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	l := lead.New(uuid.Nil, lead.MethodQRScan, at)
	l.Rating = lead.RatingHot
	l.Qualification = lead.Qualification{Fit: lead.Yes, Budget: lead.Yes, Authority: lead.Yes, Interest: lead.Yes}
	_, err := l.AddNote("Wants a demo", "Anna", at.Add(time.Hour), time.Time{})
	require.NoError(t, err)
	got := Details(lead.OutboxEntry{Lead: *l, Event: lead.Event{Name: "Hannover Messe 2026"}})
	assert.Equal(t, "Event: Hannover Messe 2026\n"+
		"Captured: 2026-11-26 10:00 UTC (qr-scan)\n"+
		"Stage: prospect (fit yes, budget yes, authority yes, interest yes)\n"+
		"Rating: hot\n"+
		"Consent: "+l.Consent.Summary()+"\n"+
		"Note 2026-11-26 11:00: Wants a demo", got)
}

func TestDetailsCarryAnswersAndTheNextFollowUp(t *testing.T) {
	at := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	l := lead.New(uuid.Nil, lead.MethodQRScan, at)
	l.Qualification.Answers = map[string]string{"q1": "yes", "gone": "kept but not asked any more"}
	_, err := l.AddNote("Send the quote", "Anna", at, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	ev := lead.Event{Name: "Expo", Questions: []lead.Question{{ID: "q1", Text: "Uses SAP?", Kind: lead.QuestionYesNo}}}
	got := Details(lead.OutboxEntry{Lead: *l, Event: ev})
	assert.Contains(t, got, "\nQ Uses SAP?: yes\n")
	assert.Contains(t, got, "\nFollow up: 2026-12-01\n")
	assert.NotContains(t, got, "kept but not asked")
}
