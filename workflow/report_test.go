package workflow_test

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"

	"leadcap/lead"
	"leadcap/storage"
	"leadcap/workflow"
)

// reportLead is one row of the report test's fair: when and by whom it was
// captured, how it was qualified, rated and consented, and how far it got
// with the CRM.
type reportLead struct {
	day, hour, minute int // April 2026, UTC
	staff             string
	stage             lead.Stage
	rating            lead.Rating
	consent           lead.Consent
	sync              storage.SyncStatus
}

var (
	consentActive    = lead.Consent{Basis: lead.BasisConsent, Status: lead.ConsentActive}
	consentRequested = lead.Consent{Basis: lead.BasisConsent, Status: lead.ConsentRequested}
	legitimate       = lead.Consent{Basis: lead.BasisLegitimateInterest}
	noBasis          = lead.Consent{Basis: lead.BasisNone}
)

// reportFair: days 20 and 22 of a fair from the 20th to the 23rd, hours 9,
// 10 and 14; Anna 4 leads, Bob 3, one without staff.
var reportFair = []reportLead{
	{20, 9, 5, "Anna", lead.StageProspect, lead.RatingHot, consentActive, storage.SyncSynced},
	{20, 9, 40, "Anna", lead.StageProspect, lead.RatingHot, consentActive, storage.SyncPending},
	{20, 10, 0, "Bob", lead.StageLead, lead.RatingWarm, consentRequested, storage.SyncSynced},
	{20, 14, 59, "Anna", lead.StageLead, lead.RatingCold, legitimate, storage.SyncFailed},
	{22, 9, 15, "Bob", lead.StageDisqualified, lead.RatingUnrated, noBasis, storage.SyncDead},
	{22, 10, 30, "Bob", lead.StageProspect, lead.RatingWarm, legitimate, storage.SyncSynced},
	{22, 10, 45, "", lead.StageLead, lead.RatingUnrated, noBasis, storage.SyncPending},
	{22, 14, 0, "Anna", lead.StageLead, lead.RatingWarm, consentActive, storage.SyncPending},
}

func qualificationFor(st lead.Stage) lead.Qualification {
	switch st {
	case lead.StageProspect:
		return lead.Qualification{Fit: lead.Yes, Budget: lead.Yes, Authority: lead.Yes, Interest: lead.Yes}
	case lead.StageDisqualified:
		return lead.Qualification{Disqualified: true}
	}
	return lead.Qualification{Fit: lead.Yes}
}

// seedReport stores the fair of reportFair and a lead of another event
// that the report must not count.
func seedReport(t *testing.T, s *storage.Store) lead.Event {
	t.Helper()
	ev := lead.Event{Name: "Hannover Messe", Start: time.Date(2026, 4, 20, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 4, 23, 0, 0, 0, 0, time.UTC)}
	require.NoError(t, s.CreateEvent(&ev))
	for i, rl := range reportFair {
		l := lead.New(ev.ID, lead.MethodManual, time.Date(2026, 4, rl.day, rl.hour, rl.minute, 0, 0, time.UTC))
		l.Contact = lead.Contact{FullName: fmt.Sprintf("Visitor %d", i), Emails: []string{fmt.Sprintf("v%d@example.com", i)}}
		l.CapturedBy, l.Qualification, l.Rating, l.Consent = rl.staff, qualificationFor(rl.stage), rl.rating, rl.consent
		require.NoError(t, s.AddLead(l))
		setSync(t, s, l.ID, rl.sync)
	}
	other := lead.Event{Name: "Salon"}
	require.NoError(t, s.CreateEvent(&other))
	l := lead.New(other.ID, lead.MethodManual, time.Date(2026, 4, 20, 11, 0, 0, 0, time.UTC))
	l.Contact, l.CapturedBy, l.Rating = lead.Contact{FullName: "Elsewhere", Emails: []string{"e@example.com"}}, "Anna", lead.RatingHot
	require.NoError(t, s.AddLead(l))
	return ev
}

// setSync brings a new (pending) lead to a sync status the way the relay
// does.
func setSync(t *testing.T, s *storage.Store, id uuid.UUID, st storage.SyncStatus) {
	t.Helper()
	l, err := s.Lead(id)
	require.NoError(t, err)
	switch st {
	case storage.SyncSynced:
		require.NoError(t, s.MarkDone(id, l.Version, "crm-"+id.String()[:8]))
	case storage.SyncFailed:
		require.NoError(t, s.MarkFailed(id, l.Version, "timeout", time.Now().Add(time.Hour)))
	case storage.SyncDead:
		require.NoError(t, s.MarkDead(id, l.Version, "rejected"))
	}
	info, err := s.SyncInfo(id)
	require.NoError(t, err)
	require.Equal(t, st, info.Status)
}

