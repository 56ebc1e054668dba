package app

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/capture"
	"leadcap/lead"
	leadstore "leadcap/storage"
)

// adaCard is the vCard on Ada's business card.
const adaCard = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lovelace;Ada;;;\r\nFN:Ada Lovelace\r\nORG:Analytical Engines\r\n" +
	"TITLE:Countess\r\nEMAIL:ada@example.com\r\nTEL;TYPE=WORK:+44 20 7946 0001\r\nEND:VCARD"

// jurgenCard has umlauts: the QR code is written as UTF-8.
const jurgenCard = "MECARD:N:Müller,Jürgen;ORG:Müller Maschinenbau GmbH;EMAIL:j.mueller@example.de;TEL:0511 1234567;;"

// qrPNG writes payload as a QR code PNG into the test's temporary
// directory, with gozxing's writer and the UTF-8 character set.
func qrPNG(t testing.TB, payload string) string {
	t.Helper()
	hints := map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_CHARACTER_SET: "UTF-8"}
	m, err := qrcode.NewQRCodeWriter().Encode(payload, gozxing.BarcodeFormat_QR_CODE, 600, 600, hints)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "card.png")
	f, err := os.Create(path)
	require.NoError(t, err)
	require.NoError(t, png.Encode(f, m))
	require.NoError(t, f.Close())
	return path
}

// atBooth stores the Hannover Messe as the active event, with Anna
// working, and builds the UI on the Capture tab.
func atBooth(t *testing.T) (*UI, *captureScreen, lead.Event) {
	t.Helper()
	st := newStore(t)
	ev := lead.Event{Name: "Hannover Messe", City: "Hannover", Country: "DE", Booth: "B12"}
	require.NoError(t, st.CreateEvent(&ev))
	require.NoError(t, st.SetActiveEvent(ev.ID))
	require.NoError(t, st.SetSetting(settingStaff, "Anna"))
	require.NoError(t, st.SetSetting(settingDevice, "booth-tablet-1"))
	u := newTestUI(t, st)
	u.tabs.SelectIndex(0)
	return u, u.capture, ev
}

func allLeads(t *testing.T, u *UI) []lead.Lead {
	t.Helper()
	ls, err := u.st.Leads(leadstore.Query{})
	require.NoError(t, err)
	return ls
}

func TestCaptureScanPhotoReviewAndSave(t *testing.T) {
	u, s, ev := atBooth(t)
	assert.Equal(t, "Hannover Messe · Booth B12 · Anna", s.chip.Text)
	assert.Equal(t, "Ready to scan.", s.home.status.Text)

	s.openURI(storage.NewFileURI(qrPNG(t, adaCard)))
	require.NotNil(t, s.rev.form, "the form opens for review")
	assert.True(t, s.rev.content.Visible())
	assert.False(t, s.idle.Visible())
	r := s.rev.form
	assert.Equal(t, "Ada", r.given.Text)
	assert.Equal(t, "Lovelace", r.family.Text)
	assert.Equal(t, "Analytical Engines", r.org.Text)
	assert.Equal(t, "Countess", r.title.Text)
	assert.Equal(t, "ada@example.com", r.email.Text)
	assert.Contains(t, r.captured.Text, "by Anna · QR code")
	stored := allLeads(t, u)
	require.Len(t, stored, 1, "stored the moment it was read, before any review")
	held, err := u.st.Held(stored[0].ID)
	require.NoError(t, err)
	assert.True(t, held, "not sent to the CRM while under review")
	test.AssertRendersToMarkup(t, golden("capture_review.xml"), u.win.Canvas())

	test.Tap(r.fit.buttons[0])
	test.Type(r.noteText, "Wants a demo")
	test.Tap(r.save)

	ls := allLeads(t, u)
	require.Len(t, ls, 1)
	l := ls[0]
	assert.Equal(t, lead.MethodQRScan, l.Source.Method)
	assert.Equal(t, adaCard, l.RawPayload)
	assert.Equal(t, ev.ID, l.EventID)
	assert.Equal(t, "Anna", l.CapturedBy)
	assert.Equal(t, "booth-tablet-1", l.DeviceID)
	assert.Equal(t, []string{"ada@example.com"}, l.Contact.Emails)
	assert.Equal(t, "+442079460001", l.Contact.Phones[0].Number)
	assert.Equal(t, lead.Yes, l.Qualification.Fit, "what was set on the form is kept")
	require.Len(t, l.Notes, 1)
	assert.Equal(t, "Wants a demo", l.Notes[0].Text)

	assert.Nil(t, s.rev.form)
	assert.True(t, s.idle.Visible(), "ready for the next visitor")
	assert.Equal(t, "Saved Ada Lovelace. 1 lead today at Hannover Messe by Anna.", s.home.resultText.Text)
	assert.True(t, s.home.qualify.Visible())
	assert.True(t, s.home.undo.Visible())
	assert.Equal(t, "Ready for the next scan.", s.home.status.Text)
	assert.Equal(t, 1, u.leads.list.Length(), "the list shows the new lead")

	test.Tap(s.home.qualify)
	assert.Equal(t, 1, u.tabs.SelectedIndex(), "Qualify opens the lead")
	require.NotNil(t, u.leadOnShow())
	assert.Equal(t, l.ID, u.leadOnShow().id)
	held, err = u.st.Held(l.ID)
	require.NoError(t, err)
	assert.False(t, held, "once qualifying starts, the lead goes to the CRM")
}

