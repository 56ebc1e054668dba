package capture

import (
	"encoding/base64"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/emersion/go-vcard"

	"leadcap/lead"
)

// escSemi stands for an escaped semicolon (\;) while go-vcard splits
// structured values (N, ADR, ORG) on plain semicolons; it is turned back into
// ';' afterwards. cleanPayload removes it from the input, so it cannot clash.
const escSemi = '\uE000'

// vcardProp is one property line after this package's repairs.
type vcardProp struct {
	group, name string
	types       []string
	pref        int // 0 = not preferred, else PREF value (1 = most preferred)
	uri         bool
	value       string // escaped the way go-vcard expects
}

// parseVCard reads the first vCard of s. Real producers write vCards that
// go-vcard cannot read as they are, so the text is repaired first:
// quoted-printable and base64 values are decoded with their CHARSET, nameless
// parameters (TEL;CELL, EMAIL;PREF;INTERNET) become TYPE and ENCODING
// parameters, 2.1 soft line breaks and folded lines are joined, LF-only and
// CR-only line ends and tab-separated lines are accepted, a missing END:VCARD
// is supplied, and a vCard typed without any line break has its property
// boundaries recovered where they can be recognised. The repaired text is
// decoded by github.com/emersion/go-vcard.
func parseVCard(s string) (Parsed, error) {
	props := vcardProps(s)
	var b strings.Builder
	b.WriteString("BEGIN:VCARD\r\n")
	for _, p := range props {
		p.write(&b)
	}
	b.WriteString("END:VCARD\r\n")
	card, err := vcard.NewDecoder(strings.NewReader(b.String())).Decode()
	if err != nil || card == nil {
		return Parsed{}, notContact(s, "malformed")
	}
	c := contactFromCard(card)
	if contactEmpty(&c) {
		return Parsed{}, notContact(s, "malformed")
	}
	return Parsed{Format: FormatVCard, Contact: c}, nil
}

func (p *vcardProp) write(b *strings.Builder) {
	if p.group != "" {
		b.WriteString(p.group)
		b.WriteByte('.')
	}
	b.WriteString(p.name)
	if len(p.types) > 0 {
		b.WriteString(";TYPE=")
		b.WriteString(strings.Join(p.types, ","))
	}
	if p.pref > 0 {
		b.WriteString(";PREF=")
		b.WriteString(strconv.Itoa(p.pref))
	}
	if p.uri {
		b.WriteString(";VALUE=uri")
	}
	b.WriteByte(':')
	b.WriteString(p.value)
	b.WriteString("\r\n")
}

// vcardProps splits s into repaired properties of its first card, without
// BEGIN, END and anything after the first card's END.
func vcardProps(s string) []vcardProp {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	if !strings.Contains(s, "\n") {
		if strings.Contains(s, "\t") {
			s = strings.ReplaceAll(s, "\t", "\n") // scanner set to send Tab for line breaks
		} else {
			s = recoverBreaks(s)
		}
	}
	// Join physical lines into logical ones. Pieces are collected and joined
	// once, so that many folded lines cost linear time.
	var lines []string
	var cur []string
	qp := false
	flush := func() {
		if len(cur) > 0 {
			lines = append(lines, strings.Join(cur, ""))
			cur = cur[:0]
		}
	}
	for _, l := range strings.Split(s, "\n") {
		last := ""
		if len(cur) > 0 {
			last = cur[len(cur)-1]
		}
		switch {
		case l == "" || strings.TrimSpace(l) == "":
			continue
		case len(cur) > 0 && qp && strings.HasSuffix(last, "="):
			cur[len(cur)-1] = last[:len(last)-1] // quoted-printable soft line break
			cur = append(cur, l)
		case len(cur) > 0 && (l[0] == ' ' || l[0] == '\t'):
			cur = append(cur, l[1:]) // folded line
		case len(cur) > 0 && !strings.Contains(l, ":"):
			cur = append(cur, `\n`, l) // a raw line break inside a value
		default:
			flush()
			cur = append(cur, l)
			qp = isQP(l)
		}
	}
	flush()
	var props []vcardProp
	depth := 0
	for _, l := range lines {
		p, ok := splitProp(l)
		if !ok {
			continue
		}
		switch p.name {
		case "BEGIN":
			depth++
			continue
		case "END":
			depth--
			if depth <= 0 {
				return props
			}
			continue
		}
		if depth > 1 { // an embedded card (2.1 AGENT): not this person
			continue
		}
		props = append(props, p)
	}
	return props
}

// isQP reports whether a property line's parameters announce quoted-printable.
func isQP(l string) bool {
	i := strings.IndexByte(l, ':')
	if i < 0 {
		return false
	}
	return strings.Contains(strings.ToUpper(l[:i]), "QUOTED-PRINTABLE")
}

