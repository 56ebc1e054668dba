package lead

import (
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/unicode/norm"
)

// ErrUnreachable means a contact has neither a way to reach the person
// (email, phone or URL) nor a name plus an organization.
var ErrUnreachable = errors.New("a lead needs an email, a phone number or a web address, or a name together with an organization")

// Contact is what is known about the person.
type Contact struct {
	FullName     string   `json:"full_name,omitempty"`
	GivenName    string   `json:"given_name,omitempty"`
	FamilyName   string   `json:"family_name,omitempty"`
	Organization string   `json:"organization,omitempty"`
	Title        string   `json:"title,omitempty"`
	Emails       []string `json:"emails,omitempty"`
	Phones       []Phone  `json:"phones,omitempty"`
	URLs         []string `json:"urls,omitempty"`
	Address      Address  `json:"address,omitzero"`
}

// Phone is a phone number in E.164 with the text it was read from.
type Phone struct {
	// Number is the E.164 form, e.g. "+4930123456"; for a number read from
	// a code whose country is not known for sure (see ReadPhone) it is the
	// number as written, e.g. "917-364-2918".
	Number string `json:"number"`
	// Raw is the text as typed or scanned, e.g. "030 / 12 34 56".
	Raw string `json:"raw,omitempty"`
	// Kind is "work", "mobile", "home", "fax" or empty.
	Kind string `json:"kind,omitempty"`
}

// Address is a postal address.
type Address struct {
	Street     string `json:"street,omitempty"`
	City       string `json:"city,omitempty"`
	Region     string `json:"region,omitempty"`
	PostalCode string `json:"postal_code,omitempty"`
	Country    string `json:"country,omitempty"`
}

// IsZero reports whether no part of the address is set.
func (a Address) IsZero() bool { return a == Address{} }

// Name returns the full name, or the given and family name joined.
func (c *Contact) Name() string {
	if c.FullName != "" {
		return c.FullName
	}
	return JoinName(c.GivenName, c.FamilyName)
}

// JoinName writes a full name from its parts: given name first and a space
// between, except for names in Chinese, Japanese or Korean script, which are
// written family name first without one ("山田太郎").
func JoinName(given, family string) string {
	given, family = strings.TrimSpace(given), strings.TrimSpace(family)
	if given != "" && family != "" && isCJK(given) && isCJK(family) {
		return family + given
	}
	return strings.TrimSpace(given + " " + family)
}

func isCJK(s string) bool {
	for _, r := range s {
		if !unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
			return false
		}
	}
	return true
}

