package storage

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"leadcap/lead"
)

// bx holds a transaction's buckets.
type bx struct {
	tx                                                     *bolt.Tx
	meta, events, leads, settings, sync, outbox, due, dead *bolt.Bucket
	summaries, ixEvent, ixDup, ixStage, leases             *bolt.Bucket
	ixWords, counts, ixBadge                               *bolt.Bucket
	events0                                                map[uuid.UUID]lead.Event
	rc                                                     *codec           // see record.go
	deltas                                                 map[countKey]int // see counters.go
}

func buckets(tx *bolt.Tx) *bx {
	b := &bx{
		tx: tx, meta: tx.Bucket(bMeta), events: tx.Bucket(bEvents), leads: tx.Bucket(bLeads),
		settings: tx.Bucket(bSettings), sync: tx.Bucket(bSync), outbox: tx.Bucket(bOutbox),
		due: tx.Bucket(bDue), dead: tx.Bucket(bDead), summaries: tx.Bucket(bSummaries),
		leases: tx.Bucket(bLeases), counts: tx.Bucket(bCounts),
	}
	if ix := tx.Bucket(bIndexes); ix != nil {
		b.ixEvent, b.ixDup, b.ixStage = ix.Bucket(ixEvent), ix.Bucket(ixDup), ix.Bucket(ixStage)
		b.ixWords, b.ixBadge = ix.Bucket(ixWords), ix.Bucket(ixBadge)
	}
	return b
}

// fill packs pages tighter: lead, summary, index, outbox, schedule and
// sync state keys mostly grow at the end (time-ordered IDs and times),
// where bbolt's default 50% split wastes half a page.
func (b *bx) fill() {
	for _, k := range []*bolt.Bucket{b.leads, b.summaries, b.ixEvent, b.ixStage, b.outbox, b.due, b.sync} {
		if k != nil {
			k.FillPercent = 0.9
		}
	}
}

func (s *Store) view(fn func(b *bx) error) (err error) {
	defer s.noticeDamage(&err)
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer guard(&err)
	s.swap.RLock()
	defer s.swap.RUnlock()
	return s.db.View(func(tx *bolt.Tx) error {
		b := buckets(tx)
		b.rc = s.codec()
		return fn(b)
	})
}

// update runs fn in a write transaction. Every write goes through here,
// except rebuild's own (called by Open, or by RebuildIndexes which holds
// s.rebuilding exclusively).
func (s *Store) update(fn func(b *bx) error) (err error) {
	s.rebuilding.RLock()
	defer s.rebuilding.RUnlock()
	return s.write(fn)
}

func (s *Store) write(fn func(b *bx) error) (err error) {
	defer s.noticeDamage(&err)
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer guard(&err)
	s.swap.RLock()
	defer s.swap.RUnlock()
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := buckets(tx)
		b.rc = s.codec()
		b.fill()
		if err := fn(b); err != nil {
			return err
		}
		return b.flushCounts()
	})
	if errors.Is(err, berrors.ErrDatabaseReadOnly) {
		return ErrReadOnly
	}
	return err
}

// guard turns a crash inside bbolt on a damaged page (a panic, or a memory
// fault that SetPanicOnFault made a panic) into ErrDamaged; bbolt has rolled
// the transaction back by then. A panic in the caller's own callback is
// passed on unchanged.
func guard(err *error) {
	r := recover()
	if r == nil {
		return
	}
	if up, ok := r.(userPanic); ok {
		panic(up.v)
	}
	*err = fmt.Errorf("%w (%v)", ErrDamaged, r)
}

type userPanic struct{ v any }

// callUser runs a caller's callback inside a transaction, marking its panic
// so that guard does not mistake it for damage.
func callUser(fn func() error) error {
	defer func() {
		if r := recover(); r != nil {
			panic(userPanic{r})
		}
	}()
	return fn()
}

// fatalError marks a bbolt write failure: the transaction must be abandoned.
type fatalError struct{ err error }

func (e fatalError) Error() string { return e.err.Error() }
func (e fatalError) Unwrap() error { return e.err }

func fatal(err error) error {
	if err == nil {
		return nil
	}
	return fatalError{err}
}

func idOf(v []byte) (uuid.UUID, bool) {
	if len(v) != 16 {
		return uuid.Nil, false
	}
	return uuid.UUID(v), true
}

func (b *bx) lead(id uuid.UUID) (lead.Lead, error) {
	v := b.leads.Get(id[:])
	if v == nil {
		return lead.Lead{}, fmt.Errorf("lead %s: %w", id, ErrNotFound)
	}
	return b.rc.decodeLead(id[:], v)
}

