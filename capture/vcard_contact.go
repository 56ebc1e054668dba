package capture

import (
	"slices"
	"strconv"
	"strings"

	"github.com/emersion/go-vcard"

	"leadcap/lead"
)

// unesc turns escSemi and escComma back into ';' and ',' and trims.
func unesc(s string) string {
	return strings.TrimSpace(strings.NewReplacer(string(escSemi), ";", string(escComma), ",").Replace(s))
}

// nameLists reports whether the card's N components are comma-separated
// lists: in vCard 3.0 (RFC 2426 3.1.2) and 4.0 (RFC 6350 6.2.2, "John,Philip"
// are two given names), not in 2.1 or a card without VERSION, whose
// producers write a comma as it is.
func nameLists(card vcard.Card) bool {
	v := strings.TrimSpace(card.Value(vcard.FieldVersion))
	return strings.HasPrefix(v, "3") || strings.HasPrefix(v, "4")
}

// nameList reads one component of N: with lists, its items joined with sep.
func nameList(s, sep string, lists bool) string {
	if !lists {
		return unesc(s)
	}
	return unesc(strings.Join(nonEmptyParts(strings.Split(s, ",")...), sep))
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
	if n := card.Name(); n != nil {
		lists := nameLists(card)
		c.FamilyName, c.GivenName = nameList(n.FamilyName, " ", lists), nameList(n.GivenName, " ", lists)
		if c.FullName == "" {
			given := strings.Join(nonEmptyParts(nameList(n.HonorificPrefix, " ", lists), c.GivenName, nameList(n.AdditionalName, " ", lists)), " ")
			c.FullName = strings.Join(nonEmptyParts(lead.JoinName(given, c.FamilyName), nameList(n.HonorificSuffix, ", ", lists)), " ")
		}
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
