package capture

import (
	"encoding/csv"
	"net/mail"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"leadcap/lead"
)

// plainLabels are the labels a person puts before a value on a plain card,
// longer ones first (Go's alternation takes the first that matches).
const plainLabels = `full ?name|name|company|firma|organi[sz]ation|org|unternehmen|job ?title|title|titel|position|` +
	`e-?mail|mail|telephone|telefon|tel|phone|fon|mobile?|mobil|mob|cell|handy|fax|website|web|url|site`

// plainLabel is a label and its ':' or '.', or one of the one-letter
// labels of business cards (T, M, P, F, E, W) with a ':'.
var plainLabel = regexp.MustCompile(`^(?i)(?:(` + plainLabels + `)\s*(?:\.\s*:|[:.])|([tmpfew])\s*:)\s*`)

// phoneLabel is a phone label followed by the number without a ':' ("Tel +49 …").
var phoneLabel = regexp.MustCompile(`^(?i)(telephone|telefon|tel|phone|fon|mobile?|mobil|mob|cell|handy|fax)\s+[+(0-9]`)

// plainPhone is a phone number alone on a line.
var plainPhone = regexp.MustCompile(`^\+?\(?[0-9][0-9 ()./-]{4,22}[0-9]$`)

// orgSuffix ends a company's name: its legal form.
var orgSuffix = regexp.MustCompile(`(?i)[ .,](gmbh|ag|kg|ohg|se|ltd|limited|inc|llc|llp|corp|corporation|plc|s\.?a|s\.?l|s\.?r\.?l|b\.?v|n\.?v|oy|ab|a/?s|aps|sarl|sas|k\.?k|pty)\.?$`)

// titleWord is a word that makes a line of a plain card a job title.
var titleWord = regexp.MustCompile(`(?i)(^|[\s/,&-])(manager|director|ceo|cto|cfo|coo|cio|cmo|founder|president|vp|head|engineer|developer|` +
	`consultant|officer|partner|architect|analyst|designer|specialist|representative|executive|assistant|owner|` +
	`geschäftsführer|geschäftsführerin|leiter|leiterin|vertrieb|einkauf|ingenieur|ingenieurin|berater|beraterin|` +
	`inhaber|inhaberin|prokurist|directeur|directrice|responsable|gérant)($|[\s/,&-])`)

// Limits of a card written as plain lines: beyond them it is prose.
const (
	plainMaxLines     = 10
	plainMaxLineBytes = 120
	plainMaxText      = 3 // lines that are neither email, phone nor web address
	plainMaxTextBoth  = 5 // the same when the card has both an email and a phone (street address lines)
	plainMaxWords     = 6 // in a line of text (a name, a title, a company)
)

// plainLine is what one line of a plain card holds once its label, if
// any, is taken off.
type plainLine struct {
	label, value string
}

// cutLabel takes a label off a line and names what it announces: "name",
// "org", "title", "email", "phone", "fax", "web", or "" for no label.
func cutLabel(l string) plainLine {
	if m := plainLabel.FindStringSubmatch(l); m != nil {
		word := strings.ToLower(m[1] + m[2])
		return plainLine{labelKind(word), strings.TrimSpace(l[len(m[0]):])}
	}
	if m := phoneLabel.FindStringSubmatch(l); m != nil {
		return plainLine{labelKind(strings.ToLower(m[1])), strings.TrimSpace(l[len(m[1]):])}
	}
	return plainLine{"", l}
}

func labelKind(word string) string {
	switch word {
	case "name", "full name", "fullname":
		return "name"
	case "company", "firma", "organisation", "organization", "org", "unternehmen":
		return "org"
	case "title", "titel", "job title", "jobtitle", "position":
		return "title"
	case "e", "email", "e-mail", "mail":
		return "email"
	case "f", "fax":
		return "fax"
	case "w", "web", "website", "url", "site":
		return "web"
	}
	return "phone"
}

// plainSeparators split a card typed on one line: a scanner that sends tabs
// for line breaks, generators that join the fields with ';' or '|', and
// people and CSV-minded tools that join them with ',' (tried last: a
// company's legal form or an address may hold one).
var plainSeparators = []string{"\t", ";", "|", ","}

// plainCardLines splits a plain card into its lines; a card on one line is
// split at the first separator that gives three fields or more, or two
// when the first is a written name and the second an email, a phone or a
// web address ("Jane Doe, jane@…"); split is then true. Fields joined
// with commas may be quoted as in CSV (RFC 4180: "Doe, Jane","Acme, Inc.",…).
func plainCardLines(s string) (lines []string, split bool) {
	lines = splitLines(s)
	if len(lines) != 1 {
		return lines, false
	}
	for _, sep := range plainSeparators {
		parts := nonEmptyParts(strings.Split(s, sep)...)
		if sep == "," && strings.Contains(s, `"`) {
			r := csv.NewReader(strings.NewReader(s))
			r.LazyQuotes, r.TrimLeadingSpace = true, true
			if rec, err := r.Read(); err == nil {
				parts = nonEmptyParts(rec...)
			}
		}
		if len(parts) >= 3 || len(parts) == 2 && writtenName(parts[0]) && plainContactField(parts[1]) {
			return parts, true
		}
	}
	return lines, false
}

