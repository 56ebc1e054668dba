package storage

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
)

func claimIDs(t *testing.T, s *Store, at time.Time) []uuid.UUID {
	t.Helper()
	es, err := s.ClaimDue(at, 10, time.Minute)
	require.NoError(t, err)
	var ids []uuid.UUID
	for _, e := range es {
		ids = append(ids, e.Lead.ID)
	}
	return ids
}

func TestHoldSyncKeepsANewLeadFromTheRelayUntilReleased(t *testing.T) {
	s, _ := openTest(t)
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	l := newLead(ev, "Ada Lovelace", "Analytical Engines", "ada@example.com")
	l.ID = uuid.Must(uuid.NewV7())
	require.NoError(t, s.HoldSync(l.ID), "a hold may come before the lead")
	mustAdd(t, s, l)
	_, err := s.UpdateLead(l.ID, func(l *lead.Lead) error { l.Contact.Title = "Countess"; return nil })
	require.NoError(t, err)

	far := time.Now().AddDate(100, 0, 0)
	assert.Empty(t, claimIDs(t, s, far), "a held lead is not sent, however late, even after an edit")
	assert.Equal(t, 1, pendingCount(t, s), "but it waits in the outbox")
	held, err := s.Held(l.ID)
	require.NoError(t, err)
	assert.True(t, held)

	require.NoError(t, s.ReleaseSync(l.ID))
	assert.Equal(t, []uuid.UUID{l.ID}, claimIDs(t, s, far))
	held, err = s.Held(l.ID)
	require.NoError(t, err)
	assert.False(t, held)
	require.NoError(t, s.ReleaseSync(l.ID), "releasing twice does nothing")
}

func TestHoldSyncOfAnExistingLeadAndRelease(t *testing.T) {
	s, c := openTest(t)
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	l := mustAdd(t, s, newLead(ev, "Ada Lovelace", "Analytical Engines", "ada@example.com"))
	require.NoError(t, s.HoldSync(l.ID))
	assert.Empty(t, claimIDs(t, s, c.Now().Add(time.Hour)))
	require.NoError(t, s.ReleaseSync(l.ID))
	assert.Equal(t, []uuid.UUID{l.ID}, claimIDs(t, s, c.Now().Add(time.Hour)))
}

// A process that dies while a review holds a lead loses nothing: the next
// Open releases the hold and the lead is sent.
func TestOpenReleasesHoldsOfAnEarlierProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leadcap.db")
	c := newClock()
	s, err := Open(path, &Options{Now: c.Now})
	require.NoError(t, err)
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	l := newLead(ev, "Ada Lovelace", "Analytical Engines", "ada@example.com")
	l.ID = uuid.Must(uuid.NewV7())
	require.NoError(t, s.HoldSync(l.ID))
	mustAdd(t, s, l)
	require.NoError(t, s.Close())

	s, err = Open(path, &Options{Now: c.Now})
	require.NoError(t, err)
	defer s.Close()
	held, err := s.Held(l.ID)
	require.NoError(t, err)
	assert.False(t, held)
	assert.Equal(t, []uuid.UUID{l.ID}, claimIDs(t, s, c.Now().Add(time.Hour)))
	require.NoError(t, s.Check())
}
