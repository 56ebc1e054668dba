package storage

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
)

// rawRecord returns the lead's stored record bytes (compressed, and sealed
// when the store is encrypted).
func rawRecord(t *testing.T, s *Store, id uuid.UUID) []byte {
	t.Helper()
	var v []byte
	require.NoError(t, s.view(func(b *bx) error {
		v = bytes.Clone(b.leads.Get(id[:]))
		return nil
	}))
	require.NotEmpty(t, v)
	return v
}

func fileHolds(t *testing.T, path string, what []byte) bool {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return bytes.Contains(data, what)
}

// bbolt keeps freed pages in the file: removing the lead alone leaves its
// bytes there, Compact (which Erase runs) takes them out.
func TestEraseLeavesNoBytesInTheFile(t *testing.T) {
	s, _ := openTest(t)
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	keep := mustAdd(t, s, newLead(ev, "Grace Hopper", "US Navy", "grace@navy.example"))
	ada := mustAdd(t, s, newLead(ev, "Ada Lovelace", "Analytical Engines", "ada.erase@lovelace.example"))
	claimAndDone(t, s, ada.ID)
	rec := rawRecord(t, s, ada.ID)
	email := []byte("ada.erase@lovelace.example")
	require.True(t, fileHolds(t, s.Path(), email), "the summary holds the email in plain text")

	tomb, err := s.RemoveLead(ada.ID, lead.OpErase, "clerk")
	require.NoError(t, err)
	assert.True(t, fileHolds(t, s.Path(), email), "without a compaction the freed page still holds the email")

	require.NoError(t, s.Compact())
	assert.False(t, fileHolds(t, s.Path(), email), "the email is still in the file")
	assert.False(t, fileHolds(t, s.Path(), rec), "the lead's record is still in the file")
	assert.False(t, fileHolds(t, s.Path(), []byte("Lovelace")))
	assert.Empty(t, plainInDir(t, filepath.Dir(s.Path()), []string{"ada.erase@", "Lovelace", "Analytical"}), "nor compressed in a free page")

	got, err := s.Tombstone(ada.ID)
	require.NoError(t, err)
	assert.Equal(t, lead.OpErase, got.Op)
	assert.Equal(t, "clerk", got.By)
	assert.Equal(t, tomb.At, got.At)
	assert.Equal(t, "CRM-"+ada.ID.String()[:8], got.RemoteID)
	_, err = s.Lead(ada.ID)
	require.ErrorIs(t, err, ErrNotFound)
	l, err := s.Lead(keep.ID)
	require.NoError(t, err, "the other lead survives the compaction")
	assert.Equal(t, "Grace Hopper", l.Contact.FullName)
	mustAdd(t, s, newLead(ev, "Alan Turing", "NPL", "alan@npl.example")) // the swapped file takes writes
}

func TestEraseEncryptedStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leadcap.db")
	ring := KeyringKey{Keys: memKeys{}}
	s, err := Open(path, nil)
	require.NoError(t, err)
	require.NoError(t, s.Encrypt(ring))
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	ada := mustAdd(t, s, newLead(ev, "Ada Lovelace", "Analytical Engines", "ada@lovelace.example"))
	keep := mustAdd(t, s, newLead(ev, "Grace Hopper", "US Navy", "grace@navy.example"))
	rec := rawRecord(t, s, ada.ID)
	_, err = s.Erase(ada.ID, "clerk")
	require.NoError(t, err)
	assert.False(t, fileHolds(t, path, rec), "the sealed record is still in the file")
	require.NoError(t, s.Check())
	require.NoError(t, s.Close())

	s, err = Open(path, &Options{Key: ring})
	require.NoError(t, err)
	defer s.Close()
	_, err = s.Lead(keep.ID)
	require.NoError(t, err)
	_, err = s.Tombstone(ada.ID)
	require.NoError(t, err)
	assert.Equal(t, 2, pendingCount(t, s), "Grace and the erasure are owed to the CRM")
	require.NoError(t, s.Check())
}

