package capture

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
)

// toCRLF turns a payload written with \n into the CRLF line ends most
// producers use.
func toCRLF(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

type parseCase struct {
	name    string
	payload string
	region  string
	format  Format
	method  lead.Method
	badgeID string
	want    lead.Contact
}

// parseCases are payloads written the way their producers write them.
var parseCases = []parseCase{
	{
		name: "iPhone contact share, vCard 3.0",
		payload: toCRLF(`BEGIN:VCARD
VERSION:3.0
PRODID:-//Apple Inc.//iPhone OS 17.5.1//EN
N:Sørensen;Mette;;;
FN:Mette Sørensen
ORG:Nordlys ApS;Salg
TITLE:Salgschef
EMAIL;type=INTERNET;type=WORK;type=pref:Mette.Sorensen@nordlys.dk
TEL;type=CELL;type=VOICE;type=pref:+45 20 12 34 56
TEL;type=WORK;type=VOICE:33 12 34 56
item1.ADR;type=WORK;type=pref:;;Vesterbrogade 12;København V;;1620;Danmark
item1.X-ABADR:dk
item2.URL;type=pref:https\://nordlys.dk
item2.X-ABLabel:_$!<HomePage>!$_
X-SOCIALPROFILE;type=linkedin;x-user=mettesorensen:https\://www.linkedin.com/in/mettesorensen
END:VCARD
`),
		region: "DK", format: FormatVCard, method: lead.MethodQRScan,
		want: lead.Contact{
			FullName: "Mette Sørensen", GivenName: "Mette", FamilyName: "Sørensen",
			Organization: "Nordlys ApS", Title: "Salgschef",
			Emails: []string{"mette.sorensen@nordlys.dk"},
			Phones: []lead.Phone{
				{Number: "+4520123456", Raw: "+45 20 12 34 56", Kind: "mobile"},
				{Number: "+4533123456", Raw: "33 12 34 56", Kind: "work"},
			},
			URLs:    []string{"https://nordlys.dk", "https://www.linkedin.com/in/mettesorensen"},
			Address: lead.Address{Street: "Vesterbrogade 12", City: "København V", PostalCode: "1620", Country: "Danmark"},
		},
	},
	{
		name: "Outlook 2016 export, vCard 2.1 quoted-printable",
		payload: toCRLF("BEGIN:VCARD\nVERSION:2.1\n" +
			"N;LANGUAGE=de;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen\n" +
			"FN;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:J=FCrgen M=FCller\n" +
			"ORG;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:M=FCller & S=F6hne GmbH;Vertrieb\n" +
			"TITLE:Vertriebsleiter\n" +
			"TEL;WORK;VOICE:+49 (89) 1234-567\n" +
			"TEL;CELL;VOICE:0171 2345678\n" +
			"ADR;WORK;PREF;ENCODING=QUOTED-PRINTABLE:;;Hauptstra=DFe 1=0D=0A=\n" +
			"Geb=E4ude B;M=FCnchen;Bayern;80331;Deutschland\n" +
			"LABEL;WORK;PREF;ENCODING=QUOTED-PRINTABLE:Hauptstra=DFe 1=0D=0A=\n" +
			"Geb=E4ude B=0D=0A=\n" +
			"80331 M=FCnchen\n" +
			"X-MS-OL-DEFAULT-POSTAL-ADDRESS:2\n" +
			"EMAIL;PREF;INTERNET:Juergen.Mueller@mueller-soehne.de\n" +
			"X-MS-OL-DESIGN;CHARSET=utf-8:<card xmlns=\"http://schemas.microsoft.com/office/outlook/12/electronicbusinesscards\" ver=\"1.0\" layout=\"left\"></card>\n" +
			"REV:20260915T081500Z\n" +
			"END:VCARD\n"),
		region: "DE", format: FormatVCard, method: lead.MethodQRScan,
		want: lead.Contact{
			FullName: "Jürgen Müller", GivenName: "Jürgen", FamilyName: "Müller",
			Organization: "Müller & Söhne GmbH", Title: "Vertriebsleiter",
			Emails: []string{"juergen.mueller@mueller-soehne.de"},
			Phones: []lead.Phone{
				{Number: "+49891234567", Raw: "+49 (89) 1234-567", Kind: "work"},
				{Number: "+491712345678", Raw: "0171 2345678", Kind: "mobile"},
			},
			Address: lead.Address{Street: "Hauptstraße 1, Gebäude B", City: "München", Region: "Bayern", PostalCode: "80331", Country: "Deutschland"},
		},
	},
	{
		name: "Android contacts, vCard 2.1 CHARSET=UTF-8",
		payload: toCRLF("BEGIN:VCARD\nVERSION:2.1\n" +
			"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=98=64=65=67=C3=A5=72=64;=53=C3=B8=72=65=6E;;;\n" +
			"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=53=C3=B8=72=65=6E=20=C3=98=64=65=67=C3=A5=72=64\n" +
			"TEL;CELL:+47 912 34 567\n" +
			"TEL;WORK:22 12 34 56\n" +
			"EMAIL;WORK:soren.odegard@fjordanalytics.no\n" +
			"ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=46=6A=6F=72=64=20=41=6E=61=6C=79=74=69=63=73=20=41=53=20=E2=80=93=20=\n" +
			"=54=72=6F=6E=64=68=65=69=6D\n" +
			"TITLE:CTO\n" +
			"URL:https://fjordanalytics.no\n" +
			"END:VCARD\n"),
		region: "NO", format: FormatVCard, method: lead.MethodQRScan,
		want: lead.Contact{
			FullName: "Søren Ødegård", GivenName: "Søren", FamilyName: "Ødegård",
			Organization: "Fjord Analytics AS – Trondheim", Title: "CTO",
			Emails: []string{"soren.odegard@fjordanalytics.no"},
			Phones: []lead.Phone{
				{Number: "+4791234567", Raw: "+47 912 34 567", Kind: "mobile"},
				{Number: "+4722123456", Raw: "22 12 34 56", Kind: "work"},
			},
			URLs: []string{"https://fjordanalytics.no"},
		},
	},
	{
		name: "Nokia phone business card, vCard 2.1 ISO-8859-1 with bare QUOTED-PRINTABLE, no FN",
		payload: toCRLF("BEGIN:VCARD\nVERSION:2.1\n" +
			"N;CHARSET=ISO-8859-1;QUOTED-PRINTABLE:B=E9ranger;No=EBl\n" +
			"TEL;PREF;WORK;VOICE:01 45 67 89 00\n" +
			"TEL;CELL:+33 6 11 22 33 44\n" +
			"EMAIL;INTERNET:noel.beranger@example.fr\n" +
			"END:VCARD\n"),
		region: "FR", format: FormatVCard, method: lead.MethodQRScan,
		want: lead.Contact{
			FullName: "Noël Béranger", GivenName: "Noël", FamilyName: "Béranger",
			Emails: []string{"noel.beranger@example.fr"},
			Phones: []lead.Phone{
				{Number: "+33145678900", Raw: "01 45 67 89 00", Kind: "work"},
				{Number: "+33611223344", Raw: "+33 6 11 22 33 44", Kind: "mobile"},
			},
		},
	},
	{
		name: "Google Contacts export, vCard 3.0",
		payload: toCRLF(`BEGIN:VCARD
VERSION:3.0
FN:Élodie Fontaine
N:Fontaine;Élodie;;;
EMAIL;TYPE=INTERNET;TYPE=WORK:elodie.fontaine@atelier-lumiere.fr
TEL;TYPE=CELL:06 12 34 56 78
ADR;TYPE=WORK:;;12 rue de la Paix;Paris;;75002;France
ORG:Atelier Lumière
TITLE:Directrice artistique
NOTE:Rencontrée au salon\, stand B12\nIntéressée par la gamme professionnel
 le et par une démonstration sur site
CATEGORIES:myContacts
END:VCARD
`),
		region: "FR", format: FormatVCard, method: lead.MethodQRScan,
		want: lead.Contact{
			FullName: "Élodie Fontaine", GivenName: "Élodie", FamilyName: "Fontaine",
			Organization: "Atelier Lumière", Title: "Directrice artistique",
			Emails:  []string{"elodie.fontaine@atelier-lumiere.fr"},
			Phones:  []lead.Phone{{Number: "+33612345678", Raw: "06 12 34 56 78", Kind: "mobile"}},
			Address: lead.Address{Street: "12 rue de la Paix", City: "Paris", PostalCode: "75002", Country: "France"},
		},
	},
	{
		name: "macOS Contacts company card, vCard 3.0 X-ABShowAs",
		payload: toCRLF(`BEGIN:VCARD
VERSION:3.0
PRODID:-//Apple Inc.//Mac OS X 14.6//EN
N:;;;;
FN:Brauerei Fässler AG
ORG:Brauerei Fässler AG;
TEL;type=WORK;type=VOICE;type=pref:044 123 45 67
item1.EMAIL;type=INTERNET;type=pref:info@faessler.ch
X-ABShowAs:COMPANY
END:VCARD
`),
		region: "CH", format: FormatVCard, method: lead.MethodQRScan,
		want: lead.Contact{
			Organization: "Brauerei Fässler AG",
			Emails:       []string{"info@faessler.ch"},
			Phones:       []lead.Phone{{Number: "+41441234567", Raw: "044 123 45 67", Kind: "work"}},
		},
	},
	{
		name: "Nextcloud Contacts, vCard 4.0 VALUE=uri tel:, LF-only line ends",
		payload: `BEGIN:VCARD
VERSION:4.0
PRODID:-//Sabre//Sabre VObject 4.5.4//EN
UID:3c1f6a0e-8d2b-4f6e-9a51-0b7c2d9e4f18
FN:Zoë Van Damme
N:Van Damme;Zoë;;;
ORG:Brouwerij De Kroon
TEL;VALUE=uri;TYPE=work:tel:+32-2-123-45-67;ext=89
TEL;VALUE=uri;TYPE="voice,cell";PREF=1:tel:+32-470-12-34-56
EMAIL;TYPE=work:zoe@dekroon.be
ADR;TYPE=work;LABEL="Grote Markt 1\n1000 Brussel":;;Grote Markt 1;Brussel;;1000;België
END:VCARD
`,
		region: "BE", format: FormatVCard, method: lead.MethodQRScan,
		want: lead.Contact{
			FullName: "Zoë Van Damme", GivenName: "Zoë", FamilyName: "Van Damme",
			Organization: "Brouwerij De Kroon",
			Emails:       []string{"zoe@dekroon.be"},
			Phones: []lead.Phone{
				{Number: "+32470123456", Raw: "+32-470-12-34-56", Kind: "mobile"},
				{Number: "+32-2-123-45-67", Raw: "+32-2-123-45-67", Kind: "work"}, // not valid in Belgium: kept as written,
			},
			Address: lead.Address{Street: "Grote Markt 1", City: "Brussel", PostalCode: "1000", Country: "België"},
		},
	},
	{
		name: "QR Code Monkey web, vCard 3.0 without FN and without END:VCARD",
		payload: `BEGIN:VCARD
VERSION:3.0
N:Kowalska;Agnieszka
ORG:Żabka Logistyka
TITLE:Kierownik zakupów
TEL;TYPE=work,voice:+48 22 123 45 67
EMAIL:a.kowalska@zabka-logistyka.pl
URL:https://zabka-logistyka.pl
`,
		region: "DE", format: FormatVCard, method: lead.MethodQRScan,
		want: lead.Contact{
			FullName: "Agnieszka Kowalska", GivenName: "Agnieszka", FamilyName: "Kowalska",
			Organization: "Żabka Logistyka", Title: "Kierownik zakupów",
			Emails: []string{"a.kowalska@zabka-logistyka.pl"},
			Phones: []lead.Phone{{Number: "+48221234567", Raw: "+48 22 123 45 67", Kind: "work"}},
			URLs:   []string{"https://zabka-logistyka.pl"},
		},
	},
	{
		name: "Salesforce contact export, vCard 3.0 with escaped , ; and prefix in N",
		payload: toCRLF(`BEGIN:VCARD
VERSION:3.0
N:Dupont-Martin;Hélène;;Dr.;
ORG:Dupont\, Martin & Associés\; Conseil;Stratégie
TITLE:Directrice\, Ventes Europe
EMAIL;TYPE=WORK:helene.dupont-martin@dma-conseil.fr
TEL;TYPE=WORK:+33 (0)1 42 68 53 00
END:VCARD
`),
		region: "FR", format: FormatVCard, method: lead.MethodQRScan,
		want: lead.Contact{
			FullName: "Dr. Hélène Dupont-Martin", GivenName: "Hélène", FamilyName: "Dupont-Martin",
			Organization: "Dupont, Martin & Associés; Conseil", Title: "Directrice, Ventes Europe",
			Emails: []string{"helene.dupont-martin@dma-conseil.fr"},
			Phones: []lead.Phone{{Number: "+33142685300", Raw: "+33 (0)1 42 68 53 00", Kind: "work"}},
		},
	},
	{
		name: "Zoho CRM export, vCard 3.0 with a line break in the street, old-Mac CR line ends",
		payload: strings.ReplaceAll(`BEGIN:VCARD
VERSION:3.0
N:Æbelø;Kasper;;;
FN:Kasper Æbelø
ORG:Æbelø Møbler A/S
ADR;TYPE=WORK:;Bygning 4;Industrivej 3\NBagindgang;Odense SØ;;5220;Danmark
EMAIL;TYPE=WORK:kasper@aebelo-mobler.dk
END:VCARD`, "\n", "\r"),
		region: "DK", format: FormatVCard, method: lead.MethodQRScan,
		want: lead.Contact{
			FullName: "Kasper Æbelø", GivenName: "Kasper", FamilyName: "Æbelø",
			Organization: "Æbelø Møbler A/S",
			Emails:       []string{"kasper@aebelo-mobler.dk"},
			Address:      lead.Address{Street: "Industrivej 3, Bagindgang, Bygning 4", City: "Odense SØ", PostalCode: "5220", Country: "Danmark"},
		},
	},
	{
		name:    "Handheld scanner without line breaks, vCard 3.0",
		payload: "BEGIN:VCARDVERSION:3.0N:GRÜNEWALD;TOBIAS;;;FN:TOBIAS GRÜNEWALDORG:GRÜNEWALD HYDRAULIK GMBHTITLE:CTOTEL;TYPE=CELL:+49 160 9876543EMAIL;TYPE=INTERNET:t.gruenewald@gruenewald-hydraulik.deADR;TYPE=WORK:;;INDUSTRIESTR. 7;BERLIN;BE;10115;DEUTSCHLANDEND:VCARD",
		region:  "DE", format: FormatVCard, method: lead.MethodQRScan,
		want: lead.Contact{
			FullName: "TOBIAS GRÜNEWALD", GivenName: "TOBIAS", FamilyName: "GRÜNEWALD",
			Organization: "GRÜNEWALD HYDRAULIK GMBH", Title: "CTO",
			Emails:  []string{"t.gruenewald@gruenewald-hydraulik.de"},
			Phones:  []lead.Phone{{Number: "+491609876543", Raw: "+49 160 9876543", Kind: "mobile"}},
			Address: lead.Address{Street: "INDUSTRIESTR. 7", City: "BERLIN", Region: "BE", PostalCode: "10115", Country: "DEUTSCHLAND"},
		},
	},
	{
		name:    "Handheld scanner sending Tab for line breaks, vCard 2.1",
		payload: "BEGIN:VCARD\tVERSION:2.1\tN:Ångström;Ingrid\tTEL;WORK;VOICE:08-123 456 78\tEMAIL;INTERNET:ingrid.angstrom@example.se\tEND:VCARD",
		region:  "SE", format: FormatVCard, method: lead.MethodQRScan,
		want: lead.Contact{
			FullName: "Ingrid Ångström", GivenName: "Ingrid", FamilyName: "Ångström",
			Emails: []string{"ingrid.angstrom@example.se"},
			Phones: []lead.Phone{{Number: "+46812345678", Raw: "08-123 456 78", Kind: "work"}},
		},
	},
	{
		name:    "QR Code Generator web, MECARD",
		payload: `MECARD:N:Weiß,Anna-Lena;ORG:Kühne + Nagel;TITLE:Einkauf\, Zentrale;TEL:+49 40 1234567;EMAIL:anna-lena.weiss@example.de;URL:https\://example.de/team/weiss;ADR:Große Elbstraße 42\, 22767 Hamburg;NOTE:Messe\; Halle 3;;`,
		region:  "DE", format: FormatMECARD, method: lead.MethodQRScan,
		want: lead.Contact{
			FullName: "Anna-Lena Weiß", GivenName: "Anna-Lena", FamilyName: "Weiß",
			Organization: "Kühne + Nagel", Title: "Einkauf, Zentrale",
			Emails:  []string{"anna-lena.weiss@example.de"},
			Phones:  []lead.Phone{{Number: "+49401234567", Raw: "+49 40 1234567"}},
			URLs:    []string{"https://example.de/team/weiss"},
			Address: lead.Address{Street: "Große Elbstraße 42, 22767 Hamburg"},
		},
	},
	{
		name:    "ZXing Barcode Scanner contact share, MECARD",
		payload: `MECARD:N:Núñez,José;TEL:612 345 678;EMAIL:jose.nunez@example.es;;`,
		region:  "ES", format: FormatMECARD, method: lead.MethodQRScan,
		want: lead.Contact{
			FullName: "José Núñez", GivenName: "José", FamilyName: "Núñez",
			Emails: []string{"jose.nunez@example.es"},
			Phones: []lead.Phone{{Number: "+34612345678", Raw: "612 345 678"}},
		},
	},
	{
		name:    "Old badge printer, MECARD in ISO-8859-1 bytes",
		payload: "MECARD:N:Kr\xe4mer,B\xe9r\xe9nice;EMAIL:b.kraemer@example.at;TEL:+43 1 234 5678;;",
		region:  "AT", format: FormatMECARD, method: lead.MethodQRScan,
		want: lead.Contact{
			FullName: "Bérénice Krämer", GivenName: "Bérénice", FamilyName: "Krämer",
			Emails: []string{"b.kraemer@example.at"},
			Phones: []lead.Phone{{Number: "+4312345678", Raw: "+43 1 234 5678"}},
		},
	},
	{
		name:    "Zebra scanner with AIM symbology prefix, MECARD",
		payload: "]Q1MECARD:N:Øster,Lærke;EMAIL:laerke@oster.dk;;",
		region:  "DK", format: FormatMECARD, method: lead.MethodQRScan,
		want: lead.Contact{
			FullName: "Lærke Øster", GivenName: "Lærke", FamilyName: "Øster",
			Emails: []string{"laerke@oster.dk"},
		},
	},
	{
		name:    "Cvent badge, MECARD CONF",
		payload: `MECARD:N:Lindqvist,Åsa;ORG:Svensk Mätteknik AB;TITLE:Inköpschef;EMAIL:asa.lindqvist@matteknik.se;TEL:+46 8 123 456 78;CONF:7GJ4KX2P;;`,
		region:  "DE", format: FormatBadge, method: lead.MethodBadgeScan, badgeID: "7GJ4KX2P",
		want: lead.Contact{
			FullName: "Åsa Lindqvist", GivenName: "Åsa", FamilyName: "Lindqvist",
			Organization: "Svensk Mätteknik AB", Title: "Inköpschef",
			Emails: []string{"asa.lindqvist@matteknik.se"},
			Phones: []lead.Phone{{Number: "+46812345678", Raw: "+46 8 123 456 78"}},
		},
	},
	{
		name:    "Cvent badge, caret-delimited",
		payload: "RG8C2XQ^Björn^Þórsson^bjorn.thorsson@marel.example^Head of Sales^Marel hf.^Garðabær^^210^+354 563 8000",
		region:  "DE", format: FormatBadge, method: lead.MethodBadgeScan, badgeID: "RG8C2XQ",
		want: lead.Contact{
			FullName: "Björn Þórsson", GivenName: "Björn", FamilyName: "Þórsson",
			Organization: "Marel hf.", Title: "Head of Sales",
			Emails:  []string{"bjorn.thorsson@marel.example"},
			Phones:  []lead.Phone{{Number: "+3545638000", Raw: "+354 563 8000"}},
			Address: lead.Address{City: "Garðabær", PostalCode: "210"},
		},
	},
	{
		name:    "Cvent badge, pipe-delimited",
		payload: "1002345|Chloé|Dubois|chloe.dubois@example.fr|Acheteuse|Carrefour|Massy||91300|01 23 45 67 89",
		region:  "FR", format: FormatBadge, method: lead.MethodBadgeScan, badgeID: "1002345",
		want: lead.Contact{
			FullName: "Chloé Dubois", GivenName: "Chloé", FamilyName: "Dubois",
			Organization: "Carrefour", Title: "Acheteuse",
			Emails:  []string{"chloe.dubois@example.fr"},
			Phones:  []lead.Phone{{Number: "+33123456789", Raw: "01 23 45 67 89"}},
			Address: lead.Address{City: "Massy", PostalCode: "91300"},
		},
	},
	{
		name:    "Cvent badge, asterisk-delimited",
		payload: "A17*Jörg*Schäfer*j.schaefer@schaefer-ag.de*CEO*Schäfer AG*Köln*NW*50667*0221 123456",
		region:  "DE", format: FormatBadge, method: lead.MethodBadgeScan, badgeID: "A17",
		want: lead.Contact{
			FullName: "Jörg Schäfer", GivenName: "Jörg", FamilyName: "Schäfer",
			Organization: "Schäfer AG", Title: "CEO",
			Emails:  []string{"j.schaefer@schaefer-ag.de"},
			Phones:  []lead.Phone{{Number: "+49221123456", Raw: "0221 123456"}},
			Address: lead.Address{City: "Köln", Region: "NW", PostalCode: "50667"},
		},
	},
	{
		name:    "Cvent badge, percent-delimited without phone",
		payload: "84213%Ana%Gonçalves%ana.goncalves@sonae.example%CFO%Sonae SGPS%Porto%%4000-001%",
		region:  "PT", format: FormatBadge, method: lead.MethodBadgeScan, badgeID: "84213",
		want: lead.Contact{
			FullName: "Ana Gonçalves", GivenName: "Ana", FamilyName: "Gonçalves",
			Organization: "Sonae SGPS", Title: "CFO",
			Emails:  []string{"ana.goncalves@sonae.example"},
			Address: lead.Address{City: "Porto", PostalCode: "4000-001"},
		},
	},
	{
		name:    "Swapcard badge, email alone",
		payload: "Lars.Ostergaard@example.dk",
		region:  "DK", format: FormatBadge, method: lead.MethodBadgeScan,
		want: lead.Contact{Emails: []string{"lars.ostergaard@example.dk"}},
	},
	{
		name:    "Eventbrite badge, opaque ID",
		payload: "114532890217386234001",
		region:  "DE", format: FormatBadge, method: lead.MethodBadgeScan, badgeID: "114532890217386234001",
	},
	{
		name:    "Swapcard badge, opaque ID",
		payload: "SWC-7F3C9A2E5B1D",
		region:  "", format: FormatBadge, method: lead.MethodBadgeScan, badgeID: "SWC-7F3C9A2E5B1D",
	},
	{
		name:    "BIZCARD web generator",
		payload: `BIZCARD:N:François;X:Lefèvre;T:Ingénieur commercial;C:Lefèvre & Fils SARL;A:8 place Bellecour\, 69002 Lyon;B:+33 4 72 12 34 56;M:06 98 76 54 32;E:f.lefevre@lefevre-fils.fr;;`,
		region:  "FR", format: FormatBizcard, method: lead.MethodQRScan,
		want: lead.Contact{
			FullName: "François Lefèvre", GivenName: "François", FamilyName: "Lefèvre",
			Organization: "Lefèvre & Fils SARL", Title: "Ingénieur commercial",
			Emails: []string{"f.lefevre@lefevre-fils.fr"},
			Phones: []lead.Phone{
				{Number: "+33472123456", Raw: "+33 4 72 12 34 56", Kind: "work"},
				{Number: "+33698765432", Raw: "06 98 76 54 32", Kind: "mobile"},
			},
			Address: lead.Address{Street: "8 place Bellecour, 69002 Lyon"},
		},
	},
	{
		name:    "QR Code Generator web, mailto with subject",
		payload: "mailto:Mikko.Virtanen@example.fi?subject=Messukysely%20Hannover&body=Hei%21",
		region:  "FI", format: FormatMailto, method: lead.MethodQRScan,
		want: lead.Contact{Emails: []string{"mikko.virtanen@example.fi"}},
	},
	{
		name:    "ZXing email share, MATMSG",
		payload: "MATMSG:TO:chiara.rossi@example.it;SUB:Fiera Milano;BODY:Ciao Chiara\\;  a presto;;",
		region:  "IT", format: FormatMailto, method: lead.MethodQRScan,
		want: lead.Contact{Emails: []string{"chiara.rossi@example.it"}},
	},
	{
		name:    "Swiss business card, tel: URI",
		payload: "tel:+41-44-123-45-67",
		region:  "DE", format: FormatTel, method: lead.MethodQRScan,
		want: lead.Contact{Phones: []lead.Phone{{Number: "+41441234567", Raw: "+41-44-123-45-67"}}},
	},
	{
		name:    "Business card QR with a lone international number",
		payload: "+43 660 1234567",
		region:  "DE", format: FormatTel, method: lead.MethodQRScan,
		want: lead.Contact{Phones: []lead.Phone{{Number: "+436601234567", Raw: "+43 660 1234567"}}},
	},
	{
		name:    "LinkedIn app QR code, profile URL",
		payload: "https://www.linkedin.com/in/ines-garcia-lopez?utm_source=share&utm_campaign=share_via&utm_content=profile&utm_medium=ios_app",
		region:  "ES", format: FormatURL, method: lead.MethodQRScan,
		want: lead.Contact{URLs: []string{"https://www.linkedin.com/in/ines-garcia-lopez?utm_source=share&utm_campaign=share_via&utm_content=profile&utm_medium=ios_app"}},
	},
	{
		name:    "XING app QR code, profile URL",
		payload: "https://www.xing.com/profile/Juergen_Mueller42",
		region:  "DE", format: FormatURL, method: lead.MethodQRScan,
		want: lead.Contact{URLs: []string{"https://www.xing.com/profile/Juergen_Mueller42"}},
	},
	{
		name:    "WhatsApp click-to-chat QR, wa.me",
		payload: "https://wa.me/4915112345678",
		region:  "DE", format: FormatURL, method: lead.MethodQRScan,
		want: lead.Contact{
			Phones: []lead.Phone{{Number: "+4915112345678", Raw: "+4915112345678", Kind: "mobile"}},
			URLs:   []string{"https://wa.me/4915112345678"},
		},
	},
}

func TestParse(t *testing.T) {
	runParseCases(t, parseCases)
}

// runParseCases checks that each payload is read whole: the contact, the
// format, method and badge ID, the payload kept exactly, nothing left out.
func runParseCases(t *testing.T, cases []parseCase) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse(tc.payload, tc.region)
			require.NoError(t, err)
			assert.Equal(t, tc.format, p.Format)
			assert.Equal(t, tc.method, p.Method)
			assert.Equal(t, tc.badgeID, p.BadgeID)
			assert.Equal(t, tc.payload, p.Payload, "Payload must be the exact input")
			assert.Equal(t, tc.want, p.Contact)
			assert.Empty(t, p.NotTaken)
		})
	}
}

