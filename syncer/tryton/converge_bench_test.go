package tryton

import (
	"context"
	"testing"
	"time"

	"leadcap/lead"
	"leadcap/syncer"
	"leadcap/syncer/syncertest"
)

// The convergence benchmark: one on-demand sync (SyncAll, as leadcap sync
// runs it, with the relay's defaults) of 200 new leads, every third a
// prospect, into the real Tryton through syncertest.FaultProxy: without
// faults, and with 35% of requests spoiled (10% 503 and 10% 429 with
// Retry-After: 1, not forwarded; 15% forwarded and committed by Tryton,
// then the connection closed without a reply). Each run must end with
// nothing pending and, counted in Tryton, exactly one party and one
// opportunity per lead, prospects as opportunities.
//
//	scripts/tryton.sh start
//	go test -run '^$' -bench Converge -benchtime 3x ./syncer/tryton/

const convergeLeads = 200

var convergeFaults = syncertest.Faults{Unavailable: 0.10, TooMany: 0.10, LostReply: 0.15}

func BenchmarkConverge(b *testing.B) {
	for _, tc := range []struct {
		name   string
		faults syncertest.Faults
	}{{"no-faults", syncertest.Faults{}}, {"35pct-faults", convergeFaults}} {
		b.Run(tc.name, func(b *testing.B) {
			env := liveTryton(b)
			db := admin(b, env)
			var requests, faults, parties, opps int
			var slowest time.Duration
			for i := range b.N {
				b.StopTimer()
				f := tc.faults
				f.Seed = uint64(i + 1)
				proxy := syncertest.NewFaultProxy(b, env.URL, f)
				c := newConnector(b, env, func(cfg *Config) { cfg.URL = proxy.URL + "/" })
				out := syncertest.NewOutbox()
				entries := make([]lead.OutboxEntry, convergeLeads)
				for k := range entries {
					entries[k] = newEntry(b, func(l *lead.Lead) {
						if k%3 == 0 {
							prospect(l)
						}
					})
					out.Add(entries[k])
				}
				r := syncer.NewRelay(out, c, syncer.Options{})
				b.StartTimer()
				start := time.Now()
				sum, err := r.SyncAll(context.Background(), 4*time.Minute)
				slowest = max(slowest, time.Since(start))
				b.StopTimer()
				if err != nil || sum.Pending != 0 || sum.Done != convergeLeads {
					b.Fatalf("run %d: %v, %v", i, sum, err)
				}
				st := proxy.Stats()
				b.Logf("run %d: %s, %s; proxy %+v", i, time.Since(start).Round(time.Millisecond), sum, st)
				requests += st.Requests
				faults += st.Unavailable + st.TooMany + st.LostReplies
				p, o := checkOnePerLead(b, db, entries)
				parties, opps = parties+p, opps+o
				b.StartTimer()
			}
			b.ReportMetric(slowest.Seconds(), "slowest-s")
			b.ReportMetric(float64(parties)/float64(b.N*convergeLeads), "parties/lead")
			b.ReportMetric(float64(opps)/float64(b.N*convergeLeads), "opportunities/lead")
			b.ReportMetric(float64(requests)/float64(b.N), "requests/run")
			b.ReportMetric(float64(faults)/float64(max(requests, 1))*100, "%faults")
		})
	}
}

// checkOnePerLead counts, in Tryton, the parties (by code) and the
// opportunities (by reference) of every entry: exactly one each, a
// prospect's in state "opportunity", any other's in state "lead". It
// returns the numbers of parties and opportunities found.
func checkOnePerLead(t testing.TB, db *client, entries []lead.OutboxEntry) (parties, opportunities int) {
	t.Helper()
	codes := make([]string, len(entries))
	for i, e := range entries {
		codes[i] = e.Lead.ID.String()
	}
	var ps []struct {
		Code string `json:"code"`
	}
	rpc(t, db, &ps, "model.party.party.search_read", []any{[]any{"code", "in", codes}}, 0, nil, nil, []string{"code"})
	var opps []opportunity
	rpc(t, db, &opps, "model.sale.opportunity.search_read", []any{[]any{"reference", "in", codes}}, 0, nil, nil, []string{"reference", "state"})
	nParty, nOpp, state := map[string]int{}, map[string]int{}, map[string]string{}
	for _, p := range ps {
		nParty[p.Code]++
	}
	for _, o := range opps {
		nOpp[o.Reference]++
		state[o.Reference] = o.State
	}
	for _, e := range entries {
		code := e.Lead.ID.String()
		want := "lead"
		if e.Lead.Stage() == lead.StageProspect {
			want = "opportunity"
		}
		if nParty[code] != 1 || nOpp[code] != 1 || state[code] != want {
			t.Fatalf("lead %s: %d parties, %d opportunities in state %q; want 1, 1, %q", code, nParty[code], nOpp[code], state[code], want)
		}
	}
	return len(ps), len(opps)
}
