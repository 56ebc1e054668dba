package capture

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/simplifiedchinese"

	"leadcap/lead"
)

func encode(t *testing.T, enc encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := enc.NewEncoder().Bytes([]byte(s))
	require.NoError(t, err)
	return b
}

// Text in an 8-bit character set that nobody named: each is read in the one
// it was written in, and Western text stays Windows-1252.
func TestGuessCharset(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		enc        encoding.Encoding
		want       string
	}{
		{"Russian Outlook, Windows-1251", "Иван Петров, ООО «Ромашка», Москва", charmap.Windows1251, "windows-1251"},
		{"Bulgarian name, Windows-1251", "Георги Димитров", charmap.Windows1251, "windows-1251"},
		{"Russian Unix mail, KOI8-R", "Иван Петров, Москва", charmap.KOI8R, "KOI8-R"},
		{"Russian, ISO-8859-5", "Иван Петров, Санкт-Петербург", charmap.ISO8859_5, "ISO-8859-5"},
		{"Russian DOS, code page 866", "Иван Петров, Новосибирск", charmap.CodePage866, "IBM866"},
		{"Polish Windows, Windows-1250", "Łukasz Wiśniewski, Kraków", charmap.Windows1250, "windows-1250"},
		{"Polish ISO-8859-2", "Łukasz Wiśniewski, Gdańsk", charmap.ISO8859_2, "ISO-8859-2"},
		{"Chinese GBK", "张伟 北京市", simplifiedchinese.GBK, "GBK"},
		{"Japanese phone, Shift_JIS", "山田太郎 やまだたろう 東京都港区", japanese.ShiftJIS, "Shift_JIS"},
		{"Japanese katakana, Shift_JIS", "カワサキ ジロウ", japanese.ShiftJIS, "Shift_JIS"},
		{"German Windows-1252", "Jürgen Müller, Straße 5, Köln", charmap.Windows1252, "windows-1252"},
		{"French Windows-1252", "Société Générale, Hélène à Orléans", charmap.Windows1252, "windows-1252"},
		{"Danish ISO-8859-1", "Søren Ødegård, Århus", charmap.ISO8859_1, "windows-1252"},
		{"euro sign and quotes", "€ 99 “Angebot”", charmap.Windows1252, "windows-1252"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name, text := guessCharset(encode(t, tc.enc, tc.text))
			assert.Equal(t, tc.want, name)
			assert.Equal(t, tc.text, text)
		})
	}
}

// vCard 2.1 exports of Russian phones and Outlook write Windows-1251
// without a CHARSET parameter; the card as a whole tells which it is.
func TestParseVCardInWindows1251WithoutCharset(t *testing.T) {
	card := "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Петров;Иван\r\nFN:Иван Петров\r\nORG:ООО Ромашка\r\nTITLE:Директор\r\n" +
		"TEL;CELL:+7 916 123-45-67\r\nEMAIL;INTERNET:ivan@romashka.example\r\nEND:VCARD\r\n"
	p, err := Parse(string(encode(t, charmap.Windows1251, card)), "RU")
	require.NoError(t, err)
	assert.Equal(t, lead.Contact{FullName: "Иван Петров", GivenName: "Иван", FamilyName: "Петров", Organization: "ООО Ромашка",
		Title: "Директор", Emails: []string{"ivan@romashka.example"}, Phones: []lead.Phone{{Number: "+79161234567", Raw: "+7 916 123-45-67", Kind: "mobile"}}},
		p.Contact)
}

// A MECARD in Windows-1250 from a Czech or Polish generator, no ECI.
func TestParseMECARDInWindows1250(t *testing.T) {
	p, err := Parse(string(encode(t, charmap.Windows1250, "MECARD:N:Wiśniewski,Łukasz;EMAIL:lukasz@example.pl;;")), "PL")
	require.NoError(t, err)
	assert.Equal(t, "Łukasz Wiśniewski", p.Contact.FullName)
	assert.Equal(t, []string{"lukasz@example.pl"}, p.Contact.Emails)
}

// Names and places of Western Europe written in ISO-8859-1 stay as they
// are: the Cyrillic and Central European readings of the same bytes must
// not win.
func TestGuessCharsetKeepsWesternEuropeanText(t *testing.T) {
	for _, s := range []string{
		"François Lefèvre, Société Générale", "José Núñez Peña, Señor", "João Gonçalves, São Paulo",
		"Björn Þórsson, Garðabær", "Ærøskøbing, Søren Kierkegaard", "Åsa Öberg, Göteborg",
		"Zoë Brontë", "Jürgen Müller-Lüdenscheidt", "Ï Ø ß", "Ça va, Éric?", "Straße", "Ölçer",
		"Ångström", "MÜNCHEN", "Café Crème", "Frédérique d’Aubigné",
	} {
		t.Run(s, func(t *testing.T) {
			b, err := charmap.Windows1252.NewEncoder().String(s)
			require.NoError(t, err)
			name, text := guessCharset([]byte(b))
			assert.Equal(t, "windows-1252", name)
			assert.Equal(t, s, text)
		})
	}
}
