package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"leadcap/lead"
	"leadcap/storage"
)

// findLead resolves a full ID or a unique ID prefix.
func findLead(s *storage.Store, key string) (lead.Lead, error) {
	key = strings.TrimSpace(key)
	l, err := s.FindLead(key)
	switch {
	case err == nil:
		return l, nil
	case errors.Is(err, storage.ErrBadID):
		return l, failf("%q is not a lead ID: use the ID that 'leadcap list' shows, or its first 8 or more characters.", key)
	case errors.Is(err, storage.ErrShortID):
		return l, failf("%q is too short for a lead ID: give the full ID or at least its first 8 characters (see 'leadcap list').", key)
	case errors.Is(err, storage.ErrNotFound):
		return l, failf("no lead has the ID or ID prefix %q: run 'leadcap list' to see the IDs.", key)
	case errors.Is(err, storage.ErrAmbiguous):
		return l, failf("more than one lead starts with %q: give more of the ID (see 'leadcap list').", key)
	}
	return l, err
}

// updateLead resolves key and applies fn in one transaction.
func updateLead(s *storage.Store, key string, fn func(*lead.Lead) error) (lead.Lead, error) {
	l, err := findLead(s, key)
	if err != nil {
		return l, err
	}
	return s.UpdateLead(l.ID, fn)
}

func parseSync(s string) (storage.SyncStatus, error) {
	if st := storage.SyncStatus(strings.ToLower(strings.TrimSpace(s))); slices.Contains(storage.SyncStatuses, st) {
		return st, nil
	}
	return "", fmt.Errorf("%q is not a sync status: use pending, synced, failed, dead or waiting", s)
}

// cut shortens s to n characters for a table column.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// contactJSON is the contact in "list --json", "show --json" and
// "decode --json".
type contactJSON struct {
	FullName     string        `json:"full_name"`
	GivenName    string        `json:"given_name"`
	FamilyName   string        `json:"family_name"`
	Organization string        `json:"organization"`
	Title        string        `json:"title"`
	Emails       []string      `json:"emails"`
	Phones       []lead.Phone  `json:"phones"`
	URLs         []string      `json:"urls"`
	Address      *lead.Address `json:"address,omitempty"`
}

func newContactJSON(c lead.Contact) contactJSON {
	j := contactJSON{
		FullName: c.Name(), GivenName: c.GivenName, FamilyName: c.FamilyName,
		Organization: c.Organization, Title: c.Title,
		Emails: c.Emails, Phones: c.Phones, URLs: c.URLs,
	}
	if j.Emails == nil {
		j.Emails = []string{}
	}
	if j.Phones == nil {
		j.Phones = []lead.Phone{}
	}
	if j.URLs == nil {
		j.URLs = []string{}
	}
	if !c.Address.IsZero() {
		a := c.Address
		j.Address = &a
	}
	return j
}

type syncJSON struct {
	Status    storage.SyncStatus `json:"status"`
	Attempts  int                `json:"attempts"`
	LastError string             `json:"last_error"`
}

// leadJSON is one line of "list --json" and the output of "show --json".
type leadJSON struct {
	ID            uuid.UUID          `json:"id"`
	EventID       uuid.UUID          `json:"event_id"`
	Stage         lead.Stage         `json:"stage"`
	Rating        lead.Rating        `json:"rating"`
	CapturedAt    time.Time          `json:"captured_at"`
	CapturedBy    string             `json:"captured_by,omitempty"`
	Source        lead.Source        `json:"source"`
	Contact       contactJSON        `json:"contact"`
	Qualification lead.Qualification `json:"qualification"`
	Consent       lead.Consent       `json:"consent"`
	Notes         []lead.Note        `json:"notes"`
	Sync          syncJSON           `json:"sync"`
	Version       int64              `json:"version"`
	UpdatedAt     time.Time          `json:"updated_at"`
}

func newLeadJSON(l *lead.Lead, info storage.SyncInfo) leadJSON {
	j := leadJSON{
		ID: l.ID, EventID: l.EventID, Stage: l.Stage(), Rating: l.Rating,
		CapturedAt: l.CapturedAt, CapturedBy: l.CapturedBy, Source: l.Source,
		Contact: newContactJSON(l.Contact), Qualification: l.Qualification, Consent: l.Consent,
		Notes:   l.Notes,
		Sync:    syncJSON{Status: info.Status, Attempts: info.Attempts, LastError: info.LastError},
		Version: l.Version, UpdatedAt: l.UpdatedAt,
	}
	if j.Rating == "" {
		j.Rating = lead.RatingUnrated
	}
	if j.Notes == nil {
		j.Notes = []lead.Note{}
	}
	return j
}

func printLead(c *cli, l *lead.Lead, ev lead.Event, info storage.SyncInfo) {
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(tw, "%s:\t%s\n", k, sanitize(v))
		}
	}
	ct := &l.Contact
	row("ID", l.ID.String())
	row("Event", joinNonEmpty(" ", ev.Name, "("+l.EventID.String()+")"))
	stage := string(l.Stage())
	if m := l.Qualification.Missing(); l.Stage() == lead.StageLead && len(m) > 0 {
		stage += " (to confirm: " + strings.Join(m, ", ") + ")"
	}
	row("Stage", stage)
	row("Rating", string(l.Rating))
	row("Name", ct.Name())
	row("Organization", ct.Organization)
	row("Title", ct.Title)
	row("Email", strings.Join(ct.Emails, ", "))
	var phones []string
	for _, p := range ct.Phones {
		phones = append(phones, joinNonEmpty(" ", p.Number, kindLabel(p.Kind)))
	}
	row("Phone", strings.Join(phones, ", "))
	row("Web", strings.Join(ct.URLs, ", "))
	a := ct.Address
	row("Address", joinNonEmpty(", ", a.Street, joinNonEmpty(" ", a.PostalCode, a.City), a.Region, a.Country))
	captured := l.CapturedAt.Local().Format("2006-01-02 15:04")
	if l.CapturedBy != "" {
		captured += " by " + l.CapturedBy
	}
	captured += ", " + string(l.Source.Method) + " (" + string(l.Source.Channel) + ")"
	row("Captured", captured)
	q := l.Qualification
	row("Qualification", fmt.Sprintf("fit %s, budget %s, authority %s, interest %s", q.Fit, q.Budget, q.Authority, q.Interest))
	row("Consent", l.Consent.Summary())
	syncLine := string(info.Status)
	if info.Attempts > 0 {
		syncLine += fmt.Sprintf(" (%d failed attempts", info.Attempts)
		if info.LastError != "" {
			syncLine += ", last: " + info.LastError
		}
		syncLine += ")"
	}
	row("Sync", syncLine)
	row("Version", fmt.Sprint(l.Version))
	tw.Flush()
	if len(l.Notes) > 0 {
		fmt.Fprintln(c.stdout, "Notes:")
		for _, n := range l.Notes {
			line := "  " + n.At.Local().Format("2006-01-02 15:04")
			if n.Author != "" {
				line += " " + n.Author
			}
			line = sanitize(line) + ": " + sanitizeLines(n.Text, "    ")
			if !n.FollowUp.IsZero() {
				line += " (follow up " + day(n.FollowUp) + ")"
			}
			fmt.Fprintln(c.stdout, line)
		}
	}
}

func kindLabel(k string) string {
	if k == "" {
		return ""
	}
	return "(" + k + ")"
}
