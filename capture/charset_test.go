package capture

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDecodeText(t *testing.T) {
	cases := []struct {
		name string
		in   []byte
		eci  string
		want string
	}{
		{"UTF-8 without ECI (iPhone, Android generators)", []byte("Jürgen Müller, Søren Ødegård, Élodie"), "", "Jürgen Müller, Søren Ødegård, Élodie"},
		{"ISO-8859-1 without ECI (older printers, ZBar gets these wrong)", []byte("J\xfcrgen M\xfcller, S\xf8ren \xd8deg\xe5rd, \xc9lodie"), "", "Jürgen Müller, Søren Ødegård, Élodie"},
		{"Windows-1252 euro and quotes without ECI", []byte("\x80 99 \x93Angebot\x94"), "", "€ 99 “Angebot”"},
		{"plain ASCII", []byte("MECARD:N:Doe,John;;"), "", "MECARD:N:Doe,John;;"},
		{"UTF-8 byte order mark dropped", []byte("\xef\xbb\xbfBEGIN:VCARD"), "", "BEGIN:VCARD"},
		{"ECI 26 is UTF-8", []byte("Gr\xc3\xbc\xc3\x9fe"), "26", "Grüße"},
		{"ECI designator form", []byte("Gr\xc3\xbc\xc3\x9fe"), `\000026`, "Grüße"},
		{"ECI 3 is ISO-8859-1 even when the bytes are valid UTF-8", []byte("\xc3\xbc"), "3", "Ã¼"},
		{"ECI by name ISO-8859-1", []byte("M\xfcnchen"), "ISO-8859-1", "München"},
		{"ECI by gozxing name ISO8859_1", []byte("M\xfcnchen"), "ISO8859_1", "München"},
		{"ECI 20 Shift_JIS", []byte("\x93\x8c\x8b\x9e"), "20", "東京"},
		{"ECI name Shift_JIS", []byte("\x93\x8c\x8b\x9e"), "Shift_JIS", "東京"},
		{"ECI 21 windows-1250", []byte("\x9alechta"), "21", "šlechta"},
		{"unknown ECI falls back to the rule", []byte("K\xf6ln"), "no-such-charset", "Köln"},
		{"unassigned ECI number falls back to the rule", []byte("K\xc3\xb6ln"), "899", "Köln"},
		{"empty", nil, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, DecodeText(tc.in, tc.eci))
		})
	}
}

func TestDecodeCharset(t *testing.T) {
	assert.Equal(t, "Müller", decodeCharset([]byte("M\xfcller"), "Windows-1252"))
	assert.Equal(t, "Müller", decodeCharset([]byte("M\xc3\xbcller"), "UTF-8"))
	assert.Equal(t, "Müller", decodeCharset([]byte("M\xfcller"), "UTF-8"), "claims UTF-8, writes Windows bytes")
	assert.Equal(t, "Müller", decodeCharset([]byte("M\xc3\xbcller"), ""))
}
