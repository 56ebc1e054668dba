package app

import (
	"errors"
	"reflect"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"leadcap/lead"
)

// The lead form's edits: read from the widgets on the UI goroutine,
// applied to the stored lead inside the store's transaction.

// entries are the form's one-line fields.
func (s *leadScreen) entries() []*widget.Entry {
	return []*widget.Entry{s.given, s.family, s.org, s.title, s.email, s.phone, s.web,
		s.street, s.postal, s.city, s.region, s.country, s.wording}
}

// edits is what the form holds.
type edits struct {
	given, family, org, title, email, phone, web string
	address                                      lead.Address
	qual                                         lead.Qualification
	rating                                       lead.Rating
	basis                                        lead.LegalBasis
	status                                       lead.ConsentStatus
	wording                                      string
	now                                          time.Time
}

func (s *leadScreen) edits() edits {
	e := edits{
		given: s.given.Text, family: s.family.Text, org: s.org.Text, title: s.title.Text,
		email: strings.TrimSpace(s.email.Text), phone: strings.TrimSpace(s.phone.Text), web: strings.TrimSpace(s.web.Text),
		address: lead.Address{Street: s.street.Text, PostalCode: s.postal.Text, City: s.city.Text, Region: s.region.Text, Country: s.country.Text},
		qual:    s.qual, rating: lead.RatingUnrated, wording: strings.TrimSpace(s.wording.Text), now: s.ui.opts.Now(),
	}
	if i := s.rating.selected; i >= 0 {
		e.rating = lead.Ratings[i]
	}
	if i := s.basis.SelectedIndex(); i >= 0 {
		e.basis = bases[i]
	}
	if i := s.status.SelectedIndex(); i >= 0 {
		e.status = statuses[i]
	}
	return e
}

// apply writes the edits into a lead. The first email, phone and web
// address are the ones on the form; further ones are kept.
func (e edits) apply(l *lead.Lead) {
	c := &l.Contact
	if c.GivenName == "" && c.FamilyName == "" && e.family == "" && e.given == c.FullName {
		// Only a full name is known and the form showed it unchanged as the
		// given name: keep it as the full name.
	} else {
		if strings.TrimSpace(e.given+" "+e.family) != strings.TrimSpace(c.GivenName+" "+c.FamilyName) {
			c.FullName = "" // recomposed from the parts by Normalize
		}
		c.GivenName, c.FamilyName = e.given, e.family
	}
	c.Organization, c.Title, c.Address = e.org, e.title, e.address
	c.Emails = replaceFirst(c.Emails, e.email)
	c.Phones = replacePhone(c.Phones, e.phone)
	c.URLs = replaceFirst(c.URLs, e.web)
	l.Qualification.Fit, l.Qualification.Budget = e.qual.Fit, e.qual.Budget
	l.Qualification.Authority, l.Qualification.Interest = e.qual.Authority, e.qual.Interest
	l.Qualification.Disqualified = e.qual.Disqualified
	l.Qualification.Answers = e.qual.Answers // the event's questions (questions.go)
	l.Rating = e.rating
	if e.basis != l.Consent.Basis || e.status != l.Consent.Status || e.wording != l.Consent.WordingVersion {
		l.Consent = lead.Consent{Basis: e.basis, Status: e.status, WordingVersion: e.wording, At: e.now.UTC()}
	}
}

// replacePhone sets the first phone to the one typed, keeping its kind,
// and keeps the others; an unchanged number keeps what was read.
func replacePhone(ps []lead.Phone, typed string) []lead.Phone {
	var out []lead.Phone
	if typed != "" {
		p := lead.Phone{Raw: typed}
		if len(ps) > 0 {
			p.Kind = ps[0].Kind
			if typed == ps[0].Raw || typed == ps[0].Number {
				p = ps[0]
			}
		}
		out = append(out, p)
	}
	if len(ps) > 1 {
		out = append(out, ps[1:]...)
	}
	return out
}

// change returns what Save writes: the form's edits and the note typed
// but not yet added, read now on the UI goroutine.
func (s *leadScreen) change() func(*lead.Lead) error {
	e := s.edits()
	note, follow, author := strings.TrimSpace(s.noteText.Text), dateOf(s.followUp), s.ui.opts.Staff
	return func(l *lead.Lead) error {
		e.apply(l)
		if note == "" {
			return nil
		}
		_, err := l.AddNote(note, author, e.now, follow)
		return err
	}
}

// onSaveTapped saves the form, a typed note included, to the stored lead.
func (s *leadScreen) onSaveTapped() {
	if !s.loaded {
		return
	}
	if s.onSave != nil {
		s.onSave()
		return
	}
	fn := s.change()
	s.save.Disable()
	s.message.SetText(lang.L("Saving…"))
	st, id := s.ui.st, s.id
	s.ui.background(func() func() {
		if _, err := st.UpdateLead(id, fn); err != nil {
			return func() { s.onSaveFailed(err) }
		}
		r := readLead(st, id)
		return func() { s.onSaved(r, lang.L("Saved.")) }
	})
}

func (s *leadScreen) onSaved(r leadLoaded, message string) {
	if r.err != nil {
		s.onSaveFailed(r.err)
		return
	}
	s.noteText.SetText("") // the note is in the list now
	s.followUp.SetDate(nil)
	s.show(r, message)
	s.ui.leadSaved(r.lead)
	if s.afterSave != nil {
		s.afterSave(r.lead)
	}
	s.failed = nil
	if then := s.then; then != nil {
		s.then = nil
		then()
	}
}

