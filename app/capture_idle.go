package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// idlePanel is Capture between scans: the ways to capture a lead, the
// rhythm (review each scan or save at once), what the last scan did with
// Qualify and Undo, and a status line.
type idlePanel struct {
	content *fyne.Container

	status     *widget.Label
	openPhoto  *widget.Button
	typeIn     *widget.Button
	reviewEach *widget.Check

	result     *fyne.Container // the last save or discard, with its buttons
	resultText *widget.Label
	qualify    *widget.Button
	undo       *widget.Button
}

// idleActions are what the idle panel's controls call.
type idleActions struct {
	openPhoto, typeIn, qualify, undo func()
	reviewEach                       func(on bool)
}

func newIdlePanel(icon, camera, cameraToggle fyne.CanvasObject, do idleActions) *idlePanel {
	p := &idlePanel{}
	p.status = widget.NewLabel(lang.L("Loading…"))
	p.status.Wrapping = fyne.TextWrapWord
	p.status.Alignment = fyne.TextAlignCenter
	p.openPhoto = widget.NewButtonWithIcon(lang.L("Open photo…"), theme.FileImageIcon(), do.openPhoto)
	p.openPhoto.Importance = widget.HighImportance
	p.typeIn = widget.NewButtonWithIcon(lang.L("Type it in"), theme.DocumentCreateIcon(), do.typeIn)
	p.reviewEach = widget.NewCheck(lang.L("Review each scan (off: save at once)"), do.reviewEach)
	p.reviewEach.Checked = true
	hint := widget.NewLabel(lang.L("Scan a badge or business card with the handheld scanner, open a photo of its QR code or drop the photo here."))
	hint.Wrapping = fyne.TextWrapWord
	hint.Alignment = fyne.TextAlignCenter

	p.resultText = widget.NewLabel("")
	p.resultText.Wrapping = fyne.TextWrapWord
	p.resultText.TextStyle.Bold = true
	p.qualify = widget.NewButtonWithIcon(lang.L("Qualify"), theme.DocumentCreateIcon(), do.qualify)
	p.undo = widget.NewButtonWithIcon(lang.L("Undo"), theme.ContentUndoIcon(), do.undo)
	p.result = container.NewVBox(p.resultText, buttonRow(false, p.qualify, p.undo))
	if !fyne.CurrentDevice().IsMobile() {
		p.result = container.NewBorder(nil, nil, nil, container.NewHBox(p.qualify, p.undo), p.resultText)
	}
	p.result.Hide()

	p.content = container.NewVBox(layout.NewSpacer(),
		icon,
		camera,
		hint,
		captureButtons(p.openPhoto, cameraToggle, p.typeIn),
		container.NewCenter(p.reviewEach),
		p.result,
		p.status,
		layout.NewSpacer())
	return p
}

// showStatus says what is going on; bad marks an error.
func (p *idlePanel) showStatus(text string, bad bool) {
	p.status.Importance = widget.MediumImportance
	if bad {
		p.status.Importance = widget.DangerImportance
	}
	p.status.SetText(text)
}

// showResult says what the last scan did; Qualify and Undo show when
// they apply.
func (p *idlePanel) showResult(text string, qualify, undo bool) {
	p.resultText.SetText(text)
	for _, b := range []struct {
		w  *widget.Button
		on bool
	}{{p.qualify, qualify}, {p.undo, undo}} {
		if b.on {
			b.w.Show()
		} else {
			b.w.Hide()
		}
	}
	p.result.Show()
	p.content.Refresh()
}

func (p *idlePanel) hideResult() {
	p.result.Hide()
	p.content.Refresh()
}
