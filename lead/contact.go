package lead

import (
	"errors"
	"fmt"
	"net/mail"
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
	// Number is the E.164 form, e.g. "+4930123456".
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
	return strings.TrimSpace(c.GivenName + " " + c.FamilyName)
}

// Normalize trims every field, composes the full name from the parts when it
// is missing, checks and lower-cases emails, and normalizes phones to E.164
// with region (ISO 3166 alpha-2, may be empty) as the default country. It
// drops empty and repeated entries. The first invalid field is returned as a
// *FieldError.
func (c *Contact) Normalize(region string) error {
	c.GivenName = clean(c.GivenName)
	c.FamilyName = clean(c.FamilyName)
	c.FullName = clean(c.FullName)
	c.Organization = clean(c.Organization)
	c.Title = clean(c.Title)
	if c.FullName == "" {
		c.FullName = strings.TrimSpace(c.GivenName + " " + c.FamilyName)
	}
	emails := c.Emails[:0:0]
	for i, e := range c.Emails {
		if strings.TrimSpace(e) == "" {
			continue
		}
		n, err := NormalizeEmail(e)
		if err != nil {
			return &FieldError{Field: fmt.Sprintf("contact.emails[%d]", i), Value: e, Reason: "is not an email address: check it for typos (it needs one @ and a domain)"}
		}
		emails = appendUnique(emails, n)
	}
	c.Emails = emails
	var phones []Phone
	for i, p := range c.Phones {
		raw := strings.TrimSpace(p.Raw)
		if raw == "" {
			raw = strings.TrimSpace(p.Number)
		}
		if raw == "" {
			continue
		}
		n, err := NormalizePhone(raw, region)
		if err != nil {
			return &FieldError{Field: fmt.Sprintf("contact.phones[%d]", i), Value: raw, Reason: err.Error()}
		}
		dup := false
		for _, q := range phones {
			dup = dup || q.Number == n
		}
		if !dup {
			phones = append(phones, Phone{Number: n, Raw: raw, Kind: strings.ToLower(strings.TrimSpace(p.Kind))})
		}
	}
	c.Phones = phones
	urls := c.URLs[:0:0]
	for _, u := range c.URLs {
		if u = strings.TrimSpace(u); u != "" {
			urls = appendUnique(urls, u)
		}
	}
	c.URLs = urls
	c.Address = Address{
		Street: clean(c.Address.Street), City: clean(c.Address.City), Region: clean(c.Address.Region),
		PostalCode: clean(c.Address.PostalCode), Country: clean(c.Address.Country),
	}
	return nil
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
// lower-cased, without any display name.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "mailto:"))
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
// + or 00 need no region.
func NormalizePhone(raw, region string) (string, error) {
	region = strings.ToUpper(strings.TrimSpace(region))
	s := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(raw), "tel:"))
	if strings.HasPrefix(s, "00") {
		s = "+" + s[2:]
	}
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

// clean trims white space and collapses inner runs of it.
func clean(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
