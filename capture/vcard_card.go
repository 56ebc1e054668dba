package capture

import (
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-vcard"
)

// parseVCard reads the first vCard of s: the payload is tokenized into
// properties (vcardProps, which also repairs lost and odd line breaks),
// their values decoded, and a github.com/emersion/go-vcard Card filled
// with them, from which the contact is taken (contactFromCard).
func parseVCard(s string) (Parsed, error) {
	card := buildCard(vcardProps(s))
	if isGroupCard(card) {
		return Parsed{}, notContact(s, "group")
	}
	c := contactFromCard(card)
	if contactEmpty(&c) {
		return Parsed{}, notContact(s, "malformed")
	}
	return Parsed{Format: FormatVCard, Contact: c}, nil
}

// isGroupCard reports whether a card stands for a group of people (a
// distribution list), not one person: KIND:group (RFC 6350 6.1.4), Apple's
// X-ADDRESSBOOKSERVER-KIND:group, or Open-Xchange's
// X-OPEN-XCHANGE-CTYPE:dlist. Its emails are the members'.
func isGroupCard(card vcard.Card) bool {
	for _, f := range []struct{ name, value string }{
		{vcard.FieldKind, "group"}, {"X-ADDRESSBOOKSERVER-KIND", "group"}, {"X-OPEN-XCHANGE-CTYPE", "dlist"},
	} {
		if strings.EqualFold(strings.TrimSpace(card.Value(f.name)), f.value) {
			return true
		}
	}
	return false
}

// buildCard fills a go-vcard Card with the decoded properties. Binary
// properties (photos, keys) and values that cannot be decoded are left out.
// A value in 8-bit bytes without a CHARSET of its own is read in the
// character set that another property of the card declares (producers
// often write CHARSET on the name only), else in the one the card's text
// as a whole reads as (declaredCharset).
func buildCard(props []vcardProp) vcard.Card {
	cardCharset := declaredCharset(props)
	card := vcard.Card{}
	for i := range props {
		p := &props[i]
		if p.isBinary() {
			continue
		}
		v, ok := p.text(cardCharset)
		if !ok {
			continue
		}
		card.Add(p.name, &vcard.Field{Value: v, Params: p.params, Group: p.group})
	}
	return card
}

func isUTF8Name(charset string) bool {
	switch strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(charset), "_", "-")) {
	case "UTF-8", "UTF8", "US-ASCII", "ASCII":
		return true
	}
	return false
}

// declaredCharset is the first CHARSET other than UTF-8 that a property
// declares. Without one, a card whose text is not UTF-8 is judged as a
// whole (Japanese phones write Shift_JIS without saying so, and one short
// value alone is too little to tell) by guessCharset: Shift_JIS, or the 8-bit
// character set the text reads best in (Russian phones write Windows-1251
// without saying so).
func declaredCharset(props []vcardProp) string {
	var text []string
	for _, p := range props {
		if p.charset != "" && !isUTF8Name(p.charset) {
			return p.charset
		}
		if !p.isBinary() {
			text = append(text, p.raw)
		}
	}
	all := []byte(strings.Join(text, "\n"))
	if utf8.Valid(all) {
		return ""
	}
	name, _ := guessCharset(all)
	return name
}
