package storage

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"leadcap/lead"
)

func TestOneOutboxEntryPerLead(t *testing.T) {
	s, c := openTest(t)
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	l := mustAdd(t, s, newLead(ev, "Ada Lovelace", "", "ada@example.com"))
	for _, r := range []lead.Rating{lead.RatingWarm, lead.RatingHot} {
		_, err := s.UpdateLead(l.ID, func(x *lead.Lead) error { x.Rating = r; return nil })
		require.NoError(t, err)
	}
	assert.Equal(t, 1, pendingCount(t, s))

	es, err := s.ClaimDue(c.Now(), 10, time.Minute)
	require.NoError(t, err)
	require.Len(t, es, 1)
	assert.Equal(t, int64(3), es[0].Lead.Version, "the entry carries the latest version")
	assert.Equal(t, lead.RatingHot, es[0].Lead.Rating)
	assert.Equal(t, ev.ID, es[0].Event.ID)
	assert.Equal(t, "Hannover Messe", es[0].Event.Name)
}

func TestClaimDueLease(t *testing.T) {
	s, c := openTest(t)
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	var ids []uuid.UUID
	for _, e := range []string{"a@example.com", "b@example.com", "c@example.com"} {
		ids = append(ids, mustAdd(t, s, newLead(ev, "", "", e)).ID)
	}
	now := c.Now()

	none, err := s.ClaimDue(now.Add(-time.Hour), 10, time.Minute)
	require.NoError(t, err)
	assert.Empty(t, none, "nothing is due before it was queued")

	first, err := s.ClaimDue(now, 2, time.Minute)
	require.NoError(t, err)
	require.Len(t, first, 2)
	assert.Equal(t, ids[:2], []uuid.UUID{first[0].Lead.ID, first[1].Lead.ID}, "FIFO")
	assert.Equal(t, now.Add(time.Minute), first[0].NextAttempt)

	second, err := s.ClaimDue(now, 10, 2*time.Minute)
	require.NoError(t, err)
	require.Len(t, second, 1, "a second claimer skips leased entries")
	assert.Equal(t, ids[2], second[0].Lead.ID)

	// The first claimer crashed: its lease runs out and the entries are due
	// again, in their order.
	again, err := s.ClaimDue(now.Add(time.Minute), 10, time.Minute)
	require.NoError(t, err)
	require.Len(t, again, 2)
	assert.Equal(t, ids[:2], []uuid.UUID{again[0].Lead.ID, again[1].Lead.ID})

	assert.Equal(t, 3, pendingCount(t, s), "claiming removes nothing")
	es, err := s.ClaimDue(now, 0, time.Minute)
	require.NoError(t, err)
	assert.Empty(t, es)
}

func TestMarkDoneKeepsNewerChange(t *testing.T) {
	s, c := openTest(t)
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	l := mustAdd(t, s, newLead(ev, "Ada Lovelace", "", "ada@example.com"))

	es, err := s.ClaimDue(c.Now(), 10, time.Hour)
	require.NoError(t, err)
	require.Len(t, es, 1)
	assert.Empty(t, es[0].RemoteID)

	// Staff edits the lead while the push is under way.
	_, err = s.UpdateLead(l.ID, func(x *lead.Lead) error { x.Rating = lead.RatingHot; return nil })
	require.NoError(t, err)

	require.NoError(t, s.MarkDone(l.ID, 1, "opp-42"))
	assert.Equal(t, 1, pendingCount(t, s), "version 2 stays pending")
	si, err := s.SyncInfo(l.ID)
	require.NoError(t, err)
	assert.Equal(t, SyncPending, si.Status)
	assert.Equal(t, int64(1), si.SyncedVersion)
	assert.Equal(t, "opp-42", si.RemoteID)
	assert.False(t, si.SyncedAt.IsZero())

	es, err = s.ClaimDue(c.Now(), 10, time.Hour)
	require.NoError(t, err)
	require.Len(t, es, 1, "the newer change is due at once despite the old lease")
	assert.Equal(t, int64(2), es[0].Lead.Version)
	assert.Equal(t, "opp-42", es[0].RemoteID, "the CRM record to update")

	require.NoError(t, s.MarkDone(l.ID, 2, ""))
	assert.Zero(t, pendingCount(t, s))
	si, err = s.SyncInfo(l.ID)
	require.NoError(t, err)
	assert.Equal(t, SyncSynced, si.Status)
	assert.Equal(t, int64(2), si.SyncedVersion)
	assert.Equal(t, "opp-42", si.RemoteID, "an empty remote ID keeps the known one")
	list, err := s.List(Query{Sync: SyncSynced})
	require.NoError(t, err)
	require.Len(t, list, 1, "the summary follows the sync state")

	// Done twice (a replay) is harmless.
	require.NoError(t, s.MarkDone(l.ID, 2, ""))
	require.ErrorIs(t, s.MarkDone(uuid.New(), 1, ""), ErrNotFound)

	// The next change queues the lead again.
	_, err = s.UpdateLead(l.ID, func(x *lead.Lead) error { x.Rating = lead.RatingCold; return nil })
	require.NoError(t, err)
	assert.Equal(t, 1, pendingCount(t, s))
}

