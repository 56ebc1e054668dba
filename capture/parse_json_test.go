package capture

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
)

// Attendee records that badge and ticket systems put in a code as one JSON
// object.
var jsonAttendeeCases = []parseCase{
	{
		name:    "attendee record with camelCase keys",
		payload: `{"firstName":"Jane","lastName":"Doe","email":"jane@acme.example","company":"Acme","jobTitle":"CTO"}`,
		format:  FormatBadge, method: lead.MethodBadgeScan,
		want: lead.Contact{FullName: "Jane Doe", GivenName: "Jane", FamilyName: "Doe", Organization: "Acme", Title: "CTO",
			Emails: []string{"jane@acme.example"}},
	},
	{
		// Numbers as IDs keep all their digits (no float rounding).
		name:    "nested attendee with snake_case keys and a long numeric ticket ID",
		payload: `{"attendee":{"id":7,"first_name":"Jan","last_name":"Nowak","email":"jan@example.pl","phone":"+48 22 123 45 67"},"ticket_id":123456789012345678901}`,
		format:  FormatBadge, method: lead.MethodBadgeScan, badgeID: "123456789012345678901",
		want: lead.Contact{FullName: "Jan Nowak", GivenName: "Jan", FamilyName: "Nowak", Emails: []string{"jan@example.pl"},
			Phones: []lead.Phone{{Number: "+48221234567", Raw: "+48 22 123 45 67"}}},
	},
	{
		// Indico's e-ticket: the registrant's ID is preferred to the secret.
		name:    "ticket with a registrant ID and a check-in secret only",
		payload: `{"registrant_id": "8", "checkin_secret": "6e3e7a1b-1c6d-4c4d-8a1e-2f9a6a0e9c11", "event_id": "42", "server_url": "https://indico.example.org", "version": 1}`,
		format:  FormatBadge, method: lead.MethodBadgeScan, badgeID: "8",
	},
}

func TestParseJSONAttendeeRecords(t *testing.T) {
	runParseCases(t, jsonAttendeeCases)
}

// JSON that names no person is not a contact.
func TestJSONWithoutAPersonIsNotAContact(t *testing.T) {
	for _, s := range []string{
		`{"name":"Pumpe X200","price":99}`,
		`{"ssid":"Messe-Gast","password":"Willkommen"}`,
		`{"firstName":"Jane"}`,
		`{"email":`,
		`{"a":1} {"b":2}`,
	} {
		t.Run(s, func(t *testing.T) {
			_, err := Parse(s, "DE")
			require.ErrorIs(t, err, ErrNotAContact)
		})
	}
}

// Two keys for one field: the first in sorted key order wins, every time
// (Go's map order is random).
func TestJSONAttendeeFirstValueWins(t *testing.T) {
	for range 20 {
		p, err := Parse(`{"name":"Jane Doe","fullName":"J. Doe","email":"jane@acme.example"}`, "")
		require.NoError(t, err)
		assert.Equal(t, "J. Doe", p.Contact.FullName)
	}
}
