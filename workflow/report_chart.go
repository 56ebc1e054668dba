package workflow

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Chart is one chart of a Report, ready to draw: the app's dashboard and
// the SVG of the HTML report draw the same Charts, so they show the same
// titles, labels, order and colours.
type Chart struct {
	ID    string
	Title string
	// Columns draws vertical bars along a time axis (days, hours); else
	// the bars are horizontal, one labelled row each.
	Columns bool
	Bars    []Bar
	// Empty is shown instead of the bars when every bar is zero.
	Empty string
}

// Bar is one bar of a Chart.
type Bar struct {
	Label string
	N     int
	// Share is N as a part of the chart's reference (all leads, or the
	// first step of the funnel), 0 to 1.
	Share float64
	// Number and Percent are N and Share written in the chart's language:
	// "1,234" and "67%", in German "1.234" and "67 %".
	Number, Percent string
	// Color is an RGB colour, "#rrggbb".
	Color string
}

// Max returns the largest N of the chart's bars.
func (c Chart) Max() int {
	m := 0
	for _, b := range c.Bars {
		m = max(m, b.N)
	}
	return m
}

// Chart colours: colour-blind safe (Okabe–Ito), one meaning each.
const (
	colorBlue   = "#0072B2"
	colorOrange = "#E69F00"
	colorGreen  = "#009E73"
	colorRed    = "#D55E00"
	colorSky    = "#56B4E9"
	colorPurple = "#CC79A7"
	colorGrey   = "#999999"
)

var (
	stageColors   = map[string]string{"lead": colorSky, "prospect": colorGreen, "disqualified": colorGrey}
	ratingColors  = map[string]string{"hot": colorRed, "warm": colorOrange, "cold": colorSky, "unrated": colorGrey}
	syncColors    = map[string]string{"pending": colorOrange, "waiting": colorSky, "failed": colorPurple, "synced": colorGreen, "dead": colorRed}
	consentColors = map[string]string{"consent-active": colorGreen, "consent-requested": colorOrange, "legitimate-interest": colorBlue, "consent-not-asked": colorSky, "consent-revoked": colorRed, "none": colorGrey}
	reportLabels  = map[string]string{
		FunnelCaptured: "Captured", FunnelProspects: "Prospects", FunnelInCRM: "Prospects in the CRM",
		"lead": "Lead", "prospect": "Prospect", "disqualified": "Disqualified",
		"hot": "Hot", "warm": "Warm", "cold": "Cold", "unrated": "Unrated",
		"pending": "Waiting to sync", "waiting": "Waiting for the contact", "failed": "Failed, will retry", "synced": "In the CRM", "dead": "Rejected by the CRM",
		"consent-active": "Consent given", "consent-requested": "Consent requested", "legitimate-interest": "Legitimate interest",
		"consent-not-asked": "Consent not asked", "consent-revoked": "Consent revoked", "none": "No basis to contact",
	}
)

// ChartWords puts the charts of a report into a language. A nil field
// keeps the English of Charts.
type ChartWords struct {
	// Text translates one of the fixed English texts of the charts (every
	// one is listed by ChartTexts): titles, bar labels, "No leads yet".
	Text func(english string) string
	// Day labels a day of the fair on the time axis: "Tue 10 Nov".
	Day func(day time.Time) string
	// Hour labels an hour of the day (0 to 23): "09:00".
	Hour func(hour int) string
	// Number writes a count: "1,234" (German "1.234").
	Number func(n int) string
	// Percent writes a share (0 to 1) as a whole percentage: "67%"
	// (German "67 %").
	Percent func(share float64) string
	// Date writes a date of the HTML page (the event's first and last
	// day, the day the report was made): "27 Nov 2026" (German
	// "27.11.2026").
	Date func(day time.Time) string
	// Language is the BCP 47 tag of the language the words are in, for
	// the HTML page's lang attribute; "" is English.
	Language string
}

// Chart titles and the texts shown instead of data.
const (
	titleDay     = "Leads per day"
	titleHour    = "Leads per hour of the day"
	titleStaff   = "Leads per staff member"
	titleFunnel  = "From lead to prospect"
	titleStage   = "Stage"
	titleRating  = "Rating"
	titleConsent = "Permission to contact"
	titleSync    = "Sync with the CRM"
	textNoLeads  = "No leads yet"
	textNoStaff  = "(not recorded)"
)

// The fixed texts of the HTML page around the charts.
const (
	pageTitle   = "how the event went"
	pageLeads   = "Leads"
	pageMadeBy  = "Made by leadcap on"
	pageTimesIn = "days and hours in"
)

