package app

import (
	"image/color"
	"math"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"leadcap/workflow"
)

// chartView draws one chart of the report with canvas objects: the same
// bars, labels and colours as the SVG of the HTML report (both come from
// workflow.Report.Charts).
type chartView struct {
	widget.BaseWidget
	chart workflow.Chart
}

func newChartView(c workflow.Chart) *chartView {
	v := &chartView{chart: c}
	v.ExtendBaseWidget(v)
	return v
}

// Chart geometry, in Fyne units.
const (
	chartRowH     = 24
	chartLabelW   = 150
	chartValueW   = 80
	chartColumnsH = 150
	chartTitleH   = 28
)

func (v *chartView) CreateRenderer() fyne.WidgetRenderer {
	r := &chartRenderer{v: v}
	fg := theme.Color(theme.ColorNameForeground)
	r.title = canvas.NewText(v.chart.Title, fg)
	r.title.TextStyle.Bold = true
	r.objects = []fyne.CanvasObject{r.title}
	if v.chart.Max() == 0 {
		r.empty = canvas.NewText(v.chart.Empty, theme.Color(theme.ColorNamePlaceHolder))
		r.objects = append(r.objects, r.empty)
		return r
	}
	for _, b := range v.chart.Bars {
		rect := canvas.NewRectangle(parseHex(b.Color))
		label := canvas.NewText(b.Label, fg)
		value := canvas.NewText(thousands(b.N), fg)
		if v.chart.Columns {
			label.TextSize, value.TextSize = theme.CaptionTextSize(), theme.CaptionTextSize()
		} else {
			label.Alignment = fyne.TextAlignTrailing
			value.Text += " (" + percent(b.Share) + ")"
		}
		r.bars = append(r.bars, chartBar{rect, label, value})
		r.objects = append(r.objects, rect, label, value)
	}
	return r
}

type chartBar struct {
	rect         *canvas.Rectangle
	label, value *canvas.Text
}

type chartRenderer struct {
	v       *chartView
	title   *canvas.Text
	empty   *canvas.Text
	bars    []chartBar
	objects []fyne.CanvasObject
}

// chartWidth is a chart's least width: two side by side on a desktop,
// one in the width of a 360 pt phone (the report's scroll does not scroll
// sideways: a wider chart was cut off on the right).
func chartWidth() float32 {
	if fyne.CurrentDevice().IsMobile() {
		return 320
	}
	return 420
}

func (r *chartRenderer) MinSize() fyne.Size {
	c := r.v.chart
	chartWidth := chartWidth()
	switch {
	case c.Max() == 0:
		return fyne.NewSize(chartWidth, chartTitleH+chartRowH)
	case c.Columns:
		return fyne.NewSize(chartWidth, chartTitleH+chartColumnsH+2*chartRowH)
	}
	return fyne.NewSize(chartWidth, chartTitleH+float32(len(c.Bars))*chartRowH)
}

func (r *chartRenderer) Layout(size fyne.Size) {
	r.title.Move(fyne.NewPos(0, 0))
	r.title.Resize(fyne.NewSize(size.Width, chartTitleH))
	switch {
	case r.empty != nil:
		r.empty.Move(fyne.NewPos(0, chartTitleH))
	case r.v.chart.Columns:
		r.layoutColumns(size)
	default:
		r.layoutRows(size)
	}
}

// layoutRows lays out one horizontal bar per row: label, bar, value. The
// labels' column is as wide as the longest label (German ones are long),
// up to 45% of the chart.
func (r *chartRenderer) layoutRows(size fyne.Size) {
	labelW := float32(chartLabelW)
	for _, b := range r.bars {
		labelW = max(labelW, b.label.MinSize().Width+8)
	}
	labelW = min(labelW, max(size.Width*0.45, chartLabelW))
	span := max(size.Width-labelW-chartValueW, 10)
	m := float32(r.v.chart.Max())
	for i, b := range r.bars {
		y := chartTitleH + float32(i)*chartRowH
		w := span * float32(r.v.chart.Bars[i].N) / m
		b.label.Move(fyne.NewPos(0, y))
		b.label.Resize(fyne.NewSize(labelW-8, chartRowH))
		b.rect.Move(fyne.NewPos(labelW, y+4))
		b.rect.Resize(fyne.NewSize(w, chartRowH-8))
		b.value.Move(fyne.NewPos(labelW+w+6, y))
		b.value.Resize(fyne.NewSize(chartValueW, chartRowH))
	}
}

// layoutColumns lays out vertical bars over an axis of labels; with many
// bars only every k-th label shows.
func (r *chartRenderer) layoutColumns(size fyne.Size) {
	n := len(r.bars)
	slot := size.Width / float32(n)
	every := max(1, int(math.Ceil(float64(n)*64/float64(size.Width))))
	m := float32(r.v.chart.Max())
	base := float32(chartTitleH + chartRowH + chartColumnsH)
	for i, b := range r.bars {
		x := float32(i) * slot
		h := chartColumnsH * float32(r.v.chart.Bars[i].N) / m
		b.rect.Move(fyne.NewPos(x+slot*0.1, base-h))
		b.rect.Resize(fyne.NewSize(slot*0.8, h))
		b.value.Move(fyne.NewPos(x, base-h-chartRowH))
		b.value.Resize(fyne.NewSize(slot, chartRowH))
		b.value.Alignment = fyne.TextAlignCenter
		b.value.Hidden = r.v.chart.Bars[i].N == 0 || slot < 24
		b.label.Move(fyne.NewPos(x-slot, base))
		b.label.Resize(fyne.NewSize(3*slot, chartRowH))
		b.label.Alignment = fyne.TextAlignCenter
		b.label.Hidden = i%every != 0
	}
}

func (r *chartRenderer) Refresh() {
	fg := theme.Color(theme.ColorNameForeground)
	r.title.Color = fg
	for _, b := range r.bars {
		b.label.Color, b.value.Color = fg, fg
	}
	r.Layout(r.v.Size())
	canvas.Refresh(r.v)
}

func (r *chartRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *chartRenderer) Destroy()                     {}

// parseHex reads "#rrggbb"; anything else is grey.
func parseHex(s string) color.Color {
	v, err := strconv.ParseUint(s[min(1, len(s)):], 16, 32)
	if len(s) != 7 || s[0] != '#' || err != nil {
		return color.NRGBA{0x99, 0x99, 0x99, 0xff}
	}
	return color.NRGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff}
}
