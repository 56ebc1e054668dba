package capture

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"leadcap/lead"
)

// Format says what kind of payload a code held.
type Format string

// The payload formats Parse recognises.
const (
	FormatVCard   Format = "vcard"   // BEGIN:VCARD … END:VCARD, versions 2.1, 3.0 and 4.0
	FormatMECARD  Format = "mecard"  // MECARD:N:Last,First;TEL:…;;
	FormatBizcard Format = "bizcard" // BIZCARD:N:First;X:Last;…;;
	FormatKDDI    Format = "kddi"    // KDDI/au address book: MEMORY:…, NAME1:…, TEL1:…
	FormatPlain   Format = "plain"   // a card as plain lines: a name, an email, a phone, a web address
	FormatMailto  Format = "mailto"  // mailto:… and MATMSG:TO:…;;
	FormatTel     Format = "tel"     // tel:… or a lone international number
	FormatURL     Format = "url"     // a person's profile or digital business card URL
	FormatBadge   Format = "badge"   // an event badge: Cvent MECARD with CONF:, delimited record, lone email, opaque ID
	FormatText    Format = "text"    // not a contact (for callers reporting a *NotAContactError); Parse never returns it
)

// Parsed is what Parse read from a payload.
type Parsed struct {
	Format Format
	// Contact is normalized: emails lower-cased, phones in E.164 with the
	// region as default country, full name composed when missing. It is
	// empty for an opaque badge ID.
	Contact lead.Contact
	// BadgeID is the organiser's badge reference (Cvent CONF:, the RefID of a
	// delimited badge, or an opaque badge code). Empty for business cards.
	BadgeID string
	// Method is lead.MethodBadgeScan for badges and lead.MethodQRScan for
	// everything else. A caller that read the payload from a handheld
	// scanner may record lead.MethodScanner instead.
	Method lead.Method
	// Payload is the input exactly as given to Parse.
	Payload string
	// NotTaken lists what was read but left out of Contact because it was
	// not valid; empty when everything was taken over.
	NotTaken []NotTaken
}

// Reachable reports whether the contact carries a way to reach the person
// (see lead.Contact.Reachable). An opaque badge ID gives a valid Parsed that
// is not reachable: the store or the UI must ask staff for an email or phone,
// or keep the lead aside until the organiser's attendee list is imported and
// the BadgeID can be matched.
func (p *Parsed) Reachable() bool { return p.Contact.Reachable() == nil }

// ErrNotAContact means a code was read but holds no contact: Wi-Fi settings,
// a calendar entry, free text, a web page that is not a person's profile.
// The error is a *NotAContactError that keeps the raw text.
var ErrNotAContact = errors.New("this code holds no contact details")

// NotAContactError is returned for a payload that is not a contact. It keeps
// the text so the UI can offer to save it as a note on a lead.
type NotAContactError struct {
	// Raw is the payload as given to Parse.
	Raw string
	// Kind is one of "empty", "wifi", "event", "geo", "sms",
	// "url-without-contact", "malformed" (a vCard or MECARD with nothing
	// readable in it), "group" (a vCard of a distribution list), "too-long"
	// (more than MaxText bytes) or "text".
	Kind string
}

func (e *NotAContactError) Error() string {
	what := map[string]string{
		"empty":               "the code is empty",
		"wifi":                "the code holds Wi-Fi network settings",
		"event":               "the code holds a calendar entry",
		"geo":                 "the code holds a map location",
		"sms":                 "the code holds a text message to send",
		"url-without-contact": "the code holds a web link that is not a person's profile",
		"malformed":           "the code looks like a business card but no name, email or phone could be read from it",
		"too-long":            "the text is longer than any code or contact file holds",
		"group":               "the code holds a contact group (a distribution list), not one person",
	}[e.Kind]
	if what == "" {
		what = "the code holds text that is not a contact"
	}
	return what + ": save it as a note, or scan the person's badge or card instead"
}

// Is makes errors.Is(err, ErrNotAContact) true.
func (e *NotAContactError) Is(target error) bool { return target == ErrNotAContact }

func notContact(raw, kind string) error { return &NotAContactError{Raw: raw, Kind: kind} }

// Options are what Parse knows about the event a payload is read at.
type Options struct {
	// Region is the event's country (ISO 3166 alpha-2, e.g. "DE"): the
	// default country of phone numbers written without one. It may be empty.
	Region string
	// Badge is what the event's badge codes look like. When set, a code
	// that matches it is a badge and a code that does not is never taken
	// for one; when zero, the general rule applies (see ParseWith).
	Badge lead.BadgePattern
}

