package app

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/capture"
	"leadcap/lead"
	"leadcap/storage"
)

// The booth flow of issue 10: people scan the next badge before they
// finish the last form, and no scan may be lost on the way.

const (
	// vCards as a handheld scanner types them: line breaks as Enter.
	astridCard = "BEGIN:VCARD\nVERSION:3.0\nN:Berg;Astrid;;;\nFN:Astrid Berg\nORG:Nordlicht AB\nEMAIL:astrid.berg@nordlicht.se\nEND:VCARD"
	jonasCard  = "BEGIN:VCARD\nVERSION:3.0\nN:Weber;Jonas;;;\nFN:Jonas Weber\nORG:Weber Technik\nEMAIL:jonas@weber-technik.de\nEND:VCARD"
	saraCard   = "MECARD:N:Lind,Sara;ORG:Lind Design;EMAIL:sara@lind.design;TEL:+46 8 123 456 78;;"
)

// boothAt opens the store file at path and builds the UI at the
// Hannover Messe with Anna working; the UI is not closed at the end (the
// test decides how the app ends).
func boothAt(t *testing.T, path string) (*UI, *storage.Store) {
	t.Helper()
	c := &clock{t: t0.Add(time.Hour)}
	st, err := storage.Open(path, &storage.Options{Now: c.now})
	require.NoError(t, err)
	if _, err := st.ActiveEvent(); err != nil {
		ev := lead.Event{Name: "Hannover Messe", City: "Hannover", Country: "DE", Booth: "B12"}
		require.NoError(t, st.CreateEvent(&ev))
		require.NoError(t, st.SetActiveEvent(ev.ID))
	}
	test.NewTempApp(t)
	u := New(fyne.CurrentApp(), st, Options{Staff: "Anna", Now: (&clock{t: t0.Add(2 * time.Hour)}).now, run: inline, do: inline})
	u.win.Resize(fyne.NewSize(900, 640))
	return u, st
}

// scan types a payload as the scanner does, all keys at one instant, and
// an Enter after it when enter is set.
func scan(u *UI, payload string, enter bool) {
	at := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	u.capture.keys.clock = func() time.Time { return at }
	c := u.win.Canvas()
	for _, line := range strings.SplitAfter(payload, "\n") {
		text := strings.TrimSuffix(line, "\n")
		test.TypeOnCanvas(c, text)
		if len(text) < len(line) {
			c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
		}
	}
	if enter {
		c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	}
}

func names(t *testing.T, st *storage.Store) []string {
	t.Helper()
	ls, err := st.Leads(storage.Query{})
	require.NoError(t, err)
	var out []string
	for _, l := range ls {
		out = append(out, l.Contact.Name())
	}
	return out
}

// Astrid (vCard, no Enter), Jonas (vCard, Enter), Sara (MECARD, Enter),
// each scanned while the last one's review is still open: all three are
// stored, and after the app is closed and started again all three are
// there and due for the CRM.
func TestCaptureRapidScansKeepEveryone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leadcap.db")
	u, st := boothAt(t, path)
	s := u.capture

	scan(u, astridCard, false)
	require.NotNil(t, s.rev.form)
	assert.Equal(t, "Astrid", s.rev.form.given.Text)
	test.Type(s.rev.form.title, "CTO") // being typed when the next badge comes

	scan(u, jonasCard, true)
	require.NotNil(t, s.rev.form, "Jonas is up for review")
	assert.Equal(t, "Jonas", s.rev.form.given.Text)
	assert.Equal(t, "Saved Astrid Berg as it stood. Stored. Check the details, then save.", s.rev.form.message.Text)

	scan(u, saraCard, true)
	require.NotNil(t, s.rev.form, "MECARD with Enter opens the review as a vCard does: one rhythm")
	assert.Equal(t, "Sara", s.rev.form.given.Text)
	assert.ElementsMatch(t, []string{"Astrid Berg", "Jonas Weber", "Sara Lind"}, names(t, st))

	retype(s.rev.form.title, "Designer")
	u.win.Close() // Sara's review is open: it is saved as it stands
	require.NoError(t, st.Close())

	st, err := storage.Open(path, nil)
	require.NoError(t, err)
	defer st.Close()
	ls, err := st.Leads(storage.Query{})
	require.NoError(t, err)
	require.Len(t, ls, 3, "all three are there")
	for _, l := range ls {
		switch l.Contact.GivenName {
		case "Astrid":
			assert.Equal(t, "CTO", l.Contact.Title, "what was typed on her form was saved")
		case "Sara":
			assert.Equal(t, "Designer", l.Contact.Title, "what was typed on the form open at close was saved")
		}
	}
	due, err := st.ClaimDue(time.Now().Add(time.Hour), 10, time.Hour)
	require.NoError(t, err)
	assert.Len(t, due, 3, "and all three go to the CRM")
	require.NoError(t, st.Check())
}