func TestMarkFailedDeadRetry(t *testing.T) {
	s, c := openTest(t)
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	a := mustAdd(t, s, newLead(ev, "", "", "a@example.com"))
	b := mustAdd(t, s, newLead(ev, "", "", "b@example.com"))
	now := c.Now()
	_, err := s.ClaimDue(now, 10, time.Minute)
	require.NoError(t, err)

	next := now.Add(10 * time.Minute)
	require.NoError(t, s.MarkFailed(a.ID, 1, "HTTP 503", next))
	require.NoError(t, s.MarkFailed(a.ID, 1, "HTTP 503", next))
	si, err := s.SyncInfo(a.ID)
	require.NoError(t, err)
	assert.Equal(t, SyncFailed, si.Status)
	assert.Equal(t, 2, si.Attempts)
	assert.Equal(t, "HTTP 503", si.LastError)
	assert.True(t, next.Equal(si.NextAttempt))

	es, err := s.ClaimDue(next.Add(-time.Second), 10, time.Hour)
	require.NoError(t, err)
	require.Len(t, es, 1, "b's lease expired; a is not due before its back-off ends")
	assert.Equal(t, b.ID, es[0].Lead.ID)
	es, err = s.ClaimDue(next, 10, time.Minute)
	require.NoError(t, err)
	require.Len(t, es, 1)
	assert.Equal(t, a.ID, es[0].Lead.ID)
	assert.Equal(t, 2, es[0].Attempts)
	assert.Equal(t, "HTTP 503", es[0].LastError)

	require.NoError(t, s.MarkDead(a.ID, 1, "Email is invalid for the CRM"))
	dl, err := s.DeadLetters()
	require.NoError(t, err)
	require.Len(t, dl, 1)
	assert.Equal(t, a.ID, dl[0].LeadID)
	assert.Equal(t, int64(1), dl[0].Version)
	assert.Equal(t, "Email is invalid for the CRM", dl[0].Reason)
	assert.Equal(t, 3, dl[0].Attempts)
	si, err = s.SyncInfo(a.ID)
	require.NoError(t, err)
	assert.Equal(t, SyncDead, si.Status)
	list, err := s.List(Query{Sync: SyncDead})
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, a.ID, list[0].ID)
	st, err := s.Stats()
	require.NoError(t, err)
	assert.Equal(t, 1, st.Dead)
	assert.Equal(t, 1, st.OutboxPending)

	require.NoError(t, s.RetryDead(a.ID))
	require.ErrorIs(t, s.RetryDead(a.ID), ErrNotFound)
	si, err = s.SyncInfo(a.ID)
	require.NoError(t, err)
	assert.Equal(t, SyncPending, si.Status)
	assert.Zero(t, si.Attempts)

	// Both dead, then all back.
	require.NoError(t, s.MarkDead(a.ID, 1, "no"))
	require.NoError(t, s.MarkDead(b.ID, 1, "no"))
	n, err := s.RetryAllDead()
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	assert.Equal(t, 2, pendingCount(t, s))
	dl, err = s.DeadLetters()
	require.NoError(t, err)
	assert.Empty(t, dl)

	// A dead letter is dropped when staff edits the lead: the fix gets a
	// fresh try.
	require.NoError(t, s.MarkDead(b.ID, 1, "no"))
	_, err = s.UpdateLead(b.ID, func(x *lead.Lead) error { x.Contact.Organization = "Fixed Ltd"; return nil })
	require.NoError(t, err)
	si, err = s.SyncInfo(b.ID)
	require.NoError(t, err)
	assert.Equal(t, SyncPending, si.Status)
}

