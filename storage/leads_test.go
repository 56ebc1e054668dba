package storage

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
)

func TestAddLead(t *testing.T) {
	s, _ := openTest(t)
	ev := mustEvent(t, s, "Hannover Messe", "DE")

	l := newLead(ev, "  Jürgen   Müller ", "ACME GmbH", "Juergen.Mueller@ACME.example")
	l.Contact.Phones = []lead.Phone{{Raw: "0511 123456"}}
	require.NoError(t, s.AddLead(l))
	assert.NotEqual(t, uuid.Nil, l.ID)
	assert.Equal(t, int64(1), l.Version)
	assert.False(t, l.UpdatedAt.IsZero())
	assert.False(t, l.CapturedAt.IsZero())
	assert.Equal(t, "Jürgen Müller", l.Contact.FullName)
	assert.Equal(t, []string{"juergen.mueller@acme.example"}, l.Contact.Emails)
	assert.Equal(t, "+49511123456", l.Contact.Phones[0].Number, "normalized with the event's country")

	got, err := s.Lead(l.ID)
	require.NoError(t, err)
	assert.Equal(t, l.Contact, got.Contact)
	assert.Equal(t, int64(1), got.Version)

	assert.Equal(t, 1, pendingCount(t, s), "the new lead is queued in the same transaction")
	si, err := s.SyncInfo(l.ID)
	require.NoError(t, err)
	assert.Equal(t, SyncPending, si.Status)

	// Same person (email differs only in case) at the same event.
	dup := newLead(ev, "J. Müller", "", "JUERGEN.MUELLER@acme.example")
	err = s.AddLead(dup)
	var de *DuplicateError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, l.ID, de.Existing)
	assert.Equal(t, "email:juergen.mueller@acme.example", de.Key)
	assert.NotContains(t, err.Error(), "juergen", "no PII in the error message")

	// The same person at another event is a new lead.
	other := mustEvent(t, s, "SPS", "DE")
	mustAdd(t, s, newLead(other, "Jürgen Müller", "ACME GmbH", "juergen.mueller@acme.example"))

	// A lead with an existing ID is refused.
	again := *l
	require.ErrorIs(t, s.AddLead(&again), ErrExists)

	_, err = s.Lead(uuid.New())
	require.ErrorIs(t, err, ErrNotFound)
}

func TestAddLeadUsesActiveEvent(t *testing.T) {
	s, _ := openTest(t)
	l := &lead.Lead{Contact: lead.Contact{Emails: []string{"a@b.example"}}}
	require.ErrorIs(t, s.AddLead(l), ErrNoActiveEvent)

	ev := mustEvent(t, s, "Hannover Messe", "DE")
	require.NoError(t, s.SetActiveEvent(ev.ID))
	require.NoError(t, s.AddLead(l))
	assert.Equal(t, ev.ID, l.EventID)

	require.ErrorIs(t, s.AddLead(&lead.Lead{EventID: uuid.New(), Contact: lead.Contact{Emails: []string{"c@d.example"}}}), ErrNotFound)
}

// A failed write leaves neither the lead nor its outbox entry nor any index.
func TestFailedWriteLeavesNothing(t *testing.T) {
	s, _ := openTest(t)
	ev := mustEvent(t, s, "Hannover Messe", "DE")

	err := s.AddLead(newLead(ev, "Nobody", "", "not-an-email"))
	var fe *lead.FieldError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "contact.emails[0]", fe.Field)
	err = s.AddLead(newLead(ev, "Only A Name", ""))
	require.ErrorIs(t, err, lead.ErrUnreachable)

	n, err := s.Count(Query{})
	require.NoError(t, err)
	assert.Zero(t, n)
	assert.Zero(t, pendingCount(t, s))
	st, err := s.Stats()
	require.NoError(t, err)
	assert.Zero(t, st.Leads)

	// A lead that is synced, then an edit whose fn fails: nothing changes,
	// nothing is queued.
	l := mustAdd(t, s, newLead(ev, "Ada Lovelace", "Analytical Engines", "ada@example.com"))
	claimAndDone(t, s, l.ID)
	boom := errors.New("staff cancelled")
	_, err = s.UpdateLead(l.ID, func(x *lead.Lead) error {
		x.Contact.Organization = "Changed Ltd"
		x.Rating = lead.RatingHot
		return boom
	})
	require.ErrorIs(t, err, boom)
	assertUnchanged(t, s, l)

	// Same with a validation failure after fn.
	_, err = s.UpdateLead(l.ID, func(x *lead.Lead) error {
		x.Contact.Emails = []string{"broken@"}
		x.Contact.Organization = "Changed Ltd"
		return nil
	})
	require.ErrorAs(t, err, &fe)
	assertUnchanged(t, s, l)
}

