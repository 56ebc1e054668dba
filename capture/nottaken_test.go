package capture

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
)

// notTakenCases are cards with one value that cannot be used: the card is
// read with everything else, and the value is listed as not taken over.
var notTakenCases = []struct {
	name, payload, region string
	want                  lead.Contact
	notTaken              []NotTaken
}{
	{
		name:    "Outlook 2.1, EMAIL;TLX holds a telex number",
		payload: "BEGIN:VCARD\nVERSION:2.1\nN:Brandt;Ute;;Dr.;\nFN:Dr. Ute Brandt\nEMAIL;PREF;INTERNET:ute@brandt.example\nEMAIL;TLX:4711081512\nEND:VCARD",
		region:  "DE",
		want:    lead.Contact{FullName: "Dr. Ute Brandt", GivenName: "Ute", FamilyName: "Brandt", Emails: []string{"ute@brandt.example"}},
		notTaken: []NotTaken{{Field: "EMAIL", Value: "4711081512",
			Reason: "is not an email address: check it for typos (it needs one @ and a domain)"}},
	},
	{
		name:    "card with an instant messenger handle in EMAIL;IM",
		payload: "BEGIN:VCARD\nN:Hale;Owen\nEMAIL:owen@hale.example\nEMAIL;IM:MSN:owen@hale.example.net\nEND:VCARD",
		want:    lead.Contact{FullName: "Owen Hale", GivenName: "Owen", FamilyName: "Hale", Emails: []string{"owen@hale.example"}},
		notTaken: []NotTaken{{Field: "EMAIL", Value: "MSN:owen@hale.example.net",
			Reason: "is not an email address: check it for typos (it needs one @ and a domain)"}},
	},
	{
		name:    "Outlook 2003 export, field names where the numbers should be",
		payload: "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Kim Lee\r\nTEL;WORK;VOICE:BusinessPhone\r\nTEL;CELL;VOICE:+82 10-1234-5678\r\nEND:VCARD",
		region:  "KR",
		want:    lead.Contact{FullName: "Kim Lee", Phones: []lead.Phone{{Number: "+821012345678", Raw: "+82 10-1234-5678", Kind: "mobile"}}},
		notTaken: []NotTaken{{Field: "TEL", Value: "BusinessPhone",
			Reason: "is not a phone number: it needs digits, with spaces, dashes, dots or brackets between them"}},
	},
	{
		name:    "BIZCARD with words for a phone next to a valid email",
		payload: "BIZCARD:N:Eva;X:Berg;B:ask at reception;E:eva@berg.example;;",
		region:  "DE",
		want:    lead.Contact{FullName: "Eva Berg", GivenName: "Eva", FamilyName: "Berg", Emails: []string{"eva@berg.example"}},
		notTaken: []NotTaken{{Field: "TEL", Value: "ask at reception",
			Reason: "is not a phone number: it needs digits, with spaces, dashes, dots or brackets between them"}},
	},
	{
		name:    "a name only once the invalid email is out (OX bug 7249 kind): still read",
		payload: "BEGIN:VCARD\nVERSION:2.1\nFN:Room Olpe\nEMAIL;PREF;INTERNET:Room_Olpe_EMAIL\nEND:VCARD",
		want:    lead.Contact{FullName: "Room Olpe"},
		notTaken: []NotTaken{{Field: "EMAIL", Value: "Room_Olpe_EMAIL",
			Reason: "is not an email address: check it for typos (it needs one @ and a domain)"}},
	},
}

func TestParseKeepsTheCardWhenAFieldIsBad(t *testing.T) {
	for _, tc := range notTakenCases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse(tc.payload, tc.region)
			require.NoError(t, err)
			assert.Equal(t, tc.want, p.Contact)
			assert.Equal(t, tc.notTaken, p.NotTaken)
			assert.Equal(t, tc.payload, p.Payload, "the raw payload keeps the value")
		})
	}
}

// phoneCases pin the phone rule: valid where the country is known, as
// written where it is not, never a country invented.
func TestParsePhonesValidOrAsWritten(t *testing.T) {
	tests := []struct {
		name, payload, region, number string
	}{
		{"valid with country code", "tel:+33 1 42 68 53 00", "", "+33142685300"},
		{"national, valid in the event's country", "tel:030 1234567", "DE", "+49301234567"},
		{"national, no event country: as written", "tel:030 1234567", "", "030 1234567"},
		{"national, not valid in the event's country: as written", "tel:917-364-2918", "FR", "917-364-2918"},
		{"+1 with an area code starting 0 is possible but not valid: as written", "tel:+10311111111", "US", "+10311111111"},
		{"+1 example number: as written, not E.164", "tel:+1-555-555-1212", "", "+1-555-555-1212"},
		{"00 international prefix", "tel:0044 20 7946 0958", "", "+442079460958"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse(tt.payload, tt.region)
			require.NoError(t, err)
			require.Len(t, p.Contact.Phones, 1)
			assert.Equal(t, tt.number, p.Contact.Phones[0].Number)
		})
	}
}

func TestParseStripsControlCharacters(t *testing.T) {
	payload := "BEGIN:VCARD\nVERSION:3.0\nFN:Max \x1b]0;owned\x07Muster\x1b[2J\nORG:Muster\u009b31mGmbH\nEMAIL:max@muster.example\nEND:VCARD"
	p, err := Parse(payload, "DE")
	require.NoError(t, err)
	assert.Equal(t, "Max Muster", p.Contact.FullName, "an OSC title sequence and a CSI are removed whole")
	assert.Equal(t, "MusterGmbH", p.Contact.Organization)
	assert.Equal(t, payload, p.Payload, "the raw payload is kept as read")
}

func TestParseNothingValidLeftIsAFieldError(t *testing.T) {
	p, err := Parse("mailto:max.muster(at)example.de", "DE")
	var fe *lead.FieldError
	require.True(t, errors.As(err, &fe), "%v", err)
	assert.Equal(t, "max.muster(at)example.de", fe.Value)
	assert.Len(t, p.NotTaken, 1)
}