func (b *bx) event(id uuid.UUID) (lead.Event, error) {
	if ev, ok := b.events0[id]; ok {
		return ev, nil
	}
	v := b.events.Get(id[:])
	if v == nil {
		return lead.Event{}, fmt.Errorf("event %s: %w", id, ErrNotFound)
	}
	var ev lead.Event
	if err := json.Unmarshal(v, &ev); err != nil {
		return lead.Event{}, fmt.Errorf("event %s: %w (%v)", id, ErrDamaged, err)
	}
	if b.events0 == nil {
		b.events0 = map[uuid.UUID]lead.Event{}
	}
	b.events0[id] = ev
	return ev, nil
}

// syncState is the CRM side of a lead: what was last confirmed.
type syncState struct {
	SyncedAt      time.Time `json:"synced_at,omitzero"`
	SyncedVersion int64     `json:"synced_version,omitempty"`
	RemoteID      string    `json:"remote_id,omitempty"`
}

// outboxRec is the one pending outbox entry of a lead.
type outboxRec struct {
	Version     int64     `json:"version"`
	Seq         uint64    `json:"seq"`
	Enqueued    time.Time `json:"enqueued"`
	Attempts    int       `json:"attempts,omitempty"`
	NextAttempt time.Time `json:"next_attempt,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
}

func (r *outboxRec) dueKey() []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, timeKey(r.NextAttempt))
	binary.BigEndian.PutUint64(k[8:], r.Seq)
	return k
}

func (b *bx) syncState(id uuid.UUID) syncState {
	var st syncState
	if v := b.sync.Get(id[:]); v != nil {
		_ = json.Unmarshal(v, &st)
	}
	return st
}

func (b *bx) outboxRec(id uuid.UUID) (outboxRec, bool) {
	v := b.outbox.Get(id[:])
	if v == nil {
		return outboxRec{}, false
	}
	var r outboxRec
	data, err := b.rc.openReply(v, id[:], adOutbox)
	if err != nil || json.Unmarshal(data, &r) != nil {
		return outboxRec{}, false
	}
	return r, true
}

func (b *bx) putOutbox(id uuid.UUID, r *outboxRec) error {
	data, err := json.Marshal(r)
	if err != nil {
		return fatal(err)
	}
	return fatal(b.outbox.Put(id[:], b.rc.sealReply(data, id[:], adOutbox, r.LastError != "")))
}

// reschedule moves an outbox entry to a new next-attempt time.
func (b *bx) reschedule(id uuid.UUID, r *outboxRec, next time.Time) error {
	if err := b.unlease(id); err != nil {
		return err
	}
	if err := b.due.Delete(r.dueKey()); err != nil {
		return fatal(err)
	}
	r.NextAttempt = next.UTC()
	if err := b.due.Put(r.dueKey(), id[:]); err != nil {
		return fatal(err)
	}
	return b.putOutbox(id, r)
}

func (b *bx) dropOutbox(id uuid.UUID, r *outboxRec) error {
	if err := b.unlease(id); err != nil {
		return err
	}
	if err := b.due.Delete(r.dueKey()); err != nil {
		return fatal(err)
	}
	return fatal(b.outbox.Delete(id[:]))
}

// enqueue upserts the lead's single outbox entry. An existing entry takes
// the new version and keeps its place and schedule (a claimed entry keeps
// its lease, a failing one its back-off); a new one is due now. A dead
// letter is dropped: the change is worth another try.
func (b *bx) enqueue(id uuid.UUID, version int64, now time.Time) error {
	if err := b.dead.Delete(id[:]); err != nil {
		return fatal(err)
	}
	if r, ok := b.outboxRec(id); ok {
		r.Version = version
		return b.putOutbox(id, &r)
	}
	seq, err := b.outbox.NextSequence()
	if err != nil {
		return fatal(err)
	}
	r := outboxRec{Version: version, Seq: seq, Enqueued: now.UTC(), NextAttempt: b.firstAttempt(id, now)}
	if err := b.due.Put(r.dueKey(), id[:]); err != nil {
		return fatal(err)
	}
	return b.putOutbox(id, &r)
}

func (b *bx) status(id uuid.UUID) SyncStatus {
	if b.dead.Get(id[:]) != nil {
		return SyncDead
	}
	if r, ok := b.outboxRec(id); ok {
		if r.Attempts > 0 {
			return SyncFailed
		}
		return SyncPending
	}
	if b.sync.Get(id[:]) != nil {
		return SyncSynced
	}
	// Neither queued nor ever delivered: only a badge scan that awaits its
	// contact is saved without an outbox entry (see save).
	return SyncWaiting
}

// refreshStatus rewrites the sync status byte of a lead's summary.
func (b *bx) refreshStatus(id uuid.UUID) error {
	if b.leads.Get(id[:]) == nil {
		return nil
	}
	l, err := b.lead(id)
	if err != nil {
		return err
	}
	k := summaryKey(&l)
	old := b.summaries.Get(k)
	if len(old) < sumMinimumN {
		return nil
	}
	nv := bytes.Clone(old)
	nv[sumSync] = code(syncCodes, b.status(id))
	return b.putSummary(k, nv)
}

// checkDuplicate fails with *DuplicateError when another lead of the same
// event has l's duplicate key.
func (b *bx) checkDuplicate(l *lead.Lead) error {
	key := l.Contact.DuplicateKey()
	if key == "" {
		return nil
	}
	if v := b.ixDup.Get(b.dupIndexKey(l.EventID, key)); v != nil && !bytes.Equal(v, l.ID[:]) {
		other, _ := idOf(v)
		return &DuplicateError{Existing: other, Key: key}
	}
	return nil
}

// awaitsContact reports whether l is a badge scan that waits for its
// contact and so gets no outbox entry. A lead already queued or delivered
// cannot lose its last way to reach the person: that is the contact's
// ErrUnreachable.
func (b *bx) awaitsContact(l *lead.Lead) (bool, error) {
	if !l.AwaitsContact() {
		return false, nil
	}
	if _, queued := b.outboxRec(l.ID); queued || b.sync.Get(l.ID[:]) != nil {
		return false, l.Contact.Reachable()
	}
	return true, nil
}

// save writes l (replacing old when not nil) with its summary and indexes,
// and upserts its outbox entry. Every check happens before the first write,
// so an error that is not a fatalError leaves the transaction untouched.
func (b *bx) save(old, l *lead.Lead, now time.Time) error {
	if err := b.checkDuplicate(l); err != nil {
		return err
	}
	data, err := b.rc.encodeLead(l)
	if err != nil {
		return err
	}
	if old != nil {
		if err := b.unindex(old); err != nil {
			return err
		}
	}
	waits, err := b.awaitsContact(l)
	if err != nil {
		return err
	}
	if err := b.leads.Put(l.ID[:], data); err != nil {
		return fatal(err)
	}
	if !waits {
		if err := b.enqueue(l.ID, l.Version, now); err != nil {
			return err
		}
	}
	return b.index(l)
}

// index writes l's summary and index entries.
func (b *bx) index(l *lead.Lead) error {
	sk := summaryKey(l)
	if err := b.putSummary(sk, b.rc.encodeSummary(sk, l, b.status(l.ID))); err != nil {
		return err
	}
	if err := b.indexWords(l, false); err != nil {
		return err
	}
	if err := b.ixEvent.Put(eventIndexKey(l, sk), nil); err != nil {
		return fatal(err)
	}
	if err := b.ixStage.Put(stageIndexKey(l, sk), nil); err != nil {
		return fatal(err)
	}
	if key := l.Contact.DuplicateKey(); key != "" {
		if err := b.ixDup.Put(b.dupIndexKey(l.EventID, key), l.ID[:]); err != nil {
			return fatal(err)
		}
	}
	return nil
}

func (b *bx) unindex(l *lead.Lead) error {
	sk := summaryKey(l)
	if err := b.deleteSummary(sk); err != nil {
		return err
	}
	if err := b.indexWords(l, true); err != nil {
		return err
	}
	for _, del := range []struct {
		b *bolt.Bucket
		k []byte
	}{
		{b.ixEvent, eventIndexKey(l, sk)},
		{b.ixStage, stageIndexKey(l, sk)},
	} {
		if err := del.b.Delete(del.k); err != nil {
			return fatal(err)
		}
	}
	if key := l.Contact.DuplicateKey(); key != "" {
		k := b.dupIndexKey(l.EventID, key)
		if bytes.Equal(b.ixDup.Get(k), l.ID[:]) {
			if err := b.ixDup.Delete(k); err != nil {
				return fatal(err)
			}
		}
	}
	return nil
}

// lease records that a relay claimed the lead's outbox entry.
func (b *bx) lease(id uuid.UUID) error {
	if b.leases == nil {
		return nil
	}
	return fatal(b.leases.Put(id[:], []byte{}))
}

// unlease forgets a claim: the entry was marked, rescheduled or dropped.
func (b *bx) unlease(id uuid.UUID) error {
	if b.leases == nil {
		return nil
	}
	return fatal(b.leases.Delete(id[:]))
}