func assertUnchanged(t *testing.T, s *Store, l lead.Lead) {
	t.Helper()
	got, err := s.Lead(l.ID)
	require.NoError(t, err)
	assert.Equal(t, l.Version, got.Version)
	assert.Equal(t, l.Contact.Organization, got.Contact.Organization)
	assert.Zero(t, pendingCount(t, s), "no outbox entry")
	n, err := s.Count(Query{Text: "changed"})
	require.NoError(t, err)
	assert.Zero(t, n, "no summary change")
	si, err := s.SyncInfo(l.ID)
	require.NoError(t, err)
	assert.Equal(t, SyncSynced, si.Status)
}

func claimAndDone(t *testing.T, s *Store, id uuid.UUID) {
	t.Helper()
	es, err := s.ClaimDue(time.Now().Add(time.Hour), 100, time.Minute)
	require.NoError(t, err)
	for _, e := range es {
		if e.Lead.ID == id {
			require.NoError(t, s.MarkDone(id, e.Lead.Version, "CRM-"+id.String()[:8]))
			return
		}
	}
	t.Fatalf("lead %s was not due", id)
}

func TestAddOrMerge(t *testing.T) {
	s, _ := openTest(t)
	ev := mustEvent(t, s, "Hannover Messe", "DE")

	first := newLead(ev, "Grace Hopper", "", "grace@navy.example")
	saved, created, err := s.AddOrMerge(first)
	require.NoError(t, err)
	assert.True(t, created)
	firstID := saved.ID
	assert.Equal(t, int64(1), saved.Version)

	scan := newLead(ev, "Grace Hopper", "US Navy", "GRACE@navy.example", "hopper@cobol.example")
	scan.RawPayload = "BEGIN:VCARD..."
	scan.BadgeID = "B-1906"
	scan.Contact.Phones = []lead.Phone{{Raw: "+1 202 555 0100"}}
	saved, created, err = s.AddOrMerge(scan)
	require.NoError(t, err)
	assert.False(t, created)
	assert.Equal(t, firstID, saved.ID)
	assert.Equal(t, int64(2), saved.Version)
	assert.Equal(t, "US Navy", saved.Contact.Organization)
	assert.Equal(t, []string{"grace@navy.example", "hopper@cobol.example"}, saved.Contact.Emails)
	assert.Equal(t, "+12025550100", saved.Contact.Phones[0].Number)
	assert.Equal(t, "BEGIN:VCARD...", saved.RawPayload)
	assert.Equal(t, "B-1906", saved.BadgeID)

	// Scanning the same card again changes nothing.
	again := newLead(ev, "Grace Hopper", "US Navy", "grace@navy.example")
	saved, created, err = s.AddOrMerge(again)
	require.NoError(t, err)
	assert.False(t, created)
	assert.Equal(t, int64(2), saved.Version)

	n, err := s.Count(Query{})
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, 1, pendingCount(t, s))
	found, err := s.List(Query{Text: "cobol"})
	require.NoError(t, err)
	require.Len(t, found, 1, "the merged email is searchable")
}

