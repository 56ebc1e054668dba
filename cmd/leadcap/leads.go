package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"leadcap/lead"
	"leadcap/storage"
)

func addCommand() *command {
	return &command{
		name:     "add",
		synopsis: "[--event ID] [--given G] [--family F] [--name FULL] [--org O] [--title T] [--email E]... [--phone P]... [--url U]... [--note TEXT] [--staff NAME]",
		summary:  "add a lead by hand and print its ID",
		help: `The lead goes to the active event unless --event names another (ID, ID prefix
or name). It needs an email, a phone or a web address, or a name together with
an organization. Phone numbers without a country code take the event's country.`,
		run: runAdd,
	}
}

func runAdd(c *cli, args []string) error {
	fs := c.newFlags()
	var ct lead.Contact
	var emails, phones, urls stringList
	event := fs.String("event", "", "the event's `ID`, ID prefix or name (default: the active event)")
	fs.StringVar(&ct.GivenName, "given", "", "given (first) `NAME`")
	fs.StringVar(&ct.FamilyName, "family", "", "family (last) `NAME`")
	fs.StringVar(&ct.FullName, "name", "", "full `NAME`, when given and family are not known apart")
	fs.StringVar(&ct.Organization, "org", "", "`ORGANIZATION`")
	fs.StringVar(&ct.Title, "title", "", "job `TITLE`")
	fs.Var(&emails, "email", "`EMAIL` address (repeatable)")
	fs.Var(&phones, "phone", "`PHONE` number (repeatable)")
	fs.Var(&urls, "url", "web address `URL` (repeatable)")
	note := fs.String("note", "", "a first note, e.g. what was said")
	staff := fs.String("staff", "", "`NAME` of the staff member capturing the lead")
	if _, err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	ct.Emails = emails
	ct.URLs = urls
	for _, p := range phones {
		ct.Phones = append(ct.Phones, lead.Phone{Raw: p})
	}
	return c.withStore(func(s *storage.Store) error {
		ev, err := targetEvent(s, *event)
		if err != nil {
			return err
		}
		now := c.now()
		l := lead.New(ev.ID, lead.MethodManual, now)
		l.Contact = ct
		l.CapturedBy = strings.TrimSpace(*staff)
		if strings.TrimSpace(*note) != "" {
			if _, err := l.AddNote(*note, l.CapturedBy, now, time.Time{}); err != nil {
				return err
			}
		}
		if err := s.AddLead(l); err != nil {
			return err
		}
		fmt.Fprintln(c.stdout, l.ID)
		return nil
	})
}

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

func listCommand() *command {
	return &command{
		name:     "list",
		synopsis: "[--event ID] [--stage lead|prospect|disqualified] [--sync pending|synced|failed|dead|waiting] [--search TEXT] [--json]",
		summary:  "list leads, newest first",
		help: `Without --json, an aligned table. With --json, one JSON object per line with
id, event_id, stage, rating, captured_at, source, contact {full_name,
given_name, family_name, organization, title, emails, phones, urls},
qualification, consent, notes and sync {status, attempts, last_error}.
--search matches name, organization and email, ignoring case and accents.`,
		run: runList,
	}
}

