package tryton

import (
	"strings"
	"testing"
	"time"

	"leadcap/lead"
)

// endDate reads an opportunity's end date as YYYY-MM-DD ("" when none).
func endDate(t *testing.T, cl *client, ref string) string {
	t.Helper()
	var o []struct {
		EndDate any `json:"end_date"`
	}
	rpc(t, cl, &o, "model.sale.opportunity.search_read", []any{[]any{"reference", "=", ref}}, 0, nil, nil, []string{"end_date"})
	if len(o) != 1 {
		t.Fatalf("%d opportunities with reference %s, want 1", len(o), ref)
	}
	if o[0].EndDate == nil {
		return ""
	}
	return dateString(o[0].EndDate)
}

// The follow-up date is the opportunity's end date and a line of the
// comment; the event's questions are answered in the comment; a follow-up
// marked done clears the end date.
func TestFollowUpAndAnswersReachTryton(t *testing.T) {
	env := liveTryton(t)
	db := admin(t, env)
	ev := testEvent
	ev.Questions = []lead.Question{{ID: "q1", Text: "Fleet size", Kind: lead.QuestionNumber}, {ID: "q2", Text: "Uses SAP?", Kind: lead.QuestionYesNo}}
	e := newEntry(t, func(l *lead.Lead) {
		l.Qualification.Answers = map[string]string{"q1": "120", "q2": "yes"}
	})
	e.Event = ev
	c := newConnector(t, env, nil)
	pushOK(t, c, e)
	code := e.Lead.ID.String()
	if got := endDate(t, db, code); got != "2026-04-28" {
		t.Errorf("end date %q, want the follow-up 2026-04-28", got)
	}
	o := onlyOpportunity(t, db, code)
	for _, want := range []string{"Follow up: 2026-04-28", "Q Fleet size: 120", "Q Uses SAP?: yes"} {
		if !strings.Contains(o.Comment, want) {
			t.Errorf("comment lacks %q:\n%s", want, o.Comment)
		}
	}

	if err := e.Lead.MarkFollowUpDone(e.Lead.Notes[0].ID, time.Date(2026, 4, 28, 9, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	e.Lead.Version++
	pushOK(t, c, e)
	if got := endDate(t, db, code); got != "" {
		t.Errorf("end date %q after the follow-up was done, want none", got)
	}
	o = onlyOpportunity(t, db, code)
	if strings.Contains(o.Comment, "Follow up:") || !strings.Contains(o.Comment, "(follow up 2026-04-28, done)") {
		t.Errorf("comment does not show the follow-up done:\n%s", o.Comment)
	}
}

// An answer removed after it reached Tryton, and the answer to a question
// taken off the event, leave the opportunity's comment at the next sync;
// the answers left stay.
func TestRemovedAnswersLeaveTheOpportunity(t *testing.T) {
	env := liveTryton(t)
	db := admin(t, env)
	ev := testEvent
	fleet := lead.Question{ID: "q1", Text: "Fleet size", Kind: lead.QuestionNumber}
	sap := lead.Question{ID: "q2", Text: "Uses SAP?", Kind: lead.QuestionYesNo}
	region := lead.Question{ID: "q3", Text: "Region"}
	ev.Questions = []lead.Question{fleet, sap, region}
	e := newEntry(t, func(l *lead.Lead) {
		l.Qualification.Answers = map[string]string{"q1": "120", "q2": "yes", "q3": "North"}
	})
	e.Event = ev
	c := newConnector(t, env, nil)
	pushOK(t, c, e)
	code := e.Lead.ID.String()
	o := onlyOpportunity(t, db, code)
	for _, want := range []string{"Q Fleet size: 120", "Q Uses SAP?: yes", "Q Region: North"} {
		if !strings.Contains(o.Comment, want) {
			t.Fatalf("comment lacks %q:\n%s", want, o.Comment)
		}
	}

	// The fleet size is cleared; "Uses SAP?" is taken off the event (its
	// answer left behind on the lead by an older leadcap).
	delete(e.Lead.Qualification.Answers, "q1")
	e.Event.Questions = []lead.Question{fleet, region}
	e.Lead.Version++
	pushOK(t, c, e)
	o = onlyOpportunity(t, db, code)
	for _, gone := range []string{"Fleet size", "Uses SAP?", "q2"} {
		if strings.Contains(o.Comment, gone) {
			t.Errorf("comment still has %q:\n%s", gone, o.Comment)
		}
	}
	if !strings.Contains(o.Comment, "Q Region: North") {
		t.Errorf("comment lost the answer that stays:\n%s", o.Comment)
	}
}