func TestAddOrMergeWith(t *testing.T) {
	s, _ := openTest(t)
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	boom := errors.New("staff cancelled")

	// A new person whose edit fails leaves nothing behind: no lead, no
	// index entry, no outbox entry.
	scan := newLead(ev, "Grace Hopper", "US Navy", "grace@navy.example")
	_, _, err := s.AddOrMergeWith(scan, func(x *lead.Lead) error {
		x.Rating = lead.RatingHot
		return boom
	})
	require.ErrorIs(t, err, boom)
	n, err := s.Count(Query{})
	require.NoError(t, err)
	assert.Zero(t, n, "no lead")
	assert.Zero(t, pendingCount(t, s), "no outbox entry")
	_, found, err := s.FindDuplicate(ev.ID, scan.Contact)
	require.NoError(t, err)
	assert.False(t, found, "no duplicate index entry")

	// An edit that succeeds lands with the new lead, in version 1.
	saved, created, err := s.AddOrMergeWith(scan, func(x *lead.Lead) error {
		x.Qualification.Fit = lead.Yes
		x.ID, x.Version = uuid.New(), 7 // ignored
		_, err := x.AddNote("Wants a demo", "Kim", x.CapturedAt, time.Time{})
		return err
	})
	require.NoError(t, err)
	assert.True(t, created)
	assert.Equal(t, int64(1), saved.Version)
	got, err := s.Lead(saved.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(1), got.Version)
	assert.Equal(t, lead.Yes, got.Qualification.Fit)
	require.Len(t, got.Notes, 1)
	assert.Equal(t, "Wants a demo", got.Notes[0].Text)
	assert.Equal(t, 1, pendingCount(t, s))
	claimAndDone(t, s, got.ID)

	// The same person again: a failing edit, or one that leaves an invalid
	// lead, changes nothing of the existing lead and queues nothing.
	again := newLead(ev, "Grace Hopper", "", "grace@navy.example", "grace@changed.example")
	again.BadgeID = "B-1906"
	_, _, err = s.AddOrMergeWith(again, func(x *lead.Lead) error {
		x.Contact.Organization = "Changed Ltd"
		return boom
	})
	require.ErrorIs(t, err, boom)
	assertUnchanged(t, s, got)
	var fe *lead.FieldError
	_, _, err = s.AddOrMergeWith(again, func(x *lead.Lead) error {
		x.Contact.Organization = "Changed Ltd"
		x.Contact.Emails = append(x.Contact.Emails, "broken@")
		return nil
	})
	require.ErrorAs(t, err, &fe)
	assertUnchanged(t, s, got)
	stored, err := s.Lead(got.ID)
	require.NoError(t, err)
	assert.Empty(t, stored.BadgeID, "the merge was not saved either")

	// A merge with an edit is one new version holding both.
	saved, created, err = s.AddOrMergeWith(again, func(x *lead.Lead) error {
		x.Rating = lead.RatingHot
		return nil
	})
	require.NoError(t, err)
	assert.False(t, created)
	assert.Equal(t, got.ID, saved.ID)
	assert.Equal(t, int64(2), saved.Version)
	assert.Equal(t, []string{"grace@navy.example", "grace@changed.example"}, saved.Contact.Emails)
	assert.Equal(t, "B-1906", saved.BadgeID)
	assert.Equal(t, lead.RatingHot, saved.Rating)
	assert.Len(t, saved.Notes, 1)
	assert.Equal(t, 1, pendingCount(t, s))

	// An edit that changes nothing on a merge that changes nothing saves
	// nothing.
	saved, _, err = s.AddOrMergeWith(again, func(x *lead.Lead) error {
		x.Rating = lead.RatingHot
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, int64(2), saved.Version)
}

func TestUpdateLeadVersioning(t *testing.T) {
	s, c := openTest(t)
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	l := mustAdd(t, s, newLead(ev, "Ada Lovelace", "Analytical Engines", "ada@example.com"))

	got, err := s.UpdateLead(l.ID, func(x *lead.Lead) error {
		x.Qualification = lead.Qualification{Fit: lead.Yes, Budget: lead.Yes, Authority: lead.Yes, Interest: lead.Yes}
		x.ID = uuid.New() // ignored
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, l.ID, got.ID)
	assert.Equal(t, int64(2), got.Version)
	assert.True(t, got.UpdatedAt.After(l.UpdatedAt))
	assert.Equal(t, lead.StageProspect, got.Stage())

	n, err := s.Count(Query{Stage: lead.StageProspect})
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	n, err = s.Count(Query{Stage: lead.StageLead})
	require.NoError(t, err)
	assert.Zero(t, n, "the stage index moved")

	_, err = s.UpdateLead(l.ID, func(x *lead.Lead) error {
		_, err := x.AddNote("wants a demo in May", "sam", c.Now(), time.Time{})
		return err
	})
	require.NoError(t, err)

	// A change that changes nothing is not saved.
	same, err := s.UpdateLead(l.ID, func(*lead.Lead) error { return nil })
	require.NoError(t, err)
	assert.Equal(t, int64(3), same.Version)

	// A change that makes the lead a duplicate of another is refused.
	other := mustAdd(t, s, newLead(ev, "Charles Babbage", "", "charles@example.com"))
	_, err = s.UpdateLead(other.ID, func(x *lead.Lead) error {
		x.Contact.Emails = []string{"ada@example.com"}
		return nil
	})
	var de *DuplicateError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, l.ID, de.Existing)

	// Changing the email moves the duplicate key: the old one is free.
	_, err = s.UpdateLead(l.ID, func(x *lead.Lead) error {
		x.Contact.Emails = []string{"ada@lovelace.example"}
		return nil
	})
	require.NoError(t, err)
	mustAdd(t, s, newLead(ev, "Someone Else", "", "ada@example.com"))

	_, err = s.UpdateLead(uuid.New(), func(*lead.Lead) error { return nil })
	require.ErrorIs(t, err, ErrNotFound)
}

func TestPutLead(t *testing.T) {
	s, _ := openTest(t)
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	in := lead.New(ev.ID, lead.MethodImport, time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC))
	in.Contact = lead.Contact{FullName: "Ada Lovelace", Emails: []string{"ada@example.com"}}
	in.Version = 4

	created, err := s.PutLead(in)
	require.NoError(t, err)
	assert.True(t, created)
	created, err = s.PutLead(in)
	require.NoError(t, err)
	assert.False(t, created, "importing the same lead twice is a no-op")
	got, err := s.Lead(in.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(4), got.Version, "the imported version is kept")
	assert.True(t, got.CapturedAt.Equal(in.CapturedAt))

	older := got
	older.Version = 3
	older.Contact.Organization = "Old Org"
	_, err = s.PutLead(&older)
	require.NoError(t, err)
	assert.Empty(t, older.Contact.Organization, "the lower version is ignored and the stored lead returned")

	newer := got
	newer.Version = 5
	newer.Contact.Organization = "Analytical Engines"
	created, err = s.PutLead(&newer)
	require.NoError(t, err)
	assert.False(t, created)
	got, err = s.Lead(in.ID)
	require.NoError(t, err)
	assert.Equal(t, "Analytical Engines", got.Contact.Organization)

	n, err := s.Count(Query{})
	require.NoError(t, err)
	assert.Equal(t, 1, n)

	// Another lead for the same person is a duplicate; an unknown event is
	// refused.
	dup := lead.New(ev.ID, lead.MethodImport, time.Now())
	dup.Contact = lead.Contact{Emails: []string{"ADA@example.com"}}
	_, err = s.PutLead(dup)
	var de *DuplicateError
	require.ErrorAs(t, err, &de)
	lost := lead.New(uuid.New(), lead.MethodImport, time.Now())
	lost.Contact = lead.Contact{Emails: []string{"x@example.com"}}
	_, err = s.PutLead(lost)
	require.ErrorIs(t, err, ErrNotFound)
}