// ChartTexts returns every fixed English text the charts and the HTML
// page show, for a translation to cover (ChartWords.Text is asked for
// each of them).
func ChartTexts() []string {
	out := []string{titleDay, titleHour, titleStaff, titleFunnel, titleStage, titleRating, titleConsent, titleSync, textNoLeads, textNoStaff,
		pageTitle, pageLeads, pageMadeBy, pageTimesIn}
	fixed := len(out)
	for _, v := range reportLabels {
		out = append(out, v)
	}
	slices.Sort(out[fixed:])
	return out
}

// Charts returns the report's charts in display order, in English: leads
// per day, per hour, per staff member, the funnel, stages, ratings,
// consent and sync.
func (r Report) Charts() []Chart { return r.ChartsIn(ChartWords{}) }

// ChartsIn returns the report's charts in the language of w.
func (r Report) ChartsIn(w ChartWords) []Chart {
	w = w.withDefaults()
	label := func(k string) string {
		if l, ok := reportLabels[k]; ok {
			return w.Text(l)
		}
		return k
	}
	staff := func(k string) string {
		if strings.TrimSpace(k) == "" {
			return w.Text(textNoStaff)
		}
		return k
	}
	day := func(k string) string {
		if d, err := time.Parse(time.DateOnly, k); err == nil {
			return w.Day(d)
		}
		return k
	}
	hour := func(k string) string {
		if h, err := strconv.Atoi(k); err == nil {
			return w.Hour(h)
		}
		return k
	}
	empty := w.Text(textNoLeads)
	return []Chart{
		r.chart(w, "day", w.Text(titleDay), empty, true, r.ByDay, day, fixedColor(colorBlue), r.Leads),
		r.chart(w, "hour", w.Text(titleHour), empty, true, r.ByHour, hour, fixedColor(colorBlue), r.Leads),
		r.chart(w, "staff", w.Text(titleStaff), empty, false, r.ByStaff, staff, fixedColor(colorBlue), r.Leads),
		r.chart(w, "funnel", w.Text(titleFunnel), empty, false, r.Funnel, label, fixedColor(colorGreen), r.Leads),
		r.chart(w, "stage", w.Text(titleStage), empty, false, r.Stages, label, keyColor(stageColors), r.Leads),
		r.chart(w, "rating", w.Text(titleRating), empty, false, r.Ratings, label, keyColor(ratingColors), r.Leads),
		r.chart(w, "consent", w.Text(titleConsent), empty, false, r.Consent, label, keyColor(consentColors), r.Leads),
		r.chart(w, "sync", w.Text(titleSync), empty, false, r.Sync, label, keyColor(syncColors), r.Leads),
	}
}

func (w ChartWords) withDefaults() ChartWords {
	if w.Text == nil {
		w.Text = func(s string) string { return s }
	}
	if w.Day == nil {
		w.Day = func(d time.Time) string { return d.Format("Mon 2 Jan") }
	}
	if w.Hour == nil {
		w.Hour = func(h int) string { return fmt.Sprintf("%02d:00", h) }
	}
	if w.Number == nil {
		w.Number = func(n int) string { return english.Sprint(n) }
	}
	if w.Percent == nil {
		w.Percent = Percent
	}
	if w.Date == nil {
		w.Date = func(d time.Time) string { return d.Format("2 Jan 2006") }
	}
	if w.Language == "" {
		w.Language = "en"
	}
	return w
}

// english writes numbers the English way: 1,234.
var english = message.NewPrinter(language.English)

func (r Report) chart(w ChartWords, id, title, empty string, columns bool, cs []Count, label func(string) string, color func(string) string, of int) Chart {
	c := Chart{ID: id, Title: title, Columns: columns, Empty: empty}
	for _, n := range cs {
		b := Bar{Label: label(n.Key), N: n.N, Color: color(n.Key), Number: w.Number(n.N)}
		if of > 0 {
			b.Share = float64(n.N) / float64(of)
		}
		b.Percent = w.Percent(b.Share)
		c.Bars = append(c.Bars, b)
	}
	return c
}

func fixedColor(c string) func(string) string { return func(string) string { return c } }

func keyColor(m map[string]string) func(string) string {
	return func(k string) string {
		if c, ok := m[k]; ok {
			return c
		}
		return colorGrey
	}
}

// Percent formats a share as a whole percentage.
func Percent(share float64) string { return fmt.Sprintf("%.0f%%", share*100) }
