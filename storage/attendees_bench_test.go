package storage

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"leadcap/lead"
)

// attendeeList is an organiser's list of n attendees, badges B-000000 on.
func attendeeList(n int) []lead.Attendee {
	list := make([]lead.Attendee, n)
	for i := range list {
		list[i] = lead.Attendee{BadgeID: fmt.Sprintf("B-%06d", i), GivenName: fmt.Sprintf("Given%d", i),
			FamilyName: fmt.Sprintf("Family%d", i), Email: fmt.Sprintf("person%d@example.com", i),
			Organization: fmt.Sprintf("Company %d GmbH", i%500), Title: "Buyer", Phone: fmt.Sprintf("+4930%07d", i)}
	}
	return list
}

// BenchmarkFindAttendee looks one badge up in a stored list of 10,000 and
// of 100,000 attendees: what filling an ID-only badge scan costs.
func BenchmarkFindAttendee(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("attendees=%d", n), func(b *testing.B) {
			s, err := Open(filepath.Join(b.TempDir(), "bench.db"), nil)
			require.NoError(b, err)
			defer s.Close()
			ev := lead.Event{Name: "it-sa"}
			require.NoError(b, s.CreateEvent(&ev))
			require.NoError(b, s.PutAttendees(ev.ID, attendeeList(n)))
			i := 0
			for b.Loop() {
				badge := fmt.Sprintf("B-%06d", i*7919%n)
				a, found, err := s.FindAttendee(ev.ID, badge)
				if err != nil || !found || a.BadgeID != badge {
					b.Fatal(err, found, a.BadgeID)
				}
				i++
			}
		})
	}
}

// BenchmarkEraseWithAttendeeList is the erasure's transaction (RemoveLead
// with lead.OpErase, without the compaction Erase adds) of a badge scan
// whose event has an attendee list of 0, 10,000 and 100,000 people: the
// person's entry leaves the list, which is rewritten, and the badge index.
func BenchmarkEraseWithAttendeeList(b *testing.B) {
	for _, n := range []int{0, 10_000, 100_000} {
		b.Run(fmt.Sprintf("attendees=%d", n), func(b *testing.B) {
			s, err := Open(filepath.Join(b.TempDir(), "bench.db"), nil)
			require.NoError(b, err)
			defer s.Close()
			ev := lead.Event{Name: "it-sa"}
			require.NoError(b, s.CreateEvent(&ev))
			list := attendeeList(max(n, 1))
			if n > 0 {
				require.NoError(b, s.PutAttendees(ev.ID, list))
			}
			i := 0
			for b.Loop() {
				b.StopTimer()
				a := list[i%len(list)]
				l := lead.Lead{EventID: ev.ID, BadgeID: a.BadgeID, Contact: a.Contact(), Source: lead.Source{Method: lead.MethodBadgeScan}}
				require.NoError(b, s.AddLead(&l))
				i++
				b.StartTimer()
				t, err := s.RemoveLead(l.ID, lead.OpErase, "bench")
				if err != nil || (n > 0) != (t.AttendeesRemoved == 1) {
					b.Fatal(err, t.AttendeesRemoved)
				}
			}
		})
	}
}

// BenchmarkEraseSearchesOtherLists: the erasure of a badge scan with an
// email also searches every other event's list for the person (here one
// other list of n people, without them).
func BenchmarkEraseSearchesOtherLists(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("other=%d", n), func(b *testing.B) {
			s, err := Open(filepath.Join(b.TempDir(), "bench.db"), nil)
			require.NoError(b, err)
			defer s.Close()
			ev, other := lead.Event{Name: "it-sa"}, lead.Event{Name: "SPS"}
			require.NoError(b, s.CreateEvent(&ev))
			require.NoError(b, s.CreateEvent(&other))
			list := attendeeList(1000)
			require.NoError(b, s.PutAttendees(ev.ID, list))
			others := attendeeList(n)
			for i := range others {
				others[i].Email = "other-" + others[i].Email
			}
			require.NoError(b, s.PutAttendees(other.ID, others))
			i := 0
			for b.Loop() {
				b.StopTimer()
				a := list[i%len(list)]
				l := lead.Lead{EventID: ev.ID, BadgeID: a.BadgeID, Contact: a.Contact(), Source: lead.Source{Method: lead.MethodBadgeScan}}
				require.NoError(b, s.AddLead(&l))
				i++
				b.StartTimer()
				t, err := s.RemoveLead(l.ID, lead.OpErase, "bench")
				if err != nil || t.AttendeesRemoved != 1 {
					b.Fatal(err, t.AttendeesRemoved)
				}
			}
		})
	}
}