// A deleted lead that was synced is removed from the CRM once: the outbox
// hands out one delete, and after it is confirmed nothing more.
func TestDeleteSyncedLeadQueuesOneRemoval(t *testing.T) {
	s, _ := openTest(t)
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	l := mustAdd(t, s, newLead(ev, "Ada Lovelace", "Analytical Engines", "ada@lovelace.example"))
	claimAndDone(t, s, l.ID)
	never := mustAdd(t, s, newLead(ev, "Grace Hopper", "US Navy", "grace@navy.example"))

	_, err := s.RemoveLead(l.ID, lead.OpDelete, "clerk")
	require.NoError(t, err)
	_, err = s.RemoveLead(never.ID, lead.OpDelete, "clerk")
	require.NoError(t, err)
	rows, err := s.List(Query{})
	require.NoError(t, err)
	assert.Empty(t, rows)
	st, err := s.StatsOf(Query{})
	require.NoError(t, err)
	assert.Zero(t, st.Leads)
	assert.Equal(t, 1, pendingCount(t, s), "only the synced lead is owed to the CRM")
	owed, err := s.RemovalOwed(l.ID)
	require.NoError(t, err)
	assert.True(t, owed)
	all, err := s.Stats()
	require.NoError(t, err)
	assert.Equal(t, 1, all.OutboxPending, "Stats counts the removal still owed")
	owed, err = s.RemovalOwed(never.ID)
	require.NoError(t, err)
	assert.False(t, owed)
	require.NoError(t, s.Check())

	later := time.Now().Add(time.Hour)
	es, err := s.ClaimDue(later, 10, time.Minute)
	require.NoError(t, err)
	require.Len(t, es, 1)
	e := es[0]
	assert.Equal(t, lead.OpDelete, e.Op)
	assert.Equal(t, l.ID, e.Lead.ID)
	assert.Equal(t, l.Version+1, e.Lead.Version)
	assert.Equal(t, "CRM-"+l.ID.String()[:8], e.RemoteID)
	assert.Empty(t, e.Lead.Contact.Emails, "a removal carries no personal data")

	require.NoError(t, s.MarkDone(l.ID, e.Lead.Version, ""))
	assert.Zero(t, pendingCount(t, s))
	es, err = s.ClaimDue(later.Add(time.Hour), 10, time.Minute)
	require.NoError(t, err)
	assert.Empty(t, es, "the removal is delivered once")
	tomb, err := s.Tombstone(l.ID)
	require.NoError(t, err)
	assert.False(t, tomb.Delivered.IsZero())

	_, err = s.RemoveLead(l.ID, lead.OpErase, "clerk")
	require.ErrorIs(t, err, ErrRemoved)
	_, err = s.PutLead(&l)
	require.ErrorIs(t, err, ErrRemoved, "an old export does not bring the lead back")
}

func TestRemovalRefusedByTheCRMIsADeadLetter(t *testing.T) {
	s, _ := openTest(t)
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	l := mustAdd(t, s, newLead(ev, "Ada Lovelace", "Analytical Engines", "ada@lovelace.example"))
	_, err := s.RemoveLead(l.ID, lead.OpErase, "clerk")
	require.NoError(t, err)
	es, err := s.ClaimDue(time.Now().Add(time.Hour), 10, time.Minute)
	require.NoError(t, err)
	require.Len(t, es, 1)
	require.NoError(t, s.MarkDead(l.ID, es[0].Lead.Version, "refused"))
	require.NoError(t, s.Check())
	dl, err := s.DeadLetters()
	require.NoError(t, err)
	require.Len(t, dl, 1)
	assert.Zero(t, pendingCount(t, s))
	require.NoError(t, s.RetryDead(l.ID))
	assert.Equal(t, 1, pendingCount(t, s))
	require.NoError(t, s.Check())
}

