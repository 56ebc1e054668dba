package tryton

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"leadcap/lead"
)

// The benchmarks compare leads per second into the real Tryton through the
// connector with Tryton's own ingest rate: the same parties (with contact
// mechanisms and address) and opportunities created by direct RPC calls,
// in batches of the same size and one record at a time.
//
//	scripts/tryton.sh start
//	go test -run '^$' -bench . -benchtime 400x ./syncer/tryton/

const benchBatch = DefaultBatch

func benchEntries(b *testing.B, mod func(*lead.Lead)) []lead.OutboxEntry {
	es := make([]lead.OutboxEntry, b.N)
	for i := range es {
		es[i] = newEntry(b, mod)
	}
	return es
}

// cpuMeter measures the CPU time that trytond (started by
// scripts/tryton.sh, pid in <repo>/.cache/tryton/trytond.pid) spends: on a
// shared machine wall-clock rates swing with the other load, the server's
// CPU per record much less.
type cpuMeter struct {
	pid   string
	start time.Duration
	cl    *client
	calls int64
}

func startMeter(b *testing.B, cl *client) *cpuMeter {
	m := &cpuMeter{cl: cl}
	if pid, err := os.ReadFile(filepath.Join(repoRoot(b), ".cache", "tryton", "trytond.pid")); err == nil {
		m.pid = strings.TrimSpace(string(pid))
	}
	m.start = m.cpu()
	m.calls = cl.calls.Load()
	b.ResetTimer()
	return m
}

// cpu is trytond's user+system time so far, or -1 when unknown.
func (m *cpuMeter) cpu() time.Duration {
	if m.pid == "" {
		return -1
	}
	stat, err := os.ReadFile("/proc/" + m.pid + "/stat")
	if err != nil {
		return -1
	}
	s := string(stat)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(f) < 13 {
		return -1
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond // USER_HZ is 100 on Linux
}

func (m *cpuMeter) report(b *testing.B) {
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(m.cl.calls.Load()-m.calls)/float64(b.N), "calls/record")
	if end := m.cpu(); m.start >= 0 && end >= 0 {
		b.ReportMetric(float64((end-m.start).Microseconds())/1000/float64(b.N), "tryton-cpu-ms/record")
	}
}

// pushAll pushes es through c, MaxBatch per call, and fails on any error.
func pushAll(b *testing.B, c *Connector, es []lead.OutboxEntry) {
	for start := 0; start < len(es); start += c.MaxBatch() {
		for _, r := range c.Push(context.Background(), es[start:min(start+c.MaxBatch(), len(es))]) {
			if r.Err != nil {
				b.Fatal(r.Err)
			}
		}
	}
}

// BenchmarkConnectorNewLeads: new leads through Push, MaxBatch per call.
func BenchmarkConnectorNewLeads(b *testing.B) {
	env := liveTryton(b)
	c := newConnector(b, env, nil)
	if err := c.Probe(context.Background()); err != nil {
		b.Fatal(err)
	}
	es := benchEntries(b, nil)
	m := startMeter(b, c.rpc)
	pushAll(b, c, es)
	m.report(b)
}

// BenchmarkConnectorUpdates: leads that Tryton has, each with a new note,
// pushed again (look up, compare, write the changed opportunities).
func BenchmarkConnectorUpdates(b *testing.B) {
	env := liveTryton(b)
	c := newConnector(b, env, nil)
	es := benchEntries(b, nil)
	pushAll(b, c, es)
	for i := range es {
		if _, err := es[i].Lead.AddNote("Follow-up call booked", "Ben", time.Now(), time.Time{}); err != nil {
			b.Fatal(err)
		}
		es[i].Lead.Version++
	}
	m := startMeter(b, c.rpc)
	pushAll(b, c, es)
	m.report(b)
}

// directValues builds exactly the values the connector sends for new leads.
func directValues(b *testing.B, c *Connector, es []lead.OutboxEntry) (parties, opps []map[string]any) {
	for _, e := range es {
		v, err := c.partyValues(context.Background(), e.Lead)
		if err != nil {
			b.Fatal(err)
		}
		v["code"] = e.Lead.ID.String()
		parties = append(parties, v)
		opps = append(opps, map[string]any{
			"reference": e.Lead.ID.String(), "description": description(e), "comment": block(e),
			"start_date": date(e.Lead.CapturedAt),
		})
	}
	return parties, opps
}

func directCreate(b *testing.B, cl *client, parties, opps []map[string]any) {
	ctx := context.Background()
	var ids []int64
	if err := cl.call(ctx, &ids, nil, "model.party.party.create", parties); err != nil {
		b.Fatal(err)
	}
	for i := range opps {
		opps[i]["party"] = ids[i]
	}
	if err := cl.call(ctx, nil, nil, "model.sale.opportunity.create", opps); err != nil {
		b.Fatal(err)
	}
}

// benchDirect creates the records of b.N new leads by direct RPC calls,
// per records at a time: two create calls each time (parties, then
// opportunities).
func benchDirect(b *testing.B, per int) {
	env := liveTryton(b)
	c := newConnector(b, env, nil)
	if err := c.Probe(context.Background()); err != nil {
		b.Fatal(err)
	}
	parties, opps := directValues(b, c, benchEntries(b, nil))
	m := startMeter(b, c.rpc)
	for start := 0; start < len(parties); start += per {
		end := min(start+per, len(parties))
		directCreate(b, c.rpc, parties[start:end], opps[start:end])
	}
	m.report(b)
}

// BenchmarkDirectRPCBatched: Tryton's own ingest rate, two create calls
// per batch of the connector's size.
func BenchmarkDirectRPCBatched(b *testing.B) { benchDirect(b, benchBatch) }

// BenchmarkDirectRPCOneByOne: two create calls per record, as a simple
// integration without batching would do.
func BenchmarkDirectRPCOneByOne(b *testing.B) { benchDirect(b, 1) }