func TestCaptureUmlautsAndEnterSaves(t *testing.T) {
	u, s, _ := atBooth(t)
	s.openURI(storage.NewFileURI(qrPNG(t, jurgenCard)))
	require.NotNil(t, s.rev.form)
	assert.Equal(t, "Jürgen", s.rev.form.given.Text)
	assert.Equal(t, "Müller Maschinenbau GmbH", s.rev.form.org.Text)
	test.Type(s.rev.form.title, "Einkauf")

	// Enter with no field focused saves: one key for the whole review.
	u.win.Canvas().Unfocus()
	u.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	assert.Nil(t, s.rev.form)
	ls := allLeads(t, u)
	require.Len(t, ls, 1)
	assert.Equal(t, "Jürgen Müller", ls[0].Contact.FullName)
	assert.Equal(t, "Einkauf", ls[0].Contact.Title)
	assert.Equal(t, "+495111234567", ls[0].Contact.Phones[0].Number, "the event's country is the phone region")
}

func TestCaptureEnterInAFieldSaves(t *testing.T) {
	u, s, _ := atBooth(t)
	s.onTypeItInTapped()
	require.NotNil(t, s.rev.form)
	assert.Equal(t, s.rev.form.given, u.win.Canvas().Focused(), "typing starts in the first field")
	assert.Empty(t, allLeads(t, u), "a lead typed in is stored at Save")
	test.Type(s.rev.form.given, "Grace")
	test.Type(s.rev.form.family, "Hopper")
	test.Type(s.rev.form.email, "grace@example.org")
	s.rev.form.email.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	ls := allLeads(t, u)
	require.Len(t, ls, 1)
	assert.Equal(t, lead.MethodManual, ls[0].Source.Method)
	assert.Empty(t, ls[0].RawPayload)
	assert.Equal(t, "Saved Grace Hopper. 1 lead today at Hannover Messe by Anna.", s.home.resultText.Text)

	test.Tap(s.home.undo)
	assert.Empty(t, allLeads(t, u), "Undo takes a lead typed in back too")
}

func TestCaptureHandheldScannerTypesALead(t *testing.T) {
	u, s, _ := atBooth(t)
	u.showLeads() // a scan works on any tab
	c := u.win.Canvas()
	require.Nil(t, c.Focused())
	// A scanner configured to send line breaks as Enter.
	test.TypeOnCanvas(c, strings.ReplaceAll(adaCard, "\r\n", "\n")+"\n")
	require.NotNil(t, s.rev.form, "the scan opened the review")
	assert.Equal(t, 0, u.tabs.SelectedIndex(), "Capture comes to the front")
	assert.Equal(t, "ada@example.com", s.rev.form.email.Text)
	assert.Contains(t, s.rev.form.captured.Text, "handheld scanner")
	test.Tap(s.rev.form.save)

	ls := allLeads(t, u)
	require.Len(t, ls, 1)
	assert.Equal(t, lead.MethodScanner, ls[0].Source.Method)
	assert.Equal(t, strings.ReplaceAll(adaCard, "\r\n", "\n"), ls[0].RawPayload)
}

func TestCaptureScannerWithoutEnterIsFlushedAfterThePause(t *testing.T) {
	u, s, _ := atBooth(t)
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	s.keys.clock = func() time.Time { return at }
	test.TypeOnCanvas(u.win.Canvas(), "mailto:linus@example.net")
	assert.Nil(t, s.rev.form, "a one-line code waits for the pause")
	s.keys.flush(at.Add(100 * time.Millisecond))
	assert.Nil(t, s.rev.form)
	s.keys.flush(at.Add(250 * time.Millisecond))
	require.NotNil(t, s.rev.form)
	assert.Equal(t, "linus@example.net", s.rev.form.email.Text)
	s.keys.stop()
}