// The app is killed with a review open: nothing runs at exit. The bbolt
// file holds the scan, and opening it lets the lead go to the CRM.
func TestCaptureKilledWithAReviewOpenLosesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leadcap.db")
	u, st := boothAt(t, path)
	scan(u, astridCard, false)
	require.NotNil(t, u.capture.rev.form)
	u.closers = nil // killed: no window-close handlers run
	require.NoError(t, st.Close())

	st, err := storage.Open(path, nil)
	require.NoError(t, err)
	defer st.Close()
	assert.Equal(t, []string{"Astrid Berg"}, names(t, st))
	due, err := st.ClaimDue(time.Now().Add(time.Hour), 10, time.Hour)
	require.NoError(t, err)
	require.Len(t, due, 1, "the hold of the review ended with the process")
	assert.Equal(t, "Astrid Berg", due[0].Lead.Contact.Name())
	u.win.Close()
}

// "Save at once": each scan is stored and shown as saved, with Undo.
func TestCaptureSaveAtOnce(t *testing.T) {
	u, s, _ := atBooth(t)
	u.win.Canvas().Focus(s.home.reviewEach) // as a click does on the desktop
	test.Tap(s.home.reviewEach)             // off
	assert.Nil(t, u.win.Canvas().Focused(), "the scanner's keys come to the screen, not to the check")
	v, err := u.st.Setting(settingReviewEach)
	require.NoError(t, err)
	assert.Equal(t, "off", v, "the rhythm is kept for the next start")

	scan(u, saraCard, true)
	scan(u, astridCard, false)
	assert.Nil(t, s.rev.form, "no form in between")
	assert.True(t, s.idle.Visible())
	assert.Equal(t, "Saved Astrid Berg. 2 leads today at Hannover Messe by Anna.", s.home.resultText.Text)
	assert.ElementsMatch(t, []string{"Astrid Berg", "Sara Lind"}, names(t, u.st))

	test.Tap(s.home.undo)
	assert.Equal(t, []string{"Sara Lind"}, names(t, u.st), "Undo takes the last scan back")
	assert.Equal(t, "Discarded Astrid Berg.", s.home.resultText.Text)
	test.Tap(s.home.undo)
	assert.ElementsMatch(t, []string{"Astrid Berg", "Sara Lind"}, names(t, u.st), "and Undo again brings it back")
}

// Saving keeps the lead from the CRM while Undo is on offer; the next scan
// ends the offer.
func TestCaptureUndoOfferHoldsTheSync(t *testing.T) {
	u, s, _ := atBooth(t)
	scan(u, saraCard, false)
	test.Tap(s.rev.form.save)
	sara := allLeads(t, u)[0]
	held, err := u.st.Held(sara.ID)
	require.NoError(t, err)
	assert.True(t, held, "held while Undo is on offer")

	scan(u, astridCard, false)
	held, err = u.st.Held(sara.ID)
	require.NoError(t, err)
	assert.False(t, held, "the next scan ends the offer")
	assert.False(t, s.home.result.Visible())
}

func TestCaptureShowsWhatWasNotTakenOver(t *testing.T) {
	_, s, _ := atBooth(t)
	p, err := capture.Parse("MECARD:N:Lind,Sara;EMAIL:sara@lind.design;;", "DE")
	require.NoError(t, err)
	// What capture.Parse lists when a value is refused (filled there).
	p.NotTaken = []capture.NotTaken{{Field: "EMAIL", Value: "not-an-address", Reason: "not an email address"}}
	s.showScan(scanned{parsed: p, codes: 1}, lead.MethodScanner)
	require.NotNil(t, s.rev.form)
	assert.Equal(t, "sara@lind.design", s.rev.form.email.Text)
	assert.True(t, s.rev.notTaken.Visible())
	assert.Equal(t, `Not taken over: EMAIL "not-an-address": not an email address`, s.rev.notTaken.Text)

	s.onPayload(saraCard, lead.MethodScanner)
	assert.False(t, s.rev.notTaken.Visible(), "the next scan took everything over")
}