func TestPutLeadsBatch(t *testing.T) {
	s, _ := openTest(t)
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	var batch []lead.Lead
	for i := range 5 {
		l := lead.New(ev.ID, lead.MethodImport, time.Date(2026, 3, 1, 10, i, 0, 0, time.UTC))
		l.Contact = lead.Contact{FullName: "Person", Emails: []string{strings.Repeat("p", i+1) + "@example.com"}}
		batch = append(batch, *l)
	}
	batch[2].Contact.Emails = []string{"broken"}
	res, err := s.PutLeads(batch)
	require.NoError(t, err)
	require.Len(t, res, 5)
	for i, r := range res {
		if i == 2 {
			assert.Error(t, r.Err)
			assert.Equal(t, PutFailed, r.Outcome)
			continue
		}
		assert.NoError(t, r.Err)
		assert.Equal(t, PutCreated, r.Outcome)
	}
	n, err := s.Count(Query{})
	require.NoError(t, err)
	assert.Equal(t, 4, n)
	_, err = s.Lead(batch[2].ID)
	require.ErrorIs(t, err, ErrNotFound, "the failing lead left nothing behind")
	assert.Equal(t, 4, pendingCount(t, s))
}

// TestPutLeadsOutcome checks that each PutResult says what happened, and
// that an unchanged lead writes nothing: a lead the CRM confirmed stays
// synced.
func TestPutLeadsOutcome(t *testing.T) {
	s, c := openTest(t)
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	mk := func(i int, version int64, title string) lead.Lead {
		l := lead.New(ev.ID, lead.MethodImport, time.Date(2026, 3, 1, 10, i, 0, 0, time.UTC))
		l.ID = uuid.MustParse(fmt.Sprintf("01950000-0000-7000-8000-%012d", i))
		l.Contact = lead.Contact{FullName: "Person", Title: title, Emails: []string{fmt.Sprintf("p%d@example.com", i)}}
		l.Version = version
		return *l
	}
	first, err := s.PutLeads([]lead.Lead{mk(1, 2, "v2"), mk(2, 2, "v2"), mk(3, 2, "v2")})
	require.NoError(t, err)
	for _, r := range first {
		require.NoError(t, r.Err)
		assert.Equal(t, PutCreated, r.Outcome)
		assert.False(t, r.EventCreated)
	}
	claimed, err := s.ClaimDue(c.Now(), 10, time.Minute)
	require.NoError(t, err)
	require.Len(t, claimed, 3)
	for _, e := range claimed {
		require.NoError(t, s.MarkDone(e.Lead.ID, e.Lead.Version, "crm-"+e.Lead.ID.String()))
	}

	bad := mk(5, 1, "")
	bad.Contact.Emails = []string{"broken"}
	res, err := s.PutLeads([]lead.Lead{
		mk(1, 3, "v3"),       // higher: replaces
		mk(2, 2, "v2 again"), // same version, other content: a conflict, left alone
		mk(3, 1, "v1"),       // lower: left alone
		mk(4, 1, "new"),
		bad,
	})
	require.NoError(t, err)
	want := []PutOutcome{PutUpdated, PutConflict, PutUnchanged, PutCreated, PutFailed}
	for i, r := range res {
		assert.Equal(t, want[i], r.Outcome, "lead %d", i+1)
		assert.Equal(t, i == 1 || i == 4, r.Err != nil, "lead %d: %v", i+1, r.Err)
	}
	require.ErrorIs(t, res[1].Err, ErrConflict)
	assert.Equal(t, "updated unchanged created failed", strings.Join([]string{PutUpdated.String(), PutUnchanged.String(), PutCreated.String(), PutFailed.String()}, " "))

	for i, wantTitle := range map[int]string{1: "v3", 2: "v2", 3: "v2", 4: "new"} {
		l, err := s.Lead(mk(i, 1, "").ID)
		require.NoError(t, err)
		assert.Equal(t, wantTitle, l.Contact.Title, "lead %d", i)
	}
	for i, want := range map[int]SyncStatus{1: SyncPending, 2: SyncSynced, 3: SyncSynced, 4: SyncPending} {
		si, err := s.SyncInfo(mk(i, 1, "").ID)
		require.NoError(t, err)
		assert.Equal(t, want, si.Status, "lead %d: only a created or updated lead is queued again", i)
	}
	created, err := s.PutLead(&[]lead.Lead{mk(1, 3, "v3")}[0])
	require.NoError(t, err)
	assert.False(t, created, "PutLead reports created only for a new lead")
}