// The same person scanned again: the lead they already are, with its
// stage and rating, is shown at once, above the form, not after Save.
func TestCaptureDuplicateShownBeforeTheForm(t *testing.T) {
	u, s, ev := atBooth(t)
	ada := addLead(t, u.st, ev, 1, "Ada", "Lovelace", "Analytical Engines", "ada@example.com")
	_, err := u.st.UpdateLead(ada.ID, func(l *lead.Lead) error {
		l.Qualification = lead.Qualification{Fit: lead.Yes, Budget: lead.Yes, Authority: lead.Yes, Interest: lead.Yes}
		l.Rating = lead.RatingHot
		return nil
	})
	require.NoError(t, err)

	// The same card comes again, with a new phone on it.
	second := strings.Replace(adaCard, "END:VCARD", "TEL;TYPE=CELL:+49 151 23456789\r\nEND:VCARD", 1)
	s.openURI(storage.NewFileURI(qrPNG(t, second)))
	require.NotNil(t, s.rev.form)
	assert.True(t, s.rev.dupBox.Visible(), "the existing lead is shown with the form")
	assert.Equal(t, "Ada Lovelace was already a lead here: Prospect, Hot, captured 2026-11-27 09:31. The scan was added to that lead; Discard takes it out again.", s.rev.dupText.Text)
	assert.Equal(t, 0, s.rev.form.rating.selected, "the form is that lead's")
	test.AssertRendersToMarkup(t, golden("capture_duplicate.xml"), u.win.Canvas())

	ls := allLeads(t, u)
	require.Len(t, ls, 1, "still one lead")
	var numbers []string
	for _, p := range ls[0].Contact.Phones {
		numbers = append(numbers, p.Number)
	}
	assert.Equal(t, []string{"+442079460001", "+4915123456789"}, numbers, "the new phone was merged in at once")

	test.Tap(s.rev.discard)
	got, err := u.st.Lead(ada.ID)
	require.NoError(t, err)
	assert.Empty(t, got.Contact.Phones, "Discard takes the scan out again")
	assert.Equal(t, lead.RatingHot, got.Rating, "and leaves the lead as it was")
	assert.Equal(t, "Took the scan out of Ada Lovelace again.", s.home.resultText.Text)
}

func TestCaptureWiFiCodeOffersSaveAsNote(t *testing.T) {
	u, s, ev := atBooth(t)
	ada := addLead(t, u.st, ev, 1, "Ada", "Lovelace", "Analytical Engines", "ada@example.com")
	const wifi = "WIFI:T:WPA;S:HallB-Guests;P:fair2026;;"
	s.openURI(storage.NewFileURI(qrPNG(t, wifi)))
	assert.Nil(t, s.rev.form, "no contact is made up")
	assert.True(t, s.note.content.Visible())
	assert.Equal(t, "This code holds Wi-Fi settings, not a contact.", s.note.kind.Text)
	assert.Equal(t, wifi, s.note.raw.Text)
	test.AssertRendersToMarkup(t, golden("capture_note.xml"), u.win.Canvas())

	test.Tap(s.note.attach)
	require.True(t, s.note.picker.content.Visible())
	test.Type(s.note.picker.search, "ada")
	require.Equal(t, 1, s.note.picker.list.Length())
	s.note.picker.list.Select(0)

	got, err := u.st.Lead(ada.ID)
	require.NoError(t, err)
	require.Len(t, got.Notes, 1)
	assert.Equal(t, wifi, got.Notes[0].Text)
	assert.Equal(t, "Anna", got.Notes[0].Author)
	assert.Len(t, allLeads(t, u), 1, "no lead was created")
	assert.Equal(t, "Saved the code as a note on Ada Lovelace.", s.home.status.Text)
}

func TestCaptureNoteOnANewLeadOnlyWhenAsked(t *testing.T) {
	u, s, _ := atBooth(t)
	s.onPayload("https://example.com/hall-plan", lead.MethodScanner)
	assert.Equal(t, "This code holds a web address, not a contact.", s.note.kind.Text)
	test.Tap(s.note.newLead)
	require.NotNil(t, s.rev.form)
	assert.Empty(t, s.rev.form.given.Text, "the contact is typed in by the user")
	assert.Equal(t, "https://example.com/hall-plan", s.rev.form.noteText.Text)
	test.Tap(s.rev.form.save)
	assert.Empty(t, allLeads(t, u), "a note alone is no lead")
	assert.Equal(t, "Add an email, a phone number or a web address, or a name together with an organization.", s.rev.form.message.Text)

	test.Type(s.rev.form.email, "visitor@example.com")
	test.Tap(s.rev.form.save)
	ls := allLeads(t, u)
	require.Len(t, ls, 1)
	require.Len(t, ls[0].Notes, 1)
	assert.Equal(t, "https://example.com/hall-plan", ls[0].Notes[0].Text)
}

