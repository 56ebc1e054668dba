package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"leadcap/capture"
	"leadcap/storage"
)

// notePanel offers to keep a code that holds no contact (Wi-Fi settings,
// a web address, free text) as a note on a lead. No contact is made up.
type notePanel struct {
	ui      *UI
	content fyne.CanvasObject

	kind    *widget.Label // what the code holds
	raw     *widget.Label
	attach  *widget.Button
	newLead *widget.Button
	discard *widget.Button
	picker  *leadPicker

	text string // the payload on offer; only touched on the UI goroutine
}

// noteActions are what the note panel's buttons call, with the payload.
type noteActions struct {
	attach  func(sum storage.Summary, text string)
	newLead func(text string)
	discard func()
}

func newNotePanel(u *UI, do noteActions) *notePanel {
	p := &notePanel{ui: u}
	p.kind = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.kind.Wrapping = fyne.TextWrapWord
	p.raw = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	p.raw.Wrapping = fyne.TextWrapBreak
	p.raw.Selectable = true
	p.attach = widget.NewButtonWithIcon(lang.L("Attach to a lead…"), theme.MailAttachmentIcon(), p.onAttachTapped)
	p.attach.Importance = widget.HighImportance
	p.newLead = widget.NewButtonWithIcon(lang.L("New lead with this note"), theme.ContentAddIcon(), func() { do.newLead(p.text) })
	p.discard = widget.NewButtonWithIcon(lang.L("Discard"), theme.DeleteIcon(), do.discard)
	p.picker = newLeadPicker(u, func(sum storage.Summary) { do.attach(sum, p.text) })
	p.picker.content.Hide()
	ask := widget.NewLabel(lang.L("Save it as a note on a lead? No contact is made up from it."))
	ask.Wrapping = fyne.TextWrapWord
	p.content = container.NewBorder(
		container.NewVBox(p.kind, p.raw, ask, buttonRow(false, p.attach, p.newLead, p.discard)),
		nil, nil, nil, p.picker.content)
	p.content.Hide()
	return p
}

// offer shows what the code holds and the ways to keep it.
func (p *notePanel) offer(nc *capture.NotAContactError) {
	p.text = nc.Raw
	p.kind.SetText(notAContactText(nc.Kind))
	raw := nc.Raw
	if len(raw) > 400 {
		raw = raw[:400] + "…"
	}
	p.raw.SetText(raw)
	if strings.TrimSpace(nc.Raw) == "" {
		p.attach.Disable()
		p.newLead.Disable()
	} else {
		p.attach.Enable()
		p.newLead.Enable()
	}
	p.picker.content.Hide()
	p.content.Show()
}

func (p *notePanel) hide() {
	p.picker.content.Hide()
	p.content.Hide()
}

// onAttachTapped shows the leads to attach the note to.
func (p *notePanel) onAttachTapped() {
	p.picker.content.Show()
	p.picker.reload()
	p.ui.win.Canvas().Focus(p.picker.search)
}