func TestMarkDeadStaleVersionStaysPending(t *testing.T) {
	s, c := openTest(t)
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	l := mustAdd(t, s, newLead(ev, "", "", "a@example.com"))
	_, err := s.ClaimDue(c.Now(), 10, time.Hour)
	require.NoError(t, err)
	_, err = s.UpdateLead(l.ID, func(x *lead.Lead) error { x.Contact.FullName = "Ada"; return nil })
	require.NoError(t, err)

	require.NoError(t, s.MarkDead(l.ID, 1, "name missing"))
	dl, err := s.DeadLetters()
	require.NoError(t, err)
	assert.Empty(t, dl, "version 2 may fix what the CRM rejected")
	si, err := s.SyncInfo(l.ID)
	require.NoError(t, err)
	assert.Equal(t, SyncFailed, si.Status)
	assert.Equal(t, "name missing", si.LastError)
	es, err := s.ClaimDue(c.Now(), 10, time.Hour)
	require.NoError(t, err)
	require.Len(t, es, 1)
	assert.Equal(t, int64(2), es[0].Lead.Version)

	// Marking a lead without a pending entry is a no-op.
	require.NoError(t, s.MarkDone(l.ID, 2, "r1"))
	require.NoError(t, s.MarkFailed(l.ID, 2, "late", c.Now()))
	require.NoError(t, s.MarkDead(l.ID, 2, "late"))
	si, err = s.SyncInfo(l.ID)
	require.NoError(t, err)
	assert.Equal(t, SyncSynced, si.Status)
}

// A lead whose record cannot be read goes to the dead letters instead of
// blocking every other delivery.
func TestClaimDueSkipsDamagedLead(t *testing.T) {
	s, c := openTest(t)
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	a := mustAdd(t, s, newLead(ev, "", "", "a@example.com"))
	b := mustAdd(t, s, newLead(ev, "", "", "b@example.com"))
	var good []byte
	require.NoError(t, s.db.Update(func(tx *bolt.Tx) error {
		good = bytes.Clone(tx.Bucket(bLeads).Get(a.ID[:]))
		return tx.Bucket(bLeads).Put(a.ID[:], []byte("{garbage"))
	}))
	// List, Count and Stats read summaries only, never the leads.
	rows, err := s.List(Query{Text: "example.com"})
	require.NoError(t, err)
	assert.Len(t, rows, 2)
	n, err := s.Count(Query{EventID: ev.ID, Sync: SyncPending})
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	st, err := s.Stats()
	require.NoError(t, err)
	assert.Equal(t, 2, st.Leads)

	es, err := s.ClaimDue(c.Now(), 10, time.Minute)
	require.NoError(t, err)
	require.Len(t, es, 1)
	assert.Equal(t, b.ID, es[0].Lead.ID)
	dl, err := s.DeadLetters()
	require.NoError(t, err)
	require.Len(t, dl, 1)
	assert.Equal(t, a.ID, dl[0].LeadID)
	assert.Contains(t, dl[0].Reason, "damaged")

	// Repaired (say, by hand from a backup), it can be retried.
	require.NoError(t, s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bLeads).Put(a.ID[:], good) }))
	require.NoError(t, s.RebuildIndexes())
	require.NoError(t, s.RetryDead(a.ID))
	es, err = s.ClaimDue(c.Now(), 10, time.Minute)
	require.NoError(t, err)
	require.Len(t, es, 1)
	assert.Equal(t, a.ID, es[0].Lead.ID)
}

