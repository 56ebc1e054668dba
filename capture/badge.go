package capture

import (
	"regexp"
	"strings"

	"leadcap/lead"
)

// badgeSeparators are the separators of Cvent-style delimited badges, in the
// order they are tried (a tab is what handheld scanners send for the field
// separator of a badge's PDF417 or Code 128 record).
const badgeSeparators = "^|*%\t"

// minSeparators is how many separators make a delimited badge: a caret
// appears in no name or sentence, so RefID^First^Last is enough; the other
// separators need the five fields up to the email.
func minSeparators(sep string) int {
	if sep == "^" {
		return 2
	}
	return 4
}

// opaqueBadge is an organiser's badge code with nothing else in it: 4 to 64
// letters, digits and - _ . # / + = $, with at least one digit (Eventbrite's
// attendee barcodes, Swapcard and Cvent IDs).
var opaqueBadge = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._#/+=$-]{3,63}$`)

// hasDigit tells a badge code from a lone word of free text.
var hasDigit = regexp.MustCompile(`[0-9]`)

// tokenBadge is a badge token between two markers, as pgeu-system writes
// its attendee tokens (AT$…$AT) and check-in tokens (ID$…$ID).
var tokenBadge = regexp.MustCompile(`^([A-Z]{2})\$[A-Za-z0-9_-]{4,64}\$([A-Z]{2})$`)

// parseBadge recognises the badge payloads that are not MECARDs:
//
//   - the delimited record RefID^First^Last^Email^Title^Company^City^State^Zip^Phone
//     (Cvent; ^, |, *, % or a tab as separator; trailing fields may be
//     missing, with ^ down to RefID^First^Last; without a RefID when it has
//     the email);
//   - Devoxx's ID::Last::First::Company::Email;
//   - an email address alone;
//   - a code that matches the event's badge pattern, when it has one;
//   - without one: a marked token such as AT$…$AT, or an opaque badge ID
//     that is not a product code (isProductCode) nor a number of a product
//     code's length (productLengthNumber).
//
// A badge ID alone gives an empty Contact: the person is not reachable
// until staff add details or the organiser's attendee list is matched on
// BadgeID.
func parseBadge(s string, pattern lead.BadgePattern) (Parsed, bool) {
	if strings.ContainsAny(s, "\r\n") {
		return Parsed{}, false
	}
	for _, sep := range badgeSeparators {
		if p, ok := parseDelimited(s, string(sep)); ok {
			return p, true
		}
	}
	if p, ok := parseDevoxx(s); ok {
		return p, true
	}
	badge := Parsed{Format: FormatBadge, Method: lead.MethodBadgeScan}
	if !strings.ContainsAny(s, " \t^|") && strings.Count(s, "@") == 1 { // '^' and '|' are valid in an address but not in one on a badge
		if _, err := lead.NormalizeEmail(s); err == nil {
			badge.Contact.Emails = []string{s}
			return badge, true
		}
	}
	if isBadgeID(s, pattern) {
		badge.BadgeID = s
		return badge, true
	}
	return Parsed{}, false
}

// tokenURL is pgeu-system's badge and ticket code in URL form,
// https://{host}/t/at/{token}/ or /t/id/{token}/ (its scanner app's token
// pattern); the token is the same as in AT$…$AT and ID$…$ID.
var tokenURL = regexp.MustCompile(`^https?://[^/\s]+/t/(?:id|at)/(?:[a-z0-9]+|TESTTESTTESTTEST)/?$`)

// parseBadgeURL recognises a badge code written as a web address: one that
// matches the event's badge pattern, or a token URL of a badge system
// (tokenURL). The whole URL is the badge ID, as the organiser's lookup
// takes it.
func parseBadgeURL(s string, pattern lead.BadgePattern) (Parsed, bool) {
	if !pattern.IsZero() && pattern.Match(s) || tokenURL.MatchString(s) {
		return Parsed{Format: FormatBadge, Method: lead.MethodBadgeScan, BadgeID: s}, true
	}
	return Parsed{}, false
}

// isBadgeID applies the event's pattern, or the general rule without one.
func isBadgeID(s string, pattern lead.BadgePattern) bool {
	if !pattern.IsZero() {
		return pattern.Match(s)
	}
	if m := tokenBadge.FindStringSubmatch(s); m != nil && m[1] == m[2] {
		return true
	}
	return opaqueBadge.MatchString(s) && hasDigit.MatchString(s) && !isProductCode(s) && !productLengthNumber(s) &&
		!decimalNumber.MatchString(s) && !(dottedWords.MatchString(s) && strings.ToUpper(s) != s)
}

// decimalNumber is a quantity, a price or a measurement ("12756.501").
var decimalNumber = regexp.MustCompile(`^[0-9]+[.,][0-9]+$`)

// dottedWords is words joined by dots; with lower-case letters it is a
// host name ("123.com"), a file name or a version, not a badge code
// (those are written in capitals: "ATT.12345").
var dottedWords = regexp.MustCompile(`^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$`)

// productLengthNumber reports whether s is a number of 8 to 14 digits, the
// lengths of EAN-8, ISBN-10, UPC-A, EAN-13 and GTIN-14 (and of phone
// numbers): with a wrong check digit it is a code misread or made up, a
// number without its country code or an order number far more often than a
// badge (ZXing reads such numbers as text). Badge systems that print such
// numbers are read with the event's badge pattern; longer numbers
// (Eventbrite's attendee barcodes) stay badge IDs.
func productLengthNumber(s string) bool {
	return allDigits(s) && len(s) >= 8 && len(s) <= 14
}

func parseDelimited(s, sep string) (Parsed, bool) {
	if strings.Count(s, sep) < minSeparators(sep) {
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
	if strings.ContainsAny(ref, " \t") || ref == "" && email == "" {
		return Parsed{}, false // a record without its RefID still counts when it names an email
	}
	if email != "" && !strings.Contains(email, "@") {
		return Parsed{}, false // not this layout: do not guess which field is what
	}
	if first == "" && last == "" && email == "" || strings.ContainsAny(first+last, "@") {
		return Parsed{}, false
	}
	if first != "" && !looksLikeName(first) || last != "" && !looksLikeName(last) {
		return Parsed{}, false // not names: a random string that holds the separator
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

// parseDevoxx reads the badge code of Devoxx conferences:
// ID::lastname::firstname::company::email.
func parseDevoxx(s string) (Parsed, bool) {
	f := strings.Split(s, "::")
	if len(f) != 5 {
		return Parsed{}, false
	}
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	id, last, first, org, email := f[0], f[1], f[2], f[3], f[4]
	if id == "" || strings.ContainsAny(id, " \t") || (email != "" && !strings.Contains(email, "@")) || first+last+email == "" {
		return Parsed{}, false
	}
	c := lead.Contact{GivenName: first, FamilyName: last, Organization: org}
	if email != "" {
		c.Emails = []string{email}
	}
	return Parsed{Format: FormatBadge, Contact: c, BadgeID: id, Method: lead.MethodBadgeScan}, true
}
