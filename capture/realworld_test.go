package capture

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"

	"leadcap/lead"
)

// realWorldCases are payloads written here in the shapes that ZXing's
// result-parser tests, the vCard RFCs, mail programs and people who type
// their card as text produce, beyond the forms formatCases covers. Each
// comment names the source of the shape.
var realWorldCases = []parseCase{
	{
		// RFC 6068 2: bcc is a recipient like to and cc; ZXing's
		// EmailAddressParsedResultTestCase.testBCCs reads it.
		name:    "mailto with only a bcc recipient",
		payload: "mailto:?bcc=ines.moreau@example.fr",
		format:  FormatMailto, method: lead.MethodQRScan,
		want: lead.Contact{Emails: []string{"ines.moreau@example.fr"}},
	},
	{
		// RFC 6350 6.2.2: N components hold comma-separated lists (several
		// given names, several suffixes); an escaped comma is a comma.
		name:    "vCard 4.0 N with several given and additional names and suffixes, no FN",
		payload: "BEGIN:VCARD\r\nVERSION:4.0\r\nN:Stevenson;John,Philip;Paul;Dr.;Jr.,M.D.,A.C.P.\r\nEMAIL:jps@example.com\r\nEND:VCARD\r\n",
		format:  FormatVCard, method: lead.MethodQRScan,
		want: lead.Contact{FullName: "Dr. John Philip Paul Stevenson Jr., M.D., A.C.P.", GivenName: "John Philip", FamilyName: "Stevenson",
			Emails: []string{"jps@example.com"}},
	},
	{
		// Apple Contacts writes an escaped comma inside a component
		// (ez-vcard's John_Doe_MAC_ADDRESS_BOOK.vcf: Richter\,James).
		name:    "vCard 3.0 N with an escaped comma in a component, no FN",
		payload: "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Doe;John;Richter\\,James;Mr.;Sr.\r\nTEL;type=CELL:+1 905 555 1234\r\nEND:VCARD\r\n",
		format:  FormatVCard, method: lead.MethodQRScan,
		want: lead.Contact{FullName: "Mr. John Richter,James Doe Sr.", GivenName: "John", FamilyName: "Doe",
			Phones: []lead.Phone{{Number: "+19055551234", Raw: "+1 905 555 1234", Kind: "mobile"}}},
	},
	{
		// vCard 2.1 has no lists in N: a comma is part of the name.
		name:    "vCard 2.1 N with a plain comma in the family name, no FN",
		payload: "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Smith, Jr.;John\r\nEMAIL;INTERNET:john@smith.example\r\nEND:VCARD\r\n",
		format:  FormatVCard, method: lead.MethodQRScan,
		want: lead.Contact{FullName: "John Smith, Jr.", GivenName: "John", FamilyName: "Smith, Jr.", Emails: []string{"john@smith.example"}},
	},
	{
		// CRM exports that join a person's addresses into one EMAIL value.
		name:    "vCard EMAIL value holding two addresses",
		payload: "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Tomás Silva\r\nEMAIL;TYPE=INTERNET:tomas@silva.example, t.silva@work.example\r\nEND:VCARD\r\n",
		format:  FormatVCard, method: lead.MethodQRScan,
		want: lead.Contact{FullName: "Tomás Silva", Emails: []string{"tomas@silva.example", "t.silva@work.example"}},
	},
	{
		// Exporters that write the URI form in capitals (RFC 6068 schemes
		// are case-insensitive) and copy-pasted values with a zero-width
		// space or a bidi mark in them.
		name:    "vCard EMAIL as MAILTO: URI in capitals, and invisible characters in values",
		payload: "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Lea\u200b Wagner\u202c\r\nEMAIL:MAILTO:LEA.WAGNER@EXAMPLE.AT\r\nEMAIL:\u200blea@home.example\r\nEND:VCARD\r\n",
		format:  FormatVCard, method: lead.MethodQRScan,
		want: lead.Contact{FullName: "Lea Wagner", Emails: []string{"lea.wagner@example.at", "lea@home.example"}},
	},
	{
		// QR generators that put several addresses into one MECARD field.
		name:    "MECARD EMAIL holding two addresses separated by a semicolon-free comma",
		payload: "MECARD:N:Silva,Tomás;EMAIL:tomas@silva.example\\,t.silva@work.example;;",
		format:  FormatMECARD, method: lead.MethodQRScan,
		want: lead.Contact{FullName: "Tomás Silva", GivenName: "Tomás", FamilyName: "Silva",
			Emails: []string{"tomas@silva.example", "t.silva@work.example"}},
	},
	{
		// ZXing's AddressBookAUResultParser takes a code with MEMORY: and
		// line breaks and reads the fields it knows; others are skipped.
		name:    "KDDI/au address book code with a line it does not know",
		payload: "MEMORY:Messe\r\nNAME1:佐藤花子\r\nNAME2:ｻﾄｳﾊﾅｺ\r\nTEL1:090-1234-5678\r\nMAIL1:hanako@ezweb.example\r\nURL:http://hanako.example\r\n",
		region:  "JP", format: FormatKDDI, method: lead.MethodQRScan,
		want: lead.Contact{FullName: "佐藤花子", Emails: []string{"hanako@ezweb.example"},
			Phones: []lead.Phone{{Number: "+819012345678", Raw: "090-1234-5678"}}},
	},
	{
		// A profile address typed without scheme, as printed on cards.
		name:    "LinkedIn profile address without https:// or www.",
		payload: "linkedin.com/in/aiko-tanaka",
		format:  FormatURL, method: lead.MethodQRScan,
		want: lead.Contact{URLs: []string{"linkedin.com/in/aiko-tanaka"}},
	},
	{
		// A lone number with the 00 international prefix (ITU-T E.164
		// international call prefix used across Europe).
		name:    "a phone number alone, written with 00",
		payload: "0049 30 1234567",
		format:  FormatTel, method: lead.MethodQRScan,
		want: lead.Contact{Phones: []lead.Phone{{Number: "+49301234567", Raw: "0049 30 1234567"}}},
	},
	{
		// RFC 5322 name-addr, as mail programs copy a sender.
		name:    "a name and address as a mail program writes it, on one line",
		payload: "Jane Doe <jane.doe@acme.example>",
		format:  FormatPlain, method: lead.MethodQRScan,
		want: lead.Contact{FullName: "Jane Doe", Emails: []string{"jane.doe@acme.example"}},
	},
	{
		// A card typed as labelled lines (the labels of contact forms).
		name:    "plain card with Name, Company and Title labels",
		payload: "Name: Priya Raman\nCompany: Raman Systems Ltd\nTitle: Head of Sales\nEmail: priya@raman.example\nPhone: +44 20 7946 0958",
		format:  FormatPlain, method: lead.MethodQRScan,
		want: lead.Contact{FullName: "Priya Raman", Organization: "Raman Systems Ltd", Title: "Head of Sales",
			Emails: []string{"priya@raman.example"}, Phones: []lead.Phone{{Number: "+442079460958", Raw: "+44 20 7946 0958"}}},
	},
	{
		// German labels (Firma, Position, Tel.:, Mobil, E-Mail) on a typed card.
		name:    "plain card with German labels",
		payload: "Name: Max Mustermann\nFirma: Muster GmbH\nPosition: Einkauf\nE-Mail: max@muster.example\nTel.: +49 30 1234567\nMobil: +49 171 2345678",
		region:  "DE", format: FormatPlain, method: lead.MethodQRScan,
		want: lead.Contact{FullName: "Max Mustermann", Organization: "Muster GmbH", Title: "Einkauf",
			Emails: []string{"max@muster.example"}, Phones: []lead.Phone{{Number: "+49301234567", Raw: "+49 30 1234567"}, {Number: "+491712345678", Raw: "+49 171 2345678"}}},
	},
	{
		// Business cards print one-letter labels: T (telephone), M
		// (mobile), F (fax), E (email), W (web).
		name:    "plain card with one-letter labels",
		payload: "Jane Doe\nT: +1 415 555 0100\nM: +1 415 555 0199\nF: +1 415 555 0101\nE: jane@acme.example\nW: www.acme.example",
		format:  FormatPlain, method: lead.MethodQRScan,
		want: lead.Contact{FullName: "Jane Doe", Emails: []string{"jane@acme.example"}, URLs: []string{"www.acme.example"},
			Phones: []lead.Phone{{Number: "+14155550100", Raw: "+1 415 555 0100"}, {Number: "+14155550199", Raw: "+1 415 555 0199"},
				{Number: "+14155550101", Raw: "+1 415 555 0101", Kind: "fax"}}},
	},
	{
		// A letterhead-style card: company first (known by its legal
		// form), then the person, the street address, and phone labels
		// without a colon.
		name:    "plain card with address lines and labels without a colon",
		payload: "ACME GmbH\nHans Huber\nLeopoldstraße 1\n80802 München\nTel +49 89 123456\nFax +49 89 123457\nhans.huber@acme.example\nwww.acme.example",
		region:  "DE", format: FormatPlain, method: lead.MethodQRScan,
		want: lead.Contact{FullName: "Hans Huber", Organization: "ACME GmbH", Emails: []string{"hans.huber@acme.example"}, URLs: []string{"www.acme.example"},
			Phones: []lead.Phone{{Number: "+4989123456", Raw: "+49 89 123456"}, {Number: "+4989123457", Raw: "+49 89 123457", Kind: "fax"}}},
	},
	{
		// The order business cards print: name, job title, company.
		name:    "plain card with a job title and a company line",
		payload: "Jane Doe\nSales Manager\nAcme Corp\njane.doe@acme.example\n+1 415 555 0100",
		format:  FormatPlain, method: lead.MethodQRScan,
		want: lead.Contact{FullName: "Jane Doe", Title: "Sales Manager", Organization: "Acme Corp",
			Emails: []string{"jane.doe@acme.example"}, Phones: []lead.Phone{{Number: "+14155550100", Raw: "+1 415 555 0100"}}},
	},
	{
		// The title above the name, as some cards print it.
		name:    "plain card with the job title before the name",
		payload: "Head of Marketing\nRaj Patel\nraj.patel@acme.example\n+44 20 7946 0958",
		format:  FormatPlain, method: lead.MethodQRScan,
		want: lead.Contact{FullName: "Raj Patel", Title: "Head of Marketing",
			Emails: []string{"raj.patel@acme.example"}, Phones: []lead.Phone{{Number: "+442079460958", Raw: "+44 20 7946 0958"}}},
	},
	{
		// A keyboard-wedge scanner set to send a tab for each line break.
		name:    "plain card typed by a scanner with tabs for line breaks",
		payload: "Jane Doe\tjane@acme.example\t+1 415 555 0100",
		format:  FormatPlain, method: lead.MethodQRScan,
		want: lead.Contact{FullName: "Jane Doe", Emails: []string{"jane@acme.example"}, Phones: []lead.Phone{{Number: "+14155550100", Raw: "+1 415 555 0100"}}},
	},
	{
		// Card generators that join the fields of one line with ';'.
		name:    "plain card on one line, fields separated by semicolons",
		payload: "Jane Doe; jane@acme.example; +1 415 555 0100",
		format:  FormatPlain, method: lead.MethodQRScan,
		want: lead.Contact{FullName: "Jane Doe", Emails: []string{"jane@acme.example"}, Phones: []lead.Phone{{Number: "+14155550100", Raw: "+1 415 555 0100"}}},
	},
	{
		// A card typed as one comma-separated line, as people write a
		// contact into a QR generator's text field.
		name:    "plain card on one line, fields separated by commas",
		payload: "Jane Doe, Acme Inc., jane@acme.example, +1 415 555 0100",
		format:  FormatPlain, method: lead.MethodQRScan,
		want: lead.Contact{FullName: "Jane Doe", Organization: "Acme Inc.", Emails: []string{"jane@acme.example"},
			Phones: []lead.Phone{{Number: "+14155550100", Raw: "+1 415 555 0100"}}},
	},
	{
		// RFC 4180: fields that hold a comma are quoted.
		name:    "comma-separated card with quoted fields, as a CSV row",
		payload: `"Doe, Jane","Acme, Inc.",jane@acme.example,+1 415 555 0100`,
		format:  FormatPlain, method: lead.MethodQRScan,
		want: lead.Contact{FullName: "Doe, Jane", Organization: "Acme, Inc.", Emails: []string{"jane@acme.example"},
			Phones: []lead.Phone{{Number: "+14155550100", Raw: "+1 415 555 0100"}}},
	},
	{
		name:    "name and email on one line, separated by a comma",
		payload: "Jane Doe, jane@acme.example",
		format:  FormatPlain, method: lead.MethodQRScan,
		want: lead.Contact{FullName: "Jane Doe", Emails: []string{"jane@acme.example"}},
	},
	{
		name:    "labelled fields on one line, separated by commas",
		payload: "Name: Jane Doe, Company: Acme, Email: jane@acme.example, Phone: +1 415 555 0100",
		format:  FormatPlain, method: lead.MethodQRScan,
		want: lead.Contact{FullName: "Jane Doe", Organization: "Acme", Emails: []string{"jane@acme.example"},
			Phones: []lead.Phone{{Number: "+14155550100", Raw: "+1 415 555 0100"}}},
	},
	{
		name:    "comma-separated card with a title and a street address",
		payload: "Lukas Berger,Head of Sales,Berger GmbH,Hauptstr. 5,80331 München,lukas@berger.example,+49 89 1234567",
		region:  "DE", format: FormatPlain, method: lead.MethodQRScan,
		want: lead.Contact{FullName: "Lukas Berger", Title: "Head of Sales", Organization: "Berger GmbH", Emails: []string{"lukas@berger.example"},
			Phones: []lead.Phone{{Number: "+49891234567", Raw: "+49 89 1234567"}}},
	},
}