type invalidCase struct {
	name    string
	payload string
	region  string
	kind    string // NotAContactError.Kind, or "" when field is set
	field   string // lead.FieldError.Field
}

// invalidCases are payloads that must not become a contact, or whose
// contact has a field that cannot be used.
var invalidCases = []invalidCase{
	{name: "empty payload", payload: "", kind: "empty"},
	{name: "only white space and line ends from a scanner", payload: " \r\n\t ", kind: "empty"},
	{name: "router sticker, Wi-Fi QR", payload: "WIFI:T:WPA;S:Messe-Gast;P:Willkommen2026!;H:false;;", kind: "wifi"},
	{name: "exhibitor talk, calendar QR", payload: "BEGIN:VEVENT\r\nSUMMARY:Vortrag Halle 3\r\nDTSTART:20261127T100000Z\r\nEND:VEVENT", kind: "event"},
	{name: "booth map, geo URI", payload: "geo:48.1351,11.5820", kind: "geo"},
	{name: "raffle, SMS QR", payload: "SMSTO:+4917612345678:GEWINNSPIEL", kind: "sms"},
	{name: "exhibitor list, plain web page", payload: "https://www.messe-muenchen.de/de/aussteller/halle-b2", kind: "url-without-contact"},
	{name: "company page on LinkedIn", payload: "https://www.linkedin.com/company/siemens", kind: "url-without-contact"},
	{name: "bare www. link to a product", payload: "www.example.com/produkte/pumpe-x200", kind: "url-without-contact"},
	{name: "two-factor setup QR", payload: "otpauth://totp/leadcap:demo?secret=JBSWY3DPEHPK3PXP&issuer=leadcap", kind: "url-without-contact"},
	{name: "payment QR", payload: "bitcoin:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq?amount=0.01", kind: "url-without-contact"},
	{name: "flyer, free text", payload: "Willkommen am Stand B12! Heute 20 % Rabatt auf alle Pumpen.", kind: "text"},
	// RFC 6350 6.1.4 KIND:group and its older spellings: a distribution
	// list's emails are its members', not one person's.
	{name: "vCard 4.0 of a group", kind: "group",
		payload: "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:group\r\nFN:Vertrieb Nord\r\nMEMBER:mailto:anna@example.de\r\nMEMBER:mailto:ben@example.de\r\nEND:VCARD\r\n"},
	{name: "Apple group card", kind: "group",
		payload: "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Booth team\r\nX-ADDRESSBOOKSERVER-KIND:group\r\nX-ADDRESSBOOKSERVER-MEMBER:urn:uuid:5e1f-44\r\nEND:VCARD\r\n"},
	{name: "Open-Xchange distribution list", kind: "group",
		payload: "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Team\r\nN:;;;;\r\nX-OPEN-XCHANGE-CTYPE:dlist\r\nEMAIL;TYPE=INTERNET:anna@example.de\r\nEMAIL;TYPE=INTERNET:ben@example.de\r\nEND:VCARD"},
	{name: "single word", payload: "Danke", kind: "text"},
	{name: "advert, a name and a phone number", payload: "Pizza Roma\n030 1234567", region: "DE", kind: "text"},
	{name: "flyer lines with an address inside a sentence", payload: "Besuchen Sie uns in Halle 3\nFragen an info@example.de schicken", kind: "text"},
	{name: "product label, a GUID", payload: "3F2504E0-4F89-11D3-9A0C-0305E82C3301", kind: "text"},
	// Found while looking into slow fuzzing: recovering property boundaries
	// was quadratic on these before the look-ahead was bounded.
	{name: "scanner garbage, parameters without values and no line breaks", payload: "BEGIN:VCARD" + strings.Repeat("TEL;TYPE=", 700), kind: "malformed"},
	{name: "scanner garbage, parameter chains without values", payload: "BEGIN:VCARD" + strings.Repeat(strings.Repeat("N;X-A=", 40)+":", 30), kind: "malformed"},
	{name: "a file pasted instead of a code", payload: "BEGIN:VCARD\n" + strings.Repeat("NOTE:x\n", MaxText/7), kind: "too-long"},
	{name: "vCard with nothing in it", payload: "BEGIN:VCARD\r\nVERSION:3.0\r\nEND:VCARD\r\n", kind: "malformed"},
	{name: "vCard header alone (scan cut short)", payload: "BEGIN:VCARD", kind: "malformed"},
	{name: "MECARD with nothing in it", payload: "MECARD:;;", kind: "malformed"},
	{name: "BIZCARD with nothing in it", payload: "BIZCARD:;;", kind: "malformed"},
	{name: "mailto without address", payload: "mailto:?subject=Hallo", kind: "malformed"},
	{name: "tel without number", payload: "tel:", kind: "malformed"},
	{name: "mailto with a broken address", payload: "mailto:max.muster(at)example.de", region: "DE", field: "contact.emails[0]"},
	{name: "BIZCARD with only letters for a phone", payload: "BIZCARD:B:ask at reception;;", region: "DE", field: "contact.phones[0]"},
}

