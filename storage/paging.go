package storage

import (
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

	"leadcap/lead"
)

// DefaultPageSize is the page size of Page when the query sets no Limit.
const DefaultPageSize = 100

// Page is one page of a list, newest capture first.
type Page struct {
	Rows []Summary
	// Next continues the list: the Cursor of the query for the following
	// page; empty when this page is the last.
	Next string
}

// Page returns up to q.Limit (DefaultPageSize when 0) summaries matching q,
// after q.Cursor, and the cursor of the next page. A page costs the same at
// a million leads as at a hundred: it reads its rows and the index entries
// it skips, not the whole list. Cursors stay valid while leads are added
// or changed: a page never repeats a lead of an earlier one unless the lead
// was captured anew.
func (s *Store) Page(q Query) (Page, error) {
	if q.Limit <= 0 {
		q.Limit = DefaultPageSize
	}
	var p Page
	var last []byte
	err := s.view(func(b *bx) error {
		var bad error
		b.walk(q, true, func(k, v []byte) bool {
			sum, ok := b.rc.decodeSummary(k, v)
			if !ok {
				bad = fmt.Errorf("summary %x: %w", k, ErrDamaged)
				return false
			}
			p.Rows = append(p.Rows, sum)
			last = k
			return true
		})
		if len(p.Rows) == q.Limit {
			p.Next = hex.EncodeToString(last)
		}
		return bad
	})
	if err != nil {
		return Page{}, fmt.Errorf("storage: list leads: %w", err)
	}
	return p, nil
}

// EachLeadSync is EachLead with each lead's delivery state, all read in one
// read transaction (a consistent snapshot, and no transaction per lead).
func (s *Store) EachLeadSync(q Query, fn func(lead.Lead, SyncInfo) error) error {
	return s.eachLead(q, func(b *bx, l lead.Lead) error { return fn(l, b.syncInfo(l.ID)) })
}

// eachLead is EachLead and EachLeadSync: fn gets the transaction too.
func (s *Store) eachLead(q Query, fn func(*bx, lead.Lead) error) error {
	err := s.view(func(b *bx) error {
		var bad error
		b.walk(q, true, func(k, _ []byte) bool {
			id, _ := idOf(k[8:])
			l, err := b.lead(id)
			if err == nil {
				err = callUser(func() error { return fn(b, l) })
			}
			bad = err
			return err == nil
		})
		return bad
	})
	if err != nil {
		return fmt.Errorf("storage: read leads: %w", err)
	}
	return nil
}

// syncInfo is the delivery state of a stored lead.
func (b *bx) syncInfo(id uuid.UUID) SyncInfo {
	st := b.syncState(id)
	si := SyncInfo{Status: b.status(id), SyncedAt: st.SyncedAt, SyncedVersion: st.SyncedVersion, RemoteID: st.RemoteID}
	if r, ok := b.outboxRec(id); ok {
		si.Attempts, si.LastError, si.NextAttempt = r.Attempts, r.LastError, r.NextAttempt
	}
	if v := b.dead.Get(id[:]); v != nil {
		var d DeadLetter
		if data, err := b.rc.openReply(v, id[:], adDead); err == nil && json.Unmarshal(data, &d) == nil {
			si.Attempts, si.LastError = d.Attempts, d.Reason
		}
	}
	return si
}
