package storage

import (
	"bytes"
	"encoding/binary"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"leadcap/lead"
)

// timeKey encodes t so that byte order is time order; the zero time is 0.
func timeKey(t time.Time) uint64 {
	if t.IsZero() {
		return 0
	}
	return uint64(t.UnixNano()) ^ 1<<63
}

func fromTimeKey(k uint64) time.Time {
	if k == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(k^1<<63)).UTC()
}

// summaryKey is timeKey(CapturedAt) + ID: summaries sort by capture time.
func summaryKey(l *lead.Lead) []byte {
	k := make([]byte, 24)
	binary.BigEndian.PutUint64(k, timeKey(l.CapturedAt))
	copy(k[8:], l.ID[:])
	return k
}

// Index keys (see ixEvent, ixStage and ixDup in schema.go).

func eventIndexKey(l *lead.Lead, sk []byte) []byte { return slices.Concat(l.EventID[:], sk) }

func stageIndexKey(l *lead.Lead, sk []byte) []byte {
	return slices.Concat([]byte{code(stageCodes, l.Stage())}, sk)
}

var stageCodes = []lead.Stage{"", lead.StageLead, lead.StageProspect, lead.StageDisqualified}
var ratingCodes = []lead.Rating{"", lead.RatingUnrated, lead.RatingHot, lead.RatingWarm, lead.RatingCold}
var syncCodes = []SyncStatus{"", SyncPending, SyncSynced, SyncFailed, SyncDead, SyncWaiting} // append only

func code[T comparable](list []T, v T) byte {
	for i, x := range list {
		if x == v {
			return byte(i)
		}
	}
	return 0
}

func decode[T any](list []T, c byte) T {
	if int(c) < len(list) {
		return list[c]
	}
	var zero T
	return zero
}

// A summary is the compact record List and search read instead of the lead:
//
//	[0]      format: sumPlain, or sumSealed when the store is encrypted
//	[1:17]   event ID
//	[17]     stage code
//	[18]     rating code
//	[19]     sync status code
//	[20:]    uvarint-prefixed name, organization and emails (one per
//	         line); sealed (see codec.seal) with the summary key as
//	         additional data when the format is sumSealed
//
// The fixed part stays plain so that filters, counters and sync status
// updates need no key. (Format 1, schema 2, also held folded search text;
// a migration rebuilds every summary.)
const (
	sumPlain    = 2
	sumSealed   = 3
	sumEvent    = 1
	sumStage    = 17
	sumRating   = 18
	sumSync     = 19
	sumStrings  = 20
	sumMinimumN = 20
)

func (c *codec) encodeSummary(sk []byte, l *lead.Lead, st SyncStatus) []byte {
	var blob []byte
	for _, s := range []string{l.Contact.Name(), l.Contact.Organization, strings.Join(l.Contact.Emails, "\n")} {
		blob = binary.AppendUvarint(blob, uint64(len(s)))
		blob = append(blob, s...)
	}
	b := make([]byte, sumStrings, sumStrings+len(blob))
	b[0] = sumPlain
	copy(b[sumEvent:], l.EventID[:])
	b[sumStage] = code(stageCodes, l.Stage())
	b[sumRating] = code(ratingCodes, l.Rating)
	b[sumSync] = code(syncCodes, st)
	if c.aead == nil {
		return append(b, blob...)
	}
	sealed := c.seal(sumSealed, blob, sk)
	b[0] = sumSealed
	return append(b, sealed[1:]...)
}

// summaryStrings returns the name, organization and emails of a summary.
func (c *codec) summaryStrings(k, v []byte) (strs [3]string, ok bool) {
	if len(v) < sumMinimumN {
		return strs, false
	}
	rest := v[sumStrings:]
	switch v[0] {
	case sumPlain:
	case sumSealed:
		var err error
		if rest, err = c.open(v[sumStrings-1:], k); err != nil {
			return strs, false
		}
	default:
		return strs, false
	}
	for i := range strs {
		n, w := binary.Uvarint(rest)
		if w <= 0 || uint64(len(rest)-w) < n {
			return strs, false
		}
		strs[i] = string(rest[w : w+int(n)])
		rest = rest[w+int(n):]
	}
	return strs, true
}

func (c *codec) decodeSummary(k, v []byte) (Summary, bool) {
	if len(k) != 24 {
		return Summary{}, false
	}
	strs, ok := c.summaryStrings(k, v)
	if !ok {
		return Summary{}, false
	}
	s := Summary{
		ID:           uuid.UUID(k[8:24]),
		EventID:      uuid.UUID(v[sumEvent : sumEvent+16]),
		Stage:        decode(stageCodes, v[sumStage]),
		Rating:       decode(ratingCodes, v[sumRating]),
		Sync:         decode(syncCodes, v[sumSync]),
		CapturedAt:   fromTimeKey(binary.BigEndian.Uint64(k)),
		Name:         strs[0],
		Organization: strs[1],
	}
	s.Email, _, _ = strings.Cut(strs[2], "\n")
	return s, true
}

// matcher tests encoded summaries against a Query.
type matcher struct {
	rc    *codec
	event []byte
	stage byte
	sync  byte
	// words are the folded words of the search text; nil: no text filter.
	words []string
	// impossible is set when a filter names a value no lead can have.
	impossible bool
}

func newMatcher(rc *codec, q Query) matcher {
	m := matcher{rc: rc}
	if q.EventID != uuid.Nil {
		m.event = q.EventID[:]
	}
	if q.Stage != "" {
		m.stage = code(stageCodes, q.Stage)
		m.impossible = m.impossible || m.stage == 0
	}
	if q.Sync != "" {
		m.sync = code(syncCodes, q.Sync)
		m.impossible = m.impossible || m.sync == 0
	}
	m.words = searchWords(q.Text)
	return m
}

// fixed tests the filters the plain part of a summary answers.
func (m *matcher) fixed(v []byte) bool {
	if len(v) < sumMinimumN {
		return false
	}
	if m.event != nil && !bytes.Equal(v[sumEvent:sumEvent+16], m.event) {
		return false
	}
	if m.stage != 0 && v[sumStage] != m.stage {
		return false
	}
	return m.sync == 0 || v[sumSync] == m.sync
}

func (m *matcher) match(k, v []byte) bool {
	if !m.fixed(v) {
		return false
	}
	if m.words == nil {
		return true
	}
	strs, ok := m.rc.summaryStrings(k, v)
	if !ok {
		return false
	}
	if textMatches(strs[0], m.words) || textMatches(strs[1], m.words) {
		return true
	}
	for e := range strings.SplitSeq(strs[2], "\n") {
		if textMatches(e, m.words) {
			return true
		}
	}
	return false
}