func TestParseInvalid(t *testing.T) {
	for _, tc := range invalidCases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse(tc.payload, tc.region)
			require.Error(t, err)
			assert.Equal(t, tc.payload, p.Payload)
			if tc.kind != "" {
				require.ErrorIs(t, err, ErrNotAContact)
				var nc *NotAContactError
				require.ErrorAs(t, err, &nc)
				assert.Equal(t, tc.kind, nc.Kind)
				assert.Equal(t, tc.payload, nc.Raw, "the raw text is kept for a note")
				assert.Equal(t, lead.Contact{}, p.Contact, "no contact is invented")
				return
			}
			assert.NotErrorIs(t, err, ErrNotAContact)
			var fe *lead.FieldError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tc.field, fe.Field)
			assert.NotEmpty(t, p.Format, "the contact as read comes back for correction")
		})
	}
}

func TestNotAContactErrorMessagesTellWhatToDo(t *testing.T) {
	for _, kind := range []string{"empty", "wifi", "event", "geo", "sms", "url-without-contact", "malformed", "too-long", "text"} {
		err := &NotAContactError{Raw: "secret text Max Mustermann", Kind: kind}
		assert.Contains(t, err.Error(), "save it as a note", kind)
		assert.NotContains(t, err.Error(), "Mustermann", "no payload text in messages that may be logged")
		assert.True(t, errors.Is(err, ErrNotAContact))
	}
}