func runList(c *cli, args []string) error {
	fs := c.newFlags()
	event := fs.String("event", "", "only leads of this event (`ID`, ID prefix or name)")
	var stage lead.Stage
	fs.Var(&enumFlag{parse: func(s string) (err error) { stage, err = lead.ParseStage(s); return err }}, "stage", "only leads in this `STAGE`: lead, prospect or disqualified")
	var sync storage.SyncStatus
	fs.Var(&enumFlag{parse: func(s string) (err error) { sync, err = parseSync(s); return err }}, "sync", "only leads with this sync `STATUS`: pending, synced, failed, dead or waiting (badge scans that wait for their contact)")
	search := fs.String("search", "", "only leads whose name, organization or email contains `TEXT`")
	limit := fs.Int("limit", 0, "at most `N` leads (0: all)")
	asJSON := fs.Bool("json", false, "one JSON object per line")
	if _, err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	return c.withStoreRO(func(s *storage.Store) error {
		evID, err := eventFilter(s, *event)
		if err != nil {
			return err
		}
		q := storage.Query{EventID: evID, Stage: stage, Sync: sync, Text: *search, Limit: *limit}
		if *asJSON {
			// Stream: 100,000 leads are never all in memory.
			enc := json.NewEncoder(c.stdout)
			enc.SetEscapeHTML(false)
			err := s.EachLeadSync(q, func(l lead.Lead, info storage.SyncInfo) error {
				return enc.Encode(newLeadJSON(&l, info))
			})
			if err != nil {
				return fail("could not list the leads", err)
			}
			return nil
		}
		sums, err := s.List(q)
		if err != nil {
			return fail("could not read the leads", err)
		}
		printTable(c.stdout, []string{"ID", "NAME", "ORGANIZATION", "EMAIL", "STAGE", "RATING", "CAPTURED", "SYNC"}, len(sums),
			func(i int) []string {
				m := sums[i]
				return []string{m.ID.String(), cut(m.Name, 30), cut(m.Organization, 30), cut(m.Email, 36),
					string(m.Stage), string(m.Rating), m.CapturedAt.Local().Format("2006-01-02 15:04"), string(m.Sync)}
			})
		return nil
	})
}

