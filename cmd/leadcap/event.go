package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"leadcap/lead"
	"leadcap/storage"
)

func newEventCmd(c *cli) *cobra.Command {
	cmd := group(&cobra.Command{
		Use:   "event create|list|use|questions ...",
		Short: "create, list and select events (trade fairs) that new leads belong to",
		Long: `leadcap event create --name N [--venue V] [--city C] [--country CC] [--booth B] [--start DATE] [--end DATE]
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
		Example: `  leadcap event create --name "Hannover Messe 2026" --city Hannover --country DE --start 2026-04-20 --end 2026-04-24 --use
  leadcap event list
  leadcap event use "Hannover Messe 2026"`,
	}, "missing subcommand: create, list or use", "unknown subcommand %q: use create, list or use")
	cmd.AddCommand(newEventCreateCmd(c), newEventListCmd(c), newEventUseCmd(c), newEventQuestionsCmd(c))
	return cmd
}

// eventCreateOptions are the flags of "leadcap event create".
type eventCreateOptions struct {
	event      lead.Event
	start, end time.Time
	use        bool
}

func newEventCreateCmd(c *cli) *cobra.Command {
	o := &eventCreateOptions{}
	cmd := &cobra.Command{
		SuggestFor: []string{"add", "new"},
		Use:        "create --name N [--venue V] [--city C] [--country CC] [--booth B] [--start DATE] [--end DATE] [--badge-prefix P] [--badge-regexp RE] [--badge-length N] [--use]",
		Short:      "create an event and print its ID",
		Long: `--use also makes it the active event. The --badge-* flags say what the event's
badge codes look like (all given parts must match; RE is anchored): a scanned
code that matches is saved as a badge, one that does not is never taken for a
badge. Without them any code that looks like a badge reference (and is not a
product code) is one.`,
		Example: `  leadcap event create --name "Hannover Messe 2026" --venue "Messe Hannover" --country DE --booth "Hall 7 C12" --use
  leadcap event create --name "it-sa 2026" --start 2026-10-06 --end 2026-10-08 --badge-prefix ITSA --badge-length 12`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error { return runEventCreate(c, o) },
	}
	f := cmd.Flags()
	ev := &o.event
	f.StringVar(&ev.Name, "name", "", "the event's `NAME` (required)")
	f.StringVar(&ev.Venue, "venue", "", "the `VENUE`, e.g. Messe Hannover")
	f.StringVar(&ev.City, "city", "", "the `CITY`")
	f.StringVar(&ev.Country, "country", "", "ISO 3166 `CC` such as DE; also the default country of phone numbers")
	f.StringVar(&ev.Booth, "booth", "", "your `BOOTH`, e.g. Hall 7 C12")
	dateVar(f, &o.start, "start", "first day, `YYYY-MM-DD`")
	dateVar(f, &o.end, "end", "last day, `YYYY-MM-DD`")
	f.StringVar(&ev.Badge.Prefix, "badge-prefix", "", "every badge code of the event starts with `TEXT`")
	f.StringVar(&ev.Badge.Regexp, "badge-regexp", "", "every badge code of the event matches `RE` (RE2, whole code)")
	f.IntVar(&ev.Badge.Length, "badge-length", 0, "every badge code of the event has `N` characters")
	f.BoolVar(&o.use, "use", false, "also make it the active event")
	return cmd
}

func runEventCreate(c *cli, o *eventCreateOptions) error {
	ev := o.event
	if strings.TrimSpace(ev.Name) == "" {
		return usagef("--name is required")
	}
	ev.Start, ev.End = o.start, o.end
	return c.withStore(func(s *storage.Store) error {
		if err := s.CreateEvent(&ev); err != nil {
			return err
		}
		if o.use {
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

// eventListOptions are the flags of "leadcap event list".
type eventListOptions struct{ json bool }

func newEventListCmd(c *cli) *cobra.Command {
	o := &eventListOptions{}
	cmd := &cobra.Command{
		Use:     "list [--json]",
		Short:   "list the events; * marks the active one",
		Long:    `--json: one JSON object per line with id, name, venue, city, country, booth, badge, start, end and active.`,
		Example: "  leadcap event list\n  leadcap event list --json",
		Args:    exactArgs(0),
		RunE:    func(cmd *cobra.Command, args []string) error { return runEventList(c, o) },
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "one JSON object per line")
	return cmd
}

func runEventList(c *cli, o *eventListOptions) error {
	return c.withStore(func(s *storage.Store) error {
		evs, err := s.Events()
		if err != nil {
			return fail("could not read the events", err)
		}
		active, err := s.ActiveEvent()
		if err != nil && !errors.Is(err, storage.ErrNoActiveEvent) {
			return fail("could not read the active event", err)
		}
		if o.json {
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
		t := newTable(c.stdout, "", "ID", "NAME", "DATES", "PLACE", "BOOTH")
		for _, ev := range evs {
			mark := ""
			if ev.ID == active.ID {
				mark = "*"
			}
			place := joinNonEmpty(", ", ev.Venue, ev.City, ev.Country)
			t.row(mark, ev.ID.String(), ev.Name, dates(ev.Start, ev.End), place, ev.Booth)
		}
		return t.flush()
	})
}

// eventUseOptions are the arguments of "leadcap event use".
type eventUseOptions struct{ key string }

func newEventUseCmd(c *cli) *cobra.Command {
	o := &eventUseOptions{}
	return &cobra.Command{
		Use:     "use ID|NAME",
		Short:   "make the event active: new leads go to it when no --event is given",
		Long:    `The words after use are the event's ID, an ID prefix or its name.`,
		Example: "  leadcap event use \"Hannover Messe 2026\"\n  leadcap event use 01932c4a",
		Args:    minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.key = strings.Join(args, " ")
			return runEventUse(c, o)
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return completeEvents(c, toComplete)
		},
	}
}

func runEventUse(c *cli, o *eventUseOptions) error {
	return c.withStore(func(s *storage.Store) error {
		ev, err := s.FindEvent(o.key)
		if err != nil {
			return eventLookupError(o.key, err)
		}
		if err := s.SetActiveEvent(ev.ID); err != nil {
			return fail("could not make the event active", err)
		}
		fmt.Fprintf(c.stdout, "active event: %s (%s)\n", ev.Name, ev.ID)
		return nil
	})
}