func TestParseBadgeIDIsNotReachable(t *testing.T) {
	p, err := Parse("114532890217386234001", "DE")
	require.NoError(t, err)
	assert.False(t, p.Reachable(), "a badge ID alone must be completed by staff or the attendee list")
	p, err = Parse("MECARD:N:Núñez,José;TEL:612 345 678;;", "ES")
	require.NoError(t, err)
	assert.True(t, p.Reachable())
}

func TestParseFieldErrorReturnsContactAsRead(t *testing.T) {
	p, err := Parse("MECARD:TEL:ask at reception;EMAIL:sepp(at)huber.example;;", "")
	require.Error(t, err)
	assert.Equal(t, FormatMECARD, p.Format)
	assert.Equal(t, []lead.Phone{{Raw: "ask at reception"}}, p.Contact.Phones)
	assert.Equal(t, []string{"sepp(at)huber.example"}, p.Contact.Emails)
	assert.Contains(t, err.Error(), "check it for typos", "the message says what to fix")
	assert.Len(t, p.NotTaken, 2)
}

func TestParseVCardOnlyFirstCardAndNoEmbeddedAgent(t *testing.T) {
	payload := "BEGIN:VCARD\nVERSION:2.1\nN:Berg;Eva\nAGENT:\nBEGIN:VCARD\nVERSION:2.1\nN:Assistent;Paul\nEMAIL:paul@example.de\nEND:VCARD\nEMAIL:eva.berg@example.de\nEND:VCARD\n" +
		"BEGIN:VCARD\nVERSION:2.1\nN:Other;Olga\nEND:VCARD\n"
	p, err := Parse(payload, "DE")
	require.NoError(t, err)
	assert.Equal(t, "Eva Berg", p.Contact.FullName)
	assert.Equal(t, []string{"eva.berg@example.de"}, p.Contact.Emails)
}

