package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"leadcap/assets/translations"
	"leadcap/workflow"
)

// reportLanguages are the languages `leadcap report -o` writes, English
// first (the fallback).
var reportLanguages = []string{"en", "de"}

// reportLanguage picks the language of the HTML report: --lang, else the
// language of the locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG, as gettext
// reads them), so that a clerk whose desktop speaks German gets the same
// German report the app saves; English for any other language and for the
// C locale.
func reportLanguage(flag string, env workflow.Env) (string, error) {
	if flag != "" {
		l := strings.ToLower(strings.TrimSpace(flag))
		for _, known := range reportLanguages {
			if l == known {
				return l, nil
			}
		}
		return "", usagef("--lang %q: the report is written in %s", flag, strings.Join(reportLanguages, " or "))
	}
	locale := ""
	for _, v := range []string{env.Get("LC_ALL"), env.Get("LC_MESSAGES"), env.Get("LANG")} {
		if v != "" {
			locale = v
			break
		}
	}
	if locale == "" || locale == "C" || locale == "POSIX" || strings.HasPrefix(locale, "C.") {
		return "en", nil // gettext ignores LANGUAGE in the C locale
	}
	candidates := strings.Split(env.Get("LANGUAGE"), ":")
	candidates = append(candidates, locale)
	for _, c := range candidates {
		l, _, _ := strings.Cut(strings.ToLower(c), "_")
		l, _, _ = strings.Cut(l, ".")
		l, _, _ = strings.Cut(l, "-")
		for _, known := range reportLanguages {
			if l == known {
				return l, nil
			}
		}
	}
	return "en", nil
}

// reportWords returns the words of the HTML report in language l, from
// the translation files the app uses.
func reportWords(l string) (workflow.ChartWords, error) {
	if l == "en" {
		return workflow.ChartWords{}, nil
	}
	data, err := translations.File(l)
	if err != nil {
		return workflow.ChartWords{}, err
	}
	bundle := i18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	if _, err := bundle.ParseMessageFileBytes(data, l+".json"); err != nil {
		return workflow.ChartWords{}, fmt.Errorf("read the %s translation: %w", l, err)
	}
	loc := i18n.NewLocalizer(bundle, l)
	tr := func(id string, data map[string]any) string {
		s, err := loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
		if err != nil {
			return id
		}
		return s
	}
	tag := language.Make(l)
	numbers := message.NewPrinter(tag)
	dayLayout, dateLayout := "2 Jan", "2 Jan 2006"
	if l == "de" {
		dayLayout, dateLayout = "2.1.", "02.01.2006"
	}
	return workflow.ChartWords{
		Text: func(s string) string { return tr(s, nil) },
		// The app's translations know the weekdays by their English
		// abbreviation, "Mon".
		Day:    func(d time.Time) string { return tr(d.Weekday().String()[:3], nil) + " " + d.Format(dayLayout) },
		Hour:   func(h int) string { return tr("{{.Hour}}:00", map[string]any{"Hour": h}) },
		Number: func(n int) string { return numbers.Sprint(n) },
		Percent: func(f float64) string {
			return tr("{{.Percent}}%", map[string]any{"Percent": fmt.Sprintf("%.0f", f*100)})
		},
		Date:     func(d time.Time) string { return d.Format(dateLayout) },
		Language: l,
	}, nil
}