func TestMergeLeadsOfTwoDevices(t *testing.T) {
	s, _ := openTest(t)
	ev := lead.Event{ID: lead.NewID(), Name: "Hannover Messe", Country: "DE"}
	t0 := time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC)
	mk := func(name, email string, at time.Time, note string) lead.Lead {
		l := lead.New(ev.ID, lead.MethodQRScan, at)
		l.Contact = lead.Contact{FullName: name, Emails: []string{email}}
		l.Notes = []lead.Note{{ID: lead.NewID(), At: at, Text: note}}
		l.Version = 1
		return *l
	}
	devA := []lead.Lead{mk("Ada Lovelace", "ada@lovelace.example", t0.Add(time.Hour), "A: wants a demo"),
		mk("Grace Hopper", "grace@navy.example", t0, "A: compilers")}
	devB := []lead.Lead{mk("Ada Lovelace", "ADA@lovelace.example", t0, "B: budget in Q3"),
		mk("Alan Turing", "alan@npl.example", t0, "B: met at the bar")}
	devB[0].Qualification = lead.Qualification{Fit: lead.Yes, Budget: lead.Yes, Authority: lead.Yes, Interest: lead.Yes}

	res, err := s.MergeLeads(devA, ev)
	require.NoError(t, err)
	claimAndDone(t, s, devA[0].ID)
	res2, err := s.MergeLeads(devB, ev)
	require.NoError(t, err)
	assert.Equal(t, []PutOutcome{PutCreated, PutCreated}, []PutOutcome{res[0].Outcome, res[1].Outcome})
	require.NoError(t, res2[0].Err)
	assert.Equal(t, PutMerged, res2[0].Outcome)
	assert.Equal(t, devA[0].ID, res2[0].ID)
	assert.Equal(t, PutCreated, res2[1].Outcome)

	ada, err := s.Lead(devA[0].ID)
	require.NoError(t, err)
	assert.Len(t, ada.Notes, 2)
	assert.Equal(t, lead.StageProspect, ada.Stage())
	assert.True(t, ada.CapturedAt.Equal(t0), "the earlier capture time")
	assert.Equal(t, []uuid.UUID{devB[0].ID}, ada.Aliases)
	rows, err := s.List(Query{})
	require.NoError(t, err)
	assert.Len(t, rows, 3)

	es, err := s.ClaimDue(time.Now().Add(time.Hour), 10, time.Minute)
	require.NoError(t, err)
	for _, e := range es {
		if e.Lead.ID == ada.ID {
			assert.Equal(t, []uuid.UUID{devB[0].ID}, e.Lead.Aliases, "the connector is told the alias")
			assert.NotEmpty(t, e.RemoteID)
		}
	}

	for _, again := range [][]lead.Lead{devA, devB} {
		res, err := s.MergeLeads(again, ev)
		require.NoError(t, err)
		for _, r := range res {
			assert.Equal(t, PutUnchanged, r.Outcome, "%s", r.ID)
		}
	}
	// Even after the person's email changed, the alias finds the lead.
	changed := devB[0]
	changed.Contact.Emails = []string{"ada@new.example"}
	changed.Version = 2
	res, err = s.MergeLeads([]lead.Lead{changed}, ev)
	require.NoError(t, err)
	assert.Equal(t, PutMerged, res[0].Outcome)
	assert.Equal(t, ada.ID, res[0].ID)
}

