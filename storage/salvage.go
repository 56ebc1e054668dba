package storage

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"leadcap/lead"
)

// Lost is a lead (or a run of them) that Salvage could not copy.
type Lost struct {
	// Key is the lead's ID as stored, in hexadecimal (the lead itself may
	// not decode, so it is not parsed).
	Key string
	// Reason says what was wrong, without the lead's content.
	Reason string
}

// SalvageReport says what Salvage copied and what it lost.
type SalvageReport struct {
	Leads  int    // leads copied
	Events int    // events copied
	Lost   []Lost // leads that could not be copied
}

// salvageBatch is how many leads one transaction of the new store saves.
const salvageBatch = 500

// Salvage copies every lead of the damaged database at src that still
// decodes, with the events they belong to, into a new database at dst,
// and reports what it could not copy. src is opened read-only and never
// changed; dst must not exist. The copied leads keep their IDs and
// versions and are queued for the CRM again (the CRM is told the lead's
// ID every time, so a lead it already has is updated, not duplicated).
// A lead whose event is lost is given a placeholder event named after the
// lost one's ID. It fails when src cannot be read at all (its meta pages
// are gone).
//
// An encrypted src is read with ks (see Options.Key; without it its leads
// are reported lost, a wrong key fails with ErrWrongKey) and dst is
// encrypted with the same kind of key before any lead is copied.
func Salvage(src, dst string, ks KeySource) (SalvageReport, error) {
	var rep SalvageReport
	if _, err := os.Lstat(dst); err == nil {
		return rep, fmt.Errorf("storage: salvage into %s: %w: choose a new file", dst, ErrExists)
	}
	if same(src, dst) {
		return rep, fmt.Errorf("storage: salvage into %s: %w", dst, ErrOwnFile)
	}
	db, err := openBolt(src, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return rep, fmt.Errorf("storage: salvage %s: %w", src, err)
	}
	defer db.Close()
	st := &Store{db: db, path: src}
	if err := salvageUnlock(st, ks); err != nil {
		return rep, fmt.Errorf("storage: salvage %s: %w", src, err)
	}
	defer st.codec().close()
	events, leads, lost := readSalvage(db, st.codec())
	rep.Lost = lost
	out, err := Open(dst, nil)
	if err != nil {
		return rep, fmt.Errorf("storage: salvage into %s: %w", dst, err)
	}
	defer out.Close()
	if st.key != nil && st.Encrypted() {
		if err := out.Encrypt(st.key); err != nil {
			return rep, fmt.Errorf("storage: salvage into %s: %w", dst, err)
		}
	}
	for i := 0; i < len(leads); i += salvageBatch {
		batch := leads[i:min(i+salvageBatch, len(leads))]
		res, err := out.PutLeads(batch, placeholders(events, batch)...)
		if err != nil {
			return rep, fmt.Errorf("storage: salvage into %s: %w", dst, err)
		}
		for j, r := range res {
			switch {
			case r.Err != nil:
				rep.Lost = append(rep.Lost, Lost{Key: fmt.Sprintf("%x", batch[j].ID[:]), Reason: r.Err.Error()})
			default:
				rep.Leads++
			}
			if r.EventCreated {
				rep.Events++
			}
		}
	}
	return rep, nil
}

// placeholders returns the events the batch needs: the salvaged one, or a
// placeholder when the event was lost.
func placeholders(events map[uuid.UUID]lead.Event, batch []lead.Lead) []lead.Event {
	var out []lead.Event
	seen := map[uuid.UUID]bool{}
	for _, l := range batch {
		if seen[l.EventID] {
			continue
		}
		seen[l.EventID] = true
		ev, ok := events[l.EventID]
		if !ok {
			ev = lead.Event{ID: l.EventID, Name: "Salvaged event " + l.EventID.String()[:8]}
			events[l.EventID] = ev
		}
		out = append(out, ev)
	}
	return out
}

// readSalvage reads what still decodes. A crash inside bbolt on a damaged
// page ends the walk of that bucket; what was read before it is kept.
func readSalvage(db *bolt.DB, rc *codec) (events map[uuid.UUID]lead.Event, leads []lead.Lead, lost []Lost) {
	events = map[uuid.UUID]lead.Event{}
	var last []byte
	err := walk(db, rc, bEvents, func(b *bx, k, _ []byte) {
		if id, ok := idOf(k); ok {
			if ev, err := b.event(id); err == nil {
				events[id] = ev
			}
		}
	})
	_ = err // a lost event gets a placeholder
	err = walk(db, rc, bLeads, func(b *bx, k, _ []byte) {
		last = append(last[:0], k...)
		id, ok := idOf(k)
		if !ok {
			lost = append(lost, Lost{Key: fmt.Sprintf("%x", k), Reason: "the key is not a lead ID"})
			return
		}
		l, err := b.lead(id)
		if err != nil {
			lost = append(lost, Lost{Key: fmt.Sprintf("%x", k), Reason: "the lead does not decode"})
			return
		}
		leads = append(leads, l)
	})
	if err != nil {
		lost = append(lost, Lost{Key: fmt.Sprintf("after %x", last), Reason: "a damaged page ends the list of leads: the leads stored after this key could not be read"})
	}
	return events, leads, lost
}

// walk calls fn for every key of a top-level bucket, turning a crash
// inside bbolt into ErrDamaged.
func walk(db *bolt.DB, rc *codec, name []byte, fn func(b *bx, k, v []byte)) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer guard(&err)
	return db.View(func(tx *bolt.Tx) error {
		bk := tx.Bucket(name)
		if bk == nil {
			return errors.New("bucket missing")
		}
		b := buckets(tx)
		b.rc = rc // without the key, an encrypted store's leads are lost
		c := bk.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			fn(b, k, v)
		}
		return nil
	})
}

// salvageUnlock sets st's codec: unlocked with ks, or plain when ks does
// not fit or the header is unreadable (its sealed leads are lost then). A
// wrong key fails: the person meant to give the right one.
func salvageUnlock(st *Store, ks KeySource) (err error) {
	err = func() (err error) {
		defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
		defer guard(&err)
		return st.unlock(ks)
	}()
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrWrongKey) || errors.Is(err, ErrNoKeyringKey) {
		return err
	}
	st.key = nil
	c, cerr := newCodec()
	if cerr != nil {
		return cerr
	}
	st.rc.Store(c)
	return nil
}