// lookahead returns at most n bytes of s: the look-ahead of recoverBreaks is
// bounded so that adversarial input costs linear time.
func lookahead(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

var propName = regexp.MustCompile(`^[A-Za-z0-9-]+$`)

// splitProp parses "group.NAME;params:value" and decodes the value.
func splitProp(l string) (vcardProp, bool) {
	var p vcardProp
	i := strings.IndexAny(l, ";:")
	if i < 0 {
		return p, false
	}
	name := l[:i]
	if g, n, ok := strings.Cut(name, "."); ok {
		p.group, name = g, n
		if !propName.MatchString(p.group) {
			p.group = ""
		}
	}
	if !propName.MatchString(name) {
		return p, false
	}
	p.name = strings.ToUpper(name)
	rest := l[i:]
	var params []string
	if rest[0] == ';' {
		// parameters up to the first ':' outside double quotes
		quoted, start, end := false, 1, -1
		for j := 1; j < len(rest) && end < 0; j++ {
			switch rest[j] {
			case '"':
				quoted = !quoted
			case ';':
				if !quoted {
					params = append(params, rest[start:j])
					start = j + 1
				}
			case ':':
				if !quoted {
					params = append(params, rest[start:j])
					end = j
				}
			}
		}
		if end < 0 {
			return p, false
		}
		rest = rest[end:]
	}
	value := rest[1:]
	var enc, charset string
	for _, prm := range params {
		k, v, hasValue := strings.Cut(prm, "=")
		k = strings.ToUpper(strings.TrimSpace(k))
		v = strings.Trim(strings.TrimSpace(v), `"`)
		if !hasValue {
			k, v = nameless(k)
		}
		switch k {
		case "TYPE":
			for _, t := range strings.Split(v, ",") {
				t = strings.ToLower(strings.TrimSpace(t))
				if t == "pref" {
					p.pref = 1
				} else if t != "" && propName.MatchString(t) {
					p.types = append(p.types, t)
				}
			}
		case "PREF":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 100 {
				n = 1
			}
			p.pref = n
		case "VALUE":
			p.uri = strings.EqualFold(v, "uri")
		case "ENCODING":
			enc = strings.ToUpper(v)
		case "CHARSET":
			charset = v
		}
	}
	switch enc {
	case "QUOTED-PRINTABLE":
		value = decodeCharset(decodeQP(value), charset)
		value = strings.NewReplacer("\r\n", `\n`, "\r", `\n`, "\n", `\n`).Replace(value)
	case "B", "BASE64":
		switch p.name {
		case "PHOTO", "LOGO", "SOUND", "KEY":
			return p, false // binary, and not needed for a lead
		}
		raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(value), ""))
		if err != nil {
			return p, false
		}
		value = strings.NewReplacer("\r\n", `\n`, "\r", `\n`, "\n", `\n`).Replace(decodeCharset(raw, charset))
	}
	p.value = normEscapes(value)
	return p, true
}

// nameless interprets a vCard 2.1 parameter written without a name.
func nameless(v string) (key, value string) {
	switch v {
	case "QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT":
		return "ENCODING", v
	case "PREF":
		return "PREF", "1"
	}
	return "TYPE", v
}

// decodeQP decodes quoted-printable leniently, because real payloads break
// the rules mime/quotedprintable enforces: an '=' not followed by two hex
// digits is the rest of a soft line break whose line end was lost (a scanner
// that types no line breaks) and is dropped.
func decodeQP(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '=' {
			out = append(out, s[i])
			continue
		}
		if i+2 < len(s) && qpIsHex(s[i+1]) && qpIsHex(s[i+2]) {
			out = append(out, qpUnhex(s[i+1])<<4|qpUnhex(s[i+2]))
			i += 2
		}
	}
	return out
}

func qpIsHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func qpUnhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// normEscapes rewrites a value's backslash escapes into the ones go-vcard
// understands (\\ \n \,): \N becomes \n, \: becomes ':', \; becomes escSemi,
// and a stray backslash is kept as a literal one.
func normEscapes(v string) string {
	var b strings.Builder
	b.Grow(len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		if i+1 == len(v) {
			b.WriteString(`\\`)
			continue
		}
		switch v[i+1] {
		case ';':
			b.WriteRune(escSemi)
		case 'n', 'N':
			b.WriteString(`\n`)
		case ',':
			b.WriteString(`\,`)
		case '\\':
			b.WriteString(`\\`)
		case ':':
			b.WriteByte(':')
		default:
			b.WriteString(`\\`)
			continue
		}
		i++
	}
	return b.String()
}

