package storage

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"leadcap/lead"
)

// Counters (bucket bCounts) hold how many leads each combination of event,
// stage and sync status has, kept in the same transaction as the summaries
// they count: status and counts of queries without search text read a few
// dozen keys instead of every summary.
//
//	event ID (16) + stage code (1) + sync code (1) -> count (uint64 BE)

type countKey [18]byte

func countKeyOf(v []byte) (countKey, bool) {
	var k countKey
	if len(v) < sumMinimumN {
		return k, false
	}
	copy(k[:16], v[sumEvent:sumEvent+16])
	k[16], k[17] = v[sumStage], v[sumSync]
	return k, true
}

func (b *bx) count(v []byte, d int) {
	k, ok := countKeyOf(v)
	if !ok {
		return
	}
	if b.deltas == nil {
		b.deltas = map[countKey]int{}
	}
	b.deltas[k] += d
}

// putSummary writes a summary and counts it (instead of the one it
// replaces).
func (b *bx) putSummary(k, v []byte) error {
	if old := b.summaries.Get(k); old != nil {
		b.count(old, -1)
	}
	b.count(v, 1)
	return fatal(b.summaries.Put(k, v))
}

// deleteSummary removes a summary and its count.
func (b *bx) deleteSummary(k []byte) error {
	if old := b.summaries.Get(k); old != nil {
		b.count(old, -1)
	}
	return fatal(b.summaries.Delete(k))
}

// flushCounts adds the transaction's changes to the counters; write calls
// it after the transaction's work succeeded.
func (b *bx) flushCounts() error {
	if b.counts == nil {
		return nil
	}
	for k, d := range b.deltas {
		if d == 0 {
			continue
		}
		n := int64(0)
		if v := b.counts.Get(k[:]); len(v) == 8 {
			n = int64(binary.BigEndian.Uint64(v))
		}
		n += int64(d)
		var err error
		if n <= 0 {
			err = b.counts.Delete(k[:])
		} else {
			err = b.counts.Put(k[:], binary.BigEndian.AppendUint64(nil, uint64(n)))
		}
		if err != nil {
			return err
		}
	}
	clear(b.deltas)
	return nil
}

// tallyCounters adds up the counters matching m's filters (m has no search
// words) into st.
func (b *bx) tallyCounters(m *matcher, st *Stats) {
	c := b.counts.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(k) != len(countKey{}) || len(v) != 8 {
			continue
		}
		if m.event != nil && !bytes.Equal(k[:16], m.event) || m.stage != 0 && k[16] != m.stage || m.sync != 0 && k[17] != m.sync {
			continue
		}
		n := int(binary.BigEndian.Uint64(v))
		st.Leads += n
		st.ByStage[decode(stageCodes, k[16])] += n
		st.BySync[decode(syncCodes, k[17])] += n
	}
}

// stats counts the leads matching q by stage and sync status: from the
// counters when q has no search text, else by walking the matches.
func (b *bx) stats(q Query) Stats {
	st := Stats{ByStage: map[lead.Stage]int{}, BySync: map[SyncStatus]int{}}
	for _, g := range lead.Stages {
		st.ByStage[g] = 0
	}
	for _, g := range SyncStatuses {
		st.BySync[g] = 0
	}
	m := newMatcher(b.rc, q)
	switch {
	case m.impossible:
	case m.words == nil:
		b.tallyCounters(&m, &st)
	default:
		q.Cursor, q.Limit, q.Offset = "", 0, 0
		b.walk(q, false, func(_, v []byte) bool {
			st.Leads++
			st.ByStage[decode(stageCodes, v[sumStage])]++
			st.BySync[decode(syncCodes, v[sumSync])]++
			return true
		})
	}
	st.OutboxPending = st.BySync[SyncPending] + st.BySync[SyncFailed]
	st.Dead = st.BySync[SyncDead]
	return st
}

// StatsOf counts the leads matching q (Cursor, Limit and Offset ignored)
// by stage and sync status; OutboxPending and Dead count the matching
// leads waiting in the outbox and the dead ones. Without search text it
// reads the counters only, so it takes the same time at a million leads as
// at ten.
func (s *Store) StatsOf(q Query) (Stats, error) {
	var st Stats
	err := s.view(func(b *bx) error {
		st = b.stats(q)
		return nil
	})
	if err != nil {
		return Stats{}, fmt.Errorf("storage: count leads: %w", err)
	}
	return st, nil
}

// checkCounts verifies the counters against the summaries and the outbox
// and dead letters against the statuses.
func (b *bx) checkCounts() error {
	want := map[countKey]int{}
	c := b.summaries.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		ck, _ := countKeyOf(v)
		want[ck]++
	}
	got := map[countKey]int{}
	c = b.counts.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(k) != len(countKey{}) || len(v) != 8 {
			return damaged("a counter is malformed")
		}
		got[countKey(k)] = int(binary.BigEndian.Uint64(v))
	}
	if len(got) != len(want) {
		return damaged("%d counters for %d combinations of event, stage and status", len(got), len(want))
	}
	for k, n := range want {
		if got[k] != n {
			return damaged("a counter says %d leads, the summaries %d", got[k], n)
		}
	}
	st := b.stats(Query{})
	removals, deadRemovals := b.removals() // see erase.go
	if n := b.outbox.Stats().KeyN; n != st.OutboxPending+removals {
		return damaged("%d outbox entries, %d leads pending or failed, %d removals", n, st.OutboxPending, removals)
	}
	if n := b.dead.Stats().KeyN; n != st.Dead+deadRemovals {
		return damaged("%d dead letters, %d dead leads", n, st.Dead)
	}
	return nil
}