// onEdited follows every change on the form: Save is enabled only when
// the fields are valid, and an error shown from an earlier save goes once
// the form would save.
func (s *leadScreen) onEdited() {
	s.updateSave()
	if s.message.Importance != widget.DangerImportance || !s.loaded {
		return
	}
	if s.save.Disabled() || s.validate() != nil {
		return
	}
	s.message.Importance = widget.MediumImportance
	s.message.SetText("")
}

// validate checks the form as the store will: the base lead with the
// edits applied, normalized with the event's country.
func (s *leadScreen) validate() error {
	l := s.base
	l.Contact.Emails = append([]string(nil), l.Contact.Emails...)
	l.Contact.Phones = append([]lead.Phone(nil), l.Contact.Phones...)
	l.Contact.URLs = append([]string(nil), l.Contact.URLs...)
	s.edits().apply(&l)
	if err := l.Contact.Normalize(s.event.Country); err != nil {
		return err
	}
	if l.AwaitsContact() && s.base.AwaitsContact() {
		return nil // a badge scan not yet queued may keep waiting for its contact
	}
	return l.Contact.Reachable()
}

// dirty reports whether the form holds changes or a note not saved yet.
func (s *leadScreen) dirty() bool {
	if !s.loaded {
		return false
	}
	e := s.edits()
	e.now = s.shown.now
	return !reflect.DeepEqual(e, s.shown) || strings.TrimSpace(s.noteText.Text) != ""
}

// confirmLeave runs leave at once when the form holds nothing unsaved;
// otherwise it asks first: save and leave, leave without saving, or stay.
// stay, when not nil, runs when the person stays and when the save fails,
// to bring the form back on show (after a tab switch, say).
func (s *leadScreen) confirmLeave(leave, stay func()) {
	if !s.dirty() {
		leave()
		return
	}
	if s.ask != nil {
		s.ask.d.Hide() // one question at a time: the newest way of leaving wins
	}
	msg := widget.NewLabel(lang.L("This lead has changes or a note that are not saved yet."))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomWithoutButtons(lang.L("Save the changes?"), msg, s.ui.win)
	done := func() {
		d.Hide()
		s.ask = nil
	}
	stayB := widget.NewButton(lang.L("Stay"), func() {
		done()
		if stay != nil {
			stay()
		}
	})
	drop := widget.NewButton(lang.L("Leave without saving"), func() { done(); leave() })
	save := widget.NewButton(lang.L("Save"), func() {
		done()
		s.then, s.failed = leave, stay
		s.onSaveTapped()
	})
	save.Importance = widget.HighImportance
	d.SetButtons([]fyne.CanvasObject{stayB, drop, save})
	s.ask = &leaveAsk{d: d, stay: stayB, drop: drop, save: save}
	d.Show()
}

// leaveAsk is the question confirmLeave asks.
type leaveAsk struct {
	d                *dialog.CustomDialog
	stay, drop, save *widget.Button
}

// guardLeaving makes every way of leaving a lead with unsaved changes on
// the Leads tab ask first: ← (here), another tab (onTabLeft), another lead
// opened on top (openLead) and closing the window (office.onCloseRequested).
func (u *UI) guardLeaving() {
	back := u.nav.OnBack
	u.nav.OnBack = func() {
		if s := u.leadOnShow(); s != nil {
			s.confirmLeave(back, nil)
			return
		}
		back()
	}
}

// onTabLeft asks, once another tab came up, whether the changes on the
// lead left on the Leads tab are to be saved. Staying brings the lead
// back; leaving without saving reads it afresh, so that the changes do not
// linger on the form.
func (u *UI) onTabLeft(to *container.TabItem) {
	s := u.lead
	if s == nil || to == u.leadsTab || u.tabs.Selected() != to {
		return
	}
	s.confirmLeave(s.revert, u.showLeads)
}

// revert reads the lead afresh when the form holds unsaved changes that
// were left without saving: the form shows what is stored again.
func (s *leadScreen) revert() {
	if !s.dirty() {
		return
	}
	s.noteText.SetText("")
	s.followUp.SetDate(nil)
	s.load()
}

// scanHeads begin the payloads of contact codes. One that shows up in a
// field means the handheld scanner typed into the field that had the
// focus: the person had clicked into the form, then scanned the next badge.
var scanHeads = []string{"BEGIN:VCARD", "begin:vcard", "MECARD:", "BIZCARD:", "MATMSG:"}

// divertScan hands a payload the scanner typed into a field on to the
// scanner: the field gets its text back and loses the focus, so the rest
// of the payload reaches the scanner too and the scan is not lost.
func (s *leadScreen) divertScan(e *widget.Entry) {
	for _, h := range scanHeads {
		i := strings.Index(e.Text, h)
		if i < 0 {
			continue
		}
		e.SetText(e.Text[:i] + e.Text[i+len(h):])
		s.ui.win.Canvas().Unfocus()
		for _, r := range h {
			s.ui.capture.keys.typedRune(r)
		}
		return
	}
}

// validatePhone is the inline check of the phone field: the lead model's
// own rule, with the event's country as the default region.
func (s *leadScreen) validatePhone(v string) error {
	if strings.TrimSpace(v) == "" {
		return nil
	}
	if _, err := lead.NormalizePhone(v, s.event.Country); err != nil {
		return errors.New(lang.L("This number {{.Reason}}", map[string]any{"Reason": err.Error()}))
	}
	return nil
}