// TestPutLeadsBringsEventAlong checks that an event handed to PutLeads is
// created in the transaction of the first lead saved with it, and not at
// all when every lead that needs it is refused or unchanged.
func TestPutLeadsBringsEventAlong(t *testing.T) {
	s, _ := openTest(t)
	home := mustEvent(t, s, "Hannover Messe", "DE")
	fair := lead.Event{ID: uuid.MustParse("01950000-0000-7000-8000-0000000000e1"), Name: "Salon Eurobois", Country: "fr"}
	mk := func(i int, ev uuid.UUID, email string) lead.Lead {
		l := lead.New(ev, lead.MethodImport, time.Date(2026, 3, 1, 10, i, 0, 0, time.UTC))
		l.ID = uuid.MustParse(fmt.Sprintf("01950000-0000-7000-8000-%012d", i))
		l.Contact = lead.Contact{FullName: "Élodie Roux", Emails: []string{email}, Phones: []lead.Phone{{Raw: "06 12 34 56 78"}}}
		return *l
	}
	noFair := func(msg string) {
		t.Helper()
		_, err := s.Event(fair.ID)
		require.ErrorIs(t, err, ErrNotFound, msg)
	}

	// Refused: an invalid field.
	res, err := s.PutLeads([]lead.Lead{mk(1, fair.ID, "not-an-address")}, fair)
	require.NoError(t, err)
	var fe *lead.FieldError
	require.ErrorAs(t, res[0].Err, &fe)
	assert.False(t, res[0].EventCreated)
	noFair("a refused lead leaves no event behind")

	// Unchanged: the lead is stored in a newer version at another event.
	stored := mk(2, home.ID, "elodie@example.fr")
	stored.Version = 5
	_, err = s.PutLead(&stored)
	require.NoError(t, err)
	moved := mk(2, fair.ID, "elodie@example.fr")
	moved.Version = 4
	res, err = s.PutLeads([]lead.Lead{moved}, fair)
	require.NoError(t, err)
	require.NoError(t, res[0].Err)
	assert.Equal(t, PutUnchanged, res[0].Outcome)
	assert.False(t, res[0].EventCreated)
	noFair("an unchanged lead writes nothing, not even its event")

	// Refused: the same person as a lead of the same batch at that event.
	// The first lead creates the event, the duplicate adds nothing.
	res, err = s.PutLeads([]lead.Lead{mk(3, fair.ID, "x"), mk(4, fair.ID, "ada@example.com"), mk(5, fair.ID, "ADA@example.com")}, fair, lead.Event{ID: fair.ID, Name: "ignored: the first of an ID counts"})
	require.NoError(t, err)
	require.Error(t, res[0].Err)
	assert.False(t, res[0].EventCreated)
	require.NoError(t, res[1].Err)
	assert.Equal(t, PutCreated, res[1].Outcome)
	assert.True(t, res[1].EventCreated)
	var de *DuplicateError
	require.ErrorAs(t, res[2].Err, &de)
	assert.Equal(t, mk(4, fair.ID, "").ID, de.Existing)
	assert.False(t, res[2].EventCreated, "the event was created once")
	got, err := s.Event(fair.ID)
	require.NoError(t, err)
	assert.Equal(t, "Salon Eurobois", got.Name)
	assert.Equal(t, "FR", got.Country, "the event is validated")
	assert.False(t, got.CreatedAt.IsZero())
	l, err := s.Lead(mk(4, fair.ID, "").ID)
	require.NoError(t, err)
	assert.Equal(t, "+33612345678", l.Contact.Phones[0].Number, "normalized with the brought event's country")
	_, err = s.Lead(mk(5, fair.ID, "").ID)
	require.ErrorIs(t, err, ErrNotFound)

	// Once stored, an event is left as it is.
	renamed := fair
	renamed.Name = "Renamed"
	res, err = s.PutLeads([]lead.Lead{mk(6, fair.ID, "luc@example.fr")}, renamed)
	require.NoError(t, err)
	require.NoError(t, res[0].Err)
	assert.False(t, res[0].EventCreated)
	got, err = s.Event(fair.ID)
	require.NoError(t, err)
	assert.Equal(t, "Salon Eurobois", got.Name)

	// An invalid event refuses its lead; without the event the lead is
	// refused as before.
	broken := lead.Event{ID: uuid.MustParse("01950000-0000-7000-8000-0000000000e2"), Name: " "}
	res, err = s.PutLeads([]lead.Lead{mk(7, broken.ID, "a@example.com"), mk(8, uuid.MustParse("01950000-0000-7000-8000-0000000000e3"), "b@example.com")}, broken)
	require.NoError(t, err)
	require.ErrorAs(t, res[0].Err, &fe)
	assert.Equal(t, "name", fe.Field)
	require.ErrorIs(t, res[1].Err, ErrNotFound)
	evs, err := s.Events()
	require.NoError(t, err)
	assert.Len(t, evs, 2)
}

