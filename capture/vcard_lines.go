package capture

import "strings"

// vcardLines splits a vCard payload into logical lines: line ends of any
// kind (CR LF, LF, CR, and iOS's CR CR LF) are accepted, folded lines
// (RFC 6350 3.2, RFC 2425 5.8.1) and vCard 2.1 quoted-printable soft line
// breaks are joined, blank lines and comment lines (# …) are dropped, and a
// line without any ':' that follows a property is taken as a raw line
// break inside its value. A payload typed without any line break has its
// property boundaries recovered (recoverBreaks); one typed with tabs for
// line breaks (a scanner's setting) has them turned back.
//
// Pieces are collected and joined once, so that many folded lines cost
// linear time.
func vcardLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	if !strings.Contains(s, "\n") {
		if strings.Contains(s, "\t") {
			s = strings.ReplaceAll(s, "\t", "\n")
		} else {
			s = recoverBreaks(s)
		}
	}
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
		case strings.TrimSpace(l) == "":
			continue
		case len(cur) > 0 && qp && strings.HasSuffix(last, "="):
			cur[len(cur)-1] = last[:len(last)-1] // quoted-printable soft line break
			cur = append(cur, l)
		case len(cur) > 0 && (l[0] == ' ' || l[0] == '\t'):
			cur = append(cur, l[1:]) // folded line
		case l[0] == '#':
			continue // a comment line some exporters write
		case len(cur) > 0 && !strings.Contains(l, ":"):
			cur = append(cur, `\n`, l) // a raw line break inside a value
		default:
			flush()
			cur = append(cur, l)
			qp = isQP(l)
		}
	}
	flush()
	return lines
}

// isQP reports whether a property line's parameters announce quoted-printable.
func isQP(l string) bool {
	i := strings.IndexByte(l, ':')
	if i < 0 {
		return false
	}
	return strings.Contains(strings.ToUpper(l[:i]), "QUOTED-PRINTABLE")
}

// vcardProps tokenizes the first card of s into properties, without BEGIN,
// END, the properties of an embedded card (vCard 2.1 AGENT) and anything
// after the first card's END. Lines that are not properties are skipped.
func vcardProps(s string) []vcardProp {
	var props []vcardProp
	depth := 0
	for _, l := range vcardLines(s) {
		p, ok := tokenizeProp(l)
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
		if depth > 1 {
			continue
		}
		props = append(props, p)
	}
	return props
}