// unesc turns escSemi back into ';' and trims.
func unesc(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, string(escSemi), ";"))
}

// byPref returns the fields with preferred ones first, otherwise in order.
func byPref(fields []*vcard.Field) []*vcard.Field {
	out := slices.Clone(fields)
	rank := func(f *vcard.Field) int {
		if n, err := strconv.Atoi(f.Params.Get(vcard.ParamPreferred)); err == nil && n > 0 {
			return n
		}
		return 101
	}
	slices.SortStableFunc(out, func(a, b *vcard.Field) int { return rank(a) - rank(b) })
	return out
}

func contactFromCard(card vcard.Card) lead.Contact {
	var c lead.Contact
	c.FullName = unesc(card.Value(vcard.FieldFormattedName))
	var parts []string
	if n := card.Name(); n != nil {
		c.FamilyName, c.GivenName = unesc(n.FamilyName), unesc(n.GivenName)
		for _, x := range []string{n.HonorificPrefix, n.GivenName, n.AdditionalName, n.FamilyName, n.HonorificSuffix} {
			if x = unesc(x); x != "" {
				parts = append(parts, x)
			}
		}
	}
	if c.FullName == "" {
		c.FullName = strings.Join(parts, " ")
	}
	if org := card.Get(vcard.FieldOrganization); org != nil {
		c.Organization = unesc(strings.SplitN(org.Value, ";", 2)[0])
	}
	c.Title = unesc(card.Value(vcard.FieldTitle))
	// A company's own card (vCard 4 KIND:org, Apple's X-ABShowAs:COMPANY) names no person.
	if card.Kind() == vcard.KindOrganization || card.Kind() == "organization" ||
		strings.EqualFold(strings.TrimSpace(card.Value("X-ABSHOWAS")), "COMPANY") {
		if c.Organization == "" {
			c.Organization = c.FullName
		}
		c.FullName, c.GivenName, c.FamilyName = "", "", ""
	}
	for _, f := range byPref(card[vcard.FieldEmail]) {
		if v := unesc(f.Value); v != "" {
			c.Emails = append(c.Emails, v)
		}
	}
	for _, f := range byPref(card[vcard.FieldTelephone]) {
		v := unesc(f.Value)
		if hasPrefixFold(v, "tel:") {
			v, _, _ = strings.Cut(v[4:], ";") // drop ;ext= and other URI parameters
		}
		if v = strings.TrimSpace(v); v != "" {
			c.Phones = append(c.Phones, lead.Phone{Raw: v, Kind: phoneKind(f.Params.Types())})
		}
	}
	for _, f := range byPref(card[vcard.FieldURL]) {
		if v := unesc(f.Value); v != "" {
			c.URLs = append(c.URLs, v)
		}
	}
	for _, f := range card["X-SOCIALPROFILE"] {
		if v := unesc(f.Value); hasPrefixFold(v, "http://") || hasPrefixFold(v, "https://") {
			c.URLs = append(c.URLs, v)
		}
	}
	if a := card.Address(); a != nil {
		line := func(s string) string {
			return strings.Join(strings.FieldsFunc(unesc(s), func(r rune) bool { return r == '\n' }), ", ")
		}
		var street []string
		for _, x := range []string{a.StreetAddress, a.ExtendedAddress, a.PostOfficeBox} {
			if x = line(x); x != "" {
				street = append(street, x)
			}
		}
		c.Address = lead.Address{
			Street: strings.Join(street, ", "), City: line(a.Locality), Region: line(a.Region),
			PostalCode: line(a.PostalCode), Country: line(a.Country),
		}
	}
	return c
}

// phoneKind maps vCard TYPE values to lead.Phone kinds.
func phoneKind(types []string) string {
	has := func(ts ...string) bool {
		for _, t := range ts {
			if slices.Contains(types, t) {
				return true
			}
		}
		return false
	}
	switch {
	case has("fax"):
		return "fax"
	case has("cell", "mobile", "iphone"):
		return "mobile"
	case has("work"):
		return "work"
	case has("home"):
		return "home"
	}
	return ""
}

// contactEmpty reports whether nothing that identifies or reaches a person
// was read.
func contactEmpty(c *lead.Contact) bool {
	return strings.TrimSpace(c.FullName+c.GivenName+c.FamilyName+c.Organization+c.Title) == "" &&
		len(c.Emails) == 0 && len(c.Phones) == 0 && len(c.URLs) == 0
}

