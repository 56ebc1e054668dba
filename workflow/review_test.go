package workflow_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/capture"
	"leadcap/lead"
	"leadcap/storage"
	"leadcap/workflow"
)

func parse(t *testing.T, payload string) capture.Parsed {
	t.Helper()
	p, err := capture.Parse(payload, "DE")
	require.NoError(t, err)
	return p
}

// dueNow lists the leads a relay would send now.
func dueNow(t *testing.T, s *storage.Store) []string {
	t.Helper()
	es, err := s.ClaimDue(time.Now().Add(time.Hour), 10, time.Hour)
	require.NoError(t, err)
	var names []string
	for _, e := range es {
		names = append(names, e.Lead.Contact.Name())
	}
	return names
}

func TestReviewNewScanDiscardAndRestore(t *testing.T) {
	s, ev := scanStore(t)
	r, err := workflow.StartReview(s, ev, parse(t, vcardAnna), workflow.Capture{Staff: "Anna"})
	require.NoError(t, err)
	assert.True(t, r.Created())
	got, err := s.Lead(r.Lead.ID)
	require.NoError(t, err, "stored the moment it was read")
	assert.Equal(t, "Anna Schröder", got.Contact.Name())
	assert.Empty(t, dueNow(t, s), "not sent while under review")

	was, err := workflow.Discard(s, r)
	require.NoError(t, err)
	_, err = s.Lead(r.Lead.ID)
	require.ErrorIs(t, err, storage.ErrNotFound, "Discard deletes it")
	assert.Zero(t, pending(t, s), "and nothing is left to send")

	require.NoError(t, workflow.Restore(s, r, was))
	got, err = s.Lead(r.Lead.ID)
	require.NoError(t, err, "Undo brings it back")
	assert.Equal(t, was.Contact, got.Contact)
	assert.Equal(t, []string{"Anna Schröder"}, dueNow(t, s), "and it goes to the CRM")
	require.NoError(t, s.Check())
}

func TestReviewMergedScanDiscardPutsTheLeadBack(t *testing.T) {
	s, ev := scanStore(t)
	first, err := workflow.SavePayload(s, ev, vcardAnna, workflow.Capture{})
	require.NoError(t, err)
	r, err := workflow.StartReview(s, ev, parse(t, mecardAnna), workflow.Capture{})
	require.NoError(t, err)
	assert.False(t, r.Created())
	require.NotNil(t, r.Before)
	assert.Equal(t, first.Lead.ID, r.Lead.ID, "merged into the lead she already is")
	assert.Len(t, r.Lead.Contact.Phones, 2)
	assert.Empty(t, dueNow(t, s), "the merged lead waits for the review")

	_, err = workflow.Discard(s, r)
	require.NoError(t, err)
	got, err := s.Lead(r.Lead.ID)
	require.NoError(t, err)
	assert.Equal(t, first.Lead.Contact, got.Contact, "the scan was taken out again")
	require.NoError(t, workflow.Finish(s, r.Lead.ID))
	assert.Equal(t, []string{"Anna Schröder"}, dueNow(t, s))
}

func TestReviewFinishReleases(t *testing.T) {
	s, ev := scanStore(t)
	r, err := workflow.StartReview(s, ev, parse(t, vcardAnna), workflow.Capture{})
	require.NoError(t, err)
	require.NoError(t, workflow.Finish(s, r.Lead.ID))
	assert.Equal(t, []string{"Anna Schröder"}, dueNow(t, s))
}

func TestReviewBadgeIDAloneWaitsForItsContact(t *testing.T) {
	s, ev := scanStore(t)
	r, err := workflow.StartReview(s, ev, parse(t, "A7F3-99812-XK"), workflow.Capture{})
	require.NoError(t, err)
	require.NoError(t, workflow.Finish(s, r.Lead.ID))
	assert.True(t, r.Lead.AwaitsContact())
	assert.Zero(t, pending(t, s), "not queued for the CRM without a way to reach the person")
	assert.Empty(t, dueNow(t, s))
}

