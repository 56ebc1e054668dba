package main

import (
	"fmt"
	"os"
	"strings"
	"time"
	"unicode"

	"leadcap/capture"
)

// decodeFile is capture.DecodeFile for a regular file only: a pipe would
// block the read (and with it Ctrl-C) until a writer came, a device would
// never end.
func decodeFile(path string) ([]capture.Code, time.Duration, error) {
	fi, err := os.Stat(path)
	if err == nil && !fi.Mode().IsRegular() {
		what := "a pipe, socket or device"
		if fi.IsDir() {
			what = "a folder (use 'leadcap scan' for folders)"
		}
		return nil, 0, fmt.Errorf("%s is %s, not an image file: give a PNG, JPEG, GIF or WebP file", path, what)
	}
	return capture.DecodeFile(path)
}

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