func counts(kv ...any) []workflow.Count {
	var out []workflow.Count
	for i := 0; i < len(kv); i += 2 {
		out = append(out, workflow.Count{Key: kv[i].(string), N: kv[i+1].(int)})
	}
	return out
}

func TestBuildReportCountsTheEvent(t *testing.T) {
	s := openStore(t)
	ev := seedReport(t, s)
	now := time.Date(2026, 4, 24, 8, 0, 0, 0, time.UTC)

	r, err := workflow.BuildReport(context.Background(), s, ev.ID, time.UTC, now)
	require.NoError(t, err)

	assert.Equal(t, ev.Name, r.Event.Name)
	assert.Equal(t, now, r.GeneratedAt)
	assert.Equal(t, 8, r.Leads)
	assert.Equal(t, counts("2026-04-20", 4, "2026-04-21", 0, "2026-04-22", 4, "2026-04-23", 0), r.ByDay)
	assert.Equal(t, counts("09", 3, "10", 3, "11", 0, "12", 0, "13", 0, "14", 2), r.ByHour)
	assert.Equal(t, counts("Anna", 4, "Bob", 3, "", 1), r.ByStaff)
	assert.Equal(t, counts("captured", 8, "prospects", 3, "prospects-synced", 2), r.Funnel)
	assert.Equal(t, counts("lead", 4, "prospect", 3, "disqualified", 1), r.Stages)
	assert.Equal(t, counts("hot", 2, "warm", 3, "cold", 1, "unrated", 2), r.Ratings)
	assert.Equal(t, counts("consent-active", 3, "consent-requested", 1, "legitimate-interest", 2, "consent-not-asked", 0, "consent-revoked", 0, "none", 2), r.Consent)
	assert.Equal(t, counts("pending", 3, "failed", 1, "synced", 3, "dead", 1, "waiting", 0), r.Sync)
}

func TestBuildReportCountsHoursInTheGivenZone(t *testing.T) {
	s := openStore(t)
	ev := seedReport(t, s)
	berlin, err := time.LoadLocation("Europe/Berlin") // UTC+2 in April
	require.NoError(t, err)

	r, err := workflow.BuildReport(context.Background(), s, ev.ID, berlin, time.Now())
	require.NoError(t, err)

	assert.Equal(t, "Europe/Berlin", r.Location)
	assert.Equal(t, counts("11", 3, "12", 3, "13", 0, "14", 0, "15", 0, "16", 2), r.ByHour)
}

func TestBuildReportOfAnEmptyEvent(t *testing.T) {
	s := openStore(t)
	ev := lead.Event{Name: "Not started"}
	require.NoError(t, s.CreateEvent(&ev))

	r, err := workflow.BuildReport(context.Background(), s, ev.ID, nil, time.Now())
	require.NoError(t, err)

	assert.Zero(t, r.Leads)
	assert.Empty(t, r.ByDay)
	assert.Empty(t, r.ByHour)
	for _, c := range r.Charts() {
		assert.Contains(t, c.SVG(), "No leads yet", c.ID)
	}
}

func TestBuildReportUnknownEvent(t *testing.T) {
	s := openStore(t)
	_, err := workflow.BuildReport(context.Background(), s, lead.NewID(), nil, time.Now())
	assert.ErrorIs(t, err, storage.ErrNotFound)
}

// TestReportHTMLIsSelfContained parses the page and checks that it loads
// nothing from anywhere: no URL at all, no script, no external stylesheet,
// font or image, and one SVG chart per chart, each with an accessible name.
func TestReportHTMLIsSelfContained(t *testing.T) {
	s := openStore(t)
	ev := seedReport(t, s)
	r, err := workflow.BuildReport(context.Background(), s, ev.ID, time.UTC, time.Now())
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, workflow.WriteReportHTML(&buf, r))

	page := buf.String()
	assert.NotRegexp(t, regexp.MustCompile(`(?i)(https?:|//[a-z]|url\(|@import)`), page)
	doc, err := html.Parse(strings.NewReader(page))
	require.NoError(t, err)
	var svgs, titled int
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.Data {
		case "script", "link", "img", "iframe", "object", "embed":
			t.Errorf("the report has a <%s> element", n.Data)
		case "svg":
			svgs++
			if attr(n, "role") == "img" && attr(n, "aria-labelledby") != "" {
				titled++
			}
		}
	}
	assert.Equal(t, len(r.Charts()), svgs)
	assert.Equal(t, svgs, titled)
	assert.Contains(t, page, "Hot: 2 (25%)", "each bar says its figure in words")
	assert.Contains(t, page, "<title>Hannover Messe")
}

