package storage

import (
	"fmt"

	"github.com/google/uuid"
)

// EachSummary calls fn with the summary of every lead matching q (Cursor,
// Limit and Offset are ignored), in no promised order, without reading a
// lead record: what the event report counts (capture time, stage, rating,
// consent, sync status, staff member) is all in the summaries. An error
// from fn stops the walk and is returned.
//
// For an event holding a good part of the store it reads the summaries in
// file order, which is several times faster than following the event
// index: about 25 ms for 100,000 leads (plus the decryption of the staff
// members' names when the store is encrypted; see docs/benchmarks.md).
func (s *Store) EachSummary(q Query, fn func(Summary) error) error {
	q.Cursor, q.Limit, q.Offset = "", 0, 0
	err := s.view(func(b *bx) error {
		var bad error
		visit := func(k, v []byte) bool {
			sum, ok := b.rc.decodeSummary(k, v)
			if !ok {
				bad = fmt.Errorf("summary %x: %w", k, ErrDamaged)
				return false
			}
			bad = callUser(func() error { return fn(sum) })
			return bad == nil
		}
		if !b.inFileOrder(q) {
			b.walk(q, false, visit)
			return bad
		}
		m := newMatcher(b.rc, q)
		c := b.summaries.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if m.match(k, v) && !visit(k, v) {
				break
			}
		}
		return bad
	})
	if err != nil {
		return fmt.Errorf("storage: read summaries: %w", err)
	}
	return nil
}

// inFileOrder reports whether the summaries matching q are read faster by
// walking all summaries than through the event index: a look-up per lead
// costs about as much as reading eight summaries in order.
func (b *bx) inFileOrder(q Query) bool {
	if q.Text != "" || q.EventID == uuid.Nil {
		return false
	}
	event, all := b.stats(Query{EventID: q.EventID}), b.stats(Query{})
	return event.Leads*8 >= all.Leads
}