// A lead being typed in is saved as it stands when a scan comes; an
// empty one is simply closed.
func TestCaptureScanWhileTypingIn(t *testing.T) {
	u, s, _ := atBooth(t)
	s.onTypeItInTapped()
	scan(u, saraCard, false)
	require.NotNil(t, s.rev.form)
	assert.Equal(t, "Sara", s.rev.form.given.Text)
	assert.Equal(t, "Stored. Check the details, then save.", s.rev.form.message.Text, "nothing to report about an empty form")

	s.onTypeItInTapped()
	test.Type(s.rev.form.email, "grace@example.org")
	scan(u, astridCard, false)
	assert.Equal(t, "Saved grace@example.org as it stood. Stored. Check the details, then save.", s.rev.form.message.Text)
	assert.ElementsMatch(t, []string{"Sara Lind", "", "Astrid Berg"}, names(t, u.st))
}

// A contact scanned while a code that is not one is on offer replaces
// the offer.
func TestCaptureContactAfterANoteOffer(t *testing.T) {
	u, s, _ := atBooth(t)
	s.onPayload("WIFI:T:WPA;S:HallB-Guests;P:fair2026;;", lead.MethodScanner)
	require.True(t, s.note.content.Visible())
	scan(u, saraCard, false)
	require.NotNil(t, s.rev.form)
	assert.False(t, s.note.content.Visible(), "the offer is gone")
	assert.True(t, s.rev.content.Visible())
}

// typeAsDriver types as the desktop driver delivers keys: to the focused
// widget if any, else to the window.
func typeAsDriver(c fyne.Canvas, text string) {
	for _, r := range text {
		if f := c.Focused(); f != nil {
			if r == '\n' {
				f.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			} else {
				f.TypedRune(r)
			}
			continue
		}
		if r == '\n' {
			c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
			continue
		}
		c.OnTypedRune()(r)
	}
}

// The person clicked into a field of the form, then scanned the next
// badge: the scanner's keys land in that field. The scan still reaches
// the scanner and the field keeps only what the person typed.
func TestCaptureScanTypedIntoAFieldIsNotLost(t *testing.T) {
	u, s, _ := atBooth(t)
	scan(u, astridCard, false)
	f := s.rev.form
	c := u.win.Canvas()
	c.Focus(f.title)
	typeAsDriver(c, "CTO")
	typeAsDriver(c, jonasCard)
	require.NotNil(t, s.rev.form)
	assert.Equal(t, "Jonas", s.rev.form.given.Text, "the scan opened Jonas")
	assert.ElementsMatch(t, []string{"Astrid Berg", "Jonas Weber"}, names(t, u.st))
	ls, err := u.st.Leads(storage.Query{})
	require.NoError(t, err)
	for _, l := range ls {
		if l.Contact.GivenName == "Astrid" {
			assert.Equal(t, "CTO", l.Contact.Title, "the field kept what the person typed, not the scan")
		}
	}

	c.Focus(s.rev.form.noteText)
	typeAsDriver(c, saraCard)
	assert.Equal(t, "Sara", s.rev.form.given.Text, "the same from the note field")
}

// The app is stopped without its window being closed, as SIGTERM does
// (Fyne quits at once, then main calls Shutdown): the review open is saved
// as it stands all the same, and the background sync is stopped before
// the store is closed.
func TestCaptureAppStoppedWithAReviewOpenSavesIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leadcap.db")
	u, st := boothAt(t, path)
	scan(u, astridCard, false)
	require.NotNil(t, u.capture.rev.form)
	retype(u.capture.rev.form.title, "CTO")

	u.Shutdown()
	assert.Error(t, u.office.ctx.Err(), "the background sync was stopped")
	assert.True(t, u.capture.closed)
	require.NoError(t, st.Close())

	st, err := storage.Open(path, nil)
	require.NoError(t, err)
	defer st.Close()
	ls, err := st.Leads(storage.Query{})
	require.NoError(t, err)
	require.Len(t, ls, 1)
	assert.Equal(t, "CTO", ls[0].Contact.Title, "what was typed on the form open at the stop was saved")
	due, err := st.ClaimDue(time.Now().Add(time.Hour), 10, time.Hour)
	require.NoError(t, err)
	assert.Len(t, due, 1, "and she goes to the CRM")
}