// Parse is ParseWith with only the event's country known.
func Parse(payload, region string) (Parsed, error) {
	return ParseWith(payload, Options{Region: region})
}

// ParseWith reads a QR or scanner payload and returns the contact it holds.
//
// Recognised: vCard 2.1, 3.0 and 4.0 (group prefixes, any CHARSET, lost
// or odd line breaks, the first of several cards); MECARD and QRCoder's
// line-separated MECARD+; KDDI/au's MEMORY:/NAME1:/TEL1: address book;
// BIZCARD; mailto: (RFC 6068, to and cc), smtp: and MATMSG; tel:; callto:,
// facetime: and sip: (a number or an address to call); a profile
// URL (LinkedIn, XING, digital business card services, wa.me
// click-to-chat); a card written as plain lines (a name, an email, a phone);
// and event badges (Cvent's MECARD with CONF:, the delimited
// RefID^First^Last^Email^Title^Company^City^State^Zip^Phone form with ^, |,
// * or % as separator, an email alone, tokens such as AT$…$AT, and an opaque
// badge ID: the event's o.Badge when set, else a code of 4 to 64 letters and
// digits that is not a product code such as an EAN, UPC, ISBN, VIN or GUID).
//
// Values that are not valid (an email that is not an address, a phone that
// is not a number or not a valid one for the country it names) are left out
// of the contact and listed in Parsed.NotTaken; the rest of the card is kept.
//
// Errors:
//   - a *NotAContactError (errors.Is ErrNotAContact) when the payload holds
//     no contact; nothing is invented from it;
//   - a wrapped *lead.FieldError (use errors.As) when nothing valid is left
//     once the invalid values are taken out, e.g. "tel:call-me". The
//     returned Parsed then holds the contact as read (not normalized), so
//     the UI can show it for correction.
func ParseWith(payload string, o Options) (Parsed, error) {
	if len(payload) > MaxText {
		return Parsed{Payload: payload}, &NotAContactError{Raw: payload, Kind: "too-long"}
	}
	p, err := parseText(payloadText(payload), o)
	p.Payload = payload
	if err != nil {
		var nc *NotAContactError
		if errors.As(err, &nc) {
			nc.Raw = payload
		}
		return Parsed{Payload: payload}, err
	}
	if p.Method == "" {
		p.Method = lead.MethodQRScan
	}
	c := p.Contact
	c.Emails = splitAddressLists(c.Emails)
	dropped := c.NormalizeRead(o.Region)
	for _, fe := range dropped {
		p.NotTaken = append(p.NotTaken, notTaken(fe))
	}
	if contactEmpty(&c) && p.BadgeID == "" {
		if len(dropped) > 0 {
			return p, fmt.Errorf("capture: %s code: %w", p.Format, dropped[0])
		}
		return Parsed{Payload: payload}, notContact(payload, "malformed") // only blanks and control characters
	}
	if len(c.Emails) == 0 {
		c.Emails = nil
	}
	if len(c.URLs) == 0 {
		c.URLs = nil
	}
	p.Contact = c
	return p, nil
}

// payloadText turns the payload into the text to parse: a byte order mark,
// a symbology identifier, NUL bytes and surrounding space are dropped, text
// with a UTF-16 byte order mark is decoded, and bytes that are not UTF-8 are
// decoded (DecodeText), except in a vCard, whose values are decoded one by
// one in the CHARSET each declares.
func payloadText(payload string) string {
	text := cleanPayload(fromUTF16(payload))
	if !utf8.ValidString(text) && vcardStart(text) < 0 {
		text = cleanPayload(DecodeText([]byte(text), ""))
	}
	return text
}

// MaxPayload is the longest payload a code or a handheld scanner gives, in
// bytes: above the 2,953 bytes of the largest QR code (and what PDF417, Data
// Matrix and Aztec hold).
const MaxPayload = 8 << 10

// MaxText is the longest text Parse reads, in bytes: enough for a vCard
// file exported with a photo (iPhone, Thunderbird) piped into the CLI, and
// a bound on work. Parsing takes linear time in the text's length.
const MaxText = 256 << 10

// aimPrefix is a symbology identifier some handheld scanners type before the
// payload (]Q1 for QR, ]d2 for Data Matrix, ]L2 for PDF417).
var aimPrefix = regexp.MustCompile(`^\][A-Za-z][0-9A-Za-z]`)

