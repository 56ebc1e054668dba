package app

import (
	"fmt"
	"strconv"
	"time"

	"fyne.io/fyne/v2/lang"

	"leadcap/workflow"
)

// chartWords puts the report's charts into the user's language: the
// titles and labels, the days of the fair ("Mo. 20.4." in German, "Mon
// 20 Apr" in English) and the hours ("9 Uhr", "09:00").
func chartWords() workflow.ChartWords {
	return workflow.ChartWords{
		Text: func(s string) string {
			if t, ok := chartText(s); ok {
				return t
			}
			return s
		},
		Day:      chartDay,
		Hour:     chartHour,
		Number:   thousands,
		Percent:  percent,
		Date:     chartDate,
		Language: chartLanguage(),
	}
}

// chartLanguage is the language the charts are in: German, or English,
// the fallback of every other language.
func chartLanguage() string {
	if language, _ := localeParts(); language == "de" {
		return "de"
	}
	return "en"
}

// chartDate writes a date of the saved report: 27.11.2026 in German,
// 27 Nov 2026 in English.
func chartDate(d time.Time) string {
	if chartLanguage() == "de" {
		return formatDate(d)
	}
	return d.Format("2 Jan 2006")
}

// chartText translates a fixed text of the charts (workflow.ChartTexts);
// ok is false for a text it does not know.
func chartText(s string) (text string, ok bool) {
	switch s {
	case "Leads per day":
		return lang.L("Leads per day"), true
	case "Leads per hour of the day":
		return lang.L("Leads per hour of the day"), true
	case "Leads per staff member":
		return lang.L("Leads per staff member"), true
	case "From lead to prospect":
		return lang.L("From lead to prospect"), true
	case "Stage":
		return lang.L("Stage"), true
	case "Rating":
		return lang.L("Rating"), true
	case "Permission to contact":
		return lang.L("Permission to contact"), true
	case "Sync with the CRM":
		return lang.L("Sync with the CRM"), true
	case "No leads yet":
		return lang.L("No leads yet"), true
	case "(not recorded)":
		return lang.L("(not recorded)"), true
	case "how the event went":
		return lang.L("how the event went"), true
	case "Leads":
		return lang.L("Leads"), true
	case "Made by leadcap on":
		return lang.L("Made by leadcap on"), true
	case "days and hours in":
		return lang.L("days and hours in"), true
	}
	return chartLabel(s)
}

// chartLabel translates the label of a bar.
func chartLabel(s string) (text string, ok bool) {
	switch s {
	case "Captured":
		return lang.L("Captured"), true
	case "Prospects":
		return lang.L("Prospects"), true
	case "Prospects in the CRM":
		return lang.L("Prospects in the CRM"), true
	case "Lead":
		return lang.L("Lead"), true
	case "Prospect":
		return lang.L("Prospect"), true
	case "Disqualified":
		return lang.L("Disqualified"), true
	case "Hot":
		return lang.L("Hot"), true
	case "Warm":
		return lang.L("Warm"), true
	case "Cold":
		return lang.L("Cold"), true
	case "Unrated":
		return lang.L("Unrated"), true
	case "Waiting to sync":
		return lang.L("Waiting to sync"), true
	case "Waiting for the contact":
		return lang.L("Waiting for the contact"), true
	case "Failed, will retry":
		return lang.L("Failed, will retry"), true
	case "In the CRM":
		return lang.L("In the CRM"), true
	case "Rejected by the CRM":
		return lang.L("Rejected by the CRM"), true
	case "Consent given":
		return lang.L("Consent given"), true
	case "Consent requested":
		return lang.L("Consent requested"), true
	case "Legitimate interest":
		return lang.L("Legitimate interest"), true
	case "Consent not asked":
		return lang.L("Consent not asked"), true
	case "Consent revoked":
		return lang.L("Consent revoked"), true
	case "No basis to contact":
		return lang.L("No basis to contact"), true
	}
	return s, false
}

// chartDay labels a day of the fair with its weekday and date.
func chartDay(d time.Time) string {
	layout := "2 Jan"
	if language, _ := localeParts(); language == "de" {
		layout = "2.1."
	}
	return weekdayShort(d.Weekday()) + " " + d.Format(layout)
}

func weekdayShort(d time.Weekday) string {
	switch d {
	case time.Monday:
		return lang.L("Mon")
	case time.Tuesday:
		return lang.L("Tue")
	case time.Wednesday:
		return lang.L("Wed")
	case time.Thursday:
		return lang.L("Thu")
	case time.Friday:
		return lang.L("Fri")
	case time.Saturday:
		return lang.L("Sat")
	}
	return lang.L("Sun")
}

// chartHour labels an hour of the day: "9:00", in German "9 Uhr".
func chartHour(h int) string {
	return lang.L("{{.Hour}}:00", map[string]any{"Hour": strconv.Itoa(h)})
}

// percent writes a share as a whole percentage: "67%", in German "67 %".
func percent(share float64) string {
	return lang.L("{{.Percent}}%", map[string]any{"Percent": fmt.Sprintf("%.0f", share*100)})
}
