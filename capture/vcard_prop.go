package capture

import (
	"encoding/base64"
	"regexp"
	"strconv"
	"strings"

	"github.com/emersion/go-vcard"
)

// escSemi stands for an escaped semicolon (\;) in a value while structured
// values (N, ADR, ORG) are split on plain semicolons; unesc turns it back
// into ';'. cleanPayload removes it from the input, so it cannot clash.
const escSemi = '\uE000'

// escComma stands for an escaped comma (\,) the same way, so that the
// comma-separated lists of N's components can be told from a comma that is
// part of a name.
const escComma = '\uE001'

// vcardProp is one property line, tokenized: its group, upper-case name,
// parameters (TYPE values lower-cased, PREF and VALUE as go-vcard names
// them) and its value as it stands in the payload.
type vcardProp struct {
	group, name string
	params      vcard.Params
	encoding    string // QUOTED-PRINTABLE, B, BASE64 or empty
	charset     string // the CHARSET parameter, empty when none
	raw         string
}

var propName = regexp.MustCompile(`^[A-Za-z0-9-]+$`)

// tokenizeProp splits "group.NAME;params:value". Parameters are read as
// vCard 2.1, 3.0 and 4.0 write them, nameless 2.1 ones (TEL;CELL,
// EMAIL;PREF;INTERNET) included; a ':' inside a double-quoted parameter
// value does not end them.
func tokenizeProp(l string) (vcardProp, bool) {
	p := vcardProp{params: vcard.Params{}}
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
	params, value, ok := splitParams(l[i:])
	if !ok {
		return p, false
	}
	p.raw = value
	for _, prm := range params {
		p.addParam(prm)
	}
	return p, true
}

// splitParams splits ";a=b;c:value" (or ":value") at the first ':' outside
// double quotes.
func splitParams(rest string) (params []string, value string, ok bool) {
	if rest[0] == ':' {
		return nil, rest[1:], true
	}
	quoted, start := false, 1
	for j := 1; j < len(rest); j++ {
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
				return append(params, rest[start:j]), rest[j+1:], true
			}
		}
	}
	return nil, "", false
}

func (p *vcardProp) addParam(prm string) {
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
				p.params.Set(vcard.ParamPreferred, "1")
			} else if t != "" && propName.MatchString(t) {
				p.params.Add(vcard.ParamType, t)
			}
		}
	case "PREF":
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			n = 1
		}
		p.params.Set(vcard.ParamPreferred, strconv.Itoa(n))
	case "VALUE":
		p.params.Set(vcard.ParamValue, strings.ToLower(v))
	case "ENCODING":
		p.encoding = strings.ToUpper(v)
	case "CHARSET":
		p.charset = v
	}
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

// isBinary reports whether the property holds binary data that a lead
// does not need (a photo, a logo, a sound, a key).
func (p *vcardProp) isBinary() bool {
	switch p.name {
	case "PHOTO", "LOGO", "SOUND", "KEY":
		return true
	}
	return false
}

// text decodes the value: quoted-printable or base64 first, then the
// character set (the property's CHARSET, else cardCharset, the one the card
// declares elsewhere), then the escapes. ok is false for a value that cannot
// be decoded.
func (p *vcardProp) text(cardCharset string) (string, bool) {
	value := p.raw
	charset := p.charset
	if charset == "" {
		charset = cardCharset
	}
	switch p.encoding {
	case "QUOTED-PRINTABLE":
		value = lineBreaksEscaped(decodeCharset(decodeQP(value), charset))
	case "B", "BASE64":
		raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(value), ""))
		if err != nil {
			return "", false
		}
		value = lineBreaksEscaped(decodeCharset(raw, charset))
	default:
		value = decodeCharset([]byte(value), charset)
	}
	return unescapeValue(value), true
}

// lineBreaksEscaped writes the real line breaks of a decoded value as the
// \n escape, so that unescapeValue treats them alike.
func lineBreaksEscaped(s string) string {
	return strings.NewReplacer("\r\n", `\n`, "\r", `\n`, "\n", `\n`).Replace(s)
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
		if i+2 < len(s) {
			if b, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				out = append(out, byte(b))
				i += 2
			}
		}
	}
	return out
}

// unescapeValue removes a value's backslash escapes (RFC 6350 3.4, with the
// 2.1 and 3.0 variants): \n and \N are line breaks, \, \: and \\ are the
// character itself, \; and \, become escSemi and escComma so that structured
// values can still be split on plain semicolons and commas; a stray backslash
// is kept as it is.
func unescapeValue(v string) string {
	if !strings.Contains(v, `\`) {
		return v
	}
	var b strings.Builder
	b.Grow(len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c != '\\' || i+1 == len(v) {
			b.WriteByte(c)
			continue
		}
		switch v[i+1] {
		case ';':
			b.WriteRune(escSemi)
		case ',':
			b.WriteRune(escComma)
		case 'n', 'N':
			b.WriteByte('\n')
		case '\\', ':':
			b.WriteByte(v[i+1])
		default:
			b.WriteByte('\\')
			continue
		}
		i++
	}
	return b.String()
}
