package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReport(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.withEvent()
	a := id(t, e.ok("add", "--email", "a@example.com", "--staff", "Anna"))
	id(t, e.ok("add", "--email", "b@example.com", "--staff", "Anna"))
	id(t, e.ok("add", "--email", "c@example.com", "--staff", "Bob"))
	e.ok("qualify", a, "--fit", "yes", "--budget", "yes", "--authority", "yes", "--interest", "yes", "--rating", "hot")

	var r struct {
		Leads   int `json:"leads"`
		ByStaff []struct {
			Key string `json:"key"`
			N   int    `json:"n"`
		} `json:"by_staff"`
		Funnel []struct {
			Key string `json:"key"`
			N   int    `json:"n"`
		} `json:"funnel"`
	}
	require.NoError(t, json.Unmarshal([]byte(e.ok("report", "--json", "--tz", "UTC")), &r))
	assert.Equal(t, 3, r.Leads)
	require.Len(t, r.ByStaff, 2)
	assert.Equal(t, "Anna", r.ByStaff[0].Key)
	assert.Equal(t, 2, r.ByStaff[0].N)
	require.Len(t, r.Funnel, 3)
	assert.Equal(t, 1, r.Funnel[1].N, "one prospect")

	out := filepath.Join(e.dir, "report.html")
	assert.Contains(t, e.ok("report", "--event", "Hannover Messe 2026", "-o", out), "(3 leads) to "+out)
	page, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(page), "Leads per staff member")
	assert.Contains(t, string(page), "Anna: 2 (67%)")

	e.fails(2, []string{"report"}, "either -o FILE.html or --json")
	e.fails(2, []string{"report", "--json", "--tz", "Mars/Olympus"}, "not a time zone")
	e.fails(1, []string{"report", "--json", "--event", "Nope"}, `no event has the ID, ID prefix or name "Nope"`)
	e.fails(1, []string{"report", "-o", e.db}, "is the database")
}

// The HTML report is in the locale's language, as the app's is, unless
// --lang says otherwise; --json stays as it is.
func TestReportInTheLocalesLanguage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.withEvent()
	for _, m := range []string{"a", "b", "c"} {
		id(t, e.ok("add", "--email", m+"@example.com", "--staff", "Anna"))
	}
	write := func(env []string, args ...string) string {
		t.Helper()
		out := filepath.Join(e.dir, "report.html")
		r := e.runEnv("", env, append([]string{"report", "--tz", "UTC", "-o", out}, args...)...)
		require.Equal(t, 0, r.code, r.stderr)
		page, err := os.ReadFile(out)
		require.NoError(t, err)
		return string(page)
	}
	german := []string{"LANGUAGE=", "LC_ALL=", "LC_MESSAGES=", "LANG=de_DE.UTF-8"}
	page := write(german)
	for _, want := range []string{`<html lang="de">`, "— wie die Messe lief</title>", "20.04.2026 – 24.04.2026",
		">Leads pro Person am Stand</text>", "Anna: 3 (100 %)", "Erstellt mit leadcap am"} {
		assert.True(t, strings.Contains(page, want), "the German page has no %q", want)
	}
	assert.False(t, strings.Contains(page, "Leads per staff member"))

	page = write(german, "--lang", "en")
	assert.True(t, strings.Contains(page, "Anna: 3 (100%)"), "--lang en wins over the locale")
	for _, env := range [][]string{
		{"LANGUAGE=", "LC_ALL=", "LC_MESSAGES=", "LANG=en_GB.UTF-8"},
		{"LANGUAGE=de", "LC_ALL=C", "LC_MESSAGES=", "LANG=de_DE.UTF-8"}, // the C locale switches translation off
		{"LANGUAGE=", "LC_ALL=", "LC_MESSAGES=", "LANG=fr_FR.UTF-8"},    // no French: English
	} {
		page = write(env)
		assert.True(t, strings.Contains(page, `<html lang="en">`) && strings.Contains(page, "Leads per staff member"), "%v: English", env)
	}
	page = write([]string{"LANGUAGE=de:en", "LC_ALL=", "LC_MESSAGES=", "LANG=en_US.UTF-8"})
	assert.True(t, strings.Contains(page, `<html lang="de">`), "LANGUAGE comes first, as for the app")

	e.fails(2, []string{"report", "--lang", "fr", "-o", filepath.Join(e.dir, "x.html")}, `--lang "fr"`, "en or de")
}
