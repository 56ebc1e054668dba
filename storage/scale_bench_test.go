package storage

import (
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/google/uuid"
	"golang.org/x/sys/unix"

	"leadcap/lead"
)

// The scale benchmarks run the same reads and writes on stores of several
// sizes, so their figures compare side by side (docs/benchmarks.md, with
// SQLite on the same leads: scripts/sqlite-bench.py). The 1M store is in
// scale1m_bench_test.go, behind the bench1m build tag.

func BenchmarkScale100k(b *testing.B) { benchScale(b, fixtureSpec{n: benchLeads}) }

// BenchmarkScale100kEncrypted is the cost of encryption on the same work.
func BenchmarkScale100kEncrypted(b *testing.B) {
	benchScale(b, fixtureSpec{n: benchLeads, encrypted: true})
}

func benchScale(b *testing.B, spec fixtureSpec) {
	path := fixtureOf(b, spec)
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("file", func(b *testing.B) {
		for b.Loop() {
		}
		b.ReportMetric(float64(fi.Size())/float64(spec.n), "bytes/lead")
	})
	o := spec.options()
	o.ReadOnly = true
	s, err := Open(path, o)
	if err != nil {
		b.Fatal(err)
	}
	evs := fixtureEvents()
	page := func(n int) bool { return n == 50 }
	for _, tc := range []struct {
		name string
		q    Query
		want func(int) bool
	}{
		{"first-page", Query{Limit: 50}, page},
		{"event-first-page", Query{EventID: evs[3].ID, Limit: 50}, page},
		{"prospects-first-page", Query{Stage: lead.StageProspect, Limit: 50}, page},
		{"failed-first-page", Query{Sync: SyncFailed, Limit: 50}, page},
		{"search-common-first-page", Query{Text: "müller", Limit: 50}, page},
		{"search-one-email", Query{Text: fmt.Sprintf("person%d@", spec.n*7/9)}, func(n int) bool { return n == 1 }},
		{"search-no-match", Query{Text: "zzzzqqq"}, func(n int) bool { return n == 0 }},
		{"search-in-event-first-page", Query{EventID: evs[2].ID, Text: "cafe zurich", Limit: 50}, func(n int) bool { return n > 0 }},
	} {
		b.Run(tc.name, func(b *testing.B) { benchPage(b, s, tc.q, tc.want) })
	}
	b.Run("status", func(b *testing.B) {
		for b.Loop() {
			if st, err := s.Stats(); err != nil || st.Leads != spec.n {
				b.Fatal(err, st.Leads)
			}
		}
	})
	b.Run("search-common-count", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.StatsOf(Query{Text: "müller"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("page-200-next", func(b *testing.B) {
		// What the Leads screen holds per page as it scrolls (B/op).
		first, err := s.Page(Query{Limit: 200})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if p, err := s.Page(Query{Limit: 200, Cursor: first.Next}); err != nil || len(p.Rows) != 200 {
				b.Fatal(err, len(p.Rows))
			}
		}
	})
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	b.Run("search-cold", func(b *testing.B) { benchColdSearch(b, path, spec) })
	b.Run("add-lead", func(b *testing.B) { benchAdd(b, path, spec) })
}

func benchPage(b *testing.B, s *Store, q Query, want func(int) bool) {
	var n int
	for b.Loop() {
		p, err := s.Page(q)
		if err != nil {
			b.Fatal(err)
		}
		n = len(p.Rows)
	}
	if !want(n) {
		b.Fatalf("%+v: %d rows", q, n)
	}
	b.ReportMetric(float64(n), "rows")
}

// benchColdSearch opens the store with none of its pages in the page cache
// (posix_fadvise DONTNEED on this file only) and searches.
func benchColdSearch(b *testing.B, path string, spec fixtureSpec) {
	o := spec.options()
	o.ReadOnly = true
	for b.Loop() {
		b.StopTimer()
		if err := dropCache(path); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		s, err := Open(path, o)
		if err != nil {
			b.Fatal(err)
		}
		if p, err := s.Page(Query{Text: "müller", Limit: 50}); err != nil || len(p.Rows) != 50 {
			b.Fatal(err, len(p.Rows))
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

func dropCache(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return err
	}
	return unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
}

// benchAdd is capture-to-durable (one fsynced AddLead) on a copy of the
// store.
func benchAdd(b *testing.B, path string, spec fixtureSpec) {
	dst := b.TempDir() + "/leadcap.db"
	if err := copyFile(path, dst); err != nil {
		b.Fatal(err)
	}
	s, err := Open(dst, spec.options())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	evs := fixtureEvents()
	r := rand.New(rand.NewPCG(99, uint64(b.N)))
	var d []time.Duration
	for i := 0; b.Loop(); i++ {
		l := fixtureLead(r, spec.n+i, evs[0])
		l.ID, l.Version, l.CapturedAt = uuid.Nil, 0, time.Time{}
		l.Contact.Emails = []string{fmt.Sprintf("new%d-%d@example.org", b.N, i)}
		start := time.Now()
		if err := s.AddLead(&l); err != nil {
			b.Fatal(err)
		}
		d = append(d, time.Since(start))
	}
	reportLatency(b, d)
}
