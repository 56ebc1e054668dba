package storage

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"leadcap/lead"
)

// The 100,000-lead fixture is built once (batches of 1,000 leads per
// transaction through PutLeads, the import path) and cached in os.TempDir
// between runs; remove leadcap-bench-*.db there to rebuild it.
const (
	benchLeads   = 100_000
	benchEvents  = 8
	benchFixture = 6 // bump when the generated data changes
)

var (
	givenNames  = []string{"Jürgen", "Ada", "Grace", "Zoë", "Łukasz", "Amélie", "Søren", "Chiara", "Hiroshi", "Ana", "Björn", "Fatima", "José", "Ingrid", "Noah", "Émile"}
	familyNames = []string{"Müller", "Lovelace", "Hopper", "Schmidt", "Nowak", "Dubois", "Jensen", "Rossi", "Tanaka", "García", "Åberg", "Haddad", "Fernández", "Larsen", "Weber", "Lefèvre"}
	orgWords    = []string{"Acme", "Nordwind", "Café", "Zürich", "Logistik", "Systems", "Robotics", "Präzision", "Analytics", "Solar", "Maschinenbau", "Foods"}
	orgSuffix   = []string{"GmbH", "AG", "SA", "Ltd", "Inc.", "S.r.l.", "ApS", "KG"}
	titles      = []string{"Head of Purchasing", "CTO", "Plant Manager", "Sales Director", "Engineer", "Buyer", "CEO", "Project Lead"}
)

func fixtureEvents() []lead.Event {
	var evs []lead.Event
	for i := range benchEvents {
		evs = append(evs, lead.Event{
			ID:      uuid.UUID{0x01, 0x90, byte(i), 0, 0, 0, 0x70, 0, 0x80, 0, 0, 0, 0, 0, 0, byte(i + 1)},
			Name:    fmt.Sprintf("Fair %d", i+1),
			City:    "Hannover",
			Country: "DE",
			Start:   time.Date(2025, time.Month(i+1), 10, 0, 0, 0, 0, time.UTC),
		})
	}
	return evs
}

// fixtureLead builds lead number i: deterministic, about 900 bytes of JSON.
func fixtureLead(r *rand.Rand, i int, ev lead.Event) lead.Lead {
	at := ev.Start.Add(time.Duration(i) * 7 * time.Second)
	given, family := givenNames[r.IntN(len(givenNames))], familyNames[r.IntN(len(familyNames))]
	org := orgWords[r.IntN(len(orgWords))] + " " + orgWords[r.IntN(len(orgWords))] + " " + orgSuffix[r.IntN(len(orgSuffix))]
	l := lead.Lead{
		ID:      uuid.Must(uuid.NewV7FromReader(r2reader{r})),
		EventID: ev.ID,
		Contact: lead.Contact{
			GivenName: given, FamilyName: family, Organization: org, Title: titles[r.IntN(len(titles))],
			Emails:  []string{fmt.Sprintf("person%d@example-%d.com", i, r.IntN(5000))},
			Phones:  []lead.Phone{{Raw: fmt.Sprintf("+49 30 %07d", r.IntN(9_000_000)+1_000_000), Kind: "work"}},
			URLs:    []string{fmt.Sprintf("https://example-%d.com", i%5000)},
			Address: lead.Address{Street: "Messegelände 1", City: "Hannover", PostalCode: "30521", Country: "DE"},
		},
		Source:     lead.Source{Channel: lead.ChannelOffline, Method: lead.MethodQRScan},
		RawPayload: "BEGIN:VCARD\nVERSION:3.0\nN:" + family + ";" + given + "\nORG:" + org + "\nEND:VCARD",
		CapturedAt: at,
		CapturedBy: "booth-staff",
		DeviceID:   "tablet-3",
		Rating:     lead.Ratings[r.IntN(len(lead.Ratings))],
		Consent:    lead.Consent{Basis: lead.BasisNone},
		Version:    1,
		UpdatedAt:  at,
	}
	q := &l.Qualification
	q.Fit, q.Budget, q.Authority = lead.Answer(r.IntN(3)), lead.Answer(r.IntN(3)), lead.Answer(r.IntN(3))
	q.Interest = lead.Answer(r.IntN(3))
	if i%10 == 0 {
		q.Fit, q.Budget, q.Authority, q.Interest = lead.Yes, lead.Yes, lead.Yes, lead.Yes
	}
	q.Disqualified = i%17 == 0
	if i%3 == 0 {
		l.Notes = []lead.Note{{ID: uuid.Must(uuid.NewV7FromReader(r2reader{r})), At: at, Author: "sam",
			Text: "Interested in the new line, wants a quote before the end of the quarter.", FollowUp: at.Add(14 * 24 * time.Hour)}}
	}
	return l
}

