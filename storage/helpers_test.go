package storage

import (
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
)

// clock is a fake clock that moves one second per reading.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

func openTest(t *testing.T) (*Store, *clock) {
	t.Helper()
	c := newClock()
	s, err := Open(filepath.Join(t.TempDir(), "leadcap.db"), &Options{Now: c.Now})
	require.NoError(t, err)
	t.Cleanup(func() {
		assert.NoError(t, s.Check(), "invariants hold at the end of the test")
		_ = s.Close()
	})
	return s, c
}

func mustEvent(t *testing.T, s *Store, name, country string) lead.Event {
	t.Helper()
	ev := lead.Event{Name: name, Country: country}
	require.NoError(t, s.CreateEvent(&ev))
	return ev
}

func newLead(ev lead.Event, name, org string, emails ...string) *lead.Lead {
	return &lead.Lead{EventID: ev.ID, Contact: lead.Contact{FullName: name, Organization: org, Emails: emails}}
}

func pendingCount(t *testing.T, s *Store) int {
	t.Helper()
	n, err := s.PendingCount()
	require.NoError(t, err)
	return n
}

func mustAdd(t *testing.T, s *Store, l *lead.Lead) lead.Lead {
	t.Helper()
	require.NoError(t, s.AddLead(l))
	return *l
}

// memKeys is a KeyStore in memory, for tests that are not about the OS
// keyring (internal/credentials tests that one against a real one).
type memKeys map[string][]byte

func (m memKeys) LoadKey(id string) ([]byte, error) {
	k, ok := m[id]
	if !ok {
		return nil, errors.New("no such key")
	}
	return k, nil
}

func (m memKeys) SaveKey(id string, key []byte) error { m[id] = key; return nil }

// ringWith is a keyring that returns key for every store.
type ringWith []byte

func (r ringWith) LoadKey(string) ([]byte, error) { return r, nil }
func (r ringWith) SaveKey(string, []byte) error   { return nil }
