package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"
)

// Badge scans that held only the badge ID wait (shown by list), the
// organiser's list fills them, and a badge scanned afterwards is filled at
// once, without a network.
func TestAttendeesImportFillsBadgeScans(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		data func(t *testing.T) []byte
	}{
		{"';' in Windows-1252", func(t *testing.T) []byte {
			b, err := charmap.Windows1252.NewEncoder().Bytes([]byte("Ausweis-Nr.;Vorname;Nachname;E-Mail;Firma\r\n" +
				"A-1001;Jürgen;Müller;juergen@example.de;Müller & Söhne\r\nA-1002;Zoë;Weiß;zoe@example.de;Straße AG\r\n"))
			require.NoError(t, err)
			return b
		}},
		{"',' in UTF-8 with BOM", func(*testing.T) []byte {
			return []byte("\ufeffBadge ID,First Name,Last Name,Email,Company\n" +
				"A-1001,Jürgen,Müller,juergen@example.de,Müller & Söhne\nA-1002,Zoë,Weiß,zoe@example.de,Straße AG\n")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.ok("event", "create", "--name", "Expo", "--country", "DE", "--badge-prefix", "A-", "--badge-length", "6", "--use")
			writeQR(t, filepath.Join(e.dir, "1.png"), "A-1001")
			writeQR(t, filepath.Join(e.dir, "2.png"), "A-9999")
			writeQR(t, filepath.Join(e.dir, "3.png"), "A-1002")
			e.ok("scan", "1.png", "2.png")
			waiting := jsonLines(t, e.ok("list", "--sync", "waiting", "--json"))
			assert.Len(t, waiting, 2, "both badge scans wait for their contact")
			assert.Contains(t, e.ok("list"), "waiting")

			require.NoError(t, os.WriteFile(filepath.Join(e.dir, "list.csv"), tc.data(t), 0o644))
			var rep struct {
				Listed             int
				Matched, Unmatched []string
				Encoding           string
			}
			require.NoError(t, json.Unmarshal([]byte(e.ok("attendees", "import", "--event", "Expo", "--json", "list.csv")), &rep))
			assert.Equal(t, 2, rep.Listed)
			assert.Len(t, rep.Matched, 1)
			assert.Equal(t, []string{"A-9999"}, rep.Unmatched)

			e.ok("scan", "3.png")
			assert.Len(t, jsonLines(t, e.ok("list", "--sync", "waiting", "--json")), 1, "only the badge not on the list waits")
			pending := jsonLines(t, e.ok("list", "--sync", "pending", "--json"))
			require.Len(t, pending, 2)
			var emails []any
			for _, o := range pending {
				emails = append(emails, o["contact"].(map[string]any)["emails"].([]any)...)
			}
			assert.ElementsMatch(t, []any{"juergen@example.de", "zoe@example.de"}, emails)
		})
	}
}

func TestAttendeesImportTextReportAndBadFile(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.ok("event", "create", "--name", "Expo", "--country", "DE", "--use")
	require.NoError(t, os.WriteFile(filepath.Join(e.dir, "names.csv"), []byte("Name;Email\nAda;ada@example.com\n"), 0o644))
	e.fails(1, []string{"attendees", "import", "names.csv"}, "no badge ID column", "Badge ID")
	e.fails(1, []string{"attendees", "import", "missing.csv"}, "missing.csv")
	require.NoError(t, os.WriteFile(filepath.Join(e.dir, "ok.csv"), []byte("Badge;Email\nB-1;b@example.com\n"), 0o644))
	out := e.ok("attendees", "import", "ok.csv")
	assert.Contains(t, out, "1 attendees with a badge ID stored")
	assert.Contains(t, out, "matched: 0")
}

// Erasing a badge scan filled from the list removes the person from the
// list too: scanned again, the badge waits for its contact.
func TestEraseRemovesTheAttendee(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.ok("event", "create", "--name", "Expo", "--country", "DE", "--badge-prefix", "A-", "--badge-length", "6", "--use")
	require.NoError(t, os.WriteFile(filepath.Join(e.dir, "list.csv"),
		[]byte("Badge ID;First Name;Last Name;Email\nA-1001;Jürgen;Müller;juergen@example.de\nA-1002;Zoë;Weiß;zoe@example.de\n"), 0o644))
	e.ok("attendees", "import", "--event", "Expo", "list.csv")
	// Jürgen is on another fair's list too.
	e.ok("event", "create", "--name", "SPS", "--country", "DE")
	require.NoError(t, os.WriteFile(filepath.Join(e.dir, "sps.csv"),
		[]byte("Badge ID;First Name;Last Name;Email\nS-1;Jürgen;Müller;Juergen@Example.de\nS-2;Ada;Lovelace;ada@example.com\n"), 0o644))
	e.ok("attendees", "import", "--event", "SPS", "sps.csv")
	writeQR(t, filepath.Join(e.dir, "1.png"), "A-1001")
	e.ok("scan", "1.png")
	pending := jsonLines(t, e.ok("list", "--sync", "pending", "--json"))
	require.Len(t, pending, 1, "filled from the list")
	id := pending[0]["id"].(string)

	assert.Contains(t, e.ok("erase", id, "--yes"), "; 2 attendee list entries removed (every event's list)")
	e.ok("scan", "1.png")
	waiting := jsonLines(t, e.ok("list", "--sync", "waiting", "--json"))
	require.Len(t, waiting, 1, "scanned again, the badge is not filled from the list")
	assert.Empty(t, waiting[0]["contact"].(map[string]any)["emails"])
}
