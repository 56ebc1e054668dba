package app

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/google/uuid"

	"leadcap/lead"
	"leadcap/storage"
	"leadcap/workflow"
)

// reviewPanel is the lead form on Capture: a scan under review, stored the
// moment it was read (the form edits the stored lead, whose sync is held,
// see workflow.StartReview), or a lead being typed in, stored at Save.
type reviewPanel struct {
	ui      *UI
	content fyne.CanvasObject

	title    *widget.Label
	discard  *widget.Button
	dupText  *widget.Label // the lead the person already was
	openDup  *widget.Button
	dupBox   *fyne.Container
	notTaken *widget.Label // what the code held that the lead did not take over
	body     *fyne.Container

	// Only touched on the UI goroutine.
	form  *leadScreen      // nil when nothing is under review
	rev   *workflow.Review // the stored scan; nil for a lead typed in
	draft *lead.Lead       // the lead typed in, not stored yet
	dupID uuid.UUID        // the lead openDup opens

	onSaved   func(workflow.Review) // the form was saved and closed
	onDiscard func()                // Discard was tapped

	ask *draftAsk // the question confirmDrop asks, while it is shown
}

// draftAsk is the question confirmDrop asks.
type draftAsk struct {
	d             *dialog.CustomDialog
	stay, discard *widget.Button
}

func newReviewPanel(u *UI, onSaved func(workflow.Review), onDiscard func()) *reviewPanel {
	p := &reviewPanel{ui: u, onSaved: onSaved, onDiscard: onDiscard}
	p.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.discard = widget.NewButtonWithIcon(lang.L("Discard"), theme.DeleteIcon(), func() { p.onDiscard() })
	p.dupText = widget.NewLabel("")
	p.dupText.Wrapping = fyne.TextWrapWord
	p.dupText.Importance = widget.WarningImportance
	p.openDup = widget.NewButtonWithIcon(lang.L("Open that lead"), theme.NavigateNextIcon(), func() { p.ui.openLead(p.dupID) })
	p.dupBox = beside(p.dupText, p.openDup)
	p.dupBox.Hide()
	p.notTaken = widget.NewLabel("")
	p.notTaken.Wrapping = fyne.TextWrapWord
	p.notTaken.Importance = widget.WarningImportance
	p.notTaken.Hide()
	p.body = container.NewStack()
	p.content = container.NewBorder(
		container.NewVBox(container.NewBorder(nil, nil, nil, p.discard, p.title), p.dupBox, p.notTaken),
		nil, nil, nil, p.body)
	p.content.Hide()
	return p
}

// showStored puts a scan stored at once on the form: Save writes the
// form's changes to it, Discard takes it back.
func (p *reviewPanel) showStored(rev workflow.Review, ev lead.Event, message string) {
	f := newLeadScreen(p.ui, rev.Lead.ID)
	f.afterSave = func(l lead.Lead) {
		r := *p.rev
		r.Lead = l
		p.close()
		p.onSaved(r)
	}
	p.open(f, lang.L("Review the scan"))
	p.rev = &rev
	f.show(leadLoaded{lead: rev.Lead, event: ev}, message)
	f.syncInfo.SetText(lang.L("Kept on this device. Sent to the CRM once the review is over."))
	if rev.Lead.AwaitsContact() {
		f.syncInfo.SetText(syncText(storage.SyncInfo{Status: storage.SyncWaiting}))
	}
	if rev.Before != nil {
		p.showExisting(*rev.Before, true)
	}
	if len(rev.NotTaken) > 0 {
		var parts []string
		for _, n := range rev.NotTaken {
			parts = append(parts, n.String())
		}
		p.notTaken.SetText(lang.L("Not taken over: {{.Values}}", map[string]any{"Values": strings.Join(parts, "; ")}))
		p.notTaken.Show()
	}
}

// showDraft puts a lead that is not stored yet on the form.
func (p *reviewPanel) showDraft(l lead.Lead, ev lead.Event, title, message string) {
	f := newLeadScreen(p.ui, uuid.Nil)
	f.onSave = p.saveDraft
	p.open(f, title)
	p.draft = &l
	f.show(leadLoaded{lead: l, event: ev}, message)
	f.captured.SetText(strings.Join([]string{ev.Name, methodLabel(l.Source.Method), lang.L("not saved yet")}, " · "))
	f.syncInfo.SetText(lang.L("Not saved yet."))
	f.addNote.Hide() // the note is saved with the lead
}

func (p *reviewPanel) open(f *leadScreen, title string) {
	for _, e := range f.entries() {
		e.OnSubmitted = func(string) { f.onSaveTapped() } // Enter in a one-line field saves
	}
	p.form, p.rev, p.draft = f, nil, nil
	p.title.SetText(title)
	p.body.Objects = []fyne.CanvasObject{f.content}
	p.body.Refresh()
	p.dupBox.Hide()
	p.notTaken.Hide()
	p.content.Show()
}

