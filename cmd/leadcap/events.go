package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"

	"leadcap/lead"
	"leadcap/storage"
	"leadcap/workflow"
)

func eventCommand() *command {
	return &command{
		name:     "event",
		synopsis: "create|list|use|questions ...",
		summary:  "create, list and select events (trade fairs) that new leads belong to",
		help: `
leadcap event create --name N [--venue V] [--city C] [--country CC] [--booth B] [--start DATE] [--end DATE]
                    [--badge-prefix P] [--badge-regexp RE] [--badge-length N] [--use]
    creates an event and prints its ID; --use also makes it the active event.
    The --badge-* flags say what the event's badge codes look like (all given
    parts must match; RE is anchored): a scanned code that matches is saved as
    a badge, one that does not is never taken for a badge. Without them any
    code that looks like a badge reference (and is not a product code) is one.
leadcap event list [--json]
    lists the events; * marks the active one. --json: one JSON object per line.
leadcap event use ID|NAME
    makes the event active: new leads go to it when no --event is given.` + questionsHelp,
		run: runEvent,
	}
}

func runEvent(c *cli, args []string) error {
	if len(args) == 0 {
		return usagef("missing subcommand: create, list or use")
	}
	switch args[0] {
	case "create":
		return runEventCreate(c, args[1:])
	case "list":
		return runEventList(c, args[1:])
	case "use":
		return runEventUse(c, args[1:])
	case "questions":
		return runEventQuestions(c, args[1:]) // questions.go
	case "-h", "--help", "help":
		return flag.ErrHelp
	}
	return usagef("unknown subcommand %q: use create, list or use", args[0])
}

func runEventCreate(c *cli, args []string) error {
	fs := c.newFlags()
	var ev lead.Event
	var start, end dateFlag
	fs.StringVar(&ev.Name, "name", "", "the event's `NAME` (required)")
	fs.StringVar(&ev.Venue, "venue", "", "the `VENUE`, e.g. Messe Hannover")
	fs.StringVar(&ev.City, "city", "", "the `CITY`")
	fs.StringVar(&ev.Country, "country", "", "ISO 3166 `CC` such as DE; also the default country of phone numbers")
	fs.StringVar(&ev.Booth, "booth", "", "your `BOOTH`, e.g. Hall 7 C12")
	fs.Var(&start, "start", "first day, `YYYY-MM-DD`")
	fs.Var(&end, "end", "last day, `YYYY-MM-DD`")
	fs.StringVar(&ev.Badge.Prefix, "badge-prefix", "", "every badge code of the event starts with `TEXT`")
	fs.StringVar(&ev.Badge.Regexp, "badge-regexp", "", "every badge code of the event matches `RE` (RE2, whole code)")
	fs.IntVar(&ev.Badge.Length, "badge-length", 0, "every badge code of the event has `N` characters")
	use := fs.Bool("use", false, "also make it the active event")
	if _, err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	if strings.TrimSpace(ev.Name) == "" {
		return usagef("--name is required")
	}
	ev.Start, ev.End = start.t, end.t
	return c.withStore(func(s *storage.Store) error {
		if err := s.CreateEvent(&ev); err != nil {
			return err
		}
		if *use {
			if err := s.SetActiveEvent(ev.ID); err != nil {
				return fail("the event was created but could not be made active", err)
			}
		}
		fmt.Fprintln(c.stdout, ev.ID)
		return nil
	})
}

// eventJSON is one line of "event list --json".
type eventJSON struct {
	ID      string             `json:"id"`
	Name    string             `json:"name"`
	Venue   string             `json:"venue,omitempty"`
	City    string             `json:"city,omitempty"`
	Country string             `json:"country,omitempty"`
	Booth   string             `json:"booth,omitempty"`
	Badge   *lead.BadgePattern `json:"badge,omitempty"`
	Start   string             `json:"start,omitempty"`
	End     string             `json:"end,omitempty"`
	Active  bool               `json:"active"`
}

func runEventList(c *cli, args []string) error {
	fs := c.newFlags()
	asJSON := fs.Bool("json", false, "one JSON object per line")
	if _, err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	return c.withStore(func(s *storage.Store) error {
		evs, err := s.Events()
		if err != nil {
			return fail("could not read the events", err)
		}
		active, err := s.ActiveEvent()
		if err != nil && !errors.Is(err, storage.ErrNoActiveEvent) {
			return fail("could not read the active event", err)
		}
		if *asJSON {
			enc := json.NewEncoder(c.stdout)
			enc.SetEscapeHTML(false)
			for _, ev := range evs {
				j := eventJSON{
					ID: ev.ID.String(), Name: ev.Name, Venue: ev.Venue, City: ev.City, Country: ev.Country,
					Booth: ev.Booth, Start: day(ev.Start), End: day(ev.End), Active: ev.ID == active.ID,
				}
				if !ev.Badge.IsZero() {
					j.Badge = &ev.Badge
				}
				if err := enc.Encode(j); err != nil {
					return fail("could not write the events", err)
				}
			}
			return nil
		}
		tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "\tID\tNAME\tDATES\tPLACE\tBOOTH")
		for _, ev := range evs {
			mark := ""
			if ev.ID == active.ID {
				mark = "*"
			}
			place := joinNonEmpty(", ", ev.Venue, ev.City, ev.Country)
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", mark, ev.ID, ev.Name, dates(ev.Start, ev.End), place, ev.Booth)
		}
		return tw.Flush()
	})
}

func runEventUse(c *cli, args []string) error {
	fs := c.newFlags()
	pos, err := c.parse(fs, args, 1, -1)
	if err != nil {
		return err
	}
	key := strings.Join(pos, " ")
	return c.withStore(func(s *storage.Store) error {
		ev, err := s.FindEvent(key)
		if err != nil {
			return eventLookupError(key, err)
		}
		if err := s.SetActiveEvent(ev.ID); err != nil {
			return fail("could not make the event active", err)
		}
		fmt.Fprintf(c.stdout, "active event: %s (%s)\n", ev.Name, ev.ID)
		return nil
	})
}

// targetEvent returns the event new leads go to: the one --event names
// (key), else the active event.
func targetEvent(s *storage.Store, key string) (lead.Event, error) {
	ev, err := workflow.ResolveEvent(s, key)
	if err != nil && key != "" {
		return ev, eventLookupError(key, err)
	}
	return ev, err
}

// eventFilter returns the ID of the event --event names (key) to filter
// leads by, or uuid.Nil (all events) when key is empty.
func eventFilter(s *storage.Store, key string) (uuid.UUID, error) {
	if key == "" {
		return uuid.Nil, nil
	}
	ev, err := s.FindEvent(key)
	if err != nil {
		return uuid.Nil, eventLookupError(key, err)
	}
	return ev.ID, nil
}

// eventLookupError explains a failed FindEvent.
func eventLookupError(key string, err error) error {
	if errors.Is(err, storage.ErrNotFound) {
		return failf("no event has the ID, ID prefix or name %q: run 'leadcap event list' to see the events.", key)
	}
	if errors.Is(err, storage.ErrLocked) || errors.Is(err, storage.ErrDamaged) {
		return err
	}
	return failf("cannot tell which event %q means (%v): use the full ID from 'leadcap event list'.", key, err)
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func dates(start, end time.Time) string {
	switch {
	case start.IsZero() && end.IsZero():
		return ""
	case end.IsZero() || end.Equal(start):
		return day(start)
	case start.IsZero():
		return "until " + day(end)
	}
	return day(start) + " – " + day(end)
}

// joinNonEmpty joins the parts that are not empty.
func joinNonEmpty(sep string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}