func TestRecoverBreaks(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{
			"upper-case address parts are not taken for properties",
			"BEGIN:VCARDVERSION:3.0ADR:;;HAUPTSTR. 1;BERLIN;BE;10115;DETEL;TYPE=CELL:+49 170 1234567END:VCARD",
			"BEGIN:VCARD\nVERSION:3.0\nADR:;;HAUPTSTR. 1;BERLIN;BE;10115;DE\nTEL;TYPE=CELL:+49 170 1234567\nEND:VCARD",
		},
		{
			"2.1 bare parameters, X- properties and Apple groups",
			"BEGIN:VCARDVERSION:2.1N;CHARSET=UTF-8:Berg;EvaTEL;WORK;VOICE:0301234567item1.EMAIL;type=INTERNET:eva@berg.example" +
				"item1.X-ABLabel:_$!<Work>!$_X-MS-OL-DEFAULT-POSTAL-ADDRESS:2END:VCARD",
			"BEGIN:VCARD\nVERSION:2.1\nN;CHARSET=UTF-8:Berg;Eva\nTEL;WORK;VOICE:0301234567\nitem1.EMAIL;type=INTERNET:eva@berg.example\n" +
				"item1.X-ABLabel:_$!<Work>!$_\nX-MS-OL-DEFAULT-POSTAL-ADDRESS:2\nEND:VCARD",
		},
		{
			"an X- look-alike in a value does not swallow the next property",
			"BEGIN:VCARDTITLE:UX-DESIGNERORG:Berg GmbHitem2.FOO:xEND:VCARD",
			"BEGIN:VCARD\nTITLE:UX-DESIGNER\nORG:Berg GmbHitem2.FOO:x\nEND:VCARD",
		},
		{
			"a property name ending a value is split off",
			"BEGIN:VCARDTITLE:CTON:Berg;EvaEND:VCARD",
			"BEGIN:VCARD\nTITLE:CTO\nN:Berg;Eva\nEND:VCARD",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, recoverBreaks(tc.in))
		})
	}
}

