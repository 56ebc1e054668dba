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
	c := contactFromCard(card)
	if contactEmpty(&c) {
		return Parsed{}, notContact(s, "malformed")
	}
	return Parsed{Format: FormatVCard, Contact: c}, nil
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
