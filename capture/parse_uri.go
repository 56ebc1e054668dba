package capture

import (
	"net/url"
	"regexp"
	"strings"

	"leadcap/lead"
)

// parseMailto reads mailto:a@example.com,b@example.com?cc=…&subject=… and
// keeps the recipients (to, cc and bcc: RFC 6068 2).
func parseMailto(s string) (Parsed, error) {
	p := Parsed{Format: FormatMailto}
	addr, query, _ := strings.Cut(s[len("mailto:"):], "?")
	list := []string{addr}
	if q, err := url.ParseQuery(query); err == nil {
		list = append(list, q["to"]...)
		list = append(list, q["cc"]...)
		list = append(list, q["bcc"]...)
	}
	for _, l := range list {
		if u, err := url.PathUnescape(l); err == nil {
			l = u
		}
		for _, a := range strings.Split(l, ",") {
			if a = strings.TrimSpace(a); a != "" {
				p.Contact.Emails = append(p.Contact.Emails, a)
			}
		}
	}
	if len(p.Contact.Emails) == 0 {
		return Parsed{}, notContact(s, "malformed")
	}
	return p, nil
}

// parseTel reads tel:+49-30-1234567 (RFC 3966); parameters such as ;ext=
// are dropped.
func parseTel(s string) (Parsed, error) {
	v, _, _ := strings.Cut(s[len("tel:"):], ";")
	if u, err := url.PathUnescape(v); err == nil {
		v = u
	}
	v = strings.TrimSpace(v)
	if v == "" {
		return Parsed{}, notContact(s, "malformed")
	}
	return Parsed{Format: FormatTel, Contact: lead.Contact{Phones: []lead.Phone{{Raw: v}}}}, nil
}

// looksLikeURL accepts http(s) URLs, bare www. addresses and bare
// addresses of the profile sites (profileHosts: "linkedin.com/in/…", as
// people type them on a card), all without spaces.
func looksLikeURL(s string) (*url.URL, bool) {
	if strings.ContainsAny(s, " \t\r\n") {
		return nil, false
	}
	t := s
	switch {
	case hasPrefixFold(s, "http://"), hasPrefixFold(s, "https://"):
	case hasPrefixFold(s, "www."), bareProfileURL(s):
		t = "https://" + s
	default:
		return nil, false
	}
	u, err := url.Parse(t)
	if err != nil || !strings.Contains(u.Hostname(), ".") {
		return nil, false
	}
	return u, true
}

// profileHosts are sites whose URLs, with the given path pattern, belong to a
// person: social profiles and digital business card services. The key is the
// registrable host (sub-domains such as www., de. or m. match too).
var profileHosts = map[string]*regexp.Regexp{
	"linkedin.com":   regexp.MustCompile(`^/(in|pub)/[^/]+`),
	"xing.com":       regexp.MustCompile(`^/(profile|profiles)/[^/]+`),
	"github.com":     regexp.MustCompile(`^/[A-Za-z0-9-]+/?$`),
	"gitlab.com":     regexp.MustCompile(`^/[A-Za-z0-9_.-]+/?$`),
	"twitter.com":    regexp.MustCompile(`^/[A-Za-z0-9_]+/?$`),
	"x.com":          regexp.MustCompile(`^/[A-Za-z0-9_]+/?$`),
	"about.me":       regexp.MustCompile(`^/[^/]+/?$`),
	"linktr.ee":      regexp.MustCompile(`^/[^/]+/?$`),
	"hihello.me":     regexp.MustCompile(`^/p/[^/]+`),
	"hihello.com":    regexp.MustCompile(`^/p/[^/]+`),
	"blinq.me":       regexp.MustCompile(`^/[^/]+`),
	"popl.co":        regexp.MustCompile(`^/card/[^/]+|^/[^/]+/?$`),
	"haystack.app":   regexp.MustCompile(`^/[^/]+`),
	"ovou.me":        regexp.MustCompile(`^/[^/]+`),
	"l.ead.me":       regexp.MustCompile(`^/[^/]+`),
	"mobilocard.com": regexp.MustCompile(`^/[^/]+`),
}