// printTable prints n rows under header in aligned columns. It measures the
// columns in a first pass and writes each row as it goes, so a table of
// 100,000 leads is not buffered a second time (text/tabwriter would).
func printTable(w io.Writer, header []string, n int, row func(i int) []string) {
	width := make([]int, len(header))
	measure := func(cells []string) {
		for j, cell := range cells {
			width[j] = max(width[j], utf8.RuneCountInString(sanitize(cell)))
		}
	}
	measure(header)
	for i := range n {
		measure(row(i))
	}
	var b strings.Builder
	line := func(cells []string) {
		for j := range cells {
			cells[j] = sanitize(cells[j])
		}
		b.Reset()
		for j, cell := range cells {
			b.WriteString(cell)
			if j < len(cells)-1 {
				b.WriteString(strings.Repeat(" ", width[j]-utf8.RuneCountInString(cell)+2))
			}
		}
		b.WriteByte('\n')
		io.WriteString(w, b.String())
	}
	line(header)
	for i := range n {
		line(row(i))
	}
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

func showCommand() *command {
	return &command{
		name:     "show",
		synopsis: "ID [--json]",
		summary:  "show one lead in full (ID: full UUID or a unique prefix)",
		help:     `--json prints the same object as one line of 'leadcap list --json'.`,
		run:      runShow,
	}
}

func runShow(c *cli, args []string) error {
	fs := c.newFlags()
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := c.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	return c.withStoreRO(func(s *storage.Store) error {
		l, err := findLead(s, pos[0])
		if err != nil {
			return err
		}
		info, err := s.SyncInfo(l.ID)
		if err != nil {
			return fail("could not read the sync state", err)
		}
		if *asJSON {
			enc := json.NewEncoder(c.stdout)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			return enc.Encode(newLeadJSON(&l, info))
		}
		ev, err := s.Event(l.EventID)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return fail("could not read the lead's event", err)
		}
		printLead(c, &l, ev, info)
		return nil
	})
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

func qualifyCommand() *command {
	return &command{
		name:     "qualify",
		synopsis: "ID [--fit yes|no|unknown] [--budget …] [--authority …] [--interest …] [--rating hot|warm|cold|unrated] [--disqualify]",
		summary:  "record the qualification criteria and rating, and print the resulting stage",
		help: `A lead becomes a prospect when fit, budget, authority and interest are all yes.
It is disqualified only with --disqualify; --disqualify=false takes that back.
Only the criteria given change.`,
		run: runQualify,
	}
}

func runQualify(c *cli, args []string) error {
	fs := c.newFlags()
	fit := answerFlag(fs, "fit", "the organization fits the target market: `yes|no|unknown`")
	budget := answerFlag(fs, "budget", "it has the budget: `yes|no|unknown`")
	authority := answerFlag(fs, "authority", "the person has decision authority: `yes|no|unknown`")
	interest := answerFlag(fs, "interest", "the person asked for information, a demo or a call: `yes|no|unknown`")
	var rating lead.Rating
	fs.Var(&enumFlag{parse: func(s string) (err error) { rating, err = lead.ParseRating(s); return err }}, "rating", "`hot|warm|cold|unrated`")
	disq := fs.Bool("disqualify", false, "disqualify the lead (staff decision)")
	pos, err := c.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	if !anySet(fs) {
		return usagef("nothing to record: give --fit, --budget, --authority, --interest, --rating or --disqualify")
	}
	return c.withStore(func(s *storage.Store) error {
		l, err := updateLead(s, pos[0], func(l *lead.Lead) error {
			q := &l.Qualification
			set := func(name string, dst, src *lead.Answer) {
				if wasSet(fs, name) {
					*dst = *src
				}
			}
			set("fit", &q.Fit, fit)
			set("budget", &q.Budget, budget)
			set("authority", &q.Authority, authority)
			set("interest", &q.Interest, interest)
			if wasSet(fs, "rating") {
				l.Rating = rating
			}
			if wasSet(fs, "disqualify") {
				q.Disqualified = *disq
			}
			return nil
		})
		if err != nil {
			return err
		}
		fmt.Fprintln(c.stdout, l.Stage())
		return nil
	})
}

func noteCommand() *command {
	return &command{
		name:     "note",
		synopsis: "ID TEXT [--follow-up DATE] [--author NAME]",
		summary:  "add a timestamped note to a lead, e.g. what was said in a meeting",
		run:      runNote,
	}
}

func runNote(c *cli, args []string) error {
	fs := c.newFlags()
	var follow dateFlag
	fs.Var(&follow, "follow-up", "`DATE` to follow up, YYYY-MM-DD")
	author := fs.String("author", "", "who wrote the note (`NAME`)")
	pos, err := c.parse(fs, args, 2, -1)
	if err != nil {
		return err
	}
	text := strings.Join(pos[1:], " ")
	if strings.TrimSpace(text) == "" {
		return usagef("the note is empty: write what was said or agreed")
	}
	return c.withStore(func(s *storage.Store) error {
		var n lead.Note
		_, err := updateLead(s, pos[0], func(l *lead.Lead) error {
			var err error
			n, err = l.AddNote(text, *author, c.now(), follow.t)
			return err
		})
		if err != nil {
			return err
		}
		fmt.Fprintln(c.stdout, n.ID)
		return nil
	})
}

func consentCommand() *command {
	return &command{
		name:     "consent",
		synopsis: "ID --basis none|legitimate-interest|consent --status requested|active|revoked [--wording VERSION]",
		summary:  "record the legal basis and the consent status of a lead",
		help:     `--wording names the version of the consent text the person was shown.`,
		run:      runConsent,
	}
}

func runConsent(c *cli, args []string) error {
	fs := c.newFlags()
	var basis lead.LegalBasis
	var status lead.ConsentStatus
	fs.Var(&enumFlag{parse: func(s string) (err error) { basis, err = lead.ParseLegalBasis(s); return err }}, "basis", "legal basis: `none|legitimate-interest|consent`")
	fs.Var(&enumFlag{parse: func(s string) (err error) { status, err = lead.ParseConsentStatus(s); return err }}, "status", "`requested|active|revoked`")
	wording := fs.String("wording", "", "`VERSION` of the consent text shown")
	pos, err := c.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	if !wasSet(fs, "basis") || !wasSet(fs, "status") {
		return usagef("give both --basis and --status")
	}
	return c.withStore(func(s *storage.Store) error {
		l, err := updateLead(s, pos[0], func(l *lead.Lead) error {
			l.Consent = lead.Consent{Basis: basis, Status: status, WordingVersion: strings.TrimSpace(*wording), At: c.now().UTC()}
			return nil
		})
		if err != nil {
			return err
		}
		fmt.Fprintln(c.stdout, l.Consent.Summary())
		return nil
	})
}
