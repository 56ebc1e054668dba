package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The phone layout: a phone is narrow (from about 300 pt) and worked with a
// thumb. The helpers here keep every screen within the width of the screen
// and its buttons big enough to hit.

// touchHeight is the least height of a button on a phone: the 48 dp touch
// target of Material design (Apple asks for 44 pt).
const touchHeight = 48

// formRows lays out labelled fields: a form with the labels beside the
// fields on a desktop; on a phone, too narrow for that, each label above its
// field, the field as wide as the screen and its hint below it, wrapped.
// There the hint also shows what is wrong with an entry's text, as the
// desktop form does.
func formRows(items ...*widget.FormItem) fyne.CanvasObject {
	if !fyne.CurrentDevice().IsMobile() {
		return widget.NewForm(items...)
	}
	box := container.NewVBox()
	for _, it := range items {
		label := widget.NewLabelWithStyle(it.Text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		label.Wrapping = fyne.TextWrapWord
		row := container.New(layout.NewCustomPaddedVBoxLayout(0), label, it.Widget)
		hint := widget.NewLabel(it.HintText)
		hint.Wrapping = fyne.TextWrapWord
		hint.SizeName = theme.SizeNameCaptionText
		hint.Importance = widget.LowImportance
		if e, ok := it.Widget.(*widget.Entry); ok && e.Validator != nil {
			text := it.HintText
			e.SetOnValidationChanged(func(err error) { showHint(hint, text, err) })
			row.Add(hint)
		} else if it.HintText != "" {
			row.Add(hint)
		}
		showHint(hint, it.HintText, nil)
		box.Add(row)
	}
	return box
}

// showHint shows what is wrong, if anything, else the hint; an empty hint
// takes no room.
func showHint(hint *widget.Label, text string, err error) {
	hint.Importance = widget.LowImportance
	if err != nil {
		hint.Importance = widget.DangerImportance
		text = err.Error()
	}
	hint.SetText(text)
	if text == "" {
		hint.Hide()
	} else {
		hint.Show()
	}
}

// tall makes a button (or a row of them) at least touchHeight high on a
// phone; on a desktop it returns o as it is.
func tall(o fyne.CanvasObject) fyne.CanvasObject {
	if !fyne.CurrentDevice().IsMobile() {
		return o
	}
	return container.New(atLeast{Height: touchHeight}, o)
}

// atLeast lays out its objects on top of each other, filling it, and is at
// least this size while one of them is visible.
type atLeast fyne.Size

func (a atLeast) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (a atLeast) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var min fyne.Size
	for _, o := range objs {
		if o.Visible() {
			min = min.Max(o.MinSize()).Max(fyne.Size(a))
		}
	}
	return min // nothing when what it holds is hidden
}

// actionBar is the bar at the foot of a screen: a message and the buttons
// that act on the screen, at the right of the message. On a phone the
// buttons are tall enough for a thumb, and several of them go below the
// message, each as wide as the screen.
func actionBar(message fyne.CanvasObject, buttons ...fyne.CanvasObject) fyne.CanvasObject {
	mobile := fyne.CurrentDevice().IsMobile()
	switch {
	case len(buttons) == 1:
		return container.NewPadded(container.NewBorder(nil, nil, nil, tall(buttons[0]), message))
	case !mobile:
		return container.NewPadded(container.NewBorder(nil, nil, nil, container.NewHBox(buttons...), message))
	}
	box := container.NewVBox(message)
	for _, b := range buttons {
		box.Add(tall(b))
	}
	return container.NewPadded(box)
}

// captureButtons lays out the ways to capture a lead on the Capture screen:
// side by side in the middle on a desktop; on a phone one below the other
// (see buttonRow).
func captureButtons(buttons ...fyne.CanvasObject) fyne.CanvasObject {
	if !fyne.CurrentDevice().IsMobile() {
		return container.NewCenter(container.NewHBox(buttons...))
	}
	return buttonRow(false, buttons...)
}

// buttonRow lays out a row of buttons, at the leading or the trailing edge,
// on a desktop. A phone has no room for several buttons side by side: there
// they go one below the other, each as wide as the screen and tall enough
// for a thumb. Hidden buttons take no room.
func buttonRow(trailing bool, buttons ...fyne.CanvasObject) fyne.CanvasObject {
	if fyne.CurrentDevice().IsMobile() {
		return container.New(buttonColumn{}, buttons...)
	}
	if trailing {
		return container.NewHBox(append([]fyne.CanvasObject{layout.NewSpacer()}, buttons...)...)
	}
	return container.NewHBox(buttons...)
}

// buttonColumn stacks the visible objects, each as wide as the column and at
// least touchHeight high.
type buttonColumn struct{}

func (buttonColumn) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	y := float32(0)
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		h := max(o.MinSize().Height, touchHeight)
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h + pad
	}
}

func (buttonColumn) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var min fyne.Size
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		if min.Height > 0 {
			min.Height += theme.Padding()
		}
		m := o.MinSize()
		min.Width = max(min.Width, m.Width)
		min.Height += max(m.Height, touchHeight)
	}
	return min
}

// tabName picks a tab's label: on a phone the tabs sit at the bottom, each
// with its icon above a short label, and all five must fit across the
// narrowest phone (300 pt; see TestPhoneTabsFit), or fyne hides some of
// them behind a "…" button.
func tabName(desktop, phone string) string {
	if fyne.CurrentDevice().IsMobile() {
		return phone
	}
	return desktop
}

// beside puts a button at the right of a text on a desktop; on a phone,
// where the text would be squeezed into a narrow column, below it.
func beside(text, button fyne.CanvasObject) *fyne.Container {
	if fyne.CurrentDevice().IsMobile() {
		return container.NewVBox(text, tall(button))
	}
	return container.NewBorder(nil, nil, nil, button, text)
}