// Normalize trims every field and removes control characters from it,
// composes the full name from the parts when it is missing, checks and
// lower-cases emails, and normalizes phones to E.164 with region (ISO 3166
// alpha-2, may be empty) as the default country (see NormalizePhone; a
// phone whose Number was kept as written by NormalizeRead stays so). It
// drops empty and repeated entries. The first invalid field is returned as
// a *FieldError.
func (c *Contact) Normalize(region string) error {
	if errs := c.normalize(region, false); len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// NormalizeRead is Normalize for a contact read from a code, a scanner or a
// file somebody else wrote: instead of failing on the first invalid email or
// phone it drops every invalid one and returns them, so that the rest of the
// card is kept. Phones are read with ReadPhone: a number whose country is
// known must be valid for it, and one whose country is not known is kept as
// written instead of being given the event's country.
func (c *Contact) NormalizeRead(region string) []*FieldError {
	return c.normalize(region, true)
}

func (c *Contact) normalize(region string, read bool) []*FieldError {
	c.GivenName = clean(c.GivenName)
	c.FamilyName = clean(c.FamilyName)
	c.FullName = clean(c.FullName)
	c.Organization = clean(c.Organization)
	c.Title = clean(c.Title)
	if c.FullName == "" {
		c.FullName = JoinName(c.GivenName, c.FamilyName)
	}
	errs := c.normalizeEmails(read)
	if len(errs) > 0 && !read {
		return errs
	}
	errs = append(errs, c.normalizePhones(region, read)...)
	if len(errs) > 0 && !read {
		return errs
	}
	urls := c.URLs[:0:0]
	for _, u := range c.URLs {
		if u = clean(u); u != "" {
			urls = appendUnique(urls, u)
		}
	}
	c.URLs = urls
	c.Address = Address{
		Street: clean(c.Address.Street), City: clean(c.Address.City), Region: clean(c.Address.Region),
		PostalCode: clean(c.Address.PostalCode), Country: clean(c.Address.Country),
	}
	return errs
}

// normalizeEmails keeps the valid emails, lower-cased and without
// repeats; with read, it drops the invalid ones and reports each,
// otherwise it stops at the first.
func (c *Contact) normalizeEmails(read bool) []*FieldError {
	var errs []*FieldError
	emails := c.Emails[:0:0]
	for i, e := range c.Emails {
		e = clean(e)
		if e == "" {
			continue
		}
		n, err := NormalizeEmail(e)
		if err != nil {
			errs = append(errs, &FieldError{Field: fmt.Sprintf("contact.emails[%d]", i), Value: e, Reason: "is not an email address: check it for typos (it needs one @ and a domain)"})
			if !read {
				return errs
			}
			continue
		}
		emails = appendUnique(emails, n)
	}
	c.Emails = emails
	return errs
}

// normalizePhones is normalizeEmails for phones.
func (c *Contact) normalizePhones(region string, read bool) []*FieldError {
	var errs []*FieldError
	var phones []Phone
	for i, p := range c.Phones {
		raw := clean(p.Raw)
		if raw == "" {
			raw = clean(p.Number)
		}
		if raw == "" {
			continue
		}
		var n string
		var err error
		switch {
		case p.Number != "" && !e164.MatchString(p.Number):
			n = clean(p.Number) // kept as written when it was read (ReadPhone)
		case read:
			n, err = ReadPhone(raw, region)
		case p.Number != "" && readAs(raw, region) == clean(p.Number):
			// Read from a card before (ReadPhone): kept, also when it looks
			// like E.164 but is not a valid number ("+100000", "+82000000"),
			// which NormalizePhone would refuse or change.
			n = clean(p.Number)
		default:
			n, err = NormalizePhone(raw, region)
		}
		if err != nil {
			errs = append(errs, &FieldError{Field: fmt.Sprintf("contact.phones[%d]", i), Value: raw, Reason: err.Error()})
			if !read {
				return errs
			}
			continue
		}
		if !slices.ContainsFunc(phones, func(q Phone) bool { return q.Number == n }) {
			phones = append(phones, Phone{Number: n, Raw: raw, Kind: strings.ToLower(clean(p.Kind))})
		}
	}
	c.Phones = phones
	return errs
}

// readAs is what ReadPhone makes of raw, or "" when it refuses it.
func readAs(raw, region string) string {
	n, err := ReadPhone(raw, region)
	if err != nil {
		return ""
	}
	return n
}

// Reachable reports ErrUnreachable (as a *FieldError wrapping it) unless the
// contact has an email, a phone or a URL, or a name plus an organization.
func (c *Contact) Reachable() error {
	if len(c.Emails) > 0 || len(c.Phones) > 0 || len(c.URLs) > 0 {
		return nil
	}
	if c.Name() != "" && c.Organization != "" {
		return nil
	}
	return &FieldError{Field: "contact", Reason: "has no way to reach the person: " + ErrUnreachable.Error()}
}

// Is lets errors.Is(err, ErrUnreachable) match the contact's FieldError.
func (e *FieldError) Is(target error) bool {
	return target == ErrUnreachable && e.Field == "contact"
}

// NormalizeEmail checks an address with net/mail and returns it trimmed and
// lower-cased, without any display name or mailto: scheme (in any case).
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) >= 7 && strings.EqualFold(s[:7], "mailto:") {
		s = strings.TrimSpace(s[7:])
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return "", fmt.Errorf("%q is not an email address: %w", s, err)
	}
	at := strings.LastIndexByte(a.Address, '@')
	if at < 1 || !strings.Contains(a.Address[at+1:], ".") || strings.HasSuffix(a.Address, ".") {
		return "", fmt.Errorf("%q is not an email address: the domain is incomplete", s)
	}
	return strings.ToLower(a.Address), nil
}