// parsePlainCard reads contact details typed as plain lines, one value a
// line, as some card apps and people write them: "Jane Doe", an email, a
// phone, a web address, optionally labelled ("Tel: …", "E-Mail: …",
// "T: …", "Name: …", "Company: …"), or a name with its address as mail
// programs write it ("Jane Doe <jane@…>", also alone). It needs at least two
// lines (a tab, ';', '|' or ',' may stand for the line break), an email or a
// phone with a second number or web address among them, and few other lines
// of a few words each (up to five when both an email and a phone are there:
// a street address). The first text line that reads as a name is the full
// name, one that ends in a legal form (GmbH, Ltd, Inc …) the organization,
// one with a job title's word (Manager, CEO, Head, Leiter …) the title;
// other text lines are not guessed at (the raw payload keeps them).
func parsePlainCard(s string) (Parsed, bool) {
	if p, ok := parseNameAddr(s); ok {
		return p, true
	}
	lines, split := plainCardLines(s)
	if len(lines) < 2 || len(lines) > plainMaxLines {
		return Parsed{}, false
	}
	p := Parsed{Format: FormatPlain}
	c := &p.Contact
	text, named := 0, false
	for i, raw := range lines {
		// One line split at separators is a card only when it starts with
		// the name or holds nothing but ways to reach ("Halle 3 | Stand B12
		// | info@…" is a booth, not a person).
		if first := cutLabel(raw); split && i == 0 && first.label != "name" && !looksLikeName(strings.ReplaceAll(first.value, ",", "")) &&
			!plainContactField(first.value) {
			return Parsed{}, false
		}
		if len(raw) > plainMaxLineBytes {
			return Parsed{}, false
		}
		pl := cutLabel(raw)
		l := pl.value
		switch {
		case pl.label == "name" || pl.label == "org" || pl.label == "title":
			if l == "" || strings.Contains(l, "@") || len(strings.Fields(l)) > plainMaxWords {
				return Parsed{}, false
			}
			switch pl.label {
			case "name":
				c.FullName, named = keepFirst(c.FullName, l), true
			case "org":
				c.Organization = keepFirst(c.Organization, l)
			default:
				c.Title = keepFirst(c.Title, l)
			}
		case !strings.ContainsAny(l, " \t") && strings.Count(l, "@") == 1:
			if _, err := lead.NormalizeEmail(l); err != nil {
				return Parsed{}, false // "TO:a@example.org": some other form, not a card
			}
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
			if pl.label == "fax" {
				kind = "fax"
			}
			c.Phones = append(c.Phones, lead.Phone{Raw: l, Kind: kind})
		case isWebLine(l):
			c.URLs = append(c.URLs, l)
		default:
			text++
			if text > plainMaxTextBoth || pl.label != "" || len(strings.Fields(l)) > plainMaxWords {
				return Parsed{}, false
			}
			switch {
			case orgSuffix.MatchString(l) && c.Organization == "":
				c.Organization = l
			case titleWord.MatchString(l) && c.Title == "":
				c.Title = l
			case !named && (looksLikeName(l) || writtenName(l)):
				c.FullName, named = keepFirst(c.FullName, l), true
			default:
				named = true // only the first text line that is not a company may be the name
			}
		}
	}
	// An email makes it a card; a phone alone could be an advert's
	// ("Pizza Roma" and a number), so it needs a second way to reach.
	if len(c.Emails) == 0 && len(c.Phones)+len(c.URLs) < 2 || len(c.Emails)+len(c.Phones) == 0 {
		return Parsed{}, false
	}
	if text > plainMaxText && (len(c.Emails) == 0 || len(c.Phones) == 0) {
		return Parsed{}, false
	}
	return p, true
}

// parseNameAddr reads a name and email address on one line as mail
// programs write it (RFC 5322 name-addr): "Jane Doe <jane@example.org>".
func parseNameAddr(s string) (Parsed, bool) {
	if strings.ContainsAny(s, "\r\n") || !strings.HasSuffix(s, ">") || strings.Count(s, "@") != 1 {
		return Parsed{}, false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || strings.TrimSpace(a.Name) == "" {
		return Parsed{}, false
	}
	return Parsed{Format: FormatPlain, Contact: lead.Contact{FullName: strings.TrimSpace(a.Name), Emails: []string{a.Address}}}, true
}

// plainContactField reports whether a field of a plain card is an email,
// a phone number or a web address.
func plainContactField(l string) bool {
	if _, err := lead.NormalizeEmail(l); err == nil {
		return true
	}
	return plainPhone.MatchString(l) || isWebLine(l)
}

func isWebLine(l string) bool {
	_, ok := looksLikeURL(l)
	return ok
}

// writtenName is a name as people write their own: two to four words,
// each starting with a capital (or a letter of a script without case),
// in either order ("Jane Doe", "Doe, Jane").
func writtenName(l string) bool {
	words := strings.Fields(strings.ReplaceAll(l, ",", " "))
	if len(words) < 2 || len(words) > 4 || !looksLikeName(strings.Join(words, " ")) {
		return false
	}
	for _, w := range words {
		if r, _ := utf8.DecodeRuneInString(w); unicode.IsLower(r) {
			return false
		}
	}
	return true
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
