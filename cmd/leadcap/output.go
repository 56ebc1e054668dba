package main

import (
	"strings"
	"unicode"
)

// sanitize makes text from a lead, a card or a CRM safe to print on a
// terminal: tabs and line breaks become spaces, and every other control
// character (ESC and with it every ANSI/OSC sequence, CR, BEL, the C1
// controls) and the bidirectional overrides that reorder what is shown
// become U+FFFD, so that a name cannot move the cursor, retitle the window,
// hide text or forge a line of output.
func sanitize(s string) string {
	if strings.IndexFunc(s, unsafeRune) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n':
			return ' '
		case unsafeRune(r):
			return unicode.ReplacementChar
		}
		return r
	}, s)
}

// sanitizeLines is sanitize for text shown over several lines (notes):
// the line breaks stay, each line indented by indent.
func sanitizeLines(s, indent string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = sanitize(l)
	}
	return strings.Join(lines, "\n"+indent)
}

func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)
}
