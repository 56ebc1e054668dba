package capture

import (
	"regexp"
	"strings"
)

// lookahead returns at most n bytes of s: the look-ahead of recoverBreaks is
// bounded so that adversarial input costs linear time.
func lookahead(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
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