// bareProfileURL reports whether s is a profile site's host (or a
// sub-domain of it) followed by a path, without a scheme.
func bareProfileURL(s string) bool {
	host, path, ok := strings.Cut(s, "/")
	if !ok || path == "" {
		return false
	}
	host = strings.ToLower(host)
	for h := range profileHosts {
		if host == h || strings.HasSuffix(host, "."+h) {
			return true
		}
	}
	return false
}

// wa.me click-to-chat links carry the person's number.
var waPath = regexp.MustCompile(`^/\+?([0-9]{6,15})/?$`)

// parseURL accepts a URL that leads to a person: a profile or digital
// business card (profileHosts), a vCard download (.vcf), a Mastodon-style
// /@name page, or a WhatsApp click-to-chat link (its number becomes the
// phone). The URL is kept as the contact's URL. Any other web page is
// "url-without-contact": a company home page or a product page does not say
// who was met.
func parseURL(s string, u *url.URL) (Parsed, error) {
	p := Parsed{Format: FormatURL, Contact: lead.Contact{URLs: []string{s}}}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	path := u.EscapedPath()
	if host == "wa.me" || host == "api.whatsapp.com" {
		num := ""
		if m := waPath.FindStringSubmatch(path); m != nil {
			num = m[1]
		} else if ph := u.Query().Get("phone"); ph != "" {
			num = strings.TrimPrefix(strings.TrimSpace(ph), "+")
		}
		if num != "" {
			p.Contact.Phones = []lead.Phone{{Raw: "+" + num, Kind: "mobile"}}
			return p, nil
		}
		return Parsed{}, notContact(s, "url-without-contact")
	}
	for h, re := range profileHosts {
		if host == h || strings.HasSuffix(host, "."+h) {
			if re.MatchString(path) {
				return p, nil
			}
			return Parsed{}, notContact(s, "url-without-contact")
		}
	}
	lower := strings.ToLower(path)
	if strings.HasSuffix(lower, ".vcf") || strings.HasPrefix(path, "/@") {
		return p, nil
	}
	return Parsed{}, notContact(s, "url-without-contact")
}

// parseSMTP reads ZXing's smtp:address[:subject[:body]] e-mail code and
// keeps the address.
func parseSMTP(s string) (Parsed, error) {
	addr, _, _ := strings.Cut(s[len("smtp:"):], ":")
	if addr = strings.TrimSpace(addr); addr == "" {
		return Parsed{}, notContact(s, "malformed")
	}
	return Parsed{Format: FormatMailto, Contact: lead.Contact{Emails: []string{addr}}}, nil
}

// callPhone is the user part of a call URI that is a telephone number.
var callPhone = regexp.MustCompile(`^\+?[0-9][0-9 ()./-]*$`)

// parseCallURI reads the URIs that start a call to a person: callto:
// (Skype and NetMeeting: callto:+4930123456, callto://+4930123456),
// facetime: and facetime-audio: (Apple: a number or the Apple ID's e-mail
// address), sip: and sips: (RFC 3261 19.1: sip:user@host;params?headers,
// with a telephone number as user when the host is a gateway). A number
// becomes the phone; an address (FaceTime, and SIP, whose addresses are
// the people's e-mail addresses in Teams, Skype for Business and most
// company exchanges) the e-mail. A Skype name or a bare host reaches no
// one leadcap can write to: not a contact.
func parseCallURI(s string) (Parsed, error) {
	_, rest, _ := strings.Cut(s, ":")
	rest = strings.TrimPrefix(rest, "//")
	rest, _, _ = strings.Cut(rest, "?")
	rest, _, _ = strings.Cut(rest, ";")
	if u, err := url.PathUnescape(rest); err == nil {
		rest = u
	}
	user, host, hasHost := strings.Cut(strings.TrimSpace(rest), "@")
	if number, _, _ := strings.Cut(user, ":"); callPhone.MatchString(number) && len(hasDigit.FindAllString(number, -1)) >= 5 {
		return Parsed{Format: FormatTel, Contact: lead.Contact{Phones: []lead.Phone{{Raw: number}}}}, nil
	}
	if hasHost && user != "" && strings.Contains(host, ".") && !hasPrefixFold(s, "callto:") {
		return Parsed{Format: FormatMailto, Contact: lead.Contact{Emails: []string{user + "@" + host}}}, nil
	}
	return Parsed{}, notContact(s, "url-without-contact")
}
