package capture

import (
	"regexp"
	"strings"

	"leadcap/lead"
)

// badgeSeparators are the separators of Cvent-style delimited badges, in the
// order they are tried.
const badgeSeparators = "^|*%"

// opaqueBadge is an organiser's badge code with nothing else in it: 4 to 64
// letters, digits and - _ . # / + =, with at least one digit (Eventbrite's
// attendee barcodes, Swapcard and Cvent IDs, UUIDs).
var opaqueBadge = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._#/+=-]{3,63}$`)

// hasDigit tells a badge code from a lone word of free text.
var hasDigit = regexp.MustCompile(`[0-9]`)

// parseBadge recognises the badge payloads that are not MECARDs:
//
//   - the delimited record RefID^First^Last^Email^Title^Company^City^State^Zip^Phone
//     (Cvent; ^, |, * or % as separator; trailing fields may be missing);
//   - an email address alone;
//   - an opaque badge ID, which gives an empty Contact: the person is not
//     reachable until staff add details or the organiser's attendee list is
//     matched on BadgeID.
func parseBadge(s string) (Parsed, bool) {
	if strings.ContainsAny(s, "\r\n") {
		return Parsed{}, false
	}
	for _, sep := range badgeSeparators {
		if p, ok := parseDelimited(s, string(sep)); ok {
			return p, true
		}
	}
	badge := Parsed{Format: FormatBadge, Method: lead.MethodBadgeScan}
	if !strings.ContainsAny(s, " \t") && strings.Count(s, "@") == 1 {
		if _, err := lead.NormalizeEmail(s); err == nil {
			badge.Contact.Emails = []string{s}
			return badge, true
		}
	}
	if opaqueBadge.MatchString(s) && hasDigit.MatchString(s) {
		badge.BadgeID = s
		return badge, true
	}
	return Parsed{}, false
}

func parseDelimited(s, sep string) (Parsed, bool) {
	if strings.Count(s, sep) < 4 {
		return Parsed{}, false
	}
	f := strings.Split(s, sep)
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	get := func(i int) string {
		if i < len(f) {
			return f[i]
		}
		return ""
	}
	ref, first, last, email := get(0), get(1), get(2), get(3)
	if ref == "" || strings.ContainsAny(ref, " \t") {
		return Parsed{}, false
	}
	if email != "" && !strings.Contains(email, "@") {
		return Parsed{}, false // not this layout: do not guess which field is what
	}
	if first == "" && last == "" && email == "" {
		return Parsed{}, false
	}
	c := lead.Contact{
		GivenName: first, FamilyName: last, Title: get(4), Organization: get(5),
		Address: lead.Address{City: get(6), Region: get(7), PostalCode: get(8)},
	}
	if email != "" {
		c.Emails = []string{email}
	}
	if ph := get(9); ph != "" {
		c.Phones = []lead.Phone{{Raw: ph}}
	}
	return Parsed{Format: FormatBadge, Contact: c, BadgeID: ref, Method: lead.MethodBadgeScan}, true
}
