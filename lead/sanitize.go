package lead

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// StripControl removes C0 and C1 control characters (ESC, OSC and CSI
// introducers, BEL, NUL, DEL, …) and the Unicode line and paragraph
// separators from s, so that text read from a QR code or a scanner cannot
// move the cursor, retitle a terminal or hide text when it is printed
// later. Invisible characters that hide or reorder text are removed too:
// zero-width space, word joiner, byte order mark, soft hyphen and the
// bidirectional embeddings, overrides and isolates (ZWJ and ZWNJ, which
// some scripts need, stay). Tabs and line breaks become spaces; use StripControlKeepLines for
// text that may hold several lines. Invalid UTF-8 is replaced by U+FFFD.
func StripControl(s string) string {
	return stripControl(s, false)
}

// StripControlKeepLines is StripControl for a note: line feeds are kept
// (a CR LF or a lone CR becomes one LF) and a tab stays a tab.
func StripControlKeepLines(s string) string {
	return stripControl(s, true)
}

func stripControl(s string, keepLines bool) string {
	if !needsStrip(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "\ufffd")
	if keepLines {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == 0x1b || r == 0x9b || r == 0x9d || r == 0x90 || r == 0x9e || r == 0x9f:
			i += escapeLen(s[i:])
			continue
		case keepLines && (r == '\n' || r == '\t'):
			b.WriteRune(r)
		case keepLines && (r == '\r' || r == '\u2028' || r == '\u2029'):
			b.WriteByte('\n')
		case r == '\n' || r == '\r' || r == '\t' || r == '\u2028' || r == '\u2029':
			b.WriteByte(' ')
		case unicode.IsControl(r), invisible(r):
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

// escapeLen is the length of the terminal escape sequence at the start of
// s (ECMA-48): a CSI sequence (ESC [ or U+009B, parameters, one final
// byte), a string sequence (OSC ESC ] or U+009D, DCS, PM, APC: up to BEL or
// the string terminator ESC \ or U+009C), or ESC and the one character
// after it. Its text is dropped with it, so that "ESC ]0;title BEL" leaves
// nothing behind.
func escapeLen(s string) int {
	r, n := utf8.DecodeRuneInString(s)
	kind := r
	if r == 0x1b && len(s) > 1 {
		switch s[1] {
		case '[':
			kind, n = 0x9b, 2
		case ']', 'P', '^', '_', 'X':
			kind, n = 0x9d, 2
		default:
			_, m := utf8.DecodeRuneInString(s[1:])
			return 1 + m
		}
	}
	for i := n; i < len(s); {
		c, m := utf8.DecodeRuneInString(s[i:])
		switch {
		case kind == 0x9b && c >= 0x40 && c <= 0x7e:
			return i + m
		case kind == 0x9b && (c < 0x20 || c > 0x3f):
			return i // not a parameter: the sequence was cut short
		case kind != 0x9b && (c == 0x07 || c == 0x9c):
			return i + m
		case kind != 0x9b && c == 0x1b && strings.HasPrefix(s[i:], "\x1b\\"):
			return i + 2
		case kind != 0x9b && (c == '\n' || c == '\r'):
			return i // a string sequence does not run over a line
		}
		i += m
	}
	return len(s)
}

// invisible reports the format characters StripControl removes.
func invisible(r rune) bool {
	switch {
	case r == '\u200b', r == '\u2060', r == '\ufeff', r == '\u00ad':
		return true
	case r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}

// needsStrip is the fast path: most text holds no control character.
func needsStrip(s string) bool {
	for _, r := range s {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) || r == '\u2028' || r == '\u2029' || invisible(r) {
			return true
		}
	}
	return !utf8.ValidString(s)
}

// sanitize strips control characters from the lead's free text: the
// badge ID, who captured it and the notes (which keep their line breaks).
// The raw payload is kept as read: it is the evidence of what the code
// held, and is escaped where it is shown.
func (l *Lead) sanitize() {
	l.BadgeID = strings.TrimSpace(StripControl(l.BadgeID))
	l.CapturedBy = strings.TrimSpace(StripControl(l.CapturedBy))
	for i := range l.Notes {
		l.Notes[i].Text = StripControlKeepLines(l.Notes[i].Text)
		l.Notes[i].Author = StripControl(l.Notes[i].Author)
	}
}
