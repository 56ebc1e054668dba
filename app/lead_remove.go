package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"leadcap/lead"
	"leadcap/workflow"
)

// removeActions is the lead screen's compact Delete / Erase block. Both
// ask first; the work is workflow.Remove, as for 'leadcap delete' and
// 'leadcap erase'. It shows on a lead opened from the list, not on a scan
// under review on Capture, which Discard takes back.
type removeActions struct {
	del, erase *widget.Button
	card       *widget.Card
}

func (s *leadScreen) buildRemove() fyne.CanvasObject {
	r := &s.removal
	r.del = widget.NewButtonWithIcon(lang.L("Delete"), theme.DeleteIcon(), func() { s.askRemove(lead.OpDelete) })
	r.erase = widget.NewButtonWithIcon(lang.L("Erase personal data"), theme.ContentClearIcon(), func() { s.askRemove(lead.OpErase) })
	r.erase.Importance = widget.DangerImportance
	buttons := container.NewGridWithColumns(2, r.del, r.erase)
	if fyne.CurrentDevice().IsMobile() { // two German buttons side by side are wider than a 360 pt phone
		buttons = container.NewVBox(r.del, r.erase)
	}
	r.card = widget.NewCard(lang.L("Remove"), "", buttons)
	r.card.Hide() // shown by UI.openLead, before the screen is laid out
	return r.card
}

// setRemoveEnabled enables the block on a loaded lead.
func (s *leadScreen) setRemoveEnabled(on bool) {
	r := &s.removal
	if r.card == nil {
		return
	}
	for _, b := range []*widget.Button{r.del, r.erase} {
		if on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
}

// askRemove asks before a deletion or an erasure.
func (s *leadScreen) askRemove(op lead.Op) {
	title, msg, confirm := lang.L("Delete this lead?"),
		lang.L("The lead leaves every list, export and count. If it was sent to the CRM, it is deleted there on the next sync."),
		lang.L("Delete")
	if op == lead.OpErase {
		title, msg, confirm = lang.L("Erase this person's data?"),
			lang.L("Every personal field and note is removed from this device now, with the person's entries in the events' attendee lists, and from the CRM on the next sync. This cannot be undone. Backups made before still hold the data: delete them too."),
			lang.L("Erase")
	}
	text := widget.NewLabel(msg)
	text.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm(title, confirm, lang.L("Cancel"), text, func(ok bool) {
		if ok {
			s.remove(op)
		}
	}, s.ui.win)
	d.SetConfirmImportance(widget.DangerImportance)
	d.Resize(fyne.NewSize(420, 0))
	d.Show()
}

// remove deletes or erases the lead, then goes back to the list.
func (s *leadScreen) remove(op lead.Op) {
	st, id, by := s.ui.st, s.id, s.ui.opts.Staff
	s.setEnabled(false)
	s.ui.background(func() func() {
		_, err := workflow.Remove(st, id, op, by)
		return func() {
			if err != nil {
				s.setEnabled(true)
				s.ui.showError(err)
				return
			}
			if s.ui.lead == s {
				s.ui.dropTop()
			}
			s.ui.leadSaved(lead.Lead{ID: id})
		}
	})
}