// Another device's erasure of a lead merged here under an alias erases the
// lead it was merged into; its deletion of a lead not here keeps it out.
func TestApplyTombstone(t *testing.T) {
	s, _ := openTest(t)
	ev := lead.Event{ID: lead.NewID(), Name: "Hannover Messe", Country: "DE"}
	mk := func(email string) lead.Lead {
		l := lead.New(ev.ID, lead.MethodQRScan, time.Now())
		l.Contact = lead.Contact{FullName: "Ada Lovelace", Emails: []string{email}}
		return *l
	}
	here, there, other := mk("ada@lovelace.example"), mk("ada@lovelace.example"), mk("grace@navy.example")
	_, err := s.MergeLeads([]lead.Lead{here, there}, ev)
	require.NoError(t, err)

	removed, err := s.ApplyTombstone(lead.Tombstone{ID: there.ID, EventID: ev.ID, Op: lead.OpErase, By: "clerk", Version: 2})
	require.NoError(t, err)
	assert.True(t, removed)
	_, err = s.Lead(here.ID)
	require.ErrorIs(t, err, ErrNotFound, "the lead the alias was merged into is erased")
	for _, id := range []uuid.UUID{here.ID, there.ID} {
		_, err := s.Tombstone(id)
		require.NoError(t, err)
	}
	removed, err = s.ApplyTombstone(lead.Tombstone{ID: there.ID, EventID: ev.ID, Op: lead.OpErase})
	require.NoError(t, err)
	assert.False(t, removed, "a second time changes nothing")

	removed, err = s.ApplyTombstone(lead.Tombstone{ID: other.ID, EventID: ev.ID, Op: lead.OpDelete})
	require.NoError(t, err)
	assert.False(t, removed)
	res, err := s.MergeLeads([]lead.Lead{other}, ev)
	require.NoError(t, err)
	require.ErrorIs(t, res[0].Err, ErrRemoved, "a lead deleted elsewhere is not imported")
	assert.Equal(t, 1, pendingCount(t, s), "the erasure is owed to the CRM")
}

func TestEraseRemovesThePersonFromTheAttendeeList(t *testing.T) {
	s, _ := openTest(t)
	ev := mustEvent(t, s, "it-sa", "DE")
	list := []lead.Attendee{
		{BadgeID: "B-7", GivenName: "Grace", FamilyName: "Hopper", Email: "grace@navy.example", Organization: "US Navy"},
		{BadgeID: "B-8", GivenName: "Ada", FamilyName: "Zerasedlace", Email: "ada.attendee@erase.example", Organization: "Erasable Engines", Phone: "+49 30 1234567"},
		{BadgeID: "B-9", GivenName: "Edsger", FamilyName: "Dijkstra", Email: "ewd@tue.example"},
		{BadgeID: "B-10", GivenName: "Barbara", FamilyName: "Liskovtwo", Email: "barbara.bymail@erase.example"},
	}
	require.NoError(t, s.PutAttendees(ev.ID, list))

	// A badge scan filled from the list, as workflow's scan does.
	ada := &lead.Lead{EventID: ev.ID, BadgeID: "B-8", Source: lead.Source{Method: lead.MethodBadgeScan}}
	mustAdd(t, s, ada)
	a, found, err := s.FindAttendee(ev.ID, "B-8")
	require.NoError(t, err)
	require.True(t, found)
	_, err = s.UpdateLead(ada.ID, func(l *lead.Lead) error { l.FillContact(a); return nil })
	require.NoError(t, err)
	// A lead typed by hand, without a badge ID: matched by its email.
	barbara := mustAdd(t, s, newLead(ev, "Barbara Liskovtwo", "MIT", "Barbara.ByMail@Erase.example"))
	secrets := []string{"Zerasedlace", "ada.attendee@erase.example", "Erasable Engines", "Liskovtwo", "barbara.bymail@"}
	require.NotEmpty(t, plainInDir(t, filepath.Dir(s.Path()), secrets), "before: the attendee list holds the names (the search can find them)")

	tomb, err := s.Erase(ada.ID, "clerk")
	require.NoError(t, err)
	assert.Equal(t, 1, tomb.AttendeesRemoved)
	got, err := s.Tombstone(ada.ID)
	require.NoError(t, err)
	assert.Equal(t, 1, got.AttendeesRemoved, "the tombstone records the removed attendee entry")
	_, found, err = s.FindAttendee(ev.ID, "B-8")
	require.NoError(t, err)
	assert.False(t, found, "a later scan of the badge is not filled again")

	tomb, err = s.Erase(barbara.ID, "clerk")
	require.NoError(t, err)
	assert.Equal(t, 1, tomb.AttendeesRemoved)
	_, found, err = s.FindAttendee(ev.ID, "B-10")
	require.NoError(t, err)
	assert.False(t, found)

	left, err := s.Attendees(ev.ID)
	require.NoError(t, err)
	assert.Equal(t, []lead.Attendee{list[0], list[2]}, left, "the others stay on the list")
	for _, b := range []string{"B-7", "B-9"} {
		_, found, err = s.FindAttendee(ev.ID, b)
		require.NoError(t, err)
		assert.True(t, found, b)
	}
	require.NoError(t, s.Check(), "list and badge index agree")
	assert.Empty(t, plainInDir(t, filepath.Dir(s.Path()), secrets), "the erased people's data is still in the file")
}

