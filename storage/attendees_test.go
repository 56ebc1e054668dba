package storage

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
)

func TestABadgeWithOnlyItsIDWaitsForItsContactOutsideTheOutbox(t *testing.T) {
	s, _ := openTest(t)
	ev := mustEvent(t, s, "it-sa", "DE")
	l := &lead.Lead{EventID: ev.ID, BadgeID: "A-1001", Source: lead.Source{Method: lead.MethodBadgeScan}}
	mustAdd(t, s, l)

	assert.Zero(t, pendingCount(t, s), "nothing to send before the contact is known")
	assert.Empty(t, claimIDs(t, s, time.Now().AddDate(1, 0, 0)))
	info, err := s.SyncInfo(l.ID)
	require.NoError(t, err)
	assert.Equal(t, SyncWaiting, info.Status)
	waiting, err := s.Count(Query{EventID: ev.ID, Sync: SyncWaiting})
	require.NoError(t, err)
	assert.Equal(t, 1, waiting)

	_, err = s.UpdateLead(l.ID, func(l *lead.Lead) error {
		l.FillContact(lead.Attendee{BadgeID: "A-1001", GivenName: "Grace", FamilyName: "Hopper", Email: "grace@example.com"})
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, []string{l.ID.String()}, idStrings(claimIDs(t, s, time.Now().AddDate(1, 0, 0))), "filled, it goes to the CRM")

	_, err = s.UpdateLead(l.ID, func(l *lead.Lead) error { l.Contact = lead.Contact{}; return nil })
	require.ErrorIs(t, err, lead.ErrUnreachable, "a queued lead cannot lose its last way to reach the person")
}

func TestAttendeeListsPerEventSealedWhenEncrypted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leadcap.db")
	s, err := Open(path, &Options{Key: Passphrase("correct horse battery staple")})
	require.NoError(t, err)
	require.NoError(t, s.Encrypt(Passphrase("correct horse battery staple")))
	a := mustEvent(t, s, "it-sa", "DE")
	b := mustEvent(t, s, "CeBIT", "DE")
	list := []lead.Attendee{{BadgeID: "A-1", GivenName: "Grace", Email: "grace.unique@example.com"}, {BadgeID: "A-2", FamilyName: "Lovelace"}}
	require.NoError(t, s.PutAttendees(a.ID, list))

	got, found, err := s.FindAttendee(a.ID, "A-1")
	require.NoError(t, err)
	assert.True(t, found)
	assert.Equal(t, list[0], got)
	_, found, err = s.FindAttendee(b.ID, "A-1")
	require.NoError(t, err)
	assert.False(t, found, "the list belongs to its event")

	require.NoError(t, s.PutAttendees(a.ID, list[1:]))
	_, found, err = s.FindAttendee(a.ID, "A-1")
	require.NoError(t, err)
	assert.False(t, found, "a new list replaces the old one")
	require.NoError(t, s.Check())
	require.NoError(t, s.Close())

	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.False(t, bytes.Contains(raw, []byte("Lovelace")), "no attendee name in the encrypted file")
}

func idStrings[T interface{ String() string }](ids []T) []string {
	var out []string
	for _, id := range ids {
		out = append(out, id.String())
	}
	return out
}
