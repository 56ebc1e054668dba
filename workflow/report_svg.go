package workflow

import (
	"bytes"
	"cmp"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// SVG geometry of a chart, in pixels.
const (
	svgWidth    = 560
	svgTitleH   = 28
	svgRowH     = 26
	svgLabelW   = 170
	svgNumberW  = 90
	svgColumnsH = 180
	svgAxisH    = 36
)

// SVG returns the chart as an SVG element for inline use in HTML (no
// namespace declaration, which HTML does not need): role="img" with a
// title and a description that lists every bar for screen readers, a
// <title> per bar (a tooltip in browsers), and system fonts only.
func (c Chart) SVG() string {
	var b strings.Builder
	h := c.svgHeight()
	id := "chart-" + c.ID
	fmt.Fprintf(&b, `<svg width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t %s-d" font-family="system-ui, sans-serif" font-size="13">`,
		svgWidth, h, svgWidth, h, id, id)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(c.Title), id, esc(c.describe()))
	fmt.Fprintf(&b, `<text x="0" y="18" font-size="15" font-weight="bold" fill="#222">%s</text>`, esc(c.Title))
	switch {
	case c.Max() == 0:
		fmt.Fprintf(&b, `<text x="0" y="%d" fill="#666">%s</text>`, svgTitleH+18, esc(c.Empty))
	case c.Columns:
		c.svgColumns(&b)
	default:
		c.svgRows(&b)
	}
	b.WriteString(`</svg>`)
	return b.String()
}

func (c Chart) svgHeight() int {
	switch {
	case c.Max() == 0:
		return svgTitleH + 30
	case c.Columns:
		return svgTitleH + svgColumnsH + svgAxisH
	}
	return svgTitleH + svgRowH*len(c.Bars) + 4
}

// describe lists the bars as text ("Hot: 12 (30%); Warm: 8 (20%)").
func (c Chart) describe() string {
	parts := make([]string, len(c.Bars))
	for i, bar := range c.Bars {
		parts[i] = bar.Label + ": " + bar.text()
	}
	return strings.Join(parts, "; ")
}

// text is the bar's figure: "12 (30%)", in the chart's language.
func (bar Bar) text() string {
	return bar.number() + " (" + cmp.Or(bar.Percent, Percent(bar.Share)) + ")"
}

// number is N in the chart's language.
func (bar Bar) number() string { return cmp.Or(bar.Number, strconv.Itoa(bar.N)) }

// maxNumber is the largest N of the chart in its language.
func (c Chart) maxNumber() string {
	m := Bar{}
	for _, b := range c.Bars {
		if b.N > m.N {
			m = b
		}
	}
	return m.number()
}

// svgCharW is about the width of a character of the 13 px system font:
// the label and figure columns grow with the longest text (German labels
// are longer than English ones), up to svgMaxLabelW for the labels.
const (
	svgCharW     = 7.4
	svgMaxLabelW = 260
)

// svgRows draws one labelled horizontal bar per row.
func (c Chart) svgRows(b *strings.Builder) {
	m := float64(c.Max())
	labelW, numberW := svgLabelW, svgNumberW
	for _, bar := range c.Bars {
		labelW = max(labelW, min(svgMaxLabelW, int(float64(utf8.RuneCountInString(bar.Label))*svgCharW)+16))
		numberW = max(numberW, int(float64(utf8.RuneCountInString(bar.text()))*svgCharW)+10)
	}
	span := float64(svgWidth - labelW - numberW)
	for i, bar := range c.Bars {
		y := svgTitleH + i*svgRowH
		w := span * float64(bar.N) / m
		fmt.Fprintf(b, `<g><title>%s: %s</title>`, esc(bar.Label), esc(bar.text()))
		fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="end" fill="#222">%s</text>`, labelW-8, y+17, esc(bar.Label))
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="%.1f" height="%d" rx="2" fill="%s"/>`, labelW, y+4, w, svgRowH-8, bar.Color)
		fmt.Fprintf(b, `<text x="%.1f" y="%d" fill="#222">%s</text></g>`, float64(labelW)+w+6, y+17, esc(bar.text()))
	}
}