// cleanPayload drops what scanners and producers add around a payload: a
// byte order mark, a symbology identifier, NUL bytes and surrounding space.
func cleanPayload(s string) string {
	s = strings.TrimPrefix(s, "\ufeff")
	s = strings.ReplaceAll(s, "\x00", "")
	s = strings.ReplaceAll(s, string(escSemi), "")
	s = strings.ReplaceAll(s, string(escComma), "")
	s = strings.TrimSpace(s)
	if aimPrefix.MatchString(s) {
		s = strings.TrimSpace(s[3:])
	}
	return s
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// parseText dispatches on the payload's form. The result is not normalized.
func parseText(s string, o Options) (Parsed, error) {
	if s == "" {
		return Parsed{}, notContact(s, "empty")
	}
	if vcardStart(s) == 0 {
		return parseVCard(s)
	}
	for _, f := range prefixed {
		if hasPrefixFold(s, f.prefix) {
			if f.parse == nil {
				return Parsed{}, notContact(s, f.kind)
			}
			return f.parse(s)
		}
	}
	if i := vcardStart(s); i > 0 {
		return parseVCard(s[i:]) // a vCard after a line of text
	}
	if p, ok := parseKDDI(s); ok {
		return p, nil
	}
	if p, ok := parseJSONAttendee(s); ok {
		return p, nil
	}
	if u, ok := looksLikeURL(s); ok {
		if p, ok := parseBadgeURL(s, o.Badge); ok {
			return p, nil
		}
		return parseURL(s, u)
	}
	if p, ok := parseBadge(s, o.Badge); ok {
		return p, nil
	}
	if p, ok := parseLonePhone(s); ok {
		return p, nil
	}
	if p, ok := parsePlainCard(s); ok {
		return p, nil
	}
	if uriScheme.MatchString(s) {
		return Parsed{}, notContact(s, "url-without-contact")
	}
	return Parsed{}, notContact(s, "text")
}

// prefixed are the forms a payload announces with its first characters
// (compared without regard to case), tried in order. A nil parse means the
// form is not a contact, and kind says which one it is.
var prefixed = []struct {
	prefix string
	parse  func(string) (Parsed, error)
	kind   string
}{
	{"MECARD:", parseMECARD, ""},
	{"MECARD+", parseMECARD, ""},
	{"BIZCARD:", parseBizcard, ""},
	{"MATMSG:", parseMATMSG, ""},
	{"mailto:", parseMailto, ""},
	{"smtp:", parseSMTP, ""},
	{"tel:", parseTel, ""},
	{"callto:", parseCallURI, ""},
	{"facetime:", parseCallURI, ""},
	{"facetime-audio:", parseCallURI, ""},
	{"sip:", parseCallURI, ""},
	{"sips:", parseCallURI, ""},
	{"WIFI:", nil, "wifi"},
	{"BEGIN:VEVENT", nil, "event"},
	{"BEGIN:VCALENDAR", nil, "event"},
	{"geo:", nil, "geo"},
	{"SMSTO:", nil, "sms"},
	{"sms:", nil, "sms"},
	{"MMSTO:", nil, "sms"},
	{"MEBKM:", parseMEBKM, ""},
}

// vcardBegin is BEGIN:VCARD at the start of a line, with an optional group
// prefix (Apple writes "home.begin:vcard"), in any case.
var vcardBegin = regexp.MustCompile(`(?im)^(?:[A-Za-z0-9-]+\.)?BEGIN:VCARD`)

// vcardStart returns where the first vCard in s starts, or -1.
func vcardStart(s string) int {
	loc := vcardBegin.FindStringIndex(s)
	if loc == nil {
		return -1
	}
	return loc[0]
}

// uriScheme matches "scheme:" at the start of a one-word payload (otpauth://,
// bitcoin:, market://…).
var uriScheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]{1,30}:\S*$`)

// lonePhone is a number written with its country code (after + or the 00
// international prefix) and nothing else.
var lonePhone = regexp.MustCompile(`^(?:\+|00)[1-9][0-9 ()./-]{5,24}$`)

func parseLonePhone(s string) (Parsed, bool) {
	if !lonePhone.MatchString(s) {
		return Parsed{}, false
	}
	if _, err := lead.NormalizePhone(s, ""); err != nil {
		return Parsed{}, false
	}
	return Parsed{Format: FormatTel, Contact: lead.Contact{Phones: []lead.Phone{{Raw: s}}}}, true
}
