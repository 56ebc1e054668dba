package workflow_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"leadcap/workflow"
)

// attendeeCSV is an organiser's list of n attendees.
func attendeeCSV(n int) []byte {
	var b strings.Builder
	b.WriteString("Badge ID;First Name;Last Name;Email;Company;Title;Phone\n")
	for i := range n {
		fmt.Fprintf(&b, "B-%06d;Given%d;Family%d;person%d@example.com;Company %d GmbH;Buyer;030 %07d\n", i, i, i, i, i%500, 1000000+i)
	}
	return []byte(b.String())
}

// BenchmarkReadAttendees reads a list of 10,000 attendees.
func BenchmarkReadAttendees(b *testing.B) {
	data := attendeeCSV(10000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := workflow.ReadAttendees(bytes.NewReader(data), "DE"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBadgeScanFilledFromAList is one ID-only badge scan filled from
// a stored list of 10,000 and of 100,000 attendees.
func BenchmarkBadgeScanFilledFromAList(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("attendees=%d", n), func(b *testing.B) {
			s, ev := scanStore(b)
			list, err := workflow.ReadAttendees(bytes.NewReader(attendeeCSV(n)), "DE")
			require.NoError(b, err)
			_, err = workflow.ImportAttendees(s, ev, list.Attendees)
			require.NoError(b, err)
			i := 0
			for b.Loop() {
				saved, err := workflow.SaveParsed(s, ev, badgeOnly(fmt.Sprintf("B-%06d", i*7919%n)), workflow.Capture{})
				if err != nil || saved.Lead.AwaitsContact() {
					b.Fatal(err, saved.Lead.AwaitsContact())
				}
				i++
			}
		})
	}
}