func TestDecodeQPIsLenient(t *testing.T) {
	assert.Equal(t, []byte("Stra\xdfe 1"), decodeQP("Stra=DFe 1"))
	assert.Equal(t, []byte("a b"), decodeQP("a=20b="), "a trailing soft break is dropped")
	assert.Equal(t, []byte("xGeb"), decodeQP("x=Geb"), "a lost soft break does not leave an '='")
	assert.Equal(t, []byte("=4"), decodeQP("=3D=4"))
}

func TestMECARDEscapes(t *testing.T) {
	assert.Equal(t, `a;b:c,d\e`, meUnescape(`a\;b\:c\,d\\e`))
	assert.Equal(t, []string{`ORG:A\\`, "", ""}, meSplit(`ORG:A\\;;`, ';'),
		"an escaped backslash does not escape the ; after it")
	p, err := Parse(`MECARD:N:Doe\, Jr.,John;ORG:Smith\\Wesson;TITLE:Sales\: EMEA;;`, "US")
	require.NoError(t, err)
	assert.Equal(t, "Doe, Jr.", p.Contact.FamilyName)
	assert.Equal(t, "John", p.Contact.GivenName)
	assert.Equal(t, `Smith\Wesson`, p.Contact.Organization)
	assert.Equal(t, "Sales: EMEA", p.Contact.Title)
	assert.True(t, p.Reachable(), "a name with an organization is enough to follow up")
}