func TestParseRealWorldShapes(t *testing.T) {
	runParseCases(t, realWorldCases)
}

// Delimited badge records as badge systems and handheld scanners send them
// (the RefID^First^Last^Email^Title^Company… layout of Cvent badges).
var delimitedBadgeCases = []parseCase{
	{
		name:    "caret record cut after the last name",
		payload: "CV7Q2M^Amara^Okoye",
		format:  FormatBadge, method: lead.MethodBadgeScan, badgeID: "CV7Q2M",
		want: lead.Contact{FullName: "Amara Okoye", GivenName: "Amara", FamilyName: "Okoye"},
	},
	{
		// '^' is valid in an email's local part: the record must not be
		// read as one address.
		name:    "caret record cut after the email",
		payload: "CV7Q2M^Amara^Okoye^amara@okoye.example",
		format:  FormatBadge, method: lead.MethodBadgeScan, badgeID: "CV7Q2M",
		want: lead.Contact{FullName: "Amara Okoye", GivenName: "Amara", FamilyName: "Okoye", Emails: []string{"amara@okoye.example"}},
	},
	{
		name:    "caret record without its RefID",
		payload: "^Amara^Okoye^amara@okoye.example^CTO^Okoye Labs",
		format:  FormatBadge, method: lead.MethodBadgeScan,
		want: lead.Contact{FullName: "Amara Okoye", GivenName: "Amara", FamilyName: "Okoye", Title: "CTO", Organization: "Okoye Labs",
			Emails: []string{"amara@okoye.example"}},
	},
	{
		name:    "record with tabs, as a handheld scanner types the field separator",
		payload: "CV7Q2M\tAmara\tOkoye\tamara@okoye.example\tCTO\tOkoye Labs",
		format:  FormatBadge, method: lead.MethodBadgeScan, badgeID: "CV7Q2M",
		want: lead.Contact{FullName: "Amara Okoye", GivenName: "Amara", FamilyName: "Okoye", Title: "CTO", Organization: "Okoye Labs",
			Emails: []string{"amara@okoye.example"}},
	},
}

