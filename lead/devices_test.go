package lead

import (
	"testing"
	"time"
)

func TestMergeDeviceKeepsBothNotesBetterQualificationEarlierTime(t *testing.T) {
	t0 := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	a := New(NewID(), MethodQRScan, t0.Add(time.Hour))
	a.Contact = Contact{FullName: "Ada Lovelace", Emails: []string{"ada@example.com"}}
	a.Qualification = Qualification{Fit: Yes, Answers: map[string]string{"q1": "a"}}
	a.Notes = []Note{{ID: NewID(), At: t0, Text: "device A"}}
	b := New(a.EventID, MethodQRScan, t0)
	b.Contact = Contact{FullName: "Ada Lovelace", Emails: []string{"ada@example.com"}, Title: "CTO"}
	b.Qualification = Qualification{Fit: Yes, Budget: Yes, Authority: Yes, Interest: Yes, Answers: map[string]string{"q2": "b"}}
	b.Rating = RatingHot
	b.Notes = []Note{{ID: NewID(), At: t0, Text: "device B"}}

	if !a.MergeDevice(b) {
		t.Fatal("MergeDevice reported no change")
	}
	if len(a.Notes) != 2 || a.Notes[1].Text != "device B" {
		t.Errorf("notes = %+v, want both devices' notes", a.Notes)
	}
	if a.Stage() != StageProspect || a.Rating != RatingHot {
		t.Errorf("stage %s rating %s, want the better qualification (prospect, hot)", a.Stage(), a.Rating)
	}
	if a.Qualification.Answers["q1"] != "a" || a.Qualification.Answers["q2"] != "b" {
		t.Errorf("answers = %v, want both", a.Qualification.Answers)
	}
	if !a.CapturedAt.Equal(t0) {
		t.Errorf("captured %v, want the earlier %v", a.CapturedAt, t0)
	}
	if !a.KnownAs(b.ID) || a.Contact.Title != "CTO" {
		t.Errorf("aliases %v title %q", a.Aliases, a.Contact.Title)
	}
	if a.MergeDevice(b) {
		t.Error("a second merge of the same lead changed something")
	}
	worse := *b
	worse.Qualification = Qualification{}
	worse.Rating = RatingCold
	if a.MergeDevice(&worse) || a.Stage() != StageProspect {
		t.Error("a worse qualification replaced the better one")
	}
}