func TestFindLead(t *testing.T) {
	s, _ := openTest(t)
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	mk := func(id string, email string) lead.Lead {
		l := newLead(ev, "", "", email)
		l.ID = uuid.MustParse(id)
		return mustAdd(t, s, l)
	}
	a := mk("01900000-aaaa-7000-8000-000000000001", "a@example.com")
	mk("01900000-aaab-7000-8000-000000000002", "b@example.com")

	for _, in := range []string{a.ID.String(), "01900000-aaaa", "01900000aaaa", "01900000-aaaa-7", strings.ToUpper(a.ID.String()[:13])} {
		got, err := s.FindLead(in)
		require.NoError(t, err, in)
		assert.Equal(t, a.ID, got.ID, in)
	}
	_, err := s.FindLead("01900000-aaa")
	require.ErrorIs(t, err, ErrAmbiguous)
	_, err = s.FindLead("01900000")
	require.ErrorIs(t, err, ErrAmbiguous)
	_, err = s.FindLead("01900001")
	require.ErrorIs(t, err, ErrNotFound)
	for _, in := range []string{"0190", "", "0190-00-0"} {
		_, err = s.FindLead(in)
		require.ErrorIs(t, err, ErrShortID, "%q", in)
	}
	for _, in := range []string{"zzzzzzzzzz", "01900000-aaaz", "0190000g", "zz", "01900000 aaaa"} {
		_, err = s.FindLead(in)
		require.ErrorIs(t, err, ErrBadID, "%q", in)
		assert.NotErrorIs(t, err, ErrShortID, "%q: not hex comes first, even when short", in)
	}

	// A unique suffix works too (the random end of a time-ordered ID).
	got, err := s.FindLead("00000001")
	require.NoError(t, err)
	assert.Equal(t, a.ID, got.ID)
	_, err = s.FindLead("0000000")
	require.ErrorIs(t, err, ErrShortID)
}

