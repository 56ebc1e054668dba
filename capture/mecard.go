package capture

import (
	"regexp"
	"strings"

	"leadcap/lead"
)

// meField is one KEY:value pair of a MECARD-style payload (MECARD, BIZCARD,
// MATMSG, MEBKM), value still escaped.
type meField struct{ key, value string }

// meFields splits the body after "MECARD:" (or another prefix) into fields
// at unescaped ';'. Escapes are \; \: \, and \\.
func meFields(body string) []meField {
	var out []meField
	for _, f := range meSplit(body, ';') {
		k, v, ok := cutUnescaped(f, ':')
		if !ok {
			continue
		}
		k = strings.ToUpper(strings.TrimSpace(k))
		if k == "" {
			continue
		}
		out = append(out, meField{k, v})
	}
	return out
}

// meSplit splits s at every sep not preceded by a backslash escape.
func meSplit(s string, sep byte) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case sep:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func cutUnescaped(s string, sep byte) (before, after string, found bool) {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case sep:
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// meUnescape removes MECARD escapes: a backslash makes the next character literal.
func meUnescape(s string) string {
	if !strings.Contains(s, `\`) {
		return strings.TrimSpace(s)
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return strings.TrimSpace(b.String())
}

// meLineField is a line break that starts a field: QRCoder's MECARD+ and
// some phones put each field on a line of its own instead of after ';'.
var meLineField = regexp.MustCompile(`(?:\r\n|\r|\n)+([A-Za-z][A-Za-z0-9-]*:)`)

// parseMECARD reads DOCOMO's MECARD as QR generators, phones and Cvent badges
// write it: N:Last,First (a name without comma is kept whole as the full
// name), TEL, TEL-AV, EMAIL, URL, ADR, and the common non-standard ORG and
// TITLE. Fields may also be separated by line breaks (QRCoder's "MECARD+"
// form). A CONF: field (Cvent's registration confirmation number) makes it
// a badge.
func parseMECARD(s string) (Parsed, error) {
	p := Parsed{Format: FormatMECARD}
	c := &p.Contact
	body := meLineField.ReplaceAllString(s[len("MECARD:"):], ";$1")
	for _, f := range meFields(body) {
		v := meUnescape(f.value)
		if v == "" {
			continue
		}
		switch f.key {
		case "N":
			if c.FullName != "" || c.FamilyName != "" {
				continue
			}
			parts := meSplit(f.value, ',')
			if len(parts) >= 2 {
				c.FamilyName, c.GivenName = meUnescape(parts[0]), meUnescape(strings.Join(parts[1:], " "))
			} else {
				c.FullName = v
			}
		case "TEL", "TEL-AV":
			c.Phones = append(c.Phones, lead.Phone{Raw: v})
		case "EMAIL":
			c.Emails = append(c.Emails, v)
		case "URL":
			c.URLs = append(c.URLs, v)
		case "ORG":
			c.Organization = keepFirst(c.Organization, v)
		case "TITLE":
			c.Title = keepFirst(c.Title, v)
		case "ADR":
			if c.Address.IsZero() {
				c.Address = meAddress(f.value)
			}
		case "CONF":
			p.BadgeID = keepFirst(p.BadgeID, v)
		}
	}
	if p.BadgeID != "" {
		p.Format, p.Method = FormatBadge, lead.MethodBadgeScan
	}
	if contactEmpty(c) && p.BadgeID == "" {
		return Parsed{}, notContact(s, "malformed")
	}
	return p, nil
}

// meAddress reads a MECARD ADR: seven comma-separated parts in vCard order
// (PO box, extended, street, city, region, postal code, country), or else
// free text kept as the street line.
func meAddress(raw string) lead.Address {
	parts := meSplit(raw, ',')
	if len(parts) == 7 {
		street := strings.TrimSpace(strings.Join(nonEmptyParts(meUnescape(parts[2]), meUnescape(parts[1]), meUnescape(parts[0])), ", "))
		return lead.Address{Street: street, City: meUnescape(parts[3]), Region: meUnescape(parts[4]),
			PostalCode: meUnescape(parts[5]), Country: meUnescape(parts[6])}
	}
	return lead.Address{Street: meUnescape(raw)}
}

// parseBizcard reads BIZCARD:N:First;X:Last;T:Title;C:Company;A:Address;
// B:business phone;M:mobile;F:fax;E:email;;
func parseBizcard(s string) (Parsed, error) {
	p := Parsed{Format: FormatBizcard}
	c := &p.Contact
	for _, f := range meFields(s[len("BIZCARD:"):]) {
		v := meUnescape(f.value)
		if v == "" {
			continue
		}
		switch f.key {
		case "N":
			c.GivenName = keepFirst(c.GivenName, v)
		case "X":
			c.FamilyName = keepFirst(c.FamilyName, v)
		case "T":
			c.Title = keepFirst(c.Title, v)
		case "C":
			c.Organization = keepFirst(c.Organization, v)
		case "A":
			if c.Address.IsZero() {
				c.Address = lead.Address{Street: v}
			}
		case "B":
			c.Phones = append(c.Phones, lead.Phone{Raw: v, Kind: "work"})
		case "M":
			c.Phones = append(c.Phones, lead.Phone{Raw: v, Kind: "mobile"})
		case "F":
			c.Phones = append(c.Phones, lead.Phone{Raw: v, Kind: "fax"})
		case "E":
			c.Emails = append(c.Emails, v)
		}
	}
	if contactEmpty(c) {
		return Parsed{}, notContact(s, "malformed")
	}
	return p, nil
}

// parseMATMSG reads DOCOMO's e-mail message code MATMSG:TO:…;SUB:…;BODY:…;;
// and keeps only the recipient.
func parseMATMSG(s string) (Parsed, error) {
	p := Parsed{Format: FormatMailto}
	for _, f := range meFields(s[len("MATMSG:"):]) {
		if f.key == "TO" {
			for _, a := range strings.Split(meUnescape(f.value), ",") {
				if a = strings.TrimSpace(a); a != "" {
					p.Contact.Emails = append(p.Contact.Emails, a)
				}
			}
		}
	}
	if len(p.Contact.Emails) == 0 {
		return Parsed{}, notContact(s, "malformed")
	}
	return p, nil
}

// parseMEBKM reads DOCOMO's bookmark MEBKM:TITLE:…;URL:…;; as the URL it holds.
func parseMEBKM(s string) (Parsed, error) {
	for _, f := range meFields(s[len("MEBKM:"):]) {
		if f.key == "URL" {
			v := meUnescape(f.value)
			if u, ok := looksLikeURL(v); ok {
				return parseURL(v, u)
			}
		}
	}
	return Parsed{}, notContact(s, "url-without-contact")
}

func keepFirst(have, v string) string {
	if have != "" {
		return have
	}
	return v
}

func nonEmptyParts(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
