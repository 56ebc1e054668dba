package workflow_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"

	"leadcap/capture"
	"leadcap/lead"
	"leadcap/storage"
	"leadcap/workflow"
)

// The same organiser's list as four files: an export of a German
// registration system (';', Windows-1252, German headers), the same in
// UTF-8 with a byte order mark (Excel's "CSV UTF-8"), an English one
// separated by ',' and a French one with accented headers.
var attendeeFiles = []struct {
	name, sep, encoding string
	data                []byte
}{
	{"German registration export, Windows-1252", ";", "Windows-1252", win1252(("Ausweis-Nr.;Vorname;Nachname;E-Mail;Firma;Funktion;Telefon\r\n" +
		"A-1001;Jürgen;Müller;juergen.mueller@example.de;Müller & Söhne GmbH;Einkauf;030 1234567\r\n" +
		"A-1002;Zoë;Weiß;zoe@example.de;Straße AG;;\r\n" +
		";Ohne;Ausweis;x@example.de;;;\r\n"))},
	{"Excel CSV UTF-8 with BOM", ";", "UTF-8", []byte("\xef\xbb\xbf" +
		"Ausweis-Nr.;Vorname;Nachname;E-Mail;Firma;Funktion;Telefon\n" +
		"A-1001;Jürgen;Müller;juergen.mueller@example.de;Müller & Söhne GmbH;Einkauf;030 1234567\n" +
		"A-1002;Zoë;Weiß;zoe@example.de;Straße AG;;\n" +
		";Ohne;Ausweis;x@example.de;;;\n")},
	{"English list with commas and quotes", ",", "UTF-8", []byte(
		"Badge ID,First Name,Last Name,Email Address,Company,Job Title,Phone\n" +
			"A-1001,Jürgen,Müller,juergen.mueller@example.de,\"Müller & Söhne GmbH\",Einkauf,030 1234567\n" +
			"A-1002,Zoë,Weiß,zoe@example.de,\"Straße AG\",,\n" +
			",Ohne,Ausweis,x@example.de,,,\n")},
	{"French list, accented headers", ",", "UTF-8", []byte(
		"Numéro badge,Prénom,Nom,Courriel,Société,Fonction,Téléphone\n" +
			"A-1001,Jürgen,Müller,juergen.mueller@example.de,Müller & Söhne GmbH,Einkauf,030 1234567\n" +
			"A-1002,Zoë,Weiß,zoe@example.de,Straße AG,,\n" +
			",Ohne,Ausweis,x@example.de,,,\n")},
}

func win1252(s string) []byte {
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		panic(err)
	}
	return b
}

func TestReadAttendeesSeparatorsEncodingsAndHeaders(t *testing.T) {
	for _, f := range attendeeFiles {
		t.Run(f.name, func(t *testing.T) {
			list, err := workflow.ReadAttendees(bytes.NewReader(f.data), "DE")
			require.NoError(t, err)
			assert.Equal(t, f.encoding, list.Encoding)
			assert.Equal(t, f.sep, string(list.Separator))
			assert.Equal(t, 3, list.Rows)
			require.Len(t, list.Attendees, 2, "the row without a badge ID is skipped")
			assert.Len(t, list.Skipped, 1)
			assert.Equal(t, lead.Attendee{BadgeID: "A-1001", GivenName: "Jürgen", FamilyName: "Müller",
				Email: "juergen.mueller@example.de", Organization: "Müller & Söhne GmbH", Title: "Einkauf",
				Phone: "+49301234567"}, list.Attendees[0])
			assert.Equal(t, "Weiß", list.Attendees[1].FamilyName)
		})
	}
}

func TestReadAttendeesRefusesAListWithoutBadgeColumn(t *testing.T) {
	_, err := workflow.ReadAttendees(strings.NewReader("Name;Email\nAda;ada@example.com\n"), "DE")
	require.ErrorIs(t, err, workflow.ErrNoBadgeColumn)
	list, err := workflow.ReadAttendees(strings.NewReader("Badge;Email\nB-1;not an email\n"), "DE")
	require.NoError(t, err)
	require.Len(t, list.Attendees, 1, "an invalid email drops the email, not the row")
	assert.Empty(t, list.Attendees[0].Email)
	assert.Len(t, list.Skipped, 1)
}

// Badges scanned before the list fill when it is imported (matched and
// unmatched counted); a badge scanned after it is filled at once, offline.
func TestImportAttendeesFillsWaitingBadgesAndLaterScans(t *testing.T) {
	for _, f := range attendeeFiles {
		t.Run(f.name, func(t *testing.T) {
			s, ev := scanStore(t)
			for _, badge := range []string{"A-1001", "A-9999"} {
				_, err := workflow.SaveParsed(s, ev, badgeOnly(badge), workflow.Capture{})
				require.NoError(t, err)
			}
			require.Empty(t, dueNow(t, s), "badge IDs alone wait")

			list, err := workflow.ReadAttendees(bytes.NewReader(f.data), ev.Country)
			require.NoError(t, err)
			rep, err := workflow.ImportAttendees(s, ev, list.Attendees)
			require.NoError(t, err)
			assert.Equal(t, 2, rep.Listed)
			require.Len(t, rep.Matched, 1)
			assert.Equal(t, "Jürgen Müller", rep.Matched[0].Contact.Name())
			assert.Equal(t, []string{"A-9999"}, rep.Unmatched)
			assert.Equal(t, []string{"Jürgen Müller"}, dueNow(t, s), "the filled lead is queued for the CRM")

			later, err := workflow.SaveParsed(s, ev, badgeOnly("A-1002"), workflow.Capture{})
			require.NoError(t, err)
			assert.False(t, later.Lead.AwaitsContact())
			assert.Equal(t, []string{"zoe@example.de"}, later.Lead.Contact.Emails)
			assert.Equal(t, "A-1002", later.Lead.BadgeID)
			waiting, err := s.Count(storage.Query{EventID: ev.ID, Sync: storage.SyncWaiting})
			require.NoError(t, err)
			assert.Equal(t, 1, waiting, "only the badge that is not on the list waits")
			require.NoError(t, s.Check())
		})
	}
}

func badgeOnly(id string) capture.Parsed {
	return capture.Parsed{Payload: id, BadgeID: id, Method: lead.MethodBadgeScan}
}