func TestListAndCount(t *testing.T) {
	s, _ := openTest(t)
	fair := mustEvent(t, s, "Hannover Messe", "DE")
	expo := mustEvent(t, s, "SPS", "DE")

	mueller := mustAdd(t, s, newLead(fair, "Jürgen Müller", "Café Zürich AG", "jm@cafe.example"))
	ada := mustAdd(t, s, newLead(fair, "Ada Lovelace", "Analytical Engines", "ada@example.com", "countess@lovelace.example"))
	grace := mustAdd(t, s, newLead(expo, "Grace Hopper", "US Navy", "grace@navy.example"))
	bob := mustAdd(t, s, newLead(fair, "Bob MÜLLER", "Muller & Sons", "bob@sons.example"))

	_, err := s.UpdateLead(ada.ID, func(x *lead.Lead) error {
		x.Qualification = lead.Qualification{Fit: lead.Yes, Budget: lead.Yes, Authority: lead.Yes, Interest: lead.Yes}
		x.Rating = lead.RatingHot
		return nil
	})
	require.NoError(t, err)
	claimAndDone(t, s, grace.ID)

	ids := func(q Query) []uuid.UUID {
		t.Helper()
		got, err := s.List(q)
		require.NoError(t, err)
		var out []uuid.UUID
		for _, x := range got {
			out = append(out, x.ID)
		}
		n, err := s.Count(Query{EventID: q.EventID, Stage: q.Stage, Sync: q.Sync, Text: q.Text})
		require.NoError(t, err)
		if q.Limit == 0 && q.Offset == 0 {
			assert.Equal(t, len(out), n, "Count agrees with List for %+v", q)
			full, err := s.Leads(q)
			require.NoError(t, err)
			assert.Len(t, full, len(out))
		}
		return out
	}
	all := []uuid.UUID{bob.ID, grace.ID, ada.ID, mueller.ID}
	assert.Equal(t, all, ids(Query{}), "newest capture first")
	assert.Equal(t, []uuid.UUID{bob.ID, ada.ID, mueller.ID}, ids(Query{EventID: fair.ID}))
	assert.Equal(t, []uuid.UUID{grace.ID}, ids(Query{EventID: expo.ID}))
	assert.Empty(t, ids(Query{EventID: uuid.New()}))
	assert.Equal(t, []uuid.UUID{ada.ID}, ids(Query{Stage: lead.StageProspect}))
	assert.Equal(t, []uuid.UUID{bob.ID, grace.ID, mueller.ID}, ids(Query{Stage: lead.StageLead}))
	assert.Equal(t, []uuid.UUID{bob.ID, mueller.ID}, ids(Query{EventID: fair.ID, Stage: lead.StageLead}))
	assert.Empty(t, ids(Query{Stage: "nonsense"}))
	assert.Equal(t, []uuid.UUID{grace.ID}, ids(Query{Sync: SyncSynced}))
	assert.Equal(t, []uuid.UUID{bob.ID, ada.ID, mueller.ID}, ids(Query{Sync: SyncPending}))

	// Text: case- and accent-insensitive, over name, organization, emails.
	assert.Equal(t, []uuid.UUID{bob.ID, mueller.ID}, ids(Query{Text: "muller"}))
	assert.Equal(t, []uuid.UUID{bob.ID, mueller.ID}, ids(Query{Text: "MÜLLER"}))
	assert.Equal(t, []uuid.UUID{mueller.ID}, ids(Query{Text: "cafe zurich"}))
	assert.Equal(t, []uuid.UUID{ada.ID}, ids(Query{Text: "countess@"}), "second email")
	assert.Equal(t, []uuid.UUID{bob.ID}, ids(Query{Text: "sons", EventID: fair.ID, Stage: lead.StageLead, Sync: SyncPending}))
	assert.Empty(t, ids(Query{Text: "muller", Stage: lead.StageProspect}))
	assert.Empty(t, ids(Query{Text: "Müller Café"}), "no match across fields")

	// Paging.
	assert.Equal(t, all[:2], ids(Query{Limit: 2}))
	assert.Equal(t, all[2:], ids(Query{Limit: 2, Offset: 2}))
	assert.Equal(t, all[3:], ids(Query{Offset: 3}))
	assert.Empty(t, ids(Query{Offset: 10}))
	assert.Equal(t, []uuid.UUID{ada.ID}, ids(Query{EventID: fair.ID, Limit: 1, Offset: 1}))

	got, err := s.List(Query{Stage: lead.StageProspect})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, Summary{
		ID: ada.ID, EventID: fair.ID, Name: "Ada Lovelace", Organization: "Analytical Engines",
		Email: "ada@example.com", Stage: lead.StageProspect, Rating: lead.RatingHot,
		CapturedAt: ada.CapturedAt, Sync: SyncPending, Consent: lead.Consent{Basis: lead.BasisNone},
	}, got[0])
}

