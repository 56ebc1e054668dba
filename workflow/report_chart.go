package workflow

import (
	"fmt"
	"strings"
	"time"
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
	syncColors    = map[string]string{"pending": colorOrange, "failed": colorPurple, "synced": colorGreen, "dead": colorRed}
	consentColors = map[string]string{"consent-active": colorGreen, "consent-requested": colorOrange, "legitimate-interest": colorBlue, "consent-not-asked": colorSky, "consent-revoked": colorRed, "none": colorGrey}
	reportLabels  = map[string]string{
		FunnelCaptured: "Captured", FunnelProspects: "Prospects", FunnelInCRM: "Prospects in the CRM",
		"lead": "Lead", "prospect": "Prospect", "disqualified": "Disqualified",
		"hot": "Hot", "warm": "Warm", "cold": "Cold", "unrated": "Unrated",
		"pending": "Waiting to sync", "failed": "Failed, will retry", "synced": "In the CRM", "dead": "Rejected by the CRM",
		"consent-active": "Consent given", "consent-requested": "Consent requested", "legitimate-interest": "Legitimate interest",
		"consent-not-asked": "Consent not asked", "consent-revoked": "Consent revoked", "none": "No basis to contact",
	}
)

// Charts returns the report's charts in display order: leads per day, per
// hour, per staff member, the funnel, stages, ratings, consent and sync.
func (r Report) Charts() []Chart {
	return []Chart{
		r.chart("day", "Leads per day", true, r.ByDay, dayLabel, fixedColor(colorBlue), r.Leads),
		r.chart("hour", "Leads per hour of the day", true, r.ByHour, func(k string) string { return k + ":00" }, fixedColor(colorBlue), r.Leads),
		r.chart("staff", "Leads per staff member", false, r.ByStaff, staffLabel, fixedColor(colorBlue), r.Leads),
		r.chart("funnel", "From lead to prospect", false, r.Funnel, reportLabel, fixedColor(colorGreen), r.Leads),
		r.chart("stage", "Stage", false, r.Stages, reportLabel, keyColor(stageColors), r.Leads),
		r.chart("rating", "Rating", false, r.Ratings, reportLabel, keyColor(ratingColors), r.Leads),
		r.chart("consent", "Permission to contact", false, r.Consent, reportLabel, keyColor(consentColors), r.Leads),
		r.chart("sync", "Sync with the CRM", false, r.Sync, reportLabel, keyColor(syncColors), r.Leads),
	}
}

func (r Report) chart(id, title string, columns bool, cs []Count, label func(string) string, color func(string) string, of int) Chart {
	c := Chart{ID: id, Title: title, Columns: columns, Empty: "No leads yet"}
	for _, n := range cs {
		b := Bar{Label: label(n.Key), N: n.N, Color: color(n.Key)}
		if of > 0 {
			b.Share = float64(n.N) / float64(of)
		}
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

func reportLabel(k string) string {
	if l, ok := reportLabels[k]; ok {
		return l
	}
	return k
}

func staffLabel(k string) string {
	if strings.TrimSpace(k) == "" {
		return "(not recorded)"
	}
	return k
}

// dayLabel writes YYYY-MM-DD as "Tue 10 Nov".
func dayLabel(k string) string {
	if d, err := time.Parse(time.DateOnly, k); err == nil {
		return d.Format("Mon 2 Jan")
	}
	return k
}

// Percent formats a share as a whole percentage.
func Percent(share float64) string { return fmt.Sprintf("%.0f%%", share*100) }