// NormalizePhone parses a phone number with region (ISO 3166 alpha-2) as the
// default country and returns its E.164 form. Numbers written with a leading
// + or 00 need no region. It is meant for numbers a person types: a possible
// number is accepted (see ReadPhone for numbers read from a code).
func NormalizePhone(raw, region string) (string, error) {
	region = strings.ToUpper(strings.TrimSpace(region))
	s := phoneText(raw)
	if region == "" && !strings.HasPrefix(s, "+") {
		return "", errors.New("has no country code and the event has no country: write it with + and the country code, or set the event's country")
	}
	num, err := phonenumbers.Parse(s, region)
	if err != nil {
		return "", errors.New("is not a phone number: " + strings.ToLower(err.Error()))
	}
	if !phonenumbers.IsPossibleNumber(num) {
		return "", errors.New("is not a possible phone number: check the digits and the country code")
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}

// ReadPhone is NormalizePhone for a number somebody else wrote (a vCard, a
// badge, a scanner), where a wrong country is worse than none. A number
// that is valid for the country its code names (+ or 00), or, written
// without a code, valid in region, comes back in E.164. Any other number
// comes back as written (white space collapsed): giving an invalid number,
// or one written without a code at an event in another country, a country
// would invent one, and dropping it would lose what the card said. Text
// that is not written like a phone number (digits with spaces, dashes,
// dots, slashes or brackets, an optional + and extension) is an error.
func ReadPhone(raw, region string) (string, error) {
	region = strings.ToUpper(strings.TrimSpace(region))
	s := phoneText(raw)
	if !strings.HasPrefix(s, "+") {
		if region == "" {
			region = "ZZ" // unknown: only a number with + can be valid
		}
	}
	if num, err := phonenumbers.Parse(s, region); err == nil && phonenumbers.IsValidNumber(num) {
		return phonenumbers.Format(num, phonenumbers.E164), nil
	}
	if !writtenPhone.MatchString(s) {
		return "", errors.New("is not a phone number: it needs digits, with spaces, dashes, dots or brackets between them")
	}
	if d := countDigits(s); d < 2 || d > 17 {
		return "", errors.New("is not a phone number: it has too few or too many digits")
	}
	return clean(s), nil
}

// e164 is a number in E.164 form.
var e164 = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)

// writtenPhone is a number as people write it: an optional +, digits with
// spaces, dashes, dots, slashes or brackets between them, and an optional
// extension.
var writtenPhone = regexp.MustCompile(`^\+?\(?[0-9][0-9 ()./-]*[0-9)](?:\s*(?:(?i:ext\.?|x|#)|;ext=)\s*[0-9]{1,6})?$`)

func countDigits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

// phoneText trims a phone's text, takes the number out of a URI that
// calls it (callNumber) and writes a 00 international prefix as +.
func phoneText(raw string) string {
	s := strings.TrimSpace(callNumber(strings.TrimSpace(raw)))
	if strings.HasPrefix(s, "00") {
		s = "+" + s[2:]
	}
	return s
}

// callNumber takes the number out of the URIs phones and address books
// write a number as: tel: (RFC 3966), callto: and callto://, facetime: and
// facetime-audio:, and sip: or sips: with a telephone number as user part
// (RFC 3261 19.1.6: sip:+1-212-555-1212:1234@gateway.com;user=phone).
// Other text is returned as it is.
func callNumber(s string) string {
	for _, scheme := range []string{"tel:", "callto:", "facetime-audio:", "facetime:", "sips:", "sip:"} {
		if len(s) < len(scheme) || !strings.EqualFold(s[:len(scheme)], scheme) {
			continue
		}
		s = strings.TrimPrefix(s[len(scheme):], "//")
		if strings.HasPrefix(scheme, "sip") {
			s, _, _ = strings.Cut(s, "@")
			s, _, _ = strings.Cut(s, ";")
			s, _, _ = strings.Cut(s, ":") // a password
		}
		return s
	}
	return s
}

// ValidCountry reports whether cc is an ISO 3166 alpha-2 country code that
// phone numbers know (e.g. "DE", "fr"); case and surrounding space do not
// matter. Events, the default country setting and addresses typed as a code
// are checked with it.
func ValidCountry(cc string) bool {
	cc = strings.ToUpper(strings.TrimSpace(cc))
	return len(cc) == 2 && phonenumbers.GetCountryCodeForRegion(cc) != 0
}

// DuplicateKey identifies the person within an event: the first normalized
// email, else the first E.164 phone, else name plus organization folded to
// lower case without accents. It is empty when none of these is known.
// Call Normalize first.
func (c *Contact) DuplicateKey() string {
	if len(c.Emails) > 0 {
		return "email:" + c.Emails[0]
	}
	if len(c.Phones) > 0 {
		return "phone:" + c.Phones[0].Number
	}
	name, org := Fold(c.Name()), Fold(c.Organization)
	if name == "" {
		return ""
	}
	return "name:" + name + "|" + org
}

// Fold lower-cases, strips accents and collapses white space, so that
// "Jürgen  Müller" and "jurgen muller" compare equal. Search uses it on both
// the text searched and the query.
func Fold(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsSpace(r):
			space = b.Len() > 0
		default:
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// clean removes control characters, trims white space and collapses inner
// runs of it.
func clean(s string) string {
	return strings.Join(strings.Fields(StripControl(s)), " ")
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