func TestCaptureExplainsUnreadablePhotos(t *testing.T) {
	_, s, _ := atBooth(t)
	dir := t.TempDir()

	notImage := filepath.Join(dir, "notes.png")
	require.NoError(t, os.WriteFile(notImage, []byte("not a picture"), 0o600))
	s.openURI(storage.NewFileURI(notImage))
	assert.Equal(t, "This file is not a PNG, JPEG, GIF or WebP photo. Export it in one of these formats and try again.", s.home.status.Text)
	assert.Nil(t, s.rev.form)

	huge := filepath.Join(dir, "huge.jpg")
	f, err := os.Create(huge)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(31<<20))
	require.NoError(t, f.Close())
	s.openURI(storage.NewFileURI(huge))
	assert.Equal(t, "The photo is too large (over 50 megapixels or 30 MB). Take it at a lower resolution or crop it around the code.", s.home.status.Text)

	blank := filepath.Join(dir, "blank.png")
	require.NoError(t, os.WriteFile(blank, whitePNG(t), 0o600))
	s.openURI(storage.NewFileURI(blank))
	assert.Equal(t, "No QR code found in the photo. Hold the code flat, fill more of the frame with it, avoid reflections and try again.", s.home.status.Text)

	s.openURI(storage.NewFileURI(filepath.Join(dir, "gone.png")))
	assert.Equal(t, "The photo is gone: it was moved or deleted. Open it again.", s.home.status.Text)
}

func TestCaptureDroppedPhotoDiscardAndUndo(t *testing.T) {
	u, s, _ := atBooth(t)
	s.onDropped([]fyne.URI{storage.NewFileURI(qrPNG(t, adaCard))})
	require.NotNil(t, s.rev.form)
	assert.Equal(t, "ada@example.com", s.rev.form.email.Text)
	require.Len(t, allLeads(t, u), 1, "stored as soon as it was read")
	test.Tap(s.rev.discard)
	assert.Nil(t, s.rev.form)
	assert.Empty(t, allLeads(t, u), "Discard deletes it")
	assert.Equal(t, "Discarded Ada Lovelace.", s.home.resultText.Text)
	assert.Equal(t, "Ready to scan.", s.home.status.Text)
	assert.False(t, s.home.qualify.Visible())

	test.Tap(s.home.undo)
	ls := allLeads(t, u)
	require.Len(t, ls, 1, "Undo brings it back")
	assert.Equal(t, "ada@example.com", ls[0].Contact.Emails[0])
	assert.Equal(t, "Restored Ada Lovelace.", s.home.resultText.Text)
	assert.False(t, s.home.undo.Visible())
	held, err := u.st.Held(ls[0].ID)
	require.NoError(t, err)
	assert.False(t, held, "a restored lead goes to the CRM")
}

// whitePNG is a blank 200×200 picture: an image without a code.
func whitePNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 200, 200))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, img))
	return b.Bytes()
}

func TestCaptureBadgePhotoIsABadgeScan(t *testing.T) {
	u, s, _ := atBooth(t)
	const badge = "MECARD:N:Lindqvist,Åsa;ORG:Svensk Mätteknik AB;EMAIL:asa.lindqvist@matteknik.se;CONF:7GJ4KX2P;;"
	s.openURI(storage.NewFileURI(qrPNG(t, badge)))
	require.NotNil(t, s.rev.form)
	assert.Equal(t, "Åsa", s.rev.form.given.Text)
	test.Tap(s.rev.form.save)
	ls := allLeads(t, u)
	require.Len(t, ls, 1)
	assert.Equal(t, lead.MethodBadgeScan, ls[0].Source.Method)
	assert.Equal(t, "7GJ4KX2P", ls[0].BadgeID)
	assert.Equal(t, badge, ls[0].RawPayload)
}

// Codes are read with the event's badge pattern: a code that matches it is
// that event's badge, and the same text at an event with another pattern
// is not taken for one.
func TestCodesAreReadWithTheEventsBadgePattern(t *testing.T) {
	ev := lead.Event{Country: "DE", Badge: lead.BadgePattern{Prefix: "HM26-", Length: 11}}
	r, _ := parseCodes([]capture.Code{{Text: "HM26-004711"}}, parseOptions(ev))
	assert.Equal(t, "HM26-004711", r.parsed.BadgeID)

	other := lead.Event{Country: "DE", Badge: lead.BadgePattern{Prefix: "IFA-"}}
	r, _ = parseCodes([]capture.Code{{Text: "HM26-004711"}}, parseOptions(other))
	assert.Empty(t, r.parsed.BadgeID, "not this event's badge")
	assert.Error(t, r.err)
}
