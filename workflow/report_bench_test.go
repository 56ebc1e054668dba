package workflow_test

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"leadcap/lead"
	"leadcap/storage"
	"leadcap/workflow"
)

// BenchmarkBuildReport100k reports on one event of 100,000 leads, spread
// over four days, eight hours a day and five staff members, and writes the
// HTML: in a plain store, then in the same store encrypted (whose
// summaries' strings, the staff members' names among them, are sealed).
func BenchmarkBuildReport100k(b *testing.B) {
	s, err := storage.Open(filepath.Join(b.TempDir(), "bench.db"), nil)
	require.NoError(b, err)
	defer s.Close()
	ev := lead.Event{Name: "Hannover Messe"}
	require.NoError(b, s.CreateEvent(&ev))
	start := time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC)
	const n, batch = 100_000, 1000
	for i := 0; i < n; i += batch {
		ls := make([]lead.Lead, 0, batch)
		for j := i; j < i+batch; j++ {
			l := lead.New(ev.ID, lead.MethodQRScan, start.Add(time.Duration(j%4)*24*time.Hour+time.Duration(j%480)*time.Minute))
			l.Contact = lead.Contact{FullName: fmt.Sprintf("Visitor %d", j), Emails: []string{fmt.Sprintf("v%d@example.com", j)}}
			l.CapturedBy, l.Rating, l.Version = fmt.Sprintf("Staff %d", j%5), lead.Ratings[j%4], 1
			ls = append(ls, *l)
		}
		_, err := s.PutLeads(ls)
		require.NoError(b, err)
	}
	report := func(b *testing.B) {
		for b.Loop() {
			r, err := workflow.BuildReport(context.Background(), s, ev.ID, time.UTC, time.Now())
			if err != nil || r.Leads != n || len(r.ByStaff) != 5 || r.ByStaff[0].N != n/5 {
				b.Fatal(err, r.Leads, r.ByStaff)
			}
			if err := workflow.WriteReportHTML(io.Discard, r); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("plain", report)
	require.NoError(b, s.Encrypt(storage.Passphrase("bench")))
	b.Run("encrypted", report)
}
