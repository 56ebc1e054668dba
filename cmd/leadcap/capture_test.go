package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/internal/cardgen"
)

const (
	// An Android contact share, vCard 3.0 with a national phone number.
	vcardJonas = "BEGIN:VCARD\nVERSION:3.0\nN:Weiß;Jonas;;;\nFN:Jonas Weiß\nORG:Kälte & Klima AG\nEMAIL:jonas.weiss@example.de\nTEL;TYPE=CELL:0171 2223334\nEND:VCARD\n"
	// The same person's badge at the same fair, as a Cvent MECARD.
	mecardJonas = "MECARD:N:Weiß,Jonas;ORG:Kälte & Klima AG;EMAIL:jonas.weiss@example.de;TEL:+49 30 5556667;CONF:CV-77812;;"
	wifiCode    = "WIFI:T:WPA;S:Booth;P:hunter22;;"
)

func writeQR(t *testing.T, path, text string) {
	t.Helper()
	data, err := cardgen.PNG(text, cardgen.UTF8ECI, 8)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, data, 0o644))
}

func TestDecode(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	writeQR(t, filepath.Join(e.dir, "card.png"), vcardJonas)
	writeQR(t, filepath.Join(e.dir, "wifi.png"), wifiCode)
	require.NoError(t, os.WriteFile(filepath.Join(e.dir, "notes.png"), []byte("hello"), 0o644))

	out := e.ok("decode", "--json", "--region", "DE", "card.png")
	objs := jsonLines(t, out)
	require.Len(t, objs, 1)
	o := objs[0]
	assert.Equal(t, []string{"codes", "contact", "error", "file", "format", "method", "ms", "ok", "payload"}, keys(o))
	assert.Equal(t, "card.png", o["file"])
	assert.Equal(t, true, o["ok"])
	assert.Equal(t, vcardJonas, o["payload"], "the exact text")
	assert.Equal(t, "vcard", o["format"])
	ct := o["contact"].(map[string]any)
	assert.Equal(t, "Jonas Weiß", ct["full_name"])
	assert.Equal(t, "Kälte & Klima AG", ct["organization"])
	assert.Equal(t, "+491712223334", ct["phones"].([]any)[0].(map[string]any)["number"])
	assert.Len(t, o["codes"], 1)
	assert.Greater(t, o["ms"].(float64), 0.0)

	r := e.run("decode", "--json", "--region", "DE", "card.png", "wifi.png", "notes.png")
	assert.Equal(t, 1, r.code)
	assert.Equal(t, "leadcap: 2 of 3 files gave no contact: see the reason given for each.\n", r.stderr)
	objs = jsonLines(t, r.stdout)
	require.Len(t, objs, 3)
	assert.Equal(t, false, objs[1]["ok"])
	assert.Equal(t, "text", objs[1]["format"])
	assert.Equal(t, wifiCode, objs[1]["payload"])
	assert.Contains(t, objs[1]["error"], "Wi-Fi")
	assert.Equal(t, false, objs[2]["ok"])
	assert.Contains(t, objs[2]["error"], "not a PNG, JPEG, GIF or WebP image")
	assert.Empty(t, objs[2]["codes"])

	text := e.run("decode", "--region", "de", "card.png", "notes.png")
	assert.Contains(t, text.stdout, "card.png: 1 code(s)")
	assert.Contains(t, text.stdout, "vcard: Jonas Weiß, Kälte & Klima AG, jonas.weiss@example.de")
	assert.Contains(t, text.stdout, "notes.png: the file is not a PNG")
	_, err := os.Stat(e.db)
	assert.ErrorIs(t, err, os.ErrNotExist, "decode never opens the database")
}

func TestParse(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := leadcapIn(t, e.dir, mecardJonas+"\n", "parse", "--json", "--region", "DE")
	require.Equal(t, 0, r.code, r.stderr)
	var o map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &o))
	assert.Equal(t, mecardJonas, o["payload"], "the final line break is dropped")
	assert.Equal(t, "badge", o["format"])
	assert.Equal(t, "CV-77812", o["badge_id"])
	assert.Equal(t, "badge-scan", o["method"])
	assert.Equal(t, "jonas.weiss@example.de", o["contact"].(map[string]any)["emails"].([]any)[0])

	r = leadcapIn(t, e.dir, "BEGIN:VCARD\nVERSION:3.0\nFN:Ada\nTEL:020 7946 0958\nEND:VCARD\n", "parse", "--json")
	require.Equal(t, 0, r.code, "a national number without a region is kept as written: %s", r.stderr)
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &o))
	assert.Equal(t, "020 7946 0958", o["contact"].(map[string]any)["phones"].([]any)[0].(map[string]any)["number"], "no country is invented")

	// One bad field does not throw the card away: it is a warning.
	r = leadcapIn(t, e.dir, "BEGIN:VCARD\nVERSION:2.1\nFN:Ada Lovelace\nEMAIL;INTERNET:ada(at)example.org\nTEL;WORK:+44 20 7946 0958\nEND:VCARD\n", "parse", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, `warning: not taken over: EMAIL "ada(at)example.org"`)
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &o))
	assert.Equal(t, true, o["ok"])
	assert.Equal(t, "+442079460958", o["contact"].(map[string]any)["phones"].([]any)[0].(map[string]any)["number"])
	assert.Equal(t, "ada(at)example.org", o["not_taken"].([]any)[0].(map[string]any)["value"])

	r = leadcapIn(t, e.dir, "tel:ask at the booth", "parse")
	assert.Equal(t, 1, r.code, "nothing valid is left")
	assert.Contains(t, r.stderr, "not a phone number")

	r = leadcapIn(t, e.dir, wifiCode, "parse")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "Wi-Fi network settings")
	assert.Empty(t, r.stdout)
}

