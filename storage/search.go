package storage

import (
	"encoding/binary"
	"encoding/hex"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"leadcap/lead"
)

// Search matches words, not substrings: every word of the search text must
// begin a word of the same field (the name, the organization or one email),
// ignoring case and accents. "mul" and "MÜLLER" find "Jürgen Müller",
// "cafe zurich" finds "Café Zürich AG", "person7@example" finds
// person7@example.com; "ller" finds nothing.
//
// The word index (ixWords) holds, for every distinct word stem of a lead's
// name, organization and emails (the word's first wordStem runes, the whole
// word when shorter), the lead's capture time in the posting list of the
// stem's keyed hash (see postings.go). A query reads the list of the stem
// of its longest word, newest first, and checks each candidate's summary. Hashes keep the words themselves out
// of the file (and, in an encrypted store, keyed with the store's secret
// index key, out of reach of a dictionary attack).
const (
	wordStem = 3
	wordTag  = 8 // bytes of the stem's hash in a key: no two stems collide
)

// searchWords splits folded text into words (runs of letters and digits).
func searchWords(s string) []string {
	f := strings.FieldsFunc(fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(f) == 0 {
		return nil
	}
	return f
}

// textMatches reports whether every query word begins a word of field.
func textMatches(field string, query []string) bool {
	words := searchWords(field)
	for _, q := range query {
		if !slices.ContainsFunc(words, func(w string) bool { return strings.HasPrefix(w, q) }) {
			return false
		}
	}
	return true
}

// stemLens are the prefix lengths (in runes) the index keeps of a word: a
// query word is looked up by its longest one, so "person77777" reads the
// few leads whose words begin with "person7777", not every "per...".
var stemLens = []int{wordStem, 6, 10}

// prefix returns the first n runes of w, and whether w has that many.
func prefix(w string, n int) (string, bool) {
	i := 0
	for ; n > 0 && i < len(w); n-- {
		_, size := utf8.DecodeRuneInString(w[i:])
		i += size
	}
	return w[:i], n == 0
}

// stem is the longest indexed prefix of a query word; "" when the word is
// shorter than wordStem.
func stem(w string) string {
	best := ""
	for _, n := range stemLens {
		if p, ok := prefix(w, n); ok {
			best = p
		}
	}
	return best
}

// leadStems returns the distinct stems of l's name, organization and
// emails: every indexed prefix of every word, and words shorter than
// wordStem whole.
func leadStems(l *lead.Lead) []string {
	fields := append([]string{l.Contact.Name(), l.Contact.Organization}, l.Contact.Emails...)
	var out []string
	for _, f := range fields {
		for _, w := range searchWords(f) {
			if utf8.RuneCountInString(w) < wordStem {
				out = append(out, w)
			}
			for _, n := range stemLens {
				if p, ok := prefix(w, n); ok {
					out = append(out, p)
				}
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// eventTag is the event hash of a posting entry.
func (b *bx) eventTag(ev []byte) []byte { return b.rc.tag(string(ev), postingSize-8) }

// indexWords adds (del false) or removes l's word index entries: its
// capture time in the posting list of each of its stems.
func (b *bx) indexWords(l *lead.Lead, del bool) error {
	t := newPosting(timeKey(l.CapturedAt), b.eventTag(l.EventID[:]))
	for _, st := range leadStems(l) {
		tag := b.rc.tag(st, wordTag)
		var err error
		if del {
			err = postingDel(b.ixWords, tag, t)
		} else {
			err = postingAdd(b.ixWords, tag, t)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// walkWord calls emit with the summaries of the leads captured at the
// times of a stem's posting list, newest first, below the cursor after.
func (b *bx) walkWord(tag, after, event []byte, emit func(k, v []byte) bool) {
	upTo := ^uint64(0)
	if len(after) >= 8 {
		upTo = binary.BigEndian.Uint64(after)
	}
	var ev []byte
	if event != nil {
		ev = b.eventTag(event)
	}
	postingWalk(b.ixWords, tag, upTo, ev, func(t uint64) bool {
		more := true
		lastWithPrefix(b.summaries.Cursor(), binary.BigEndian.AppendUint64(nil, t), func(k, v []byte) bool {
			if len(after) > 0 && string(k) >= string(after) {
				return true
			}
			more = emit(k, v)
			return more
		})
		return more
	})
}

// lookupWord is the query word whose stem the index is asked for: the one
// with the longest stem, the most selective guess. "" when no word is long
// enough to have a stem (short words are found by a scan).
func lookupWord(words []string) string {
	best := ""
	for _, w := range words {
		if len(stem(w)) > len(stem(best)) {
			best = w
		}
	}
	return best
}

// walk calls fn with the summary key and value of every lead matching q,
// newest capture first, starting after q.Cursor, honouring Offset and
// Limit when window is set. It reads the word index for a search, else the
// event or stage index when the query has one of those filters and no
// sync filter, else every summary.
func (b *bx) walk(q Query, window bool, fn func(k, v []byte) bool) {
	m := newMatcher(b.rc, q)
	after, err := hex.DecodeString(q.Cursor)
	if m.impossible || err != nil {
		return
	}
	skip, left := 0, 0
	if window {
		skip, left = max(q.Offset, 0), max(q.Limit, 0)
	}
	emit := func(k, v []byte) bool {
		if !m.match(k, v) {
			return true
		}
		if skip > 0 {
			skip--
			return true
		}
		if !fn(k, v) {
			return false
		}
		if left > 0 {
			left--
			return left > 0
		}
		return true
	}
	viaIndex := func(ix *bolt.Bucket, prefix []byte) {
		olderThan(ix.Cursor(), prefix, after, func(k, _ []byte) bool {
			sk := k[len(prefix):]
			return emit(sk, b.summaries.Get(sk))
		})
	}
	switch w := lookupWord(m.words); {
	case w != "":
		if len(m.words) == 1 && stem(w) == w {
			// The posting list holds exactly the leads with a word that
			// begins with w: nothing to check in their summaries.
			m.words = nil
		}
		b.walkWord(b.rc.tag(stem(w), wordTag), after, m.event, emit)
	case m.words == nil && m.sync == 0 && m.event != nil:
		viaIndex(b.ixEvent, m.event)
	case m.words == nil && m.sync == 0 && m.stage != 0:
		viaIndex(b.ixStage, []byte{m.stage})
	default:
		olderThan(b.summaries.Cursor(), nil, after, emit)
	}
}

// olderThan walks the keys with prefix from the last to the first, starting
// below prefix+after when after is not empty.
func olderThan(c *bolt.Cursor, prefix, after []byte, fn func(k, v []byte) bool) {
	if len(after) == 0 {
		lastWithPrefix(c, prefix, fn)
		return
	}
	from := slices.Concat(prefix, after)
	k, v := c.Seek(from)
	if k == nil {
		k, v = c.Last()
	}
	for ; k != nil && string(k) >= string(from); k, v = c.Prev() {
	}
	for ; k != nil && strings.HasPrefix(string(k), string(prefix)); k, v = c.Prev() {
		if !fn(k, v) {
			return
		}
	}
}

// foldLatin is lead.Fold of each rune below foldLatinEnd (Latin-1 and
// Latin Extended-A and -B): folding rune by rune gives what lead.Fold gives
// for a whole string, minus white space, which searchWords drops anyway.
const foldLatinEnd = 0x250

var foldLatin = sync.OnceValue(func() []string {
	t := make([]string, foldLatinEnd)
	for r := range rune(foldLatinEnd) {
		t[r] = lead.Fold(string(r))
	}
	return t
})

// fold is lead.Fold for search words, without Unicode normalization for
// the Latin scripts most names are written in (ten times faster).
func fold(s string) string {
	t := foldLatin()
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf && unicode.IsSpace(r):
			b.WriteByte(' ')
		case r < foldLatinEnd:
			b.WriteString(t[r])
		default:
			return lead.Fold(s)
		}
	}
	return b.String()
}
