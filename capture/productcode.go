package capture

import (
	"regexp"
	"strings"
)

// isProductCode reports whether s is a code that identifies a thing, not a
// person: a GTIN (EAN-8, UPC-A, EAN-13, GTIN-14) or an ISBN-10 with a valid
// check digit, an ISBN-13 (978 or 979 and ten digits), a vehicle identification number with a valid check digit,
// or a GUID. Such codes are on product labels, books and devices at a
// booth; taken for a badge ID they would become a lead.
func isProductCode(s string) bool {
	switch {
	case allDigits(s) && len(s) == 13 && (strings.HasPrefix(s, "978") || strings.HasPrefix(s, "979")):
		return true // Bookland: an ISBN-13, whatever its check digit
	case allDigits(s) && (len(s) == 8 || len(s) == 12 || len(s) == 13 || len(s) == 14):
		return gtinValid(s)
	case len(s) == 10:
		return isbn10Valid(s)
	case len(s) == 17:
		return vinValid(s)
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