type r2reader struct{ r *rand.Rand }

func (x r2reader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(x.r.Uint32())
	}
	return len(p), nil
}

// fixtureSpec names a cached benchmark store: its size, and whether its
// leads are encrypted (with benchKey).
type fixtureSpec struct {
	n         int
	encrypted bool
}

type fixtureState struct {
	once sync.Once
	path string
	err  error
}

var fixtures sync.Map // fixtureSpec -> *fixtureState

// benchKey unlocks the encrypted fixtures without Argon2id's cost per Open.
var benchKey = KeyringKey{Keys: ringWith("leadcap benchmark key, 32 bytes!")}

func (f fixtureSpec) options() *Options {
	if f.encrypted {
		return &Options{Key: benchKey}
	}
	return &Options{}
}

// fixture returns the path of the cached 100k-lead database.
func fixture(b *testing.B) (string, []lead.Event) {
	return fixtureOf(b, fixtureSpec{n: benchLeads}), fixtureEvents()
}

// fixtureOf returns the path of a cached fixture, building it once.
func fixtureOf(b *testing.B, spec fixtureSpec) string {
	b.Helper()
	v, _ := fixtures.LoadOrStore(spec, &fixtureState{})
	st := v.(*fixtureState)
	st.once.Do(func() {
		ps := pageSize
		if v, err := strconv.Atoi(os.Getenv("LEADCAP_BENCH_PAGESIZE")); err == nil {
			ps = v
		}
		enc := ""
		if spec.encrypted {
			enc = "-enc"
		}
		st.path = filepath.Join(os.TempDir(), fmt.Sprintf("leadcap-bench-%dk-s%d-f%d-p%d%s.db", spec.n/1000, schemaVersion, benchFixture, ps, enc))
		if fixtureOK(st.path, spec) {
			return
		}
		st.err = buildFixture(b, st.path+".building", ps, spec)
		if st.err == nil {
			st.err = os.Rename(st.path+".building", st.path)
		}
	})
	if st.err != nil {
		b.Fatal(st.err)
	}
	return st.path
}

// fixtureOK is a cheap check of a cached fixture (Verify would read every
// page and blow up the resident set the memory benchmark measures).
func fixtureOK(path string, spec fixtureSpec) bool {
	o := spec.options()
	o.ReadOnly = true
	s, err := Open(path, o)
	if err != nil {
		return false
	}
	defer s.Close()
	st, err := s.Stats()
	return err == nil && st.Leads == spec.n && st.OutboxPending == spec.n*59/100
}

// fixtureBatch is the leads per transaction while building a fixture: large
// transactions build a million leads in minutes.
const fixtureBatch = 10_000

func buildFixture(b *testing.B, path string, pageSize int, spec fixtureSpec) error {
	_ = os.Remove(path)
	start := time.Now()
	o := spec.options()
	o.pageSize = pageSize
	s, err := Open(path, o)
	if err != nil {
		return err
	}
	defer s.Close()
	if spec.encrypted {
		if err := s.Encrypt(benchKey); err != nil {
			return err
		}
	}
	evs := fixtureEvents()
	r := rand.New(rand.NewPCG(7, 11))
	batch := make([]lead.Lead, 0, fixtureBatch)
	for i := range spec.n {
		batch = append(batch, fixtureLead(r, i, evs[i*benchEvents/spec.n]))
		if len(batch) < cap(batch) && i < spec.n-1 {
			continue
		}
		res, err := s.PutLeads(batch, evs...)
		if err != nil {
			return err
		}
		for _, x := range res {
			if x.Err != nil {
				return x.Err
			}
		}
		batch = batch[:0]
	}
	built := time.Since(start)
	if err := markFixture(s); err != nil {
		return err
	}
	fi, _ := os.Stat(path)
	b.Logf("built the %d-lead fixture in %s (%.0f leads/s), statuses set after %s, file %.1f MiB", spec.n, built.Round(time.Millisecond),
		float64(spec.n)/built.Seconds(), time.Since(start).Round(time.Millisecond), float64(fi.Size())/(1<<20))
	return nil
}