// svgColumns draws vertical bars over a labelled axis; with many bars only
// every k-th label is written.
func (c Chart) svgColumns(b *strings.Builder) {
	m := float64(c.Max())
	n := len(c.Bars)
	slot := float64(svgWidth-40) / float64(n)
	every := max(1, (n*72+svgWidth-1)/svgWidth)
	base := svgTitleH + svgColumnsH
	fmt.Fprintf(b, `<line x1="36" y1="%d" x2="%d" y2="%d" stroke="#888"/>`, base, svgWidth, base)
	fmt.Fprintf(b, `<text x="30" y="%d" text-anchor="end" fill="#666">%s</text>`, svgTitleH+24, esc(c.maxNumber()))
	for i, bar := range c.Bars {
		x := 40 + float64(i)*slot
		h := float64(svgColumnsH-24) * float64(bar.N) / m
		fmt.Fprintf(b, `<g><title>%s: %s</title>`, esc(bar.Label), esc(bar.text()))
		fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, x+slot*0.1, float64(base)-h, slot*0.8, h, bar.Color)
		if bar.N > 0 && slot >= 28 {
			fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="11" fill="#222">%s</text>`, x+slot/2, float64(base)-h-4, esc(bar.number()))
		}
		if i%every == 0 {
			fmt.Fprintf(b, `<text x="%.1f" y="%d" text-anchor="middle" font-size="11" fill="#444">%s</text>`, x+slot/2, base+16, esc(bar.Label))
		}
		b.WriteString(`</g>`)
	}
}

func esc(s string) string { return template.HTMLEscapeString(s) }

//go:embed report.html.tmpl
var reportHTML string

var reportTemplate = template.Must(template.New("report").Parse(reportHTML))

// WriteReportHTML writes the report as one self-contained HTML page in
// English: the charts as inline SVG, the styles inline, no script, font or
// image from anywhere else, so it opens offline and can be mailed as it is.
func WriteReportHTML(w io.Writer, r Report) error { return WriteReportHTMLIn(w, r, ChartWords{}) }

// reportPage is what report.html.tmpl shows, every text in its language.
type reportPage struct {
	Lang, Event, Title, Place, Dates string
	Totals                           []reportTotal
	Charts                           []template.HTML
	MadeBy, TimesIn, Made, Zone      string
}

type reportTotal struct{ Label, N string }

// WriteReportHTMLIn writes the report as WriteReportHTML does, in the
// language of words: the page's texts, the charts, dates and numbers.
func WriteReportHTMLIn(w io.Writer, r Report, words ChartWords) error {
	words = words.withDefaults()
	charts := r.ChartsIn(words)
	made := r.GeneratedAt // in the report's time zone, as its charts are
	if loc, err := time.LoadLocation(r.Location); err == nil {
		made = made.In(loc)
	}
	p := reportPage{
		Lang: words.Language, Event: r.Event.Name, Title: words.Text(pageTitle),
		Charts: make([]template.HTML, len(charts)),
		MadeBy: words.Text(pageMadeBy), TimesIn: words.Text(pageTimesIn), Zone: r.Location,
		Made: words.Date(made) + " " + made.Format("15:04 MST"),
	}
	var place []string
	for _, s := range []string{r.Event.Venue, r.Event.City} {
		if s != "" {
			place = append(place, s)
		}
	}
	p.Place = strings.Join(place, " · ")
	var dates []string
	for _, d := range []time.Time{r.Event.Start, r.Event.End} {
		if !d.IsZero() {
			dates = append(dates, words.Date(d))
		}
	}
	p.Dates = strings.Join(dates, " – ")
	for _, f := range r.Funnel {
		label := words.Text(pageLeads)
		if l, ok := reportLabels[f.Key]; ok && f.Key != FunnelCaptured {
			label = words.Text(l)
		}
		p.Totals = append(p.Totals, reportTotal{label, words.Number(f.N)})
	}
	for i, c := range charts {
		p.Charts[i] = template.HTML(c.SVG()) // #nosec G203 -- every text in it went through esc
	}
	var buf bytes.Buffer
	err := reportTemplate.Execute(&buf, p)
	if err == nil {
		_, err = w.Write(buf.Bytes())
	}
	if err != nil {
		return fmt.Errorf("workflow: write report: %w", err)
	}
	return nil
}
