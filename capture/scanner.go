package capture

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// AssemblerPause is the pause NewAssembler uses when given none: handheld
// scanners type a whole code within a few milliseconds per key, people do not.
const AssemblerPause = 200 * time.Millisecond

// Assembler turns the keystrokes of a handheld 2D scanner acting as a
// keyboard (keyboard wedge) into complete payloads for Parse.
//
// Scanners type the payload and usually press Enter; depending on their
// configuration line breaks inside the payload arrive as Enter, as Tab or
// not at all. The Assembler completes:
//
//   - a vCard at END:VCARD, whatever its line breaks were; Enter and Tab inside
//     it are line breaks. A vCard typed without any line break is passed on as
//     typed: Parse recovers the property boundaries.
//   - a MECARD, BIZCARD, MATMSG, MEBKM or WIFI code at its closing ";;", or at
//     Enter or Tab if the producer left the ";;" out;
//   - any other payload at Enter or Tab;
//   - anything still pending once the pause has passed since the last key
//     (see Flush): a one-line code from a scanner that sends no Enter. A
//     vCard waits ten pauses (2 s by default) before it is completed without
//     its END:VCARD, because wireless scanners stall for a moment in the
//     middle of long codes; a vCard cut short is then handed on as it is.
//
// Other control characters (a scanner's GS or ESC) are dropped. A payload is
// cut at MaxPayload bytes, more than any 2D code holds. An Assembler
// is not safe for concurrent use; the UI owns one and feeds it from its key
// handler, and calls Flush from a timer.
type Assembler struct {
	pause time.Duration
	buf   []rune
	size  int // bytes in buf as UTF-8
	last  time.Time
}

// NewAssembler returns an Assembler that completes a pending payload once
// pause has passed without a key. pause <= 0 means AssemblerPause.
func NewAssembler(pause time.Duration) *Assembler {
	if pause <= 0 {
		pause = AssemblerPause
	}
	return &Assembler{pause: pause}
}

// Pending reports whether keys are waiting for their payload to complete;
// the UI can use it to arm the Flush timer.
func (a *Assembler) Pending() bool { return len(a.buf) > 0 }

// Key feeds one key typed at time at: '\n' or '\r' for Enter, '\t' for Tab,
// anything else as the character typed. It returns the payloads that this
// key completed, usually none; a pending payload older than the pause is
// completed first.
func (a *Assembler) Key(r rune, at time.Time) []string {
	var out []string
	if len(a.buf) > 0 && at.Sub(a.last) >= a.timeout() {
		out = a.complete(out)
	}
	a.last = at
	switch r {
	case '\n', '\r', '\t':
		switch a.mode() {
		case modeVCard:
			a.buf = append(a.buf, '\n')
			a.size++
		default:
			out = a.complete(out)
		}
		return out
	}
	if unicode.IsControl(r) {
		return out
	}
	a.buf = append(a.buf, r)
	a.size += utf8.RuneLen(r)
	switch a.mode() {
	case modeVCard:
		if hasSuffixFoldRunes(a.buf, "END:VCARD") {
			out = a.complete(out)
		}
	case modeME:
		if endsWithClose(a.buf) {
			out = a.complete(out)
		}
	}
	if a.size >= MaxPayload-utf8.UTFMax { // never more than Parse reads
		out = a.complete(out)
	}
	return out
}

// Flush completes the pending payload if the pause (ten pauses for a vCard)
// has passed since the last key. Call it from a timer, e.g. every pause/2
// while Pending.
func (a *Assembler) Flush(at time.Time) []string {
	if len(a.buf) == 0 || at.Sub(a.last) < a.timeout() {
		return nil
	}
	return a.complete(nil)
}

// timeout is how long a pending payload waits for more keys.
func (a *Assembler) timeout() time.Duration {
	if a.mode() == modeVCard {
		return 10 * a.pause
	}
	return a.pause
}

func (a *Assembler) complete(out []string) []string {
	s := strings.TrimRight(string(a.buf), "\n")
	a.buf, a.size = a.buf[:0], 0
	if strings.TrimSpace(s) == "" {
		return out
	}
	return append(out, s)
}

const (
	modeLine = iota
	modeVCard
	modeME
)

var meHeads = []string{"MECARD:", "BIZCARD:", "MATMSG:", "MEBKM:", "WIFI:"}

// mode says what kind of payload is being typed, from its first characters
// (after a symbology identifier such as ]Q1 if the scanner sends one).
func (a *Assembler) mode() int {
	b := a.buf
	if len(b) >= 3 && b[0] == ']' {
		b = b[3:]
	}
	if hasPrefixFoldRunes(b, "BEGIN:VCARD") {
		return modeVCard
	}
	for _, h := range meHeads {
		if hasPrefixFoldRunes(b, h) {
			return modeME
		}
	}
	return modeLine
}

func hasPrefixFoldRunes(b []rune, prefix string) bool {
	if len(b) < len(prefix) {
		return false
	}
	return strings.EqualFold(string(b[:len(prefix)]), prefix)
}

func hasSuffixFoldRunes(b []rune, suffix string) bool {
	if len(b) < len(suffix) {
		return false
	}
	return strings.EqualFold(string(b[len(b)-len(suffix):]), suffix)
}

// endsWithClose reports whether b ends with a ";;" whose first ';' is not
// escaped by a backslash.
func endsWithClose(b []rune) bool {
	n := len(b)
	if n < 2 || b[n-1] != ';' || b[n-2] != ';' {
		return false
	}
	slashes := 0
	for i := n - 3; i >= 0 && b[i] == '\\'; i-- {
		slashes++
	}
	return slashes%2 == 0
}
