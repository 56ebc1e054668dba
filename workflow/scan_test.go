package workflow_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/capture"
	"leadcap/internal/cardgen"
	"leadcap/lead"
	"leadcap/storage"
	"leadcap/workflow"
)

const (
	// An iPhone contact share, vCard 3.0.
	vcardAnna = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Schröder;Anna;;;\r\nFN:Anna Schröder\r\nORG:Grün & Partner\r\nTITLE:Einkauf\r\nEMAIL;type=INTERNET;type=WORK:Anna.Schroeder@example.de\r\nTEL;type=WORK:030 9876543\r\nEND:VCARD\r\n"
	// The same person from a web generator's MECARD, with a mobile number.
	mecardAnna = "MECARD:N:Schröder,Anna;TEL:+49 171 1111111;EMAIL:anna.schroeder@example.de;;"
	wifi       = "WIFI:T:WPA;S:FairGuest;P:secret123;;"
)

// writeQR renders text as a QR code PNG at path (UTF-8, so umlauts read
// back).
func writeQR(t *testing.T, path, text string) {
	t.Helper()
	data, err := cardgen.PNG(text, cardgen.UTF8ECI, 8)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, data, 0o644))
}

func scanStore(t testing.TB) (*storage.Store, lead.Event) {
	t.Helper()
	s := openStore(t)
	ev := lead.Event{Name: "Hannover Messe", Country: "DE"}
	require.NoError(t, s.CreateEvent(&ev))
	return s, ev
}

func TestScanFilesSavesMergesAndReportsFailures(t *testing.T) {
	s, ev := scanStore(t)
	dir := t.TempDir()
	writeQR(t, filepath.Join(dir, "1-card.png"), vcardAnna)
	writeQR(t, filepath.Join(dir, "2-again.png"), mecardAnna)
	writeQR(t, filepath.Join(dir, "3-wifi.png"), wifi)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "4-broken.jpg"), []byte("not a photo"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "readme.txt"), []byte("ignored"), 0o644))

	var seen []int
	sum, err := workflow.ScanFiles(context.Background(), s, ev, []string{dir}, workflow.Capture{Staff: "Anna"},
		func(done, total int, r workflow.FileResult) {
			assert.Equal(t, 4, total)
			seen = append(seen, done)
		})
	require.NoError(t, err)
	assert.Equal(t, []int{1, 2, 3, 4}, seen)
	assert.Equal(t, 4, sum.Files)
	assert.Equal(t, 1, sum.New)
	assert.Equal(t, 1, sum.Updated, "the second scan of the same person updates the lead")
	assert.Equal(t, 2, sum.Failed)

	r := sum.Results
	assert.Equal(t, "new", r[0].Status())
	assert.Equal(t, "updated", r[1].Status())
	assert.ErrorIs(t, r[2].Err, capture.ErrNotAContact)
	assert.ErrorIs(t, r[3].Err, capture.ErrNotImage)

	leads, err := s.Leads(storage.Query{})
	require.NoError(t, err)
	require.Len(t, leads, 1, "no duplicate")
	l := leads[0]
	assert.Equal(t, r[0].Saved[0].Lead.ID, l.ID)
	assert.Equal(t, "Anna Schröder", l.Contact.Name())
	assert.Equal(t, "Grün & Partner", l.Contact.Organization)
	assert.Equal(t, []string{"anna.schroeder@example.de"}, l.Contact.Emails)
	require.Len(t, l.Contact.Phones, 2, "the mobile number of the second scan is added")
	assert.Equal(t, "+49309876543", l.Contact.Phones[0].Number)
	assert.Equal(t, "+491711111111", l.Contact.Phones[1].Number)
	assert.Equal(t, vcardAnna, l.RawPayload, "the first raw payload is kept exactly")
	assert.Equal(t, lead.MethodQRScan, l.Source.Method)
	assert.Equal(t, "Anna", l.CapturedBy)
	assert.Equal(t, int64(2), l.Version)
}

func TestSavePayload(t *testing.T) {
	s, ev := scanStore(t)

	saved, err := workflow.SavePayload(s, ev, mecardAnna, workflow.Capture{Method: lead.MethodScanner})
	require.NoError(t, err)
	assert.True(t, saved.Created)
	assert.Equal(t, capture.FormatMECARD, saved.Format)
	assert.Equal(t, lead.MethodScanner, saved.Lead.Source.Method, "a handheld scanner is recorded as such")

	again, err := workflow.SavePayload(s, ev, mecardAnna, workflow.Capture{})
	require.NoError(t, err)
	assert.False(t, again.Created)
	assert.Equal(t, saved.Lead.ID, again.Lead.ID)
	assert.Equal(t, saved.Lead.Version, again.Lead.Version, "an identical rescan changes nothing")

	_, err = workflow.SavePayload(s, ev, wifi, workflow.Capture{})
	var nac *capture.NotAContactError
	require.ErrorAs(t, err, &nac)
	assert.Equal(t, wifi, nac.Raw, "the raw text is kept for a note")

	n, err := s.Count(storage.Query{})
	require.NoError(t, err)
	assert.Equal(t, 1, n, "failed payloads save nothing")

	badge, err := workflow.SavePayload(s, ev, "A7F3-99812-XK", workflow.Capture{})
	require.NoError(t, err, "an opaque badge ID alone waits for its contact")
	assert.True(t, badge.Lead.AwaitsContact())
	info, err := s.SyncInfo(badge.Lead.ID)
	require.NoError(t, err)
	assert.Equal(t, storage.SyncWaiting, info.Status)
}

