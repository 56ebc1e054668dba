package capture

import (
	"regexp"
	"strings"
)

// isProductCode reports whether s is a code that identifies a thing, not a
// person: a GTIN (EAN-8, UPC-A, EAN-13, GTIN-14) or an ISBN-10 with a valid
// check digit, an ISBN-13 (978 or 979 and ten digits), either ISBN also
// written with hyphens, an EAN/UPC with its two- or five-digit add-on, a GS1
// element string that starts with an SSCC (AI 00) or a GTIN (AI 01), a
// vehicle identification number with a valid check digit (also with the
// import prefix Code 39 labels carry) or with a VIN's structure, or a
// GUID. Such codes are on product labels, books, cartons and devices at a
// booth; taken for a badge ID they would become a lead.
func isProductCode(s string) bool {
	if isbnWritten(s) || gtinWithAddOn(s) || gs1ElementString(s) || vinWithPrefix(s) {
		return true
	}
	switch {
	case allDigits(s) && len(s) == 13 && (strings.HasPrefix(s, "978") || strings.HasPrefix(s, "979")):
		return true // Bookland: an ISBN-13, whatever its check digit
	case allDigits(s) && (len(s) == 8 || len(s) == 12 || len(s) == 13 || len(s) == 14):
		return gtinValid(s)
	case len(s) == 10:
		return isbn10Valid(s)
	case len(s) == 17:
		return vinValid(s) || vinShaped(s)
	}
	return guidLike.MatchString(s)
}

// guidLike is a GUID or UUID, also with a group a digit short or long
// (codes transcribed or printed with a lost digit), with or without braces.
var guidLike = regexp.MustCompile(`^\{?[0-9A-Fa-f]{7,9}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{11,13}\}?$`)

func allDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// gtinValid checks the GS1 mod-10 check digit: from the right, the digits
// before the check digit weigh 3, 1, 3, …
func gtinValid(s string) bool {
	sum := 0
	for i := len(s) - 2; i >= 0; i-- {
		d := int(s[i] - '0')
		if (len(s)-2-i)%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return (10-sum%10)%10 == int(s[len(s)-1]-'0')
}

// isbn10Valid checks an ISBN-10: nine digits and a check character (0-9 or
// X) with the weighted sum divisible by 11.
func isbn10Valid(s string) bool {
	sum := 0
	for i := 0; i < 10; i++ {
		var d int
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			d = int(c - '0')
		case (c == 'X' || c == 'x') && i == 9:
			d = 10
		default:
			return false
		}
		sum += d * (10 - i)
	}
	return sum%11 == 0
}

// vinValid checks a vehicle identification number (ISO 3779): 17 letters
// and digits without I, O and Q, with the North American check digit in
// position 9.
func vinValid(s string) bool {
	const weights = "8765432X098765432"
	sum := 0
	for i := 0; i < 17; i++ {
		v, ok := vinValue(s[i])
		if !ok {
			return false
		}
		w := 10
		if weights[i] != 'X' {
			w = int(weights[i] - '0')
		}
		sum += v * w
	}
	check := byte('0' + sum%11)
	if sum%11 == 10 {
		check = 'X'
	}
	return s[8] == check
}

// vinShaped reports whether s has a VIN's structure (ISO 3779, 49 CFR
// 565.15) even when its check digit is wrong, as VINs outside North
// America may have: 17 capitals and digits without I, O and Q, a model
// year letter or digit in position 10 (not U, Z or 0), and digits in the
// last five positions (the serial number).
func vinShaped(s string) bool {
	if len(s) != 17 || strings.ToUpper(s) != s || !strings.ContainsAny(s, "ABCDEFGHJKLMNPRSTUVWXYZ") {
		return false
	}
	for i := 0; i < 17; i++ {
		if _, ok := vinValue(s[i]); !ok {
			return false
		}
	}
	return !strings.ContainsRune("UZ0", rune(s[9])) && allDigits(s[12:])
}

func vinValue(c byte) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c >= 'a' && c <= 'z':
		c -= 'a' - 'A'
	}
	if c < 'A' || c > 'Z' || c == 'I' || c == 'O' || c == 'Q' {
		return 0, false
	}
	return int("12345678_12345_7_923456789"[c-'A'] - '0'), true
}

// isbnHyphenated is an ISBN as printed above the bars: groups of digits
// separated by hyphens or spaces.
var isbnHyphenated = regexp.MustCompile(`^[0-9]{1,5}(?:[- ][0-9]{1,7}){2,3}[- ][0-9Xx]$`)

// isbnWritten reports whether s is an ISBN-10 or ISBN-13 written with
// hyphens or spaces (ISO 2108).
func isbnWritten(s string) bool {
	if !isbnHyphenated.MatchString(s) {
		return false
	}
	t := strings.NewReplacer("-", "", " ", "").Replace(s)
	switch len(t) {
	case 10:
		return isbn10Valid(t)
	case 13:
		return allDigits(t) && (strings.HasPrefix(t, "978") || strings.HasPrefix(t, "979")) && gtinValid(t)
	}
	return false
}

// gtinWithAddOn reports whether s is an EAN-13 or UPC-A followed by the
// digits of its two- or five-digit add-on symbol (a periodical's issue, a
// book's price), as scanners send them.
func gtinWithAddOn(s string) bool {
	if !allDigits(s) {
		return false
	}
	for _, n := range []int{13, 12} {
		if add := len(s) - n; (add == 2 || add == 5) && gtinValid(s[:n]) {
			return true
		}
	}
	return false
}

// gs1ElementString reports whether s is GS1 data that starts with an SSCC
// (application identifier 00 and 18 digits) or a GTIN (AI 01 and 14 digits)
// whose check digit is valid, as on cartons and pallets; later element
// strings may follow, with or without the group separator.
func gs1ElementString(s string) bool {
	switch {
	case len(s) >= 20 && strings.HasPrefix(s, "00") && allDigits(s[:20]):
		return gtinValid(s[2:20])
	case len(s) >= 16 && strings.HasPrefix(s, "01") && allDigits(s[:16]):
		return len(s) > 16 && gtinValid(s[2:16])
	}
	return false
}

// vinWithPrefix reports whether s is a VIN once the letters I, O and Q,
// which no VIN contains, are dropped: Code 39 VIN labels on imported cars
// carry an I before it.
func vinWithPrefix(s string) bool {
	if len(s) != 18 {
		return false
	}
	t := strings.Map(func(r rune) rune {
		if r == 'I' || r == 'O' || r == 'Q' {
			return -1
		}
		return r
	}, s)
	return len(t) == 17 && vinValid(t)
}
