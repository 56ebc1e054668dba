package capture

import (
	"regexp"
	"slices"
	"strings"

	"leadcap/lead"
)

// kddiLine is one KEY:value line of a KDDI/au address book code.
var kddiLine = regexp.MustCompile(`^(MEMORY|NAME[12]|TEL[1-3]|MAIL[1-3]|ADD)\s*:(.*)$`)

// otherKDDILine is a KEY:value line that a KDDI/au code may hold besides
// the known ones.
var otherKDDILine = regexp.MustCompile(`^[A-Z][A-Z0-9-]*\s*:`)

// parseKDDI reads the address book code of KDDI/au phones: lines
// MEMORY:note, NAME1:name, NAME2:its reading (kana), TEL1: to TEL3:,
// MAIL1: to MAIL3: and ADD:address, in any order. It needs a NAME1, TEL or
// MAIL line; every non-empty line must be one of these, or, in a code with
// its MEMORY: line (what ZXing's AddressBookAUResultParser requires), any
// other KEY:value line, which is skipped.
func parseKDDI(s string) (Parsed, bool) {
	if !strings.ContainsAny(s, "\r\n") {
		return Parsed{}, false
	}
	p := Parsed{Format: FormatKDDI}
	c := &p.Contact
	reach := false
	lines := splitLines(s)
	memory := slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, "MEMORY:") })
	for _, l := range lines {
		m := kddiLine.FindStringSubmatch(l)
		if m == nil {
			if memory && otherKDDILine.MatchString(l) {
				continue
			}
			return Parsed{}, false
		}
		v := strings.TrimSpace(m[2])
		if v == "" {
			continue
		}
		switch key := m[1]; {
		case key == "NAME1":
			c.FullName, reach = keepFirst(c.FullName, v), true
		case strings.HasPrefix(key, "TEL"):
			c.Phones, reach = append(c.Phones, lead.Phone{Raw: v}), true
		case strings.HasPrefix(key, "MAIL"):
			c.Emails, reach = append(c.Emails, v), true
		case key == "ADD":
			c.Address.Street = keepFirst(c.Address.Street, v)
		}
	}
	return p, reach
}

// splitLines splits text at any line end (CR LF, LF, CR) and drops blank
// lines.
func splitLines(s string) []string {
	var out []string
	for _, l := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