// vcardNames are the property names recognised when a vCard arrives without
// any line break (a keyboard-wedge scanner configured to drop them).
var vcardNames = []string{
	"BEGIN", "VERSION", "PRODID", "FN", "N", "NICKNAME", "PHOTO", "BDAY", "ANNIVERSARY", "GENDER",
	"ADR", "LABEL", "TEL", "EMAIL", "IMPP", "LANG", "TZ", "GEO", "TITLE", "ROLE", "LOGO", "ORG",
	"MEMBER", "RELATED", "CATEGORIES", "NOTE", "REV", "SOUND", "UID", "CLIENTPIDMAP", "URL", "KEY",
	"FBURL", "CALADRURI", "CALURI", "SOURCE", "KIND", "MAILER", "AGENT", "CLASS", "SORT-STRING", "END",
}

// vcardNamesByLetter indexes vcardNames by their first letter.
var vcardNamesByLetter = func() (idx [26][]string) {
	for _, n := range vcardNames {
		idx[n[0]-'A'] = append(idx[n[0]-'A'], n)
	}
	return idx
}()

// vcardParam is one parameter a producer writes: a known NAME=value or a
// known bare 2.1 type. Only these count when a boundary is recovered, so that
// "BERLIN;BE;10115" inside an address is not taken for an N property.
const vcardParam = `(?i:(?:TYPE|CHARSET|ENCODING|VALUE|PREF|LANGUAGE|LABEL|PID|ALTID|MEDIATYPE|SORT-AS|X-[A-Z0-9-]+)=(?:"[^"]*"|[^;:"]*)` +
	`|WORK|HOME|CELL|VOICE|FAX|MSG|PAGER|BBS|MODEM|CAR|ISDN|VIDEO|PREF|INTERNET|X400|QUOTED-PRINTABLE|BASE64|8BIT|7BIT|DOM|INTL|POSTAL|PARCEL|MAIN|IPHONE|TEXT|X-[A-Z0-9-]+)`

var vcardParams = regexp.MustCompile(`^` + vcardParam + `(?:;` + vcardParam + `)*:`)

var groupPrefix = regexp.MustCompile(`^(?i:item)[0-9]+\.`)
var xName = regexp.MustCompile(`^X-[A-Za-z0-9-]+[;:]`)

// recoverBreaks puts line breaks back into a vCard typed without any: before
// every upper-case property name (optionally with an itemN. group) that is
// followed by ':' or by well-formed parameters (up to 256 bytes of them;
// longer parameter lists are not recovered). A value that happens to
// contain such a name followed by ':' is split wrongly; nothing better is
// possible without the breaks.
func recoverBreaks(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 64)
	for i := 0; i < len(s); i++ {
		if n := boundaryAt(s[i:]); n > 0 {
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(s[i : i+n]) // name and parameters are never split again
			i += n - 1
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// boundaryAt returns the length of "[group.]NAME" or "[group.]NAME;params"
// (up to, not including, the ':') when t starts a property, else 0. Cheap byte checks come first: it runs at every byte of the input.
func boundaryAt(t string) int {
	if t == "" {
		return 0
	}
	g := 0
	if t[0] == 'i' || t[0] == 'I' {
		if m := groupPrefix.FindString(lookahead(t, 16)); m != "" {
			g = len(m)
		}
	}
	u := t[g:]
	if u == "" || u[0] < 'A' || u[0] > 'Z' {
		return 0
	}
	if strings.HasPrefix(u, "X-") {
		if xName.MatchString(lookahead(u, 64)) {
			n := strings.IndexAny(u, ";:")
			for k := 2; k < n; k++ {
				// "UX-DESIGNER" + "ORG:…": the known property wins over an
				// X- name that swallowed it.
				if knownBoundary(u[k:]) > 0 {
					return 0
				}
			}
			if u[n] == ';' {
				params := lookahead(u[n+1:], 256)
				if c := strings.IndexByte(params, ':'); c > 0 && vcardParams.MatchString(params[:c+1]) {
					return g + n + 1 + c
				}
			}
			return g + n
		}
		return 0
	}
	if n := knownBoundary(u); n > 0 {
		return g + n
	}
	return 0
}

// knownBoundary is boundaryAt for the standard property names only.
func knownBoundary(u string) int {
	if u == "" || u[0] < 'A' || u[0] > 'Z' {
		return 0
	}
	for _, name := range vcardNamesByLetter[u[0]-'A'] {
		if !strings.HasPrefix(u, name) || len(u) == len(name) {
			continue
		}
		switch u[len(name)] {
		case ':':
			return len(name)
		case ';':
			params := lookahead(u[len(name)+1:], 256)
			if c := strings.IndexByte(params, ':'); c > 0 && vcardParams.MatchString(params[:c+1]) {
				return len(name) + 1 + c
			}
		}
	}
	return 0
}
