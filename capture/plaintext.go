package capture

import (
	"net/mail"
	"regexp"
	"strings"
	"unicode"

	"leadcap/lead"
)

// plainLabel is a label a person puts before a value on a plain card.
var plainLabel = regexp.MustCompile(`^(?i)(e-?mail|mail|tel|phone|telefon|mobile?|mob|cell|handy|fax|web|url|site)\s*[:.]\s*`)

// plainPhone is a phone number alone on a line.
var plainPhone = regexp.MustCompile(`^\+?\(?[0-9][0-9 ()./-]{4,22}[0-9]$`)

// Limits of a card written as plain lines: beyond them it is prose.
const (
	plainMaxLines     = 8
	plainMaxLineBytes = 120
	plainMaxText      = 3 // lines that are neither email, phone nor web address
	plainMaxWords     = 6 // in a line of text (a name, a title, a company)
)

// parsePlainCard reads contact details typed as plain lines, one value a
// line, as some card apps and people write them: "Jane Doe", an email, a
// phone, a web address, optionally labelled ("Tel: …", "E-Mail: …"), or a
// name with its address as mail programs write it ("Jane Doe <jane@…>"). It
// needs at least two lines, an email or a phone with a second number or web
// address among them, and few other
// lines of a few words each. A first line of text that reads as a name is the
// full name; other text lines are not guessed at (the raw payload keeps them).
func parsePlainCard(s string) (Parsed, bool) {
	lines := splitLines(s)
	if len(lines) < 2 || len(lines) > plainMaxLines {
		return Parsed{}, false
	}
	p := Parsed{Format: FormatPlain}
	c := &p.Contact
	text := 0
	for i, l := range lines {
		if len(l) > plainMaxLineBytes {
			return Parsed{}, false
		}
		label := ""
		if m := plainLabel.FindStringSubmatch(l); m != nil {
			label = strings.ToLower(m[1])
			l = strings.TrimSpace(l[len(m[0]):])
		}
		switch {
		case !strings.ContainsAny(l, " \t") && strings.Count(l, "@") == 1:
			c.Emails = append(c.Emails, strings.TrimPrefix(l, "mailto:"))
		case strings.HasSuffix(l, ">") && strings.Count(l, "@") == 1:
			a, err := mail.ParseAddress(l) // "Jane Doe <jane@example.org>"
			if err != nil {
				return Parsed{}, false
			}
			c.Emails = append(c.Emails, a.Address)
			c.FullName = keepFirst(c.FullName, strings.TrimSpace(a.Name))
		case plainPhone.MatchString(l) && len(hasDigit.FindAllStringIndex(l, -1)) >= 7:
			kind := ""
			if label == "fax" {
				kind = "fax"
			}
			c.Phones = append(c.Phones, lead.Phone{Raw: l, Kind: kind})
		case isWebLine(l):
			c.URLs = append(c.URLs, l)
		default:
			text++
			if text > plainMaxText || label != "" || len(strings.Fields(l)) > plainMaxWords {
				return Parsed{}, false
			}
			if i == 0 && looksLikeName(l) {
				c.FullName = l
			}
		}
	}
	// An email makes it a card; a phone alone could be an advert's
	// ("Pizza Roma" and a number), so it needs a second way to reach.
	if len(c.Emails) == 0 && len(c.Phones)+len(c.URLs) < 2 || len(c.Emails)+len(c.Phones) == 0 {
		return Parsed{}, false
	}
	return p, true
}

func isWebLine(l string) bool {
	_, ok := looksLikeURL(l)
	return ok
}

// looksLikeName is a line of one to five words of letters (with the dots,
// hyphens and apostrophes of names), no digits.
func looksLikeName(l string) bool {
	words := strings.Fields(l)
	if len(words) == 0 || len(words) > 5 {
		return false
	}
	for _, r := range l {
		if !unicode.IsLetter(r) && !unicode.IsMark(r) && !strings.ContainsRune(" .-'’", r) {
			return false
		}
	}
	return true
}