func TestParseDelimitedBadgeShapes(t *testing.T) {
	runParseCases(t, delimitedBadgeCases)
}

// Windows programs save a contact file as "Unicode": UTF-16 with a byte
// order mark, in either byte order.
func TestParseUTF16ContactFile(t *testing.T) {
	card := "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë Ångström\r\nEMAIL:zoe@example.se\r\nEND:VCARD\r\n"
	for name, enc := range map[string]encoding.Encoding{
		"little endian": unicode.UTF16(unicode.LittleEndian, unicode.UseBOM),
		"big endian":    unicode.UTF16(unicode.BigEndian, unicode.UseBOM),
	} {
		t.Run(name, func(t *testing.T) {
			payload, err := enc.NewEncoder().String(card)
			require.NoError(t, err)
			p, err := Parse(payload, "SE")
			require.NoError(t, err)
			assert.Equal(t, lead.Contact{FullName: "Zoë Ångström", Emails: []string{"zoe@example.se"}}, p.Contact)
		})
	}
}

// Codes on products, books, cars and shipping labels at a booth, in the
// forms barcode scanners send them: none is a badge or a contact.
func TestProductCodesInScannerFormsAreNotBadges(t *testing.T) {
	for name, code := range map[string]string{
		// GS1 General Specifications 3.2: element strings behind AI (00) and (01).
		"SSCC shipping label, AI 00":                      "00340123450000000017",
		"GS1 element string, GTIN with expiry and lot":    "01095011015300031725123110ABC",
		"GS1 element string with FNC1 as group separator": "0109501101530003\x1d10ABC123",
		"GS1 element string written with brackets":        "(01)09501101530003(17)251231(10)ABC123",
		// EAN/UPC add-on symbols (ISO/IEC 15420 annex): a book's price.
		"ISBN-13 with a five-digit price add-on": "978020137962451999",
		"EAN-13 with a two-digit issue add-on":   "977031784700103",
		// ISBN as printed above the bars (ISO 2108).
		"ISBN-13 written with hyphens": "978-3-16-148410-0",
		"ISBN-10 written with hyphens": "0-306-40615-2",
		"ISBN with its label":          "ISBN 978-3-16-148410-0",
		// ZXing VINParsedResultTestCase: Code 39 VINs with the import prefix I.
		"VIN with the Code 39 import prefix": "I1M8GDM9AXKP042788",
		"VIN of a Chinese car":               "LJCPCBLCX11000237",
	} {
		t.Run(name, func(t *testing.T) { assertNotABadge(t, code, "DE") })
	}
}

