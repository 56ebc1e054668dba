package app

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"

	"leadcap/lead"
	leadstore "leadcap/storage"
)

// A badge that holds only the organiser's ID is stored at once and waits
// for its contact; the attendee list imported on the Event screen fills
// it, and a badge scanned afterwards is filled at once, offline.
func TestBadgeIDAloneWaitsUntilTheAttendeeListFillsIt(t *testing.T) {
	u, s, ev := atBooth(t)
	s.onPayload("A7F3-99812-XK", lead.MethodScanner)
	require.NotNil(t, s.rev.form)
	assert.Contains(t, s.rev.form.syncInfo.Text, "Waits for its contact")
	test.Tap(s.rev.form.save)
	ls := allLeads(t, u)
	require.Len(t, ls, 1, "the badge scan is kept")
	assert.True(t, ls[0].AwaitsContact())
	info, err := u.st.SyncInfo(ls[0].ID)
	require.NoError(t, err)
	assert.Equal(t, leadstore.SyncWaiting, info.Status, "not sent to the CRM without a way to reach the person")
	assert.Equal(t, "Waits for contact", syncLabel(info.Status))

	test.Tap(s.chip)
	e := s.event
	require.True(t, e.content.Visible())
	a := e.attendees
	assert.False(t, a.button.Disabled(), "the active event can take its list")
	test.Tap(a.button)
	assert.Len(t, u.win.Canvas().Overlays().List(), 1, "the file dialog opens")
	u.win.Canvas().Overlays().Top().Hide()
	u.win.Canvas().Overlays().Remove(u.win.Canvas().Overlays().Top())

	csv, err := charmap.Windows1252.NewEncoder().Bytes([]byte("Ausweis-Nr.;Vorname;Nachname;E-Mail;Firma\r\n" +
		"A7F3-99812-XK;Jürgen;Müller;juergen@example.de;Müller & Söhne\r\nB8G4-11111-ZZ;Zoë;Weiß;zoe@example.de;Straße AG\r\n"))
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "teilnehmer.csv")
	require.NoError(t, os.WriteFile(path, csv, 0o644))
	r, err := storage.Reader(storage.NewFileURI(path))
	require.NoError(t, err)
	a.onFileChosen(r, nil)
	assert.Equal(t, "2 attendees loaded: 1 badge scans filled and queued for the CRM, 0 still wait for their contact.", a.result.Text)
	assert.Equal(t, widget.MediumImportance, a.result.Importance)
	got, err := u.st.Lead(ls[0].ID)
	require.NoError(t, err)
	assert.Equal(t, "Jürgen Müller", got.Contact.Name())
	info, err = u.st.SyncInfo(got.ID)
	require.NoError(t, err)
	assert.Equal(t, leadstore.SyncPending, info.Status)

	test.Tap(e.use)
	s.onPayload("B8G4-11111-ZZ", lead.MethodScanner)
	require.NotNil(t, s.rev.form)
	assert.Equal(t, "Zoë", s.rev.form.given.Text, "filled from the list at once")
	assert.Equal(t, "zoe@example.de", s.rev.form.email.Text)
	_ = ev
}

func TestAttendeeImportSaysWhyAListIsRefused(t *testing.T) {
	u, s, _ := atBooth(t)
	test.Tap(s.chip)
	a := s.event.attendees
	path := filepath.Join(t.TempDir(), "names.csv")
	require.NoError(t, os.WriteFile(path, []byte("Name;Email\nAda;ada@example.com\n"), 0o644))
	r, err := storage.Reader(storage.NewFileURI(path))
	require.NoError(t, err)
	a.onFileChosen(r, nil)
	assert.Contains(t, a.result.Text, "no badge ID column")
	assert.Equal(t, widget.DangerImportance, a.result.Importance)
	list, err := u.st.Attendees(s.ev.ID)
	require.NoError(t, err)
	assert.Empty(t, list, "nothing stored")
}
