package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"leadcap/lead"
	"leadcap/storage"
)

// badge is a small rounded label in a status colour: a lead's stage or its
// sync status.
type badge struct {
	widget.BaseWidget
	text  string
	color fyne.ThemeColorName
}

func newBadge(text string, c fyne.ThemeColorName) *badge {
	b := &badge{text: text, color: c}
	b.ExtendBaseWidget(b)
	return b
}

// set changes the text and colour.
func (b *badge) set(text string, c fyne.ThemeColorName) {
	if b.text == text && b.color == c {
		return
	}
	b.text, b.color = text, c
	b.Refresh()
}

func (b *badge) CreateRenderer() fyne.WidgetRenderer {
	r := &badgeRenderer{b: b, bg: &canvas.Rectangle{}, text: &canvas.Text{}}
	r.text.TextStyle = fyne.TextStyle{Bold: true}
	r.Refresh()
	return r
}

type badgeRenderer struct {
	b    *badge
	bg   *canvas.Rectangle
	text *canvas.Text
}

func (r *badgeRenderer) padding() fyne.Size {
	p := r.b.Theme().Size(theme.SizeNameInnerPadding)
	return fyne.NewSize(p, p/3)
}

func (r *badgeRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	ts := r.text.MinSize()
	r.text.Move(fyne.NewPos((size.Width-ts.Width)/2, (size.Height-ts.Height)/2))
	r.text.Resize(ts)
}

func (r *badgeRenderer) MinSize() fyne.Size {
	p := r.padding()
	return r.text.MinSize().Add(fyne.NewSize(2*p.Width, 2*p.Height))
}

func (r *badgeRenderer) Refresh() {
	th := r.b.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	c := th.Color(r.b.color, v)
	if c == nil { // a theme without leadcap's own colours
		c = newTheme(&v).Color(r.b.color, v)
	}
	cr, cg, cb, _ := c.RGBA()
	r.bg.FillColor = color.NRGBA{uint8(cr >> 8), uint8(cg >> 8), uint8(cb >> 8), 0x40}
	r.bg.StrokeColor = c
	r.bg.StrokeWidth = 1
	r.bg.CornerRadius = th.Size(theme.SizeNameSelectionRadius)
	r.text.Text = r.b.text
	r.text.Color = th.Color(theme.ColorNameForeground, v)
	r.text.TextSize = th.Size(theme.SizeNameCaptionText)
	r.bg.Refresh()
	r.text.Refresh()
}

func (r *badgeRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.bg, r.text} }
func (r *badgeRenderer) Destroy()                     {}

// stageLabel is the translated name of a stage.
func stageLabel(s lead.Stage) string {
	switch s {
	case lead.StageProspect:
		return lang.L("Prospect")
	case lead.StageDisqualified:
		return lang.L("Disqualified")
	default:
		return lang.L("Lead")
	}
}

// stageColor is the colour of a stage badge.
func stageColor(s lead.Stage) fyne.ThemeColorName {
	switch s {
	case lead.StageProspect:
		return theme.ColorNameSuccess
	case lead.StageDisqualified:
		return theme.ColorNameDisabled
	default:
		return theme.ColorNamePrimary
	}
}

// syncLabel is the translated name of a sync status.
func syncLabel(s storage.SyncStatus) string {
	switch s {
	case storage.SyncSynced:
		return lang.L("Synced")
	case storage.SyncFailed:
		return lang.L("Failed")
	case storage.SyncDead:
		return lang.L("Rejected")
	case storage.SyncWaiting:
		return lang.L("Waits for contact")
	default:
		return lang.L("Not synced")
	}
}

// syncColor is the colour of a sync badge.
func syncColor(s storage.SyncStatus) fyne.ThemeColorName {
	switch s {
	case storage.SyncSynced:
		return colorNameSynced // not the green of a prospect
	case storage.SyncFailed:
		return theme.ColorNameWarning
	case storage.SyncDead:
		return theme.ColorNameError
	case storage.SyncWaiting:
		return theme.ColorNameWarning
	default:
		return theme.ColorNameDisabled
	}
}
