package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReport(t *testing.T) {
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