func TestCapturedToday(t *testing.T) {
	s, ev := scanStore(t)
	day := time.Date(2026, 4, 20, 9, 0, 0, 0, time.Local)
	at := func(d time.Time) func() time.Time { return func() time.Time { return d } }
	for _, c := range []struct {
		payload, staff string
		at             time.Time
	}{
		{"mailto:a@example.com", "Anna", day.Add(-24 * time.Hour)},
		{"mailto:b@example.com", "Anna", day},
		{"mailto:c@example.com", "Ben", day.Add(time.Hour)},
		{"mailto:d@example.com", "Anna", day.Add(2 * time.Hour)},
	} {
		_, err := workflow.SavePayload(s, ev, c.payload, workflow.Capture{Staff: c.staff, Now: at(c.at)})
		require.NoError(t, err)
	}
	n, err := workflow.CapturedToday(s, ev.ID, "Anna", day.Add(3*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	n, err = workflow.CapturedToday(s, ev.ID, "Ben", day)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
}

func pending(t *testing.T, s *storage.Store) int {
	t.Helper()
	n, err := s.PendingCount()
	require.NoError(t, err)
	return n
}

func TestAddReviewedHoldsAndRefusesADuplicate(t *testing.T) {
	s, ev := scanStore(t)
	_, err := workflow.SavePayload(s, ev, vcardAnna, workflow.Capture{})
	require.NoError(t, err)
	require.Equal(t, []string{"Anna Schröder"}, dueNow(t, s))

	l := lead.New(ev.ID, lead.MethodManual, time.Now())
	l.Contact.Emails = []string{"grace@example.org"}
	r, err := workflow.AddReviewed(s, l, func(l *lead.Lead) error { l.Contact.GivenName = "Grace"; return nil })
	require.NoError(t, err)
	assert.Equal(t, "Grace", r.Lead.Contact.GivenName)
	assert.Empty(t, dueNow(t, s), "held until the review is over")
	require.NoError(t, workflow.Finish(s, r.Lead.ID))
	assert.Equal(t, []string{"Grace"}, dueNow(t, s))

	again := lead.New(ev.ID, lead.MethodManual, time.Now())
	again.Contact.Emails = []string{"anna.schroeder@example.de"}
	_, err = workflow.AddReviewed(s, again, nil)
	var dup *storage.DuplicateError
	require.ErrorAs(t, err, &dup)
	held, err := s.Held(again.ID)
	require.NoError(t, err)
	assert.False(t, held, "a refused lead leaves no hold")
}

// The app stops while a lead is being typed in with a name alone: it is
// kept, waiting for its contact, and goes to the CRM once completed.
func TestAddUnfinishedKeepsANameAloneUntilItIsComplete(t *testing.T) {
	s, ev := scanStore(t)
	l := lead.New(ev.ID, lead.MethodManual, time.Now())
	_, err := workflow.AddReviewed(s, l, func(l *lead.Lead) error { l.Contact.GivenName = "Grace"; return nil })
	require.ErrorIs(t, err, lead.ErrUnreachable, "a name alone is not a lead")

	r, err := workflow.AddUnfinished(s, l, func(l *lead.Lead) error { l.Contact.GivenName = "Grace"; return nil })
	require.NoError(t, err)
	require.NoError(t, workflow.Finish(s, r.Lead.ID))
	got, err := s.Lead(l.ID)
	require.NoError(t, err)
	assert.Equal(t, "Grace", got.Contact.GivenName)
	assert.True(t, got.Unfinished)
	assert.True(t, got.AwaitsContact())
	assert.Empty(t, dueNow(t, s), "not sent without a way to reach her")
	n, err := s.Count(storage.Query{Sync: storage.SyncWaiting})
	require.NoError(t, err)
	assert.Equal(t, 1, n, "listed as waiting for its contact")

	got, err = s.UpdateLead(l.ID, func(l *lead.Lead) error { l.Contact.Emails = []string{"grace@example.org"}; return nil })
	require.NoError(t, err)
	assert.False(t, got.Unfinished, "complete now")
	assert.Equal(t, []string{"Grace"}, dueNow(t, s))

	ok := lead.New(ev.ID, lead.MethodManual, time.Now())
	ok.Contact.Emails = []string{"ada@example.org"}
	r, err = workflow.AddUnfinished(s, ok, nil)
	require.NoError(t, err)
	assert.False(t, r.Lead.Unfinished, "a complete lead is stored as it is")
}