func TestScan(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.withEvent()
	dir := filepath.Join(e.dir, "photos")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	writeQR(t, filepath.Join(dir, "1-card.png"), vcardJonas)
	writeQR(t, filepath.Join(dir, "2-badge.png"), mecardJonas)
	writeQR(t, filepath.Join(dir, "3-wifi.png"), wifiCode)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "4-cut.png"), []byte("\x89PNG\r\n\x1a\n\x00\x00"), 0o644))

	r := e.run("scan", "--staff", "Lena", "photos")
	assert.Equal(t, 1, r.code)
	assert.Equal(t, "leadcap: 2 of 4 files were not saved: see the reason given for each.\n", r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 5, r.stdout)
	assert.Regexp(t, `^new\s+photos/1-card.png\s+\S+\s+Jonas Weiß, Kälte & Klima AG$`, lines[0])
	assert.Regexp(t, `^updated\s+photos/2-badge.png\s+`, lines[1])
	assert.Regexp(t, `^failed\s+photos/3-wifi.png\s+the code holds Wi-Fi network settings`, lines[2])
	assert.Regexp(t, `^failed\s+photos/4-cut.png\s+the image file is truncated`, lines[3])
	assert.Equal(t, "4 files: 1 new, 1 updated, 2 failed (event Hannover Messe 2026)", lines[4])
	assert.NotContains(t, r.stdout, "\r", "no progress bar when stdout is not a terminal")

	objs := jsonLines(t, e.ok("list", "--json"))
	require.Len(t, objs, 1, "the second scan of the same person updated the lead")
	o := objs[0]
	assert.Equal(t, map[string]any{"channel": "offline", "method": "qr-scan"}, o["source"])
	assert.Equal(t, "Lena", o["captured_by"])
	assert.Len(t, o["contact"].(map[string]any)["phones"], 2, "the badge's phone was added")

	var shown map[string]any
	require.NoError(t, json.Unmarshal([]byte(e.ok("show", o["id"].(string), "--json")), &shown))
	assert.Equal(t, o["id"], shown["id"])
	assert.Equal(t, o["source"], shown["source"], "show --json is a line of list --json")
	assert.Equal(t, "Lena", shown["captured_by"])
	out := e.ok("export", "--format", "jsonl")
	assert.Contains(t, out, `"raw_payload":"BEGIN:VCARD\nVERSION:3.0\nN:Weiß;Jonas`, "the raw payload is kept")
	assert.Contains(t, out, `"badge_id":"CV-77812"`)

	r = e.run("scan", "photos/1-card.png")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Regexp(t, `^updated\s+photos/1-card.png`, r.stdout)

	e.fails(1, []string{"scan", "nowhere"}, "check the path")
	require.NoError(t, os.MkdirAll(filepath.Join(e.dir, "empty"), 0o755))
	e.fails(1, []string{"scan", "empty"}, "no PNG, JPEG, GIF or WebP files in empty")
	e.fails(2, []string{"scan"}, "missing arguments")
}

// TestScanWarnsAboutWhatWasNotTaken: a card with one bad field is saved
// (exit 0) and the bad value is named on stderr.
func TestScanWarnsAboutWhatWasNotTaken(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.withEvent()
	card := "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Ute Brandt\r\nEMAIL;PREF;INTERNET:ute@brandt.example\r\nEMAIL;TLX:4711081512\r\nEND:VCARD\r\n"
	writeQR(t, filepath.Join(e.dir, "ute.png"), card)
	r := e.run("scan", "ute.png")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Regexp(t, `^new\s+ute.png\s+\S+\s+Ute Brandt`, r.stdout)
	assert.Equal(t, "leadcap: warning: ute.png: not taken over: EMAIL \"4711081512\": is not an email address: check it for typos (it needs one @ and a domain)\n", r.stderr)
}

func TestEventBadgePatternFlags(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ev := id(t, e.ok("event", "create", "--name", "Expo", "--badge-prefix", "EXP-", "--badge-regexp", "EXP-[0-9]{6}", "--badge-length", "10"))
	objs := jsonLines(t, e.ok("event", "list", "--json"))
	require.Len(t, objs, 1)
	assert.Equal(t, ev, objs[0]["id"])
	assert.Equal(t, map[string]any{"prefix": "EXP-", "regexp": "EXP-[0-9]{6}", "length": float64(10)}, objs[0]["badge"])

	e.fails(1, []string{"event", "create", "--name", "Broken", "--badge-regexp", "[0-9"}, "badge.regexp", "RE2")
}
