package app

import (
	"image/color"
	"math"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fyne.io/fyne/v2/lang"

	"leadcap/lead"
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
	v := &chartView{chart: translateChart(c)}
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
		value := canvas.NewText(strconv.Itoa(b.N), fg)
		if v.chart.Columns {
			label.TextSize, value.TextSize = theme.CaptionTextSize(), theme.CaptionTextSize()
		} else {
			label.Alignment = fyne.TextAlignTrailing
			value.Text += " (" + workflow.Percent(b.Share) + ")"
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

// layoutRows lays out one horizontal bar per row: label, bar, value.
func (r *chartRenderer) layoutRows(size fyne.Size) {
	span := max(size.Width-chartLabelW-chartValueW, 10)
	m := float32(r.v.chart.Max())
	for i, b := range r.bars {
		y := chartTitleH + float32(i)*chartRowH
		w := span * float32(r.v.chart.Bars[i].N) / m
		b.label.Move(fyne.NewPos(0, y))
		b.label.Resize(fyne.NewSize(chartLabelW-8, chartRowH))
		b.rect.Move(fyne.NewPos(chartLabelW, y+4))
		b.rect.Resize(fyne.NewSize(w, chartRowH-8))
		b.value.Move(fyne.NewPos(chartLabelW+w+6, y))
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

// translateChart puts a chart of workflow.Report, whose texts are English
// (as the HTML report writes them), into the user's language: titles,
// labels, and days in the locale's date format.
func translateChart(c workflow.Chart) workflow.Chart {
	c.Title, c.Empty = reportText(c.Title), reportText(c.Empty)
	bars := make([]workflow.Bar, len(c.Bars))
	for i, b := range c.Bars {
		switch {
		case c.ID == "day":
			// "Tue 1 Dec" in English; where dates end in the year, as
			// German ones do, the day without it: 01.12.
			full := displayDateLayout()
			if short := strings.TrimSuffix(full, "2006"); short != full {
				if d, err := time.Parse("Mon 2 Jan", b.Label); err == nil {
					b.Label = d.Format(short)
				}
			}
		case c.ID != "hour" && c.ID != "staff":
			b.Label = reportText(b.Label)
		}
		bars[i] = b
	}
	c.Bars = bars
	return c
}

// reportText translates a text of workflow.Report's charts.
func reportText(s string) string {
	switch s {
	case "Leads per day":
		return lang.L("Leads per day")
	case "Leads per hour of the day":
		return lang.L("Leads per hour of the day")
	case "Leads per staff member":
		return lang.L("Leads per staff member")
	case "From lead to prospect":
		return lang.L("From lead to prospect")
	case "Stage":
		return lang.L("Stage")
	case "Rating":
		return lang.L("Rating")
	case "Permission to contact":
		return lang.L("Permission to contact")
	case "Sync with the CRM":
		return lang.L("Sync with the CRM")
	case "No leads yet":
		return lang.L("No leads yet")
	case "Captured":
		return lang.L("Captured")
	case "Prospects":
		return lang.L("Prospects")
	case "Prospects in the CRM":
		return lang.L("Prospects in the CRM")
	case "Lead":
		return stageLabel(lead.StageLead)
	case "Prospect":
		return stageLabel(lead.StageProspect)
	case "Disqualified":
		return stageLabel(lead.StageDisqualified)
	case "Hot":
		return ratingLabel(lead.RatingHot)
	case "Warm":
		return ratingLabel(lead.RatingWarm)
	case "Cold":
		return ratingLabel(lead.RatingCold)
	case "Unrated":
		return ratingLabel(lead.RatingUnrated)
	case "Waiting to sync":
		return lang.L("Waiting to sync")
	case "Failed, will retry":
		return lang.L("Failed, will retry")
	case "In the CRM":
		return lang.L("In the CRM")
	case "Rejected by the CRM":
		return lang.L("Rejected by the CRM")
	case "Consent given":
		return lang.L("Consent given")
	case "Consent requested":
		return lang.L("Consent requested")
	case "Legitimate interest":
		return lang.L("Legitimate interest")
	case "Consent not asked":
		return lang.L("Consent not asked")
	case "Consent revoked":
		return lang.L("Consent revoked")
	case "No basis to contact":
		return lang.L("No basis to contact")
	}
	return s
}
