package storage

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"leadcap/lead"
)

// summaryFacts lists, in capture order, what the report reads of each
// lead's summary, without the IDs (which differ from store to store).
func summaryFacts(t *testing.T, s *Store) []Summary {
	t.Helper()
	var out []Summary
	require.NoError(t, s.EachSummary(Query{}, func(sum Summary) error {
		sum.ID, sum.EventID = [16]byte{}, [16]byte{}
		out = append(out, sum)
		return nil
	}))
	slices.SortFunc(out, func(a, b Summary) int { return a.CapturedAt.Compare(b.CapturedAt) })
	return out
}

// rawValues returns every value of a top-level bucket, or of a bucket
// inside bIndexes, as stored.
func rawValues(t *testing.T, path string, bucket ...[]byte) [][]byte {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	require.NoError(t, err)
	defer db.Close()
	var out [][]byte
	require.NoError(t, db.View(func(tx *bolt.Tx) error {
		bk := tx.Bucket(bucket[0])
		for _, name := range bucket[1:] {
			bk = bk.Bucket(name)
		}
		return bk.ForEach(func(k, v []byte) error {
			out = append(out, slices.Concat(k, v))
			return nil
		})
	}))
	return out
}

// testdata/schema3.db and schema3-encrypted.db were written by
// writeFixtureStore at a26581f (schema 3: summaries without consent and
// staff member, attendee lists without a badge index).
func TestMigrateSchema3File(t *testing.T) {
	for _, tc := range []struct {
		file string
		key  KeySource
	}{
		{"schema3.db", nil},
		{"schema3-encrypted.db", Passphrase(fixturePassphrase)},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tc.file))
			require.NoError(t, err)
			path := filepath.Join(t.TempDir(), "leadcap.db")
			require.NoError(t, os.WriteFile(path, data, 0o600))
			require.Equal(t, 3, schemaOf(t, path))
			before := rawLeads(t, path)

			// The step from 3 to 4 asks for new summaries, not for a full
			// rebuild of every index.
			probe := filepath.Join(t.TempDir(), "probe.db")
			require.NoError(t, os.WriteFile(probe, data, 0o600))
			db, err := bolt.Open(probe, 0o600, &bolt.Options{Timeout: time.Second})
			require.NoError(t, err)
			require.NoError(t, db.Update(func(tx *bolt.Tx) error {
				require.NoError(t, migrations[3](tx))
				assert.NotNil(t, tx.Bucket(bMeta).Get(keyResummarize))
				assert.Nil(t, tx.Bucket(bMeta).Get(keyRebuild))
				return nil
			}))
			require.NoError(t, db.Close())

			_, err = Open(path, &Options{ReadOnly: true, Key: tc.key})
			require.ErrorIs(t, err, ErrNeedsUpgrade)

			s, err := Open(path, &Options{Key: tc.key, rebuildBatch: 3})
			require.NoError(t, err)
			require.NoError(t, s.Check())
			assert.Equal(t, tc.key != nil, s.Encrypted())

			// The summaries now carry what each lead's record says of its
			// staff member and consent.
			leads, err := s.Leads(Query{})
			require.NoError(t, err)
			require.Len(t, leads, 7)
			require.Len(t, before, 7)
			staff := map[string]int{}
			require.NoError(t, s.EachSummary(Query{EventID: leads[0].EventID}, func(sum Summary) error {
				l, err := s.Lead(sum.ID)
				require.NoError(t, err)
				assert.Equal(t, l.CapturedBy, sum.CapturedBy)
				assert.Equal(t, l.Consent.Basis, sum.Consent.Basis)
				assert.Equal(t, l.Consent.Status, sum.Consent.Status)
				assert.Equal(t, l.Rating, sum.Rating)
				assert.Equal(t, l.CapturedAt, sum.CapturedAt)
				staff[sum.CapturedBy]++
				return nil
			}))
			assert.Equal(t, map[string]int{"Anna Berger": 3, "Jonas Weber": 3, "": 1}, staff)

			// The attendee index was built from the stored list.
			for _, want := range fixtureAttendees {
				got, found, err := s.FindAttendee(leads[0].EventID, want.BadgeID)
				require.NoError(t, err)
				require.True(t, found, want.BadgeID)
				assert.Equal(t, want, got)
			}
			_, found, err := s.FindAttendee(leads[0].EventID, "HM-2001")
			require.NoError(t, err)
			assert.False(t, found, "the waiting badge is not on the list")

			// A store written by schema 4 from the same content holds the
			// same summaries.
			fresh := filepath.Join(t.TempDir(), "fresh.db")
			writeFixtureStore(t, fresh, tc.key)
			f, err := Open(fresh, &Options{Key: tc.key})
			require.NoError(t, err)
			assert.Equal(t, summaryFacts(t, f), summaryFacts(t, s))
			require.NoError(t, f.Close())
			require.NoError(t, s.Close())
			assert.Equal(t, 4, schemaOf(t, path))
			assert.Equal(t, before, rawLeads(t, path), "the lead records are only read")

			// Interrupted before its last batch, the rewrite is done again
			// by the next writable open; a read-only one refuses meanwhile.
			db, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
			require.NoError(t, err)
			require.NoError(t, db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Put(keyResummarize, []byte{1}) }))
			require.NoError(t, db.Close())
			_, err = Open(path, &Options{ReadOnly: true, Key: tc.key})
			require.ErrorIs(t, err, ErrNeedsUpgrade)
			require.NoError(t, Verify(path, tc.key), "a file waiting for its summaries verifies")
			s, err = Open(path, &Options{Key: tc.key})
			require.NoError(t, err)
			require.NoError(t, s.Check())
			require.NoError(t, s.Close())
			s, err = Open(path, &Options{ReadOnly: true, Key: tc.key})
			require.NoError(t, err)
			require.NoError(t, s.Close())

			// Encrypted: neither summaries nor the badge index show a name,
			// an email, a staff member or a badge ID.
			if tc.key == nil {
				return
			}
			stored := slices.Concat(rawValues(t, path, bSummaries), rawValues(t, path, bIndexes, ixBadge))
			require.Len(t, stored, 7+3)
			for _, v := range stored {
				for _, pii := range []string{"Hopper", "grace@", "Anna Berger", "Jonas", "HM-100", "Lovelace", "Liskov"} {
					assert.False(t, bytes.Contains(v, []byte(pii)), "%q stored in plain text", pii)
				}
			}
		})
	}
}