func TestDeleteKeepsTheAttendeeList(t *testing.T) {
	s, _ := openTest(t)
	ev := mustEvent(t, s, "it-sa", "DE")
	require.NoError(t, s.PutAttendees(ev.ID, []lead.Attendee{{BadgeID: "B-8", GivenName: "Ada", Email: "ada@example.com"}}))
	l := &lead.Lead{EventID: ev.ID, BadgeID: "B-8", Source: lead.Source{Method: lead.MethodBadgeScan}}
	mustAdd(t, s, l)
	tomb, err := s.RemoveLead(l.ID, lead.OpDelete, "clerk")
	require.NoError(t, err)
	assert.Zero(t, tomb.AttendeesRemoved)
	_, found, err := s.FindAttendee(ev.ID, "B-8")
	require.NoError(t, err)
	assert.True(t, found, "a mistaken scan is deleted; the person stays on the organiser's list")
}

func TestEraseRemovesTheAttendeeInAnEncryptedStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leadcap.db")
	ring := KeyringKey{Keys: memKeys{}}
	s, err := Open(path, nil)
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Encrypt(ring))
	ev := mustEvent(t, s, "it-sa", "DE")
	list := []lead.Attendee{{BadgeID: "B-1", GivenName: "Ada", Email: "ada@example.com"}, {BadgeID: "B-2", GivenName: "Grace", Email: "grace@example.com"}}
	require.NoError(t, s.PutAttendees(ev.ID, list))
	scan := func(badge string) lead.Lead {
		l := &lead.Lead{EventID: ev.ID, BadgeID: badge, Source: lead.Source{Method: lead.MethodBadgeScan}}
		return mustAdd(t, s, l)
	}
	stranger := scan("B-404")
	tomb, err := s.Erase(stranger.ID, "clerk")
	require.NoError(t, err)
	assert.Zero(t, tomb.AttendeesRemoved, "a badge not on the list removes nobody")

	ada := scan("B-1")
	tomb, err = s.Erase(ada.ID, "clerk")
	require.NoError(t, err)
	assert.Equal(t, 1, tomb.AttendeesRemoved)
	left, err := s.Attendees(ev.ID)
	require.NoError(t, err)
	assert.Equal(t, list[1:], left)
	_, found, err := s.FindAttendee(ev.ID, "B-1")
	require.NoError(t, err)
	assert.False(t, found)
	require.NoError(t, s.Check())
}

// Another device's erasure (from its bundle) of a lead this store has
// takes the person off this store's list as well.
func TestApplyTombstoneRemovesTheAttendee(t *testing.T) {
	s, _ := openTest(t)
	ev := mustEvent(t, s, "it-sa", "DE")
	a := lead.Attendee{BadgeID: "B-8", GivenName: "Ada", Email: "ada@example.com"}
	require.NoError(t, s.PutAttendees(ev.ID, []lead.Attendee{a}))
	l := &lead.Lead{EventID: ev.ID, BadgeID: "B-8", Source: lead.Source{Method: lead.MethodBadgeScan}}
	mustAdd(t, s, l)
	removed, err := s.ApplyTombstone(lead.Tombstone{ID: l.ID, EventID: ev.ID, Op: lead.OpErase, At: time.Now(), By: "other device", Version: 9})
	require.NoError(t, err)
	assert.True(t, removed)
	_, found, err := s.FindAttendee(ev.ID, "B-8")
	require.NoError(t, err)
	assert.False(t, found)
	list, err := s.Attendees(ev.ID)
	require.NoError(t, err)
	assert.Empty(t, list)
	require.NoError(t, s.Check())
}