// Text that mentions an address or number in a sentence, or lists words
// with separators, is not a card.
func TestOneLineTextIsNotAPlainCard(t *testing.T) {
	for _, s := range []string{
		"Write to jane@acme.example for details",
		"Call us: +1 415 555 0100 today!",
		"Hello, welcome to our booth, see you later",
		"Prizes; raffle at 3 pm; hall 4",
		"Halle 3\tStand B12\tMesse München",
		"Halle 3 | Stand B12 | info@acme.example",
		"Halle 3, Stand B12, info@acme.example",
		"Visit us, win prizes, write to info@acme.example",
		"Hello, info@acme.example",
		"write to us, info@acme.example",
		// ZXing's ParsedReaderResultTestCase.testEmailType: MATMSG fields
		// without the MATMSG: prefix are text.
		"TO:srowen@example.org;SUB:Stuff;BODY:This is some text;;",
	} {
		t.Run(s, func(t *testing.T) {
			_, err := Parse(s, "DE")
			require.ErrorIs(t, err, ErrNotAContact)
		})
	}
}

// URIs that start a call (ZXing reads none of them; phones and mail
// programs put them in QR codes and e-mail signatures).
var callURICases = []parseCase{
	{
		name:    "callto: with an international number (Skype, NetMeeting)",
		payload: "callto:+49 30 1234567",
		format:  FormatTel, method: lead.MethodQRScan,
		want: lead.Contact{Phones: []lead.Phone{{Number: "+49301234567", Raw: "+49 30 1234567"}}},
	},
	{
		name:    "callto:// with the number after the slashes",
		payload: "callto://+4930123456",
		format:  FormatTel, method: lead.MethodQRScan,
		want: lead.Contact{Phones: []lead.Phone{{Number: "+4930123456", Raw: "+4930123456"}}},
	},
	{
		name:    "facetime: with a number",
		payload: "facetime:+14155550123",
		format:  FormatTel, method: lead.MethodQRScan,
		want: lead.Contact{Phones: []lead.Phone{{Number: "+14155550123", Raw: "+14155550123"}}},
	},
	{
		name:    "facetime-audio: with the Apple ID",
		payload: "facetime-audio:jane.doe@example.com",
		format:  FormatMailto, method: lead.MethodQRScan,
		want: lead.Contact{Emails: []string{"jane.doe@example.com"}},
	},
	{
		// RFC 3261 19.1.3: a telephone number as user part, with the
		// gateway as host, a password and parameters.
		name:    "sip: with a telephone number at a gateway",
		payload: "sip:+1-212-555-0123:1234@gateway.example.com;user=phone",
		format:  FormatTel, method: lead.MethodQRScan,
		want: lead.Contact{Phones: []lead.Phone{{Number: "+12125550123", Raw: "+1-212-555-0123"}}},
	},
	{
		name:    "sips: address with parameters and headers",
		payload: "sips:alice@atlanta.example.com;transport=tls?subject=project",
		format:  FormatMailto, method: lead.MethodQRScan,
		want: lead.Contact{Emails: []string{"alice@atlanta.example.com"}},
	},
}

func TestParseCallURIs(t *testing.T) {
	runParseCases(t, callURICases)
}

// A call URI that names no number and no address reaches no one.
func TestCallURIsWithoutNumberOrAddress(t *testing.T) {
	for _, s := range []string{"callto:echo123", "callto://echo123", "sip:gateway.example.com", "facetime:"} {
		t.Run(s, func(t *testing.T) {
			_, err := Parse(s, "DE")
			require.ErrorIs(t, err, ErrNotAContact)
		})
	}
}
