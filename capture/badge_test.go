package capture

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
)

// Product codes are on labels, books and devices at a booth: none of them
// is a badge, whatever their shape.
func TestProductCodesAreNotBadges(t *testing.T) {
	for name, code := range map[string]string{
		"EAN-13 of a drink":              "4006381333931",
		"UPC-A of a device":              "036000291452",
		"EAN-8":                          "96385074",
		"GTIN-14 on a carton":            "10012345678902",
		"ISBN-13 of a book":              "9783161484100",
		"ISBN-13 with a bad check":       "9784567890123",
		"ISBN-10":                        "0306406152",
		"VIN with a wrong check digit":   "1M8GDM9A1KP042788",
		"European VIN, no check digit":   "WVWZZZ1JZ3W386752",
		"ISBN-10 ending in X":            "080442957X",
		"VIN on a car at the stand":      "1M8GDM9AXKP042788",
		"GUID on a device label":         "3F2504E0-4F89-11D3-9A0C-0305E82C3301",
		"GUID printed with a lost digit": "10f27ce-acb7-4e4e-a7ae-a0b98da6ed4a",
		"GUID in braces":                 "{7f3c9a2e-5b1d-4c8e-9f0a-2d6b8e4c1a3f}",
	} {
		t.Run(name, func(t *testing.T) {
			assert.True(t, isProductCode(code))
			_, err := Parse(code, "DE")
			require.ErrorIs(t, err, ErrNotAContact)
		})
	}
}

// Numbers of a product code's length with a wrong check digit, as ZXing's
// ParsedReaderResultTestCase reads them (text, not a product): without the
// event's badge pattern they are not badge IDs; with one that fits they are.
func TestNumbersOfProductCodeLengthAreNotBadgesWithoutAPattern(t *testing.T) {
	for name, code := range map[string]string{
		"EAN-8 shape, wrong check digit":  "00393158",
		"eleven digits":                   "12345678901",
		"UPC-A shape, wrong check digit":  "123456789013",
		"EAN-13 shape, wrong check digit": "4006381333932",
		"Bookland prefix, eleven digits":  "97845678901",
		"GTIN-14 shape, wrong check":      "10012345678903",
	} {
		t.Run(name, func(t *testing.T) {
			assertNotABadge(t, code, "")
			p, err := ParseWith(code, Options{Badge: lead.BadgePattern{Length: len(code)}})
			require.NoError(t, err)
			assert.Equal(t, code, p.BadgeID)
		})
	}
}

func TestBadgeCodesThatLookLikeNumbers(t *testing.T) {
	for name, code := range map[string]string{
		"Eventbrite attendee barcode, 19 digits": "1234567890123456789",
		"attendee number, 7 digits":              "1002345",
		"Cvent-style registration code":          "CV8X2K9Q",
		"pgeu attendee token":                    "AT$TESTTESTTESTTEST$AT",
		"pgeu ticket token, 64 hex digits":       "ID$0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9$ID",
		"pgeu badge token as a URL":              "https://conf.example.org/t/at/0a1b2c3d4e5f60718293a4b5c6d7e8f9/",
		"pgeu test ticket as a URL":              "https://conf.example.org/t/id/TESTTESTTESTTEST/",
		"pgeu token URL without the last slash":  "https://conf.example.org/t/at/0a1b2c3d4e5f6071",
	} {
		t.Run(name, func(t *testing.T) {
			p, err := Parse(code, "")
			require.NoError(t, err)
			assert.Equal(t, FormatBadge, p.Format)
			assert.Equal(t, code, p.BadgeID)
		})
	}
}

// An event that declares its badge pattern decides alone what a badge is.
func TestEventBadgePattern(t *testing.T) {
	tests := []struct {
		name    string
		pattern lead.BadgePattern
		code    string
		badge   bool
	}{
		{"prefix matches", lead.BadgePattern{Prefix: "MUC26-"}, "MUC26-004711", true},
		{"prefix does not match, though the general rule would take it", lead.BadgePattern{Prefix: "MUC26-"}, "CV8X2K9Q", false},
		{"regexp matches the whole code", lead.BadgePattern{Regexp: `[0-9]{10}`}, "2021200000", true},
		{"regexp must match the whole code", lead.BadgePattern{Regexp: `[0-9]{10}`}, "20212000001", false},
		{"length", lead.BadgePattern{Length: 13}, "4006381333931", true},
		{"length and prefix", lead.BadgePattern{Prefix: "B", Length: 6}, "B12345", true},
		{"length and prefix, too long", lead.BadgePattern{Prefix: "B", Length: 6}, "B123456", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseWith(tt.code, Options{Badge: tt.pattern})
			if !tt.badge {
				require.ErrorIs(t, err, ErrNotAContact)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.code, p.BadgeID)
			assert.Equal(t, lead.MethodBadgeScan, p.Method)
		})
	}
}

func TestEventBadgePatternLeavesCardsAlone(t *testing.T) {
	p, err := ParseWith("MECARD:N:Roth,Ida;EMAIL:ida@roth.example;;", Options{Badge: lead.BadgePattern{Prefix: "X-"}})
	require.NoError(t, err)
	assert.Equal(t, FormatMECARD, p.Format)
	assert.Equal(t, []string{"ida@roth.example"}, p.Contact.Emails)
}

// Codes that are not badges though they have letters and digits: host
// names, decimal numbers and dotted lower-case words (ZXing's
// URIParsedResultTestCase reads the first as a web address, the others as
// text), and random strings that happen to hold a badge record's separator.
func TestCodesThatAreNotBadges(t *testing.T) {
	for name, code := range map[string]string{
		"host name with a numeric label": "456.net",
		"host name":                      "acme-booth.de",
		"decimal number":                 "4711.25",
		"decimal number with a comma":    "19,99",
		"word and number with a dot":     "offer.2024",
		"version string":                 "v2.14.3",
		"random string with carets":      "Qx81zK^#7^pLm2Vv9Rr0:EeWq]Tt",
		"carets around digits":           "A1^23^45",
	} {
		t.Run(name, func(t *testing.T) { assertNotABadge(t, code, "") })
	}
	for name, code := range map[string]string{
		"capitals with a dot": "ATT.12345",
		"dotted badge code":   "EV26.A7F3",
	} {
		t.Run(name, func(t *testing.T) {
			p, err := Parse(code, "")
			require.NoError(t, err)
			assert.Equal(t, code, p.BadgeID)
		})
	}
}

// A web address is a badge when the event's badge pattern says so; other
// addresses on the same site are not.
func TestBadgeURLs(t *testing.T) {
	pattern := lead.BadgePattern{Prefix: "https://tickets.example.com/a/"}
	p, err := ParseWith("https://tickets.example.com/a/7Q2M9X", Options{Badge: pattern})
	require.NoError(t, err)
	assert.Equal(t, "https://tickets.example.com/a/7Q2M9X", p.BadgeID)
	for _, s := range []string{"https://tickets.example.com/", "https://conf.example.org/t/at/", "https://conf.example.org/t/xx/abc123/"} {
		_, err := ParseWith(s, Options{Badge: pattern})
		require.ErrorIs(t, err, ErrNotAContact, s)
	}
}

// assertNotABadge: code, parsed for an event in region without a badge
// pattern, is neither a contact nor a badge ID.
func assertNotABadge(t *testing.T, code, region string) {
	t.Helper()
	p, err := Parse(code, region)
	require.ErrorIs(t, err, ErrNotAContact)
	assert.Empty(t, p.BadgeID)
}