func TestTheBadgeIndexFollowsTheAttendeeList(t *testing.T) {
	for _, encrypted := range []bool{false, true} {
		s, _ := openTest(t)
		if encrypted {
			require.NoError(t, s.Encrypt(KeyringKey{memKeys{}}))
		}
		ev := mustEvent(t, s, "it-sa", "DE")
		other := mustEvent(t, s, "CeBIT", "DE")
		grace := lead.Attendee{BadgeID: "A-1", GivenName: "Grace", FamilyName: "Hopper"}
		require.NoError(t, s.PutAttendees(ev.ID, []lead.Attendee{grace, {BadgeID: "A-2", GivenName: "Alan"}, {BadgeID: "A-1", GivenName: "Second"}, {GivenName: "No badge"}}))
		require.NoError(t, s.PutAttendees(other.ID, []lead.Attendee{{BadgeID: "A-1", GivenName: "Other event"}}))

		got, found, err := s.FindAttendee(ev.ID, "A-1")
		require.NoError(t, err)
		require.True(t, found)
		assert.Equal(t, grace, got, "the first attendee with a badge ID wins")
		got, found, err = s.FindAttendee(other.ID, "A-1")
		require.NoError(t, err)
		require.True(t, found)
		assert.Equal(t, "Other event", got.GivenName, "each event has its own list")
		_, found, err = s.FindAttendee(ev.ID, "")
		require.NoError(t, err)
		assert.False(t, found)
		require.NoError(t, s.Check())

		// A new list replaces the old one in the index too.
		require.NoError(t, s.PutAttendees(ev.ID, []lead.Attendee{{BadgeID: "A-3", GivenName: "Barbara"}}))
		_, found, err = s.FindAttendee(ev.ID, "A-1")
		require.NoError(t, err)
		assert.False(t, found, "A-1 is no longer on the list")
		got, found, err = s.FindAttendee(ev.ID, "A-3")
		require.NoError(t, err)
		require.True(t, found)
		assert.Equal(t, "Barbara", got.GivenName)
		require.NoError(t, s.Check())

		// Check finds a missing entry; RebuildIndexes makes it again.
		require.NoError(t, s.write(func(b *bx) error { return b.ixBadge.Delete(b.badgeKey(ev.ID[:], "A-3")) }))
		require.ErrorIs(t, s.Check(), ErrDamaged)
		require.NoError(t, s.RebuildIndexes())
		_, found, err = s.FindAttendee(ev.ID, "A-3")
		require.NoError(t, err)
		assert.True(t, found)
	}
}

// Badge scans are filled and the report's summaries read while the list is
// replaced and leads are captured: every look-up sees a whole list, the old
// or the new one (run with -race).
func TestConcurrentBadgeFillAndSummaries(t *testing.T) {
	s, _ := openTest(t)
	ev := mustEvent(t, s, "it-sa", "DE")
	require.NoError(t, s.PutAttendees(ev.ID, attendeeList(50)))
	var wg sync.WaitGroup
	wg.Add(3)
	go func() {
		defer wg.Done()
		for i := range 5 {
			list := attendeeList(50)
			for j := range list {
				list[j].Title = fmt.Sprintf("round %d", i)
			}
			assert.NoError(t, s.PutAttendees(ev.ID, list))
		}
	}()
	go func() {
		defer wg.Done()
		for i := range 20 {
			l := newLead(ev, fmt.Sprintf("Visitor %d", i), "", fmt.Sprintf("v%d@example.com", i))
			l.CapturedBy = "Anna"
			assert.NoError(t, s.AddLead(l))
		}
	}()
	go func() {
		defer wg.Done()
		for i := range 100 {
			a, found, err := s.FindAttendee(ev.ID, fmt.Sprintf("B-%06d", i%50))
			assert.NoError(t, err)
			assert.True(t, found)
			assert.Equal(t, fmt.Sprintf("Given%d", i%50), a.GivenName)
			n := 0
			assert.NoError(t, s.EachSummary(Query{EventID: ev.ID}, func(sum Summary) error {
				assert.Equal(t, "Anna", sum.CapturedBy)
				n++
				return nil
			}))
		}
	}()
	wg.Wait()
	a, found, err := s.FindAttendee(ev.ID, "B-000007")
	require.NoError(t, err)
	require.True(t, found)
	assert.Equal(t, "round 4", a.Title)
}

func TestEachSummaryStopsAtTheFirstError(t *testing.T) {
	s, _ := openTest(t)
	ev := mustEvent(t, s, "it-sa", "DE")
	for i := range 3 {
		mustAdd(t, s, newLead(ev, fmt.Sprintf("Visitor %d", i), "", fmt.Sprintf("v%d@example.com", i)))
	}
	stop := errors.New("enough")
	for _, q := range []Query{{EventID: ev.ID}, {Text: "visitor"}, {}} {
		n := 0
		err := s.EachSummary(q, func(Summary) error { n++; return stop })
		require.ErrorIs(t, err, stop)
		assert.Equal(t, 1, n, "%+v", q)
	}
}
