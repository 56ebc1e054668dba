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

// A summary is the compact record List, search and the event report read
// instead of the lead:
//
//	[0]      format: sumPlain, or sumSealed when the store is encrypted
//	[1:17]   event ID
//	[17]     stage code
//	[18]     rating code
//	[19]     sync status code
//	[20]     consent: legal basis code << 4 | consent status code
//	[21:]    uvarint-prefixed name, organization, emails (one per line)
//	         and the staff member who captured the lead; sealed (see
//	         codec.seal) with the summary key as additional data when the
//	         format is sumSealed
//
// The capture time is in the key. The fixed part (codes only) stays plain
// so that filters, counters, sync status updates and the report's charts
// of ratings and consent need no key; the strings, the staff member's name
// included, are personal data and sealed like the lead record. (Format 1,
// schema 2, also held folded search text; formats 2 and 3, schema 3, had
// neither consent nor staff member; a migration rebuilds every summary.)
const (
	sumPlain    = 4
	sumSealed   = 5
	sumEvent    = 1
	sumStage    = 17
	sumRating   = 18
	sumSync     = 19
	sumConsent  = 20
	sumStrings  = 21
	sumMinimumN = 21
	// sumNStrings is how many strings a summary holds.
	sumNStrings = 4
)

var basisCodes = []lead.LegalBasis{"", lead.BasisNone, lead.BasisLegitimateInterest, lead.BasisConsent}                       // append only, at most 16
var consentCodes = []lead.ConsentStatus{lead.ConsentNotAsked, lead.ConsentRequested, lead.ConsentActive, lead.ConsentRevoked} // append only, at most 16

func consentCode(c lead.Consent) byte {
	return code(basisCodes, c.Basis)<<4 | code(consentCodes, c.Status)
}

func decodeConsent(c byte) lead.Consent {
	return lead.Consent{Basis: decode(basisCodes, c>>4), Status: decode(consentCodes, c&0xf)}
}

func (c *codec) encodeSummary(sk []byte, l *lead.Lead, st SyncStatus) []byte {
	var blob []byte
	for _, s := range [sumNStrings]string{l.Contact.Name(), l.Contact.Organization, strings.Join(l.Contact.Emails, "\n"), l.CapturedBy} {
		blob = binary.AppendUvarint(blob, uint64(len(s)))
		blob = append(blob, s...)
	}
	b := make([]byte, sumStrings, sumStrings+len(blob))
	b[0] = sumPlain
	copy(b[sumEvent:], l.EventID[:])
	b[sumStage] = code(stageCodes, l.Stage())
	b[sumRating] = code(ratingCodes, l.Rating)
	b[sumSync] = code(syncCodes, st)
	b[sumConsent] = consentCode(l.Consent)
	if c.aead == nil {
		return append(b, blob...)
	}
	sealed := c.seal(sumSealed, blob, sk)
	b[0] = sumSealed
	return append(b, sealed[1:]...)
}

// summaryBlob returns the strings part of a summary, opened when sealed.
func (c *codec) summaryBlob(k, v []byte) ([]byte, bool) {
	if len(v) < sumMinimumN {
		return nil, false
	}
	switch v[0] {
	case sumPlain:
		return v[sumStrings:], true
	case sumSealed:
		rest, err := c.open(v[sumStrings-1:], k)
		return rest, err == nil
	}
	return nil, false
}

// nextString splits the first uvarint-prefixed string off blob.
func nextString(blob []byte) (s, rest []byte, ok bool) {
	n, w := binary.Uvarint(blob)
	if w <= 0 || uint64(len(blob)-w) < n {
		return nil, nil, false
	}
	return blob[w : w+int(n)], blob[w+int(n):], true
}

// summaryStrings returns the name, organization, emails and staff member
// of a summary.
func (c *codec) summaryStrings(k, v []byte) (strs [sumNStrings]string, ok bool) {
	rest, ok := c.summaryBlob(k, v)
	if !ok {
		return strs, false
	}
	for i := range strs {
		var s []byte
		if s, rest, ok = nextString(rest); !ok {
			return strs, false
		}
		strs[i] = string(s)
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
		Consent:      decodeConsent(v[sumConsent]),
		CapturedAt:   fromTimeKey(binary.BigEndian.Uint64(k)),
		Name:         strs[0],
		Organization: strs[1],
		CapturedBy:   strs[3],
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
