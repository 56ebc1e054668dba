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

func dupIndexKey(eventID uuid.UUID, key string) []byte { return slices.Concat(eventID[:], []byte(key)) }

var stageCodes = []lead.Stage{"", lead.StageLead, lead.StageProspect, lead.StageDisqualified}
var ratingCodes = []lead.Rating{"", lead.RatingUnrated, lead.RatingHot, lead.RatingWarm, lead.RatingCold}
var syncCodes = []SyncStatus{"", SyncPending, SyncSynced, SyncFailed, SyncDead}

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
//	[0]      format (1)
//	[1:17]   event ID
//	[17]     stage code
//	[18]     rating code
//	[19]     sync status code
//	[20:]    uvarint-prefixed strings: folded search text, name,
//	         organization, first email
const (
	sumFormat   = 1
	sumEvent    = 1
	sumStage    = 17
	sumRating   = 18
	sumSync     = 19
	sumStrings  = 20
	sumMinimumN = 21
)

func searchText(c *lead.Contact) string {
	parts := []string{lead.Fold(c.Name()), lead.Fold(c.Organization)}
	for _, e := range c.Emails {
		parts = append(parts, lead.Fold(e))
	}
	return strings.Join(parts, "\n")
}

func encodeSummary(l *lead.Lead, st SyncStatus) []byte {
	email := ""
	if len(l.Contact.Emails) > 0 {
		email = l.Contact.Emails[0]
	}
	strs := []string{searchText(&l.Contact), l.Contact.Name(), l.Contact.Organization, email}
	n := sumStrings
	for _, s := range strs {
		n += binary.MaxVarintLen32 + len(s)
	}
	b := make([]byte, sumStrings, n)
	b[0] = sumFormat
	copy(b[sumEvent:], l.EventID[:])
	b[sumStage] = code(stageCodes, l.Stage())
	b[sumRating] = code(ratingCodes, l.Rating)
	b[sumSync] = code(syncCodes, st)
	for _, s := range strs {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

// summaryText returns the folded search text of an encoded summary.
func summaryText(v []byte) []byte {
	if len(v) < sumMinimumN {
		return nil
	}
	n, w := binary.Uvarint(v[sumStrings:])
	start := sumStrings + w
	if w <= 0 || start+int(n) > len(v) {
		return nil
	}
	return v[start : start+int(n)]
}

func decodeSummary(k, v []byte) (Summary, bool) {
	if len(k) != 24 || len(v) < sumMinimumN || v[0] != sumFormat {
		return Summary{}, false
	}
	s := Summary{
		ID:         uuid.UUID(k[8:24]),
		EventID:    uuid.UUID(v[sumEvent : sumEvent+16]),
		Stage:      decode(stageCodes, v[sumStage]),
		Rating:     decode(ratingCodes, v[sumRating]),
		Sync:       decode(syncCodes, v[sumSync]),
		CapturedAt: fromTimeKey(binary.BigEndian.Uint64(k)),
	}
	rest := v[sumStrings:]
	var strs [4]string
	for i := range strs {
		n, w := binary.Uvarint(rest)
		if w <= 0 || w+int(n) > len(rest) {
			return Summary{}, false
		}
		strs[i] = string(rest[w : w+int(n)])
		rest = rest[w+int(n):]
	}
	s.Name, s.Organization, s.Email = strs[1], strs[2], strs[3]
	return s, true
}

// matcher tests encoded summaries against a Query without decoding them.
type matcher struct {
	event []byte
	stage byte
	sync  byte
	text  []byte
	// impossible is set when a filter names a value no lead can have.
	impossible bool
}

func newMatcher(q Query) matcher {
	var m matcher
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
	if t := lead.Fold(q.Text); t != "" {
		m.text = []byte(t)
	}
	return m
}

func (m *matcher) match(v []byte) bool {
	if len(v) < sumMinimumN {
		return false
	}
	if m.event != nil && !bytes.Equal(v[sumEvent:sumEvent+16], m.event) {
		return false
	}
	if m.stage != 0 && v[sumStage] != m.stage {
		return false
	}
	if m.sync != 0 && v[sumSync] != m.sync {
		return false
	}
	if m.text != nil && !bytes.Contains(summaryText(v), m.text) {
		return false
	}
	return true
}
