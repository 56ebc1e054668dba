package capture

import (
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"

	"leadcap/lead"
)

// formatCases are payloads in the forms other producers write, each from
// its format's specification or the producer's documented output: vCard
// 2.1, 3.0 (RFC 2426) and 4.0 (RFC 6350), MECARD and QRCoder's MECARD+,
// KDDI/au, mailto (RFC 6068), ZXing's smtp:, and plain lines.
var formatCases = []parseCase{
	{
		name:    "Apple Contacts export, group prefixes on every property (itemN. and home.)",
		payload: toCRLF("home.BEGIN:VCARD\nhome.VERSION:3.0\nhome.N:Lindqvist;Britt;;;\nhome.FN:Britt Lindqvist\nitem1.EMAIL;type=INTERNET;type=pref:britt@lindqvist.se\nitem1.X-ABLabel:_$!<Other>!$_\nitem2.TEL;type=CELL:+46 70 123 45 67\nhome.END:VCARD"),
		region:  "SE", format: FormatVCard, method: lead.MethodQRScan,
		want: lead.Contact{FullName: "Britt Lindqvist", GivenName: "Britt", FamilyName: "Lindqvist",
			Emails: []string{"britt@lindqvist.se"},
			Phones: []lead.Phone{{Number: "+46701234567", Raw: "+46 70 123 45 67", Kind: "mobile"}}},
	},
	{
		name:    "iOS share sheet, CR CR LF line ends",
		payload: "BEGIN:VCARD\r\r\nVERSION:3.0\r\r\nN:Okafor;Chidi;;;\r\r\nFN:Chidi Okafor\r\r\nEMAIL;type=INTERNET:chidi@okafor.ng\r\r\nEND:VCARD\r\r\n",
		region:  "NG", format: FormatVCard, method: lead.MethodQRScan,
		want: lead.Contact{FullName: "Chidi Okafor", GivenName: "Chidi", FamilyName: "Okafor", Emails: []string{"chidi@okafor.ng"}},
	},
	{
		name:    "address book export with comment lines",
		payload: "# exported by a CRM\nBEGIN:VCARD\nVERSION:3.0\n# the person\nFN:Pia Koskinen\nEMAIL:pia@koskinen.fi\nEND:VCARD\n",
		region:  "FI", format: FormatVCard, method: lead.MethodQRScan,
		want: lead.Contact{FullName: "Pia Koskinen", Emails: []string{"pia@koskinen.fi"}},
	},
	{
		name:    "two cards in one code, the first is the person",
		payload: "BEGIN:VCARD\nVERSION:3.0\nFN:Ana Ribeiro\nEMAIL:ana@ribeiro.pt\nEND:VCARD\nBEGIN:VCARD\nVERSION:3.0\nFN:Assistant\nEMAIL:office@ribeiro.pt\nEND:VCARD\n",
		region:  "PT", format: FormatVCard, method: lead.MethodQRScan,
		want: lead.Contact{FullName: "Ana Ribeiro", Emails: []string{"ana@ribeiro.pt"}},
	},
	{
		name:    "card app, a line of text before the vCard",
		payload: "Scan to save my contact\nBEGIN:VCARD\nVERSION:3.0\nFN:Tomás Ortega\nTEL;TYPE=cell:+34 612 34 56 78\nEND:VCARD",
		region:  "ES", format: FormatVCard, method: lead.MethodQRScan,
		want: lead.Contact{FullName: "Tomás Ortega", Phones: []lead.Phone{{Number: "+34612345678", Raw: "+34 612 34 56 78", Kind: "mobile"}}},
	},
	{
		name: "RFC 6350 example, vCard 4.0 with tel: URIs and PREF",
		payload: toCRLF(`BEGIN:VCARD
VERSION:4.0
FN:Simon Perreault
N:Perreault;Simon;;;ing. jr,M.Sc.
KIND:individual
ORG;TYPE=work:Viagenie
TEL;VALUE=uri;TYPE="work,voice";PREF=1:tel:+1-418-656-9254;ext=102
TEL;VALUE=uri;TYPE="work,cell,voice,video,text":tel:+1-418-262-6501
EMAIL;TYPE=work:simon.perreault@viagenie.ca
URL;TYPE=home:http://nomis80.org
END:VCARD`),
		region: "CA", format: FormatVCard, method: lead.MethodQRScan,
		want: lead.Contact{FullName: "Simon Perreault", GivenName: "Simon", FamilyName: "Perreault", Organization: "Viagenie",
			Emails: []string{"simon.perreault@viagenie.ca"},
			Phones: []lead.Phone{{Number: "+14186569254", Raw: "+1-418-656-9254", Kind: "work"}, {Number: "+14182626501", Raw: "+1-418-262-6501", Kind: "mobile"}},
			URLs:   []string{"http://nomis80.org"}},
	},
	{
		name:    "QRCoder MECARD+, one field a line",
		payload: "MECARD+\r\nN:Kowalski, Jan\r\nTEL:+48 601 234 567\r\nEMAIL:jan@kowalski.pl\r\nURL:https://kowalski.pl\r\nADR:,,ul. Długa 5,Gdańsk,,80-001,Polska\r\n",
		region:  "PL", format: FormatMECARD, method: lead.MethodQRScan,
		want: lead.Contact{FullName: "Jan Kowalski", GivenName: "Jan", FamilyName: "Kowalski",
			Emails: []string{"jan@kowalski.pl"}, Phones: []lead.Phone{{Number: "+48601234567", Raw: "+48 601 234 567"}},
			URLs:    []string{"https://kowalski.pl"},
			Address: lead.Address{Street: "ul. Długa 5", City: "Gdańsk", PostalCode: "80-001", Country: "Polska"}},
	},
	{
		name:    "KDDI/au phone address book code",
		payload: "MEMORY:展示会\r\nNAME1:佐藤花子\r\nNAME2:サトウハナコ\r\nTEL1:090-1234-5678\r\nMAIL1:hanako@example.jp\r\n",
		region:  "JP", format: FormatKDDI, method: lead.MethodQRScan,
		want: lead.Contact{FullName: "佐藤花子", Emails: []string{"hanako@example.jp"},
			Phones: []lead.Phone{{Number: "+819012345678", Raw: "090-1234-5678"}}},
	},
	{
		name:    "DoCoMo MECARD, Japanese name family first",
		payload: "MECARD:N:山田,太郎;TEL:03-1234-5678;;",
		region:  "JP", format: FormatMECARD, method: lead.MethodQRScan,
		want: lead.Contact{FullName: "山田太郎", GivenName: "太郎", FamilyName: "山田",
			Phones: []lead.Phone{{Number: "+81312345678", Raw: "03-1234-5678"}}},
	},
	{
		name:    "ZXing smtp: e-mail code",
		payload: "smtp:lena@berger.at:Messe:Hallo",
		region:  "AT", format: FormatMailto, method: lead.MethodQRScan,
		want: lead.Contact{Emails: []string{"lena@berger.at"}},
	},
	{
		name:    "mailto with cc and to in the query (RFC 6068)",
		payload: "mailto:sales@vela.example?to=ines%40vela.example&cc=ops@vela.example&subject=Booth%20B12",
		format:  FormatMailto, method: lead.MethodQRScan,
		want: lead.Contact{Emails: []string{"sales@vela.example", "ines@vela.example", "ops@vela.example"}},
	},
	{
		name:    "plain text card from a notes app, labelled lines",
		payload: "Grace Mwangi\nTel: +254 712 345678\nE-Mail: grace@mwangi.co.ke\nhttps://mwangi.co.ke",
		region:  "KE", format: FormatPlain, method: lead.MethodQRScan,
		want: lead.Contact{FullName: "Grace Mwangi", Emails: []string{"grace@mwangi.co.ke"},
			Phones: []lead.Phone{{Number: "+254712345678", Raw: "+254 712 345678"}}, URLs: []string{"https://mwangi.co.ke"}},
	},
	{
		name:    "plain text card, name and address as a mail program writes them",
		payload: "Jane Roe <jane@roe.example>\n+1 212 555 0147",
		format:  FormatPlain, method: lead.MethodQRScan,
		want: lead.Contact{FullName: "Jane Roe", Emails: []string{"jane@roe.example"},
			Phones: []lead.Phone{{Number: "+12125550147", Raw: "+1 212 555 0147"}}},
	},
	{
		name:    "plain text card, a US number without country at a booth without country",
		payload: "Dana Whitfield\r\ndana@whitfield.example\r\n917-364-2918",
		format:  FormatPlain, method: lead.MethodQRScan,
		want: lead.Contact{FullName: "Dana Whitfield", Emails: []string{"dana@whitfield.example"},
			Phones: []lead.Phone{{Number: "917-364-2918", Raw: "917-364-2918"}}},
	},
	{
		name:    "Devoxx badge, ID::last::first::company::email",
		payload: "DVX-20931::Janssens::Lotte::Brouwerij Kroon::lotte@kroon.example",
		format:  FormatBadge, method: lead.MethodBadgeScan, badgeID: "DVX-20931",
		want: lead.Contact{FullName: "Lotte Janssens", GivenName: "Lotte", FamilyName: "Janssens", Organization: "Brouwerij Kroon",
			Emails: []string{"lotte@kroon.example"}},
	},
	{
		name:    "pgeu-system badge token",
		payload: "AT$9f8Kq2LmZx$AT",
		format:  FormatBadge, method: lead.MethodBadgeScan, badgeID: "AT$9f8Kq2LmZx$AT",
	},
}