func TestReportHTMLEscapesNames(t *testing.T) {
	s := openStore(t)
	ev := lead.Event{Name: `<script>alert(1)</script>`}
	require.NoError(t, s.CreateEvent(&ev))
	l := lead.New(ev.ID, lead.MethodManual, time.Now())
	l.Contact, l.CapturedBy = lead.Contact{FullName: "X", Emails: []string{"x@example.com"}}, `<b onmouseover="x">Eve</b>`
	require.NoError(t, s.AddLead(l))
	r, err := workflow.BuildReport(context.Background(), s, ev.ID, nil, time.Now())
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, workflow.WriteReportHTML(&buf, r))
	assert.NotContains(t, buf.String(), "<script>")
	assert.NotContains(t, buf.String(), "<b onmouseover")
	assert.Contains(t, buf.String(), "&lt;b onmouseover=")
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// TestBuildReportFollowsEditsAndEncryption: the figures come from the
// leads' summaries, which follow every edit and removal and read the same
// once the store is encrypted.
func TestBuildReportFollowsEditsAndEncryption(t *testing.T) {
	s := openStore(t)
	ev := seedReport(t, s)
	now := time.Date(2026, 4, 24, 8, 0, 0, 0, time.UTC)
	var bobs []lead.Lead
	require.NoError(t, s.EachLead(storage.Query{EventID: ev.ID}, func(l lead.Lead) error {
		if l.CapturedBy == "Bob" {
			bobs = append(bobs, l)
		}
		return nil
	}))
	require.Len(t, bobs, 3)
	_, err := s.UpdateLead(bobs[0].ID, func(l *lead.Lead) error {
		l.CapturedBy, l.Rating, l.Consent = "Carla", lead.RatingCold, lead.Consent{Basis: lead.BasisConsent, Status: lead.ConsentRevoked}
		return nil
	})
	require.NoError(t, err)
	_, err = s.RemoveLead(bobs[1].ID, lead.OpDelete, "test")
	require.NoError(t, err)

	r, err := workflow.BuildReport(context.Background(), s, ev.ID, time.UTC, now)
	require.NoError(t, err)
	assert.Equal(t, 7, r.Leads)
	assert.Equal(t, counts("Anna", 4, "", 1, "Bob", 1, "Carla", 1), r.ByStaff)
	assert.Equal(t, 7, sum(r.Ratings))
	assert.Equal(t, 1, find(r.Consent, "consent-revoked"))
	assert.Equal(t, 7, sum(r.Consent))
	assert.Equal(t, 7, sum(r.ByDay))

	require.NoError(t, s.Encrypt(storage.Passphrase("report test")))
	encrypted, err := workflow.BuildReport(context.Background(), s, ev.ID, time.UTC, now)
	require.NoError(t, err)
	assert.Equal(t, r, encrypted)

	// A small event among many is read through the event index.
	evs, err := s.Events()
	require.NoError(t, err)
	for _, other := range evs {
		if other.ID == ev.ID {
			continue
		}
		r, err := workflow.BuildReport(context.Background(), s, other.ID, time.UTC, now)
		require.NoError(t, err)
		assert.Equal(t, counts("Anna", 1), r.ByStaff)
		assert.Equal(t, counts("2026-04-20", 1), r.ByDay)
	}
}

func sum(cs []workflow.Count) int {
	n := 0
	for _, c := range cs {
		n += c.N
	}
	return n
}

func find(cs []workflow.Count, key string) int {
	for _, c := range cs {
		if c.Key == key {
			return c.N
		}
	}
	return -1
}