// showExisting shows the lead the person already is at the event: the
// scan was merged into it, or a lead typed in cannot be saved beside it.
func (p *reviewPanel) showExisting(ex lead.Lead, merged bool) {
	args := map[string]any{"Name": contactName(ex.Contact), "Stage": stageLabel(ex.Stage()),
		"Rating": ratingLabel(ex.Rating), "Date": ex.CapturedAt.Local().Format("2006-01-02 15:04")}
	if merged {
		p.dupText.SetText(lang.L("{{.Name}} was already a lead here: {{.Stage}}, {{.Rating}}, captured {{.Date}}. The scan was added to that lead; Discard takes it out again.", args))
		p.openDup.Hide()
	} else {
		p.dupText.SetText(lang.L("{{.Name}} is already a lead here: {{.Stage}}, {{.Rating}}, captured {{.Date}}. Open that lead to add to it.", args))
		p.dupID = ex.ID
		p.openDup.Show()
	}
	p.dupBox.Show()
}

// saveDraft stores the lead typed in with what the form holds.
func (p *reviewPanel) saveDraft() {
	f, l := p.form, *p.draft
	fn := f.change()
	f.save.Disable()
	f.message.SetText(lang.L("Saving…"))
	st := p.ui.st
	p.ui.background(func() func() {
		rev, err := workflow.AddReviewed(st, &l, fn)
		var dup *storage.DuplicateError
		switch {
		case errors.As(err, &dup):
			ex, lerr := st.Lead(dup.Existing)
			return func() {
				f.onSaveFailed(err)
				if lerr == nil && p.form == f {
					p.showExisting(ex, false)
				}
			}
		case err != nil:
			return func() { f.onSaveFailed(err) }
		}
		return func() {
			p.ui.leadSaved(rev.Lead)
			if p.form == f {
				p.close()
				p.onSaved(rev)
			}
		}
	})
}

// takeOver closes the form and returns the work that saves it as it
// stands, to run off the UI goroutine before the next scan is shown; nil
// when nothing is under review (or a lead to type in is still empty). A
// stored scan whose edits cannot be saved stays as it was read. With
// unfinished (the next scan, the app stops), a lead typed in that has no
// way to reach the person yet is kept too, waiting for its contact
// (workflow.AddUnfinished).
func (p *reviewPanel) takeOver(unfinished bool) func(*storage.Store) (workflow.Review, error) {
	if p.form == nil {
		return nil
	}
	if p.draft != nil && !p.form.dirty() {
		p.close() // a lead typed in with nothing typed yet: nothing to keep
		return nil
	}
	fn := p.form.change()
	rev, draft := p.rev, p.draft
	p.close()
	if rev != nil {
		r := *rev
		return func(st *storage.Store) (workflow.Review, error) {
			l, err := st.UpdateLead(r.Lead.ID, fn)
			if err == nil {
				r.Lead = l
			}
			return r, err
		}
	}
	l := *draft
	if unfinished {
		return func(st *storage.Store) (workflow.Review, error) { return workflow.AddUnfinished(st, &l, fn) }
	}
	return func(st *storage.Store) (workflow.Review, error) { return workflow.AddReviewed(st, &l, fn) }
}

// unsavable reports whether a lead is being typed in that Save would
// refuse as it stands (a name alone, say): closing the window asks about
// it first.
func (p *reviewPanel) unsavable() bool {
	if p.form == nil || p.draft == nil || !p.form.dirty() {
		return false
	}
	l := *p.draft
	if err := p.form.change()(&l); err != nil {
		return true
	}
	return l.Normalize(p.form.event.Country) != nil
}

// confirmDrop asks before the window closes with a lead being typed in
// that cannot be saved yet: Stay goes back to its form, Discard drops it
// and runs leave.
func (p *reviewPanel) confirmDrop(leave func()) {
	if p.ask != nil {
		p.ask.d.Hide()
	}
	f := p.form
	msg := widget.NewLabel(lang.L("The lead being typed in cannot be saved yet: add an email, a phone number or a web address, or a name together with an organization."))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomWithoutButtons(lang.L("Discard this lead?"), msg, p.ui.win)
	done := func() {
		d.Hide()
		p.ask = nil
	}
	stay := widget.NewButton(lang.L("Stay"), func() {
		done()
		if p.form == f && f != nil {
			p.ui.win.Canvas().Focus(f.email)
		}
	})
	stay.Importance = widget.HighImportance
	discard := widget.NewButton(lang.L("Discard"), func() {
		done()
		if p.form == f {
			p.close()
		}
		leave()
	})
	d.SetButtons([]fyne.CanvasObject{stay, discard})
	p.ask = &draftAsk{d: d, stay: stay, discard: discard}
	d.Show()
}

func (p *reviewPanel) close() {
	p.form, p.rev, p.draft = nil, nil, nil
	p.body.Objects = nil
	p.body.Refresh()
	p.content.Hide()
}