// A relay killed after claiming must not hold its batch back for the whole
// lease: the next Open hands the claimed entries out again at once, while
// entries in back-off keep their schedule.
func TestOpenReleasesStaleLeases(t *testing.T) {
	c := newClock()
	path := filepath.Join(t.TempDir(), "leadcap.db")
	s, err := Open(path, &Options{Now: c.Now})
	require.NoError(t, err)
	ev := mustEvent(t, s, "Fair", "DE")
	a := mustAdd(t, s, newLead(ev, "A", "Org", "a@example.com"))
	b := mustAdd(t, s, newLead(ev, "B", "Org", "b@example.com"))
	failing := mustAdd(t, s, newLead(ev, "C", "Org", "c@example.com"))

	claimed, err := s.ClaimDue(c.Now(), 10, time.Hour)
	require.NoError(t, err)
	require.Len(t, claimed, 3)
	retryAt := c.Now().Add(30 * time.Minute)
	require.NoError(t, s.MarkFailed(failing.ID, failing.Version, "CRM answered 503", retryAt))
	again, err := s.ClaimDue(c.Now(), 10, time.Hour)
	require.NoError(t, err)
	assert.Empty(t, again, "a live lease keeps a second claimer away")
	require.NoError(t, s.Close()) // the relay dies here, without marking a or b

	s, err = Open(path, &Options{Now: c.Now})
	require.NoError(t, err)
	defer func() { assert.NoError(t, s.Check()); _ = s.Close() }()
	again, err = s.ClaimDue(c.Now(), 10, time.Hour)
	require.NoError(t, err)
	var ids []string
	for _, e := range again {
		ids = append(ids, e.Lead.ID.String())
	}
	assert.ElementsMatch(t, []string{a.ID.String(), b.ID.String()}, ids, "claimed entries are due at once after reopening; the failed one keeps its back-off")

	// Marked entries leave no lease behind: a further reopen releases nothing.
	for _, e := range again {
		require.NoError(t, s.MarkDone(e.Lead.ID, e.Lead.Version, "remote-"+e.Lead.ID.String()[:8]))
	}
	require.NoError(t, s.Close())
	s, err = Open(path, &Options{Now: c.Now})
	require.NoError(t, err)
	assert.Equal(t, 1, pendingCount(t, s), "only the failed entry is still pending")
	due, err := s.ClaimDue(c.Now(), 10, time.Hour)
	require.NoError(t, err)
	assert.Empty(t, due, "the failed entry is not due before its retry time")
}

// Resend queues delivered leads again as they stand; a badge scan still
// waiting for its contact and an ID the store does not hold are left alone.
func TestResendQueuesLeadsAgainAsTheyStand(t *testing.T) {
	s, _ := openTest(t)
	ev := mustEvent(t, s, "it-sa", "DE")
	sent := newLead(ev, "Erika Mustermann", "ACME", "erika@example.com")
	mustAdd(t, s, sent)
	require.NoError(t, s.MarkDone(sent.ID, sent.Version, "remote-1"))
	waiting := &lead.Lead{EventID: ev.ID, BadgeID: "A-1001", Source: lead.Source{Method: lead.MethodBadgeScan}}
	mustAdd(t, s, waiting)
	require.Zero(t, pendingCount(t, s))

	n, err := s.Resend([]uuid.UUID{sent.ID, waiting.ID, uuid.New()})
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, 1, pendingCount(t, s))
	info, err := s.SyncInfo(sent.ID)
	require.NoError(t, err)
	assert.Equal(t, SyncPending, info.Status)
	got, err := s.Lead(sent.ID)
	require.NoError(t, err)
	assert.Equal(t, sent.Version, got.Version, "no new version")
	info, err = s.SyncInfo(waiting.ID)
	require.NoError(t, err)
	assert.Equal(t, SyncWaiting, info.Status)
	entries := claimIDs(t, s, time.Now().AddDate(1, 0, 0))
	assert.Equal(t, []uuid.UUID{sent.ID}, entries)
	require.NoError(t, s.Check())
}