// TestChartsInAnotherLanguage puts every text of the charts through
// ChartWords: each fixed text is one ChartTexts lists, and days and hours
// are written by its Day and Hour.
func TestChartsInAnotherLanguage(t *testing.T) {
	s := openStore(t)
	ev := seedReport(t, s)
	r, err := workflow.BuildReport(context.Background(), s, ev.ID, time.UTC, time.Now())
	require.NoError(t, err)
	known := map[string]bool{}
	for _, k := range workflow.ChartTexts() {
		known[k] = true
	}
	var asked []string
	w := workflow.ChartWords{
		Text: func(s string) string { asked = append(asked, s); return "«" + s + "»" },
		Day:  func(d time.Time) string { return d.Format("02.01.") },
		Hour: func(h int) string { return strconv.Itoa(h) + " Uhr" },
	}
	english := r.Charts()
	for i, c := range r.ChartsIn(w) {
		assert.Equal(t, "«"+english[i].Title+"»", c.Title)
		assert.Equal(t, "«No leads yet»", c.Empty)
		for j, b := range c.Bars {
			switch c.ID {
			case "day":
				assert.Regexp(t, `^\d\d\.\d\d\.$`, b.Label)
			case "hour":
				assert.Regexp(t, `^\d{1,2} Uhr$`, b.Label)
			case "staff":
				if english[i].Bars[j].Label != "(not recorded)" {
					assert.Equal(t, english[i].Bars[j].Label, b.Label, "names stay as they are")
				}
			default:
				assert.Equal(t, "«"+english[i].Bars[j].Label+"»", b.Label)
			}
		}
	}
	require.NotEmpty(t, asked)
	for _, s := range asked {
		assert.True(t, known[s], "%q is not in ChartTexts", s)
	}
}

// TestReportHTMLInAnotherLanguage: every text, number, share and date of
// the HTML page goes through ChartWords, and the page says its language.
func TestReportHTMLInAnotherLanguage(t *testing.T) {
	s := openStore(t)
	ev := seedReport(t, s)
	r, err := workflow.BuildReport(context.Background(), s, ev.ID, time.UTC, time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	w := workflow.ChartWords{
		Text:     func(s string) string { return "«" + s + "»" },
		Day:      func(d time.Time) string { return d.Format("02.01.") },
		Hour:     func(h int) string { return strconv.Itoa(h) + " Uhr" },
		Number:   func(n int) string { return "#" + strconv.Itoa(n) },
		Percent:  func(f float64) string { return fmt.Sprintf("%.0f ‰", f*1000) },
		Date:     func(d time.Time) string { return d.Format("02.01.2006") },
		Language: "de",
	}
	var buf bytes.Buffer
	require.NoError(t, workflow.WriteReportHTMLIn(&buf, r, w))
	page := buf.String()
	for _, want := range []string{`<html lang="de">`, "— «how the event went»</title>", "<div>«Leads»<b>#8</b>", "«Hot»: #2 (250 ‰)",
		"«Made by leadcap on» 30.11.2026 08:00 UTC; «days and hours in» UTC."} {
		assert.True(t, strings.Contains(page, want), "the page has no %q", want)
	}
	english := regexp.MustCompile(`>\d+<|\(\d+%\)|\d{4}-\d\d-\d\d|[^«](Leads per|Made by|how the event)`)
	assert.Empty(t, english.FindAllString(page, -1), "figures, dates and texts not put into the language")
}

// TestSVGRowsFitLongLabels: a German label and a figure with a thousands
// separator fit the chart: the label column grows with the longest label,
// the figure column with the longest figure.
func TestSVGRowsFitLongLabels(t *testing.T) {
	c := workflow.Chart{ID: "sync", Title: "Synchronisierung mit dem CRM", Bars: []workflow.Bar{
		{Label: "Warten auf Übertragung ins CRM", N: 1235, Share: 1, Number: "1.235", Percent: "100 %", Color: "#E69F00"},
		{Label: "Im CRM", N: 0, Number: "0", Percent: "0 %", Color: "#009E73"},
	}}
	svg := c.SVG()
	label := regexp.MustCompile(`<text x="(\d+)" y="\d+" text-anchor="end" fill="#222">Warten auf Übertragung ins CRM</text>`).FindStringSubmatch(svg)
	require.NotNil(t, label, svg)
	x, _ := strconv.Atoi(label[1])
	assert.GreaterOrEqual(t, float64(x), 30*7.0, "the label starts inside the chart")
	figure := regexp.MustCompile(`<text x="([\d.]+)" y="\d+" fill="#222">1\.235 \(100 %\)</text>`).FindStringSubmatch(svg)
	require.NotNil(t, figure, svg)
	fx, _ := strconv.ParseFloat(figure[1], 64)
	assert.LessOrEqual(t, fx+13*7.0, 560.0, "the figure ends inside the chart")
}

// The page says when it was made in the time zone its charts count in, not
// in UTC.
func TestReportHTMLSaysTheTimeInItsZone(t *testing.T) {
	s := openStore(t)
	ev := seedReport(t, s)
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	made := time.Date(2026, 11, 27, 8, 30, 0, 0, time.UTC)
	r, err := workflow.BuildReport(context.Background(), s, ev.ID, berlin, made)
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, workflow.WriteReportHTML(&buf, r))
	assert.Contains(t, buf.String(), "09:30 CET")
	assert.NotContains(t, buf.String(), "08:30 UTC")
}
