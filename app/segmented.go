package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// segmented is a row of buttons of which one is selected, e.g. yes / no /
// unknown: big touch targets, one tap to change.
type segmented struct {
	buttons   []*widget.Button
	kinds     []widget.Importance // importance of each button when selected
	selected  int
	onChanged func(int)
	content   *fyne.Container
}

// newSegmented builds the row; kinds gives each option's colour when it is
// selected. onChanged is called with the new index when the user taps an
// option that was not selected.
func newSegmented(labels []string, kinds []widget.Importance, onChanged func(int)) *segmented {
	g := &segmented{kinds: kinds, selected: -1, onChanged: onChanged}
	objs := make([]fyne.CanvasObject, len(labels))
	for i, l := range labels {
		b := widget.NewButton(l, func() { g.onTapped(i) })
		g.buttons = append(g.buttons, b)
		objs[i] = b
	}
	g.content = container.New(segmentedLayout{}, objs...)
	if fyne.CurrentDevice().IsMobile() {
		// Tall for a thumb; more than three options go in two rows, as four
		// do not fit across a phone.
		cols := len(labels)
		if cols > 3 {
			cols = (cols + 1) / 2
		}
		g.content = container.NewGridWithColumns(cols)
		for _, o := range objs {
			g.content.Add(container.New(atLeast{Height: touchHeight}, o))
		}
	}
	g.setSelected(-1)
	return g
}

// segmentedLayout puts the options side by side, each at least as wide as
// its label and the room left shared out evenly. An equal-width grid would
// make every option as wide as the longest label ("Nicht bewertet") and
// the whole screen wider than the window.
type segmentedLayout struct{}

func (segmentedLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) == 0 {
		return
	}
	pad := theme.Padding()
	extra := (size.Width - segmentedLayout{}.MinSize(objs).Width) / float32(len(objs))
	x := float32(0)
	for _, o := range objs {
		w := o.MinSize().Width + extra
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w + pad
	}
}

func (segmentedLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var min fyne.Size
	for i, o := range objs {
		m := o.MinSize()
		min.Width += m.Width
		if i > 0 {
			min.Width += theme.Padding()
		}
		min.Height = max(min.Height, m.Height)
	}
	return min
}

func (g *segmented) onTapped(i int) {
	if i == g.selected {
		return
	}
	g.setSelected(i)
	if g.onChanged != nil {
		g.onChanged(i)
	}
}

// setSelected shows option i as selected without calling onChanged.
func (g *segmented) setSelected(i int) {
	g.selected = i
	for j, b := range g.buttons {
		imp := widget.LowImportance
		if j == i {
			imp = g.kinds[j]
		}
		if b.Importance != imp {
			b.Importance = imp
			b.Refresh()
		}
	}
}

// setEnabled enables or disables every option.
func (g *segmented) setEnabled(on bool) {
	for _, b := range g.buttons {
		if on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
}
