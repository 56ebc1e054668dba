package storage

// Damage found in a store that still opens: a lead record that no longer
// decodes, a summary or index entry that does not match its lead, a wrong
// counter. Finding it takes reading every record (Check), which Stats and
// the capture path cannot afford at a million leads; so what was found is
// remembered: in the file under the meta key "damage" when the store is
// writable and bbolt's pages are sound (writing into a file whose pages are
// damaged could make it worse), else for as long as the store is open.
// Stats reports it and the writes that bring new data (AddLead,
// AddOrMerge, PutLead, PutLeads, MergeLeads, UpdateLead) refuse it with a
// DamageError, until a Check finds nothing wrong (after RebuildIndexes
// repaired index damage) or the leads are salvaged into a new file.

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// keyDamage holds the JSON Damage found in the store (see above);
// keyChecked the time (RFC 3339) of the last Check that found nothing
// wrong.
var (
	keyDamage  = []byte("damage")
	keyChecked = []byte("checked")
)

// Damage is what was found wrong with a store, and when.
type Damage struct {
	At   time.Time `json:"at"`
	What string    `json:"what"`
	// pages: bbolt's pages are damaged; not written to the file.
	pages bool
}

// DamageError is the refusal to write new data into a store found damaged.
// It wraps ErrDamaged.
type DamageError struct{ Damage }

func (e *DamageError) Error() string {
	return fmt.Sprintf("the database was found damaged on %s (%s): nothing was written; 'leadcap check' says what is wrong, 'leadcap salvage' copies every lead that can still be read into a new database",
		e.At.UTC().Format("2006-01-02 15:04 UTC"), e.What)
}

func (e *DamageError) Unwrap() error { return ErrDamaged }

// recordDamage is damage in leadcap's own records found with bbolt's pages
// sound (it read them): safe to note in the file.
type recordDamage struct{ what string }

func (e *recordDamage) Error() string { return fmt.Sprintf("%v (%s)", ErrDamaged, e.what) }
func (e *recordDamage) Unwrap() error { return ErrDamaged }

func damaged(format string, args ...any) error {
	return &recordDamage{what: fmt.Sprintf(format, args...)}
}

// noticeDamage remembers record damage that err reports (a read or write
// that met a record that does not decode); Close writes it to the file.
// It writes nothing itself: it runs where a read transaction may still be
// open.
func (s *Store) noticeDamage(err *error) {
	var rd *recordDamage
	if *err != nil && errors.As(*err, &rd) {
		s.found(rd.what, false)
	}
}

// found remembers damage unless some is remembered already.
func (s *Store) found(what string, pages bool) {
	now := time.Now
	if s.now != nil { // a Store made by Verify has no clock
		now = s.now
	}
	s.damage.CompareAndSwap(nil, &Damage{At: now().UTC(), What: what, pages: pages})
}

// damageOf returns the damage noted in the file or found by this store.
func (s *Store) damageOf(b *bx) *Damage {
	if d := s.damage.Load(); d != nil {
		return d
	}
	if b.meta == nil {
		return nil
	}
	v := b.meta.Get(keyDamage)
	if v == nil {
		return nil
	}
	var d Damage
	if json.Unmarshal(v, &d) != nil {
		d.What = "unreadable damage note"
	}
	return &d
}

// checkedAt returns when a Check last found nothing wrong (zero: never,
// or not in a writable store).
func checkedAt(b *bx) time.Time {
	if b.meta == nil {
		return time.Time{}
	}
	t, _ := time.Parse(time.RFC3339, string(b.meta.Get(keyChecked)))
	return t
}

// refuseDamaged is the check of the writes that bring new data.
func (s *Store) refuseDamaged(b *bx) error {
	if d := s.damageOf(b); d != nil {
		return &DamageError{*d}
	}
	return nil
}

// saveDamage writes the damage this store found into the file, when it
// can; the note stays in memory when it cannot.
func (s *Store) saveDamage() {
	d := s.damage.Load()
	if d == nil || d.pages || s.db.IsReadOnly() {
		return
	}
	data, _ := json.Marshal(d) // a time and a string
	_ = s.write(func(b *bx) error {
		if b.meta.Get(keyDamage) != nil {
			return nil
		}
		return b.meta.Put(keyDamage, data)
	})
}

// checked records the result of Check: record damage is noted (in the
// file when it can be), damage of bbolt's pages only in memory, and a
// clean check clears both.
func (s *Store) checked(err error) {
	var rd *recordDamage
	switch {
	case err == nil:
		s.damage.Store(nil)
		if s.db.IsReadOnly() {
			return
		}
		now := s.now().UTC().Format(time.RFC3339)
		_ = s.write(func(b *bx) error {
			if err := b.meta.Delete(keyDamage); err != nil {
				return err
			}
			return b.meta.Put(keyChecked, []byte(now))
		})
	case errors.As(err, &rd):
		s.found(rd.what, false)
		s.saveDamage()
	case errors.Is(err, ErrDamaged):
		s.found("bbolt's pages: "+err.Error(), true)
	}
}