// A lead typed in by hand with a name alone cannot be saved yet: closing
// the window asks. Stay keeps it on the form; Discard drops it and closes.
func TestCaptureClosingWithAnUnsavableDraftAsks(t *testing.T) {
	u, st := boothAt(t, filepath.Join(t.TempDir(), "leadcap.db"))
	c := u.capture
	test.Tap(c.home.typeIn)
	require.NotNil(t, c.rev.form)
	test.Type(c.rev.form.given, "Grace")
	u.tabs.SelectIndex(3)

	u.office.onCloseRequested()
	require.NotNil(t, c.rev.ask, "closing asks about the lead being typed in")
	assert.Equal(t, 0, u.tabs.SelectedIndex(), "with the form on show")
	texts, buttons := overlayTexts(u)
	assert.Contains(t, texts, "The lead being typed in cannot be saved yet: add an email, a phone number or a web address, or a name together with an organization.")
	assert.Contains(t, buttons, "Stay")
	test.Tap(c.rev.ask.stay)
	assert.NoError(t, u.office.ctx.Err(), "still open")
	require.NotNil(t, c.rev.form)
	assert.Equal(t, "Grace", c.rev.form.given.Text, "the form is as it was")

	u.office.onCloseRequested()
	test.Tap(c.rev.ask.discard)
	assert.Error(t, u.office.ctx.Err(), "closed")
	assert.Empty(t, names(t, st), "Grace was discarded")
}

// A lead typed in that can be saved is saved at close without a question.
func TestCaptureClosingWithASavableDraftSavesIt(t *testing.T) {
	u, st := boothAt(t, filepath.Join(t.TempDir(), "leadcap.db"))
	c := u.capture
	test.Tap(c.home.typeIn)
	test.Type(c.rev.form.given, "Grace")
	test.Type(c.rev.form.email, "grace@example.org")

	u.office.onCloseRequested()
	assert.Nil(t, c.rev.ask, "nothing to ask about")
	assert.Error(t, u.office.ctx.Err(), "closed")
	assert.Equal(t, []string{"Grace"}, names(t, st), "saved as it stood")
}

// SIGTERM cannot ask: a lead typed in with a name alone is kept, waiting
// for its contact, and is there after a restart to be completed.
func TestCaptureAppStoppedWithAnUnsavableDraftKeepsIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leadcap.db")
	u, st := boothAt(t, path)
	c := u.capture
	test.Tap(c.home.typeIn)
	test.Type(c.rev.form.given, "Grace")
	test.Type(c.rev.form.family, "Hopper")

	u.Shutdown()
	require.NoError(t, st.Close())

	st, err := storage.Open(path, nil)
	require.NoError(t, err)
	defer st.Close()
	ls, err := st.Leads(storage.Query{Sync: storage.SyncWaiting})
	require.NoError(t, err)
	require.Len(t, ls, 1, "kept, waiting for its contact")
	assert.Equal(t, "Grace Hopper", ls[0].Contact.Name())
	assert.True(t, ls[0].Unfinished)
	due, err := st.ClaimDue(time.Now().Add(time.Hour), 10, time.Hour)
	require.NoError(t, err)
	assert.Empty(t, due, "not sent to the CRM without a way to reach her")
}

// A scan while a lead typed in with a name alone is on the form: the
// scan opens, and the half-typed lead is kept, waiting for its contact.
func TestCaptureScanWhileTypingInKeepsTheUnfinishedLead(t *testing.T) {
	u, st := boothAt(t, filepath.Join(t.TempDir(), "leadcap.db"))
	c := u.capture
	test.Tap(c.home.typeIn)
	test.Type(c.rev.form.given, "Grace")
	u.win.Canvas().Unfocus()

	scan(u, saraCard, true)
	require.NotNil(t, c.rev.form)
	assert.Equal(t, "Sara", c.rev.form.given.Text, "the scan opened Sara")
	assert.Contains(t, c.rev.form.message.Text, "Kept Grace as typed: it waits for its contact on the Leads screen.")
	ls, err := st.Leads(storage.Query{Sync: storage.SyncWaiting})
	require.NoError(t, err)
	require.Len(t, ls, 1)
	assert.Equal(t, "Grace", ls[0].Contact.Name())
}
