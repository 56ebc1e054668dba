package storage

import (
	"os"
	"testing"

	"leadcap/lead"
)

// BenchmarkErase100k erases one lead from the 100,000-lead fixture: the
// removal transaction and the compaction of the whole file that keeps the
// person's bytes out of it.
func BenchmarkErase100k(b *testing.B) {
	path, evs := copyFixture(b)
	s, err := Open(path, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	for b.Loop() {
		b.StopTimer()
		l := lead.Lead{EventID: evs[0].ID, Contact: lead.Contact{FullName: "Ada Lovelace", Emails: []string{"ada@lovelace.example"}}}
		if err := s.AddLead(&l); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := s.Erase(l.ID, "bench"); err != nil {
			b.Fatal(err)
		}
	}
	if fi, err := os.Stat(path); err == nil {
		b.ReportMetric(float64(fi.Size())/(1<<20), "MiB")
	}
}

// BenchmarkEncrypt100k encrypts a copy of the 100,000-lead fixture as
// 'leadcap init --encrypt' does: every lead rewritten and reindexed in
// batches, then the compaction into a new file that leaves no plain record
// in a free page.
func BenchmarkEncrypt100k(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		path, _ := copyFixture(b)
		s, err := Open(path, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := s.Encrypt(benchKey); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		if fi, err := os.Stat(path); err == nil {
			b.ReportMetric(float64(fi.Size())/(1<<20), "MiB")
		}
		b.StartTimer()
	}
}