func TestStats(t *testing.T) {
	s, _ := openTest(t)
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	a := mustAdd(t, s, newLead(ev, "A", "", "a@example.com"))
	b := mustAdd(t, s, newLead(ev, "B", "", "b@example.com"))
	c := mustAdd(t, s, newLead(ev, "C", "", "c@example.com"))
	mustAdd(t, s, newLead(ev, "D", "", "d@example.com"))
	_, err := s.UpdateLead(a.ID, func(x *lead.Lead) error { x.Qualification.Disqualified = true; return nil })
	require.NoError(t, err)
	claimAndDone(t, s, b.ID)
	require.NoError(t, s.MarkFailed(c.ID, 1, "timeout", time.Now().Add(time.Hour)))

	st, err := s.Stats()
	require.NoError(t, err)
	assert.Equal(t, 4, st.Leads)
	assert.Equal(t, map[lead.Stage]int{lead.StageLead: 3, lead.StageProspect: 0, lead.StageDisqualified: 1}, st.ByStage)
	assert.Equal(t, map[SyncStatus]int{SyncPending: 2, SyncFailed: 1, SyncSynced: 1, SyncDead: 0, SyncWaiting: 0}, st.BySync)
	assert.Equal(t, 3, st.OutboxPending)
	assert.Zero(t, st.Dead)
}

func TestDeleteLead(t *testing.T) {
	s, c := openTest(t)
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	a := mustAdd(t, s, newLead(ev, "Ada Lovelace", "", "ada@example.com"))
	b := mustAdd(t, s, newLead(ev, "Grace Hopper", "", "grace@example.com"))
	_, err := s.ClaimDue(c.Now(), 10, time.Minute)
	require.NoError(t, err)
	require.NoError(t, s.MarkDead(b.ID, 1, "rejected"))

	require.NoError(t, s.DeleteLead(a.ID))
	require.NoError(t, s.DeleteLead(b.ID))
	require.ErrorIs(t, s.DeleteLead(a.ID), ErrNotFound)
	st, err := s.Stats()
	require.NoError(t, err)
	assert.Zero(t, st.Leads)
	assert.Zero(t, st.OutboxPending)
	assert.Zero(t, st.Dead)
	// The person can be captured again.
	mustAdd(t, s, newLead(ev, "Ada Lovelace", "", "ada@example.com"))
}

func TestFindDuplicate(t *testing.T) {
	s, _ := openTest(t)
	ev := mustEvent(t, s, "Fair", "DE")
	other := mustEvent(t, s, "Other fair", "FR")
	byMail := mustAdd(t, s, newLead(ev, "Anna Schmidt", "Beispiel GmbH", "anna@beispiel.example"))
	byPhone := mustAdd(t, s, &lead.Lead{EventID: ev.ID, Contact: lead.Contact{Phones: []lead.Phone{{Raw: "0511 123456"}}}})

	got, found, err := s.FindDuplicate(ev.ID, lead.Contact{FullName: "A. Schmidt", Emails: []string{"ANNA@beispiel.example"}})
	require.NoError(t, err)
	require.True(t, found)
	assert.Equal(t, byMail.ID, got.ID)

	got, found, err = s.FindDuplicate(ev.ID, lead.Contact{Phones: []lead.Phone{{Raw: "+49 511 123456"}}})
	require.NoError(t, err)
	require.True(t, found, "a phone written another way is the same person")
	assert.Equal(t, byPhone.ID, got.ID)

	_, found, err = s.FindDuplicate(other.ID, lead.Contact{Emails: []string{"anna@beispiel.example"}})
	require.NoError(t, err)
	assert.False(t, found, "another event is another visit")

	_, found, err = s.FindDuplicate(ev.ID, lead.Contact{Organization: "Beispiel GmbH"})
	require.NoError(t, err)
	assert.False(t, found, "no key, no match")

	_, _, err = s.FindDuplicate(ev.ID, lead.Contact{Emails: []string{"not-an-email"}})
	var fe *lead.FieldError
	assert.ErrorAs(t, err, &fe)
}