// legacyCases are payloads in the 8-bit character sets old phones and
// exporters write, built here with golang.org/x/text's encoders.
func legacyCases(t *testing.T) []parseCase {
	cp1252 := func(s string) string {
		b, err := charmap.Windows1252.NewEncoder().String(s)
		require.NoError(t, err)
		return b
	}
	sjis := func(s string) string {
		b, err := japanese.ShiftJIS.NewEncoder().String(s)
		require.NoError(t, err)
		return b
	}
	return []parseCase{
		{
			name:    "Outlook vCard 2.1 in Windows-1252, 8-bit without CHARSET",
			payload: cp1252("BEGIN:VCARD\r\nVERSION:2.1\r\nN:Größer;Jürgen\r\nORG:Bäckerei Größer – Café\r\nEMAIL;PREF;INTERNET:j.groesser@example.de\r\nEND:VCARD\r\n"),
			region:  "DE", format: FormatVCard, method: lead.MethodQRScan,
			want: lead.Contact{FullName: "Jürgen Größer", GivenName: "Jürgen", FamilyName: "Größer", Organization: "Bäckerei Größer – Café",
				Emails: []string{"j.groesser@example.de"}},
		},
		{
			name: "Japanese phone vCard 2.1, N;CHARSET=SHIFT_JIS with 0x5C trail bytes (表, ソ) that are not backslashes",
			payload: "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=SHIFT_JIS:" + sjis("表;ソラ") + "\r\nORG;CHARSET=SHIFT_JIS:" + sjis("表計算株式会社") +
				"\r\nTEL;CELL:090-1111-2222\r\nEND:VCARD\r\n",
			region: "JP", format: FormatVCard, method: lead.MethodQRScan,
			want: lead.Contact{FullName: "表ソラ", GivenName: "ソラ", FamilyName: "表", Organization: "表計算株式会社",
				Phones: []lead.Phone{{Number: "+819011112222", Raw: "090-1111-2222", Kind: "mobile"}}},
		},
		{
			name:    "Japanese phone vCard 3.0 in Shift_JIS bytes without any CHARSET",
			payload: sjis("BEGIN:VCARD\r\nVERSION:3.0\r\nN:高橋;ソウタ\r\nORG:表参道デザイン\r\nEMAIL:sota@example.jp\r\nEND:VCARD\r\n"),
			region:  "JP", format: FormatVCard, method: lead.MethodQRScan,
			want: lead.Contact{FullName: "高橋ソウタ", GivenName: "ソウタ", FamilyName: "高橋", Organization: "表参道デザイン",
				Emails: []string{"sota@example.jp"}},
		},
		{
			name:    "DoCoMo MECARD in Shift_JIS bytes without any charset",
			payload: sjis("MECARD:N:鈴木,一郎;EMAIL:ichiro@example.jp;;"),
			region:  "JP", format: FormatMECARD, method: lead.MethodQRScan,
			want: lead.Contact{FullName: "鈴木一郎", GivenName: "一郎", FamilyName: "鈴木", Emails: []string{"ichiro@example.jp"}},
		},
	}
}

func TestParseFormatsOthersProduce(t *testing.T) {
	runParseCases(t, append(formatCases, legacyCases(t)...))
}