// markFixture sets a realistic mix of statuses for the filters: 40%
// synced, 5% failed, 1% dead (in transactions of fixtureBatch leads).
func markFixture(s *Store) error {
	now := time.Now()
	var ids []uuid.UUID
	err := s.view(func(bx *bx) error {
		c := bx.leads.Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			id, _ := idOf(k)
			ids = append(ids, id)
		}
		return nil
	})
	for start := 0; err == nil && start < len(ids); start += fixtureBatch {
		err = s.update(func(bx *bx) error {
			for i := start; i < min(start+fixtureBatch, len(ids)); i++ {
				if err := markOne(bx, ids[i], i, now); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return err
}

func markOne(bx *bx, id uuid.UUID, i int, now time.Time) error {
	switch {
	case i%100 < 40:
		return bx.markDone(id, 1, "crm-"+id.String()[:8], now)
	case i%100 < 45:
		r, _ := bx.outboxRec(id)
		r.Attempts, r.LastError = 1, "HTTP 503"
		if err := bx.reschedule(id, &r, now.Add(time.Hour)); err != nil {
			return err
		}
		return bx.refreshStatus(id)
	case i%100 == 45:
		r, _ := bx.outboxRec(id)
		if err := bx.dropOutbox(id, &r); err != nil {
			return err
		}
		if err := bx.putDead(DeadLetter{LeadID: id, Version: 1, Reason: "refused", At: now, Attempts: 1}); err != nil {
			return err
		}
		return bx.refreshStatus(id)
	}
	return nil
}

// copyFixture gives a benchmark that writes its own copy.
func copyFixture(b *testing.B) (string, []lead.Event) {
	src, evs := fixture(b)
	dst := filepath.Join(b.TempDir(), "leadcap.db")
	if err := copyFile(src, dst); err != nil {
		b.Fatal(err)
	}
	return dst, evs
}

func openFixture(b *testing.B) (*Store, []lead.Event) {
	path, evs := fixture(b)
	s, err := Open(path, &Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	return s, evs
}

func reportLatency(b *testing.B, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	slices.Sort(d)
	pct := func(p float64) float64 {
		return float64(d[min(len(d)-1, int(float64(len(d))*p))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(d[len(d)-1].Microseconds())/1000, "max-ms")
}

// BenchmarkAddLead is capture-to-durable: one AddLead (lead, indexes,
// summary and outbox entry in one fsynced transaction) into a store that
// already holds 100,000 leads.
func BenchmarkAddLead(b *testing.B) {
	path, _ := fixture(b)
	benchAdd(b, path, fixtureSpec{n: benchLeads})
}

// BenchmarkUpdateLead is one qualification change on a 100k store.
func BenchmarkUpdateLead(b *testing.B) {
	path, _ := copyFixture(b)
	s, err := Open(path, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ids, err := s.List(Query{Limit: 1000})
	if err != nil {
		b.Fatal(err)
	}
	var d []time.Duration
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		_, err := s.UpdateLead(ids[i%len(ids)].ID, func(l *lead.Lead) error {
			l.Rating = lead.Ratings[i%len(lead.Ratings)]
			l.Qualification.Budget = lead.Answer(i % 3)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		d = append(d, time.Since(start))
	}
	reportLatency(b, d)
}

// BenchmarkOpen100k opens (read-write: lock, mmap, freelist, schema check)
// and closes the 100k store.
func BenchmarkOpen100k(b *testing.B) {
	path, _ := fixture(b)
	for b.Loop() {
		s, err := Open(path, nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenAndFirstPage100k is what a user waits for at start: open,
// then the first 50 rows.
func BenchmarkOpenAndFirstPage100k(b *testing.B) {
	path, _ := fixture(b)
	for b.Loop() {
		s, err := Open(path, nil)
		if err != nil {
			b.Fatal(err)
		}
		if rows, err := s.List(Query{Limit: 50}); err != nil || len(rows) != 50 {
			b.Fatal(err, len(rows))
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

func benchList(b *testing.B, q func(evs []lead.Event) Query, want func(n int) bool) {
	s, evs := openFixture(b)
	query := q(evs)
	var n int
	for b.Loop() {
		rows, err := s.List(query)
		if err != nil {
			b.Fatal(err)
		}
		n = len(rows)
	}
	if !want(n) {
		b.Fatalf("%+v: %d rows", query, n)
	}
	b.ReportMetric(float64(n), "rows")
}

func BenchmarkList100k(b *testing.B) {
	page := func(n int) bool { return n == 50 }
	b.Run("first-page", func(b *testing.B) {
		benchList(b, func([]lead.Event) Query { return Query{Limit: 50} }, page)
	})
	b.Run("page-100", func(b *testing.B) {
		benchList(b, func([]lead.Event) Query { return Query{Limit: 50, Offset: 50 * 100} }, page)
	})
	b.Run("event-first-page", func(b *testing.B) {
		benchList(b, func(evs []lead.Event) Query { return Query{EventID: evs[3].ID, Limit: 50} }, page)
	})
	b.Run("prospects-first-page", func(b *testing.B) {
		benchList(b, func([]lead.Event) Query { return Query{Stage: lead.StageProspect, Limit: 50} }, page)
	})
	b.Run("failed-first-page", func(b *testing.B) {
		benchList(b, func([]lead.Event) Query { return Query{Sync: SyncFailed, Limit: 50} }, page)
	})
	b.Run("all-rows", func(b *testing.B) {
		benchList(b, func([]lead.Event) Query { return Query{} }, func(n int) bool { return n == benchLeads })
	})
}

func BenchmarkSearch100k(b *testing.B) {
	b.Run("common-name-first-page", func(b *testing.B) {
		benchList(b, func([]lead.Event) Query { return Query{Text: "müller", Limit: 50} }, func(n int) bool { return n == 50 })
	})
	b.Run("one-email", func(b *testing.B) {
		benchList(b, func([]lead.Event) Query { return Query{Text: "person77777@"} }, func(n int) bool { return n == 1 })
	})
	b.Run("no-match", func(b *testing.B) {
		benchList(b, func([]lead.Event) Query { return Query{Text: "zzzzqqq"} }, func(n int) bool { return n == 0 })
	})
	b.Run("accent-folded-in-event", func(b *testing.B) {
		benchList(b, func(evs []lead.Event) Query { return Query{EventID: evs[2].ID, Text: "cafe zurich"} }, func(n int) bool { return n > 0 })
	})
}

func BenchmarkCount100k(b *testing.B) {
	s, evs := openFixture(b)
	for _, tc := range []struct {
		name string
		q    Query
	}{
		{"all", Query{}},
		{"event", Query{EventID: evs[1].ID}},
		{"stage", Query{Stage: lead.StageProspect}},
		{"sync", Query{Sync: SyncPending}},
		{"text", Query{Text: "müller"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Count(tc.q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkStats100k(b *testing.B) {
	s, _ := openFixture(b)
	for b.Loop() {
		if st, err := s.Stats(); err != nil || st.Leads != benchLeads {
			b.Fatal(err, st.Leads)
		}
	}
}

func BenchmarkFindLeadPrefix100k(b *testing.B) {
	s, _ := openFixture(b)
	rows, err := s.List(Query{Limit: 1, Offset: 54321})
	if err != nil {
		b.Fatal(err)
	}
	prefix := rows[0].ID.String()[:24]
	for b.Loop() {
		if _, err := s.FindLead(prefix); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkClaimDue50(b *testing.B) {
	path, _ := copyFixture(b)
	s, err := Open(path, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	now := time.Now()
	for b.Loop() {
		es, err := s.ClaimDue(now, 50, time.Hour)
		if err != nil || len(es) == 0 {
			b.Fatal(err, len(es))
		}
	}
}

// BenchmarkExport100k decodes every lead (EachLead), as an export does.
func BenchmarkExport100k(b *testing.B) {
	s, _ := openFixture(b)
	for b.Loop() {
		n := 0
		if err := s.EachLead(Query{}, func(lead.Lead) error { n++; return nil }); err != nil || n != benchLeads {
			b.Fatal(err, n)
		}
	}
}

// BenchmarkMemory100k runs a session's worth of reads on the 100k store and
// reports the Go heap high-water mark (MB). The file itself is mmapped by
// bbolt: its pages count towards the process's resident set only as they
// are read, and the kernel may drop them. For the whole process, run the
// test binary under /usr/bin/time -v (see docs/benchmarks.md).
func BenchmarkMemory100k(b *testing.B) {
	path, evs := fixture(b)
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	peak := uint64(0)
	sample := func() {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		peak = max(peak, m.HeapInuse)
	}
	for b.Loop() {
		s, err := Open(path, nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, q := range []Query{{Limit: 50}, {EventID: evs[1].ID, Limit: 50}, {Text: "müller"}, {Sync: SyncFailed}} {
			if _, err := s.List(q); err != nil {
				b.Fatal(err)
			}
			sample()
		}
		if _, err := s.Stats(); err != nil {
			b.Fatal(err)
		}
		sample()
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(before.Sys)/(1<<20), "go-sys-before-MB")
}

// BenchmarkCheck100k is Store.Check (bbolt's page check plus leadcap's
// invariants) on the 100k store; it also proves the fixture consistent.
func BenchmarkCheck100k(b *testing.B) {
	s, _ := openFixture(b)
	for b.Loop() {
		if err := s.Check(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify100k is what Restore checks a backup with.
func BenchmarkVerify100k(b *testing.B) {
	path, _ := fixture(b)
	for b.Loop() {
		if err := Verify(path, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRebuildIndexes100k is the 1 -> 2 schema migration's work on
// 100,000 leads (one transaction).
func BenchmarkRebuildIndexes100k(b *testing.B) {
	path, _ := copyFixture(b)
	s, err := Open(path, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for b.Loop() {
		if err := s.RebuildIndexes(); err != nil {
			b.Fatal(err)
		}
	}
}