// An erasure takes the person off every event's attendee list, not only
// the lead's own: on the other events matched by email (a badge ID means
// something only at its own fair), so the organiser's copies of the
// person at other fairs go too; everyone else stays.
func TestEraseRemovesThePersonFromEveryEventsList(t *testing.T) {
	s, _ := openTest(t)
	itsa := mustEvent(t, s, "it-sa", "DE")
	sps := mustEvent(t, s, "SPS", "DE")
	expo := mustEvent(t, s, "Expo", "DE")
	require.NoError(t, s.PutAttendees(itsa.ID, []lead.Attendee{
		{BadgeID: "B-8", GivenName: "Ada", FamilyName: "Zerasedlace", Email: "ada.attendee@erase.example"},
		{BadgeID: "B-9", GivenName: "Edsger", Email: "ewd@tue.example"},
	}))
	spsList := []lead.Attendee{
		{BadgeID: "S-1", GivenName: "Grace", Email: "grace@navy.example"},
		{BadgeID: "S-2", GivenName: "Ada", FamilyName: "Zerasedlace", Email: "Ada.Attendee@Erase.example", Organization: "Erasable Engines"},
		{BadgeID: "B-8", GivenName: "Someone", FamilyName: "Else", Email: "else@example.com"}, // the same badge ID at another fair is someone else
	}
	require.NoError(t, s.PutAttendees(sps.ID, spsList))
	require.NoError(t, s.PutAttendees(expo.ID, []lead.Attendee{{BadgeID: "E-1", FamilyName: "Zerasedlace", Email: "ada.attendee@erase.example"}}))

	ada := &lead.Lead{EventID: itsa.ID, BadgeID: "B-8", Source: lead.Source{Method: lead.MethodBadgeScan}}
	mustAdd(t, s, ada)
	a, _, err := s.FindAttendee(itsa.ID, "B-8")
	require.NoError(t, err)
	_, err = s.UpdateLead(ada.ID, func(l *lead.Lead) error { l.FillContact(a); return nil })
	require.NoError(t, err)
	secrets := []string{"Zerasedlace", "ada.attendee@erase.example", "Erasable Engines"}
	require.NotEmpty(t, plainInDir(t, filepath.Dir(s.Path()), secrets))

	tomb, err := s.Erase(ada.ID, "clerk")
	require.NoError(t, err)
	assert.Equal(t, 3, tomb.AttendeesRemoved, "its own list, SPS's and Expo's")
	left, err := s.Attendees(sps.ID)
	require.NoError(t, err)
	assert.Equal(t, []lead.Attendee{spsList[0], spsList[2]}, left, "the others stay on SPS's list")
	left, err = s.Attendees(expo.ID)
	require.NoError(t, err)
	assert.Empty(t, left, "Expo's list had only her")
	_, found, err := s.FindAttendee(sps.ID, "S-2")
	require.NoError(t, err)
	assert.False(t, found, "SPS's badge index forgot her too")
	_, found, err = s.FindAttendee(sps.ID, "B-8")
	require.NoError(t, err)
	assert.True(t, found, "the same badge ID at another fair is kept")
	_, found, err = s.FindAttendee(itsa.ID, "B-9")
	require.NoError(t, err)
	assert.True(t, found)
	require.NoError(t, s.Check(), "lists and badge index agree")
	assert.Empty(t, plainInDir(t, filepath.Dir(s.Path()), secrets), "the person's data is still in the file")
}