func TestSavePayloadEdit(t *testing.T) {
	s, ev := scanStore(t)
	boom := errors.New("note refused")
	_, err := workflow.SavePayload(s, ev, mecardAnna, workflow.Capture{Edit: func(l *lead.Lead) error { return boom }})
	require.ErrorIs(t, err, boom)
	n, err := s.Count(storage.Query{})
	require.NoError(t, err)
	assert.Zero(t, n, "a failed edit saves no lead")

	saved, err := workflow.SavePayload(s, ev, mecardAnna, workflow.Capture{Edit: func(l *lead.Lead) error {
		l.Rating = lead.RatingHot
		return nil
	}})
	require.NoError(t, err)
	assert.True(t, saved.Created)
	assert.Equal(t, int64(1), saved.Lead.Version, "the edit lands with the scan")
	assert.Equal(t, lead.RatingHot, saved.Lead.Rating)
}

func TestImageFiles(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "sub"), 0o755))
	for _, name := range []string{"b.JPG", "a.png", "sub/c.webp", "notes.txt"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), nil, 0o644))
	}
	files, err := workflow.ImageFiles([]string{dir, filepath.Join(dir, "notes.txt")})
	require.NoError(t, err)
	assert.Equal(t, []string{filepath.Join(dir, "a.png"), filepath.Join(dir, "b.JPG"), filepath.Join(dir, "sub/c.webp"), filepath.Join(dir, "notes.txt")}, files)

	_, err = workflow.ImageFiles([]string{filepath.Join(dir, "sub", "nothing")})
	assert.ErrorIs(t, err, os.ErrNotExist)
	empty := t.TempDir()
	_, err = workflow.ImageFiles([]string{empty})
	assert.ErrorIs(t, err, workflow.ErrNoImages)
}

// ImageFilesIn and DecodeFileIn read relative paths from the directory
// they are given, not the process's, and name files and errors as given.
func TestImageFilesInAndDecodeFileIn(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "cards", "sub"), 0o755))
	for _, name := range []string{"cards/b.png", "cards/sub/a.jpg", "cards/notes.txt"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("not an image"), 0o644))
	}
	files, err := workflow.ImageFilesIn(dir, []string{"./cards/", "cards/notes.txt"})
	require.NoError(t, err)
	assert.Equal(t, []string{"cards/b.png", "cards/sub/a.jpg", "cards/notes.txt"}, files)
	abs, err := workflow.ImageFilesIn(dir, []string{filepath.Join(dir, "cards", "b.png")})
	require.NoError(t, err)
	assert.Equal(t, []string{filepath.Join(dir, "cards", "b.png")}, abs, "an absolute path stays as it is")

	_, err = workflow.ImageFilesIn(dir, []string{"cards/nothing"})
	require.ErrorIs(t, err, os.ErrNotExist)
	assert.Contains(t, err.Error(), "stat cards/nothing:", "named as given")
	assert.NotContains(t, err.Error(), dir)

	_, _, err = workflow.DecodeFileIn(dir, "cards/b.png")
	require.ErrorIs(t, err, capture.ErrNotImage)
	assert.Contains(t, err.Error(), "cards/b.png")
	assert.NotContains(t, err.Error(), dir)
	_, _, err = workflow.DecodeFileIn(dir, "cards/gone.png")
	require.ErrorIs(t, err, os.ErrNotExist)
	assert.Contains(t, err.Error(), "open cards/gone.png:")
	_, _, err = workflow.DecodeFileIn(dir, "cards")
	require.ErrorIs(t, err, workflow.ErrNotRegular)
	assert.True(t, strings.HasPrefix(err.Error(), "cards "), "%v", err)
}

func TestSavePayloadKeepsTheCardAndReportsWhatWasNotTaken(t *testing.T) {
	s, ev := scanStore(t)
	payload := "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Ute Brandt\r\nEMAIL;PREF;INTERNET:ute@brandt.example\r\nEMAIL;TLX:4711081512\r\nTEL;WORK;VOICE:BusinessPhone\r\nEND:VCARD\r\n"
	saved, err := workflow.SavePayload(s, ev, payload, workflow.Capture{})
	require.NoError(t, err, "one bad field does not refuse the card")
	require.Len(t, saved.NotTaken, 2)
	assert.Equal(t, "4711081512", saved.NotTaken[0].Value)
	assert.Equal(t, "BusinessPhone", saved.NotTaken[1].Value)

	got, err := s.Lead(saved.Lead.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{"ute@brandt.example"}, got.Contact.Emails)
	assert.Empty(t, got.Contact.Phones)
	assert.Equal(t, payload, got.RawPayload, "the raw payload keeps what was not taken over")
}

func TestSavePayloadUsesTheEventsBadgePattern(t *testing.T) {
	s := openStore(t)
	ev := lead.Event{Name: "Expo", Country: "DE", Badge: lead.BadgePattern{Prefix: "EXP-", Length: 10}}
	require.NoError(t, s.CreateEvent(&ev))
	stored, err := s.Event(ev.ID)
	require.NoError(t, err)
	assert.Equal(t, ev.Badge, stored.Badge, "the pattern is stored with the event")

	saved, err := workflow.SavePayload(s, stored, "EXP-004711", workflow.Capture{})
	require.NoError(t, err)
	assert.Equal(t, "EXP-004711", saved.Lead.BadgeID, "a badge of the event, waiting for its contact")
	_, err = workflow.SavePayload(s, stored, "A7F3-99812-XK", workflow.Capture{})
	require.ErrorIs(t, err, capture.ErrNotAContact, "not this event's badge")
}
