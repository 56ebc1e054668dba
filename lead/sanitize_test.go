package lead_test

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"

	"leadcap/lead"
)

var controlCases = []struct {
	name, in, want, wantLines string
}{
	{"plain text is unchanged", "Jürgen Müller", "Jürgen Müller", "Jürgen Müller"},
	{"OSC window title, ended by BEL", "Max \x1b]0;owned\x07Muster", "Max Muster", "Max Muster"},
	{"OSC ended by ST", "a\x1b]8;;https://evil.example\x1b\\b", "ab", "ab"},
	{"CSI clear screen and colour", "\x1b[2J\x1b[31mred\x1b[0m", "red", "red"},
	{"C1 CSI", "Muster\u009b31mGmbH", "MusterGmbH", "MusterGmbH"},
	{"BEL, NUL, DEL and backspace", "a\x07b\x00c\x7fd\x08e", "abcde", "abcde"},
	{"line breaks: a space, or kept in a note", "line one\r\nline two\rthree", "line one  line two three", "line one\nline two\nthree"},
	{"tab", "a\tb", "a b", "a\tb"},
	{"Unicode line separator", "a\u2028b", "a b", "a\nb"},
	{"invalid UTF-8", "a\xffb", "a\ufffdb", "a\ufffdb"},
	{"unterminated OSC stops at the line end", "x\x1b]0;title\nnext", "x next", "x\nnext"},
	{"zero-width space, word joiner, BOM, soft hyphen", "Zero\u200bWidth\u2060\ufeffNa\u00adme", "ZeroWidthName", "ZeroWidthName"},
	{"bidi override hides the order of text (Trojan Source)", "ab\u202ecd\u202c\u2066ef\u2069", "abcdef", "abcdef"},
	{"ZWNJ and ZWJ that Persian and Indic names need stay", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \u0915\u094d\u200d\u0937", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \u0915\u094d\u200d\u0937", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \u0915\u094d\u200d\u0937"},
}

func TestStripControl(t *testing.T) {
	for _, tc := range controlCases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, lead.StripControl(tc.in))
			assert.Equal(t, tc.wantLines, lead.StripControlKeepLines(tc.in))
		})
	}
}

func TestLeadNormalizeStripsControlCharactersFromNotes(t *testing.T) {
	l := lead.New(lead.NewID(), lead.MethodQRScan, time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC))
	l.Contact = lead.Contact{FullName: "A\x1b[1mB", Emails: []string{"ab@example.org"}}
	l.BadgeID = "CV-1\x1b]0;x\x07"
	l.Notes = []lead.Note{{ID: lead.NewID(), Text: "met at booth\x1b[2J\nwants a demo"}}
	assert.NoError(t, l.Normalize("DE"))
	assert.Equal(t, "AB", l.Contact.FullName)
	assert.Equal(t, "CV-1", l.BadgeID)
	assert.Equal(t, "met at booth\nwants a demo", l.Notes[0].Text)
}

func FuzzStripControl(f *testing.F) {
	for _, tc := range controlCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{lead.StripControl(s), lead.StripControlKeepLines(s)} {
			assert.True(t, utf8.ValidString(out))
			assert.False(t, strings.ContainsFunc(out, func(r rune) bool {
				return unicode.IsControl(r) && r != '\n' && r != '\t'
			}), "%q", out)
			assert.Equal(t, out, lead.StripControlKeepLines(out), "stripping twice changes nothing")
		}
		assert.NotContains(t, lead.StripControl(s), "\n")
	})
}
