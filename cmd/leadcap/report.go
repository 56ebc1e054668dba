package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"leadcap/lead"
	"leadcap/storage"
	"leadcap/workflow"
)

// reportOptions are the flags of "leadcap report".
type reportOptions struct {
	event, zone, out, lang string
	json                   bool
}

func newReportCmd(c *cli) *cobra.Command {
	o := &reportOptions{}
	cmd := &cobra.Command{
		Use:   "report [--event ID] [--tz ZONE] (-o FILE.html | --json)",
		Short: "how an event went: leads per day, hour and staff member, funnel, ratings, consent, sync",
		Long: `-o FILE.html writes one self-contained HTML page with the charts as inline
SVG: it loads nothing from the network, so it opens offline and can be
mailed as it is. --json prints the figures as one JSON object instead.
Without --event the active event is reported. Days and hours are counted
in --tz (an IANA zone such as Europe/Berlin; default: this computer's).
The HTML page is written in --lang (en or de; default: the language of
the locale, LANGUAGE, LC_ALL, LC_MESSAGES or LANG, as the app picks its
own, so a German desktop gets the German report the app saves; English
otherwise).`,
		Example: `  leadcap report -o hannover.html
  leadcap report --event "Hannover Messe 2026" --tz Europe/Berlin --json
  leadcap report --lang de -o bericht.html`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error { return runReport(c, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.event, "event", "", "the event (`ID`, ID prefix or name); default: the active event")
	f.StringVar(&o.zone, "tz", "", "count days and hours in `ZONE`, e.g. Europe/Berlin")
	f.StringVarP(&o.out, "output", "o", "", "write the HTML report to `FILE`")
	f.BoolVar(&o.json, "json", false, "print the figures as JSON")
	f.StringVar(&o.lang, "lang", "", "write the HTML report in `LANGUAGE` (en, de); default: the locale's")
	completeEventFlag(c, cmd)
	return cmd
}

func runReport(c *cli, o *reportOptions) error {
	if (o.out == "") == !o.json {
		return usagef("give either -o FILE.html or --json")
	}
	l, err := reportLanguage(o.lang, c.env)
	if err != nil {
		return err
	}
	words, err := reportWords(l)
	if err != nil {
		return err
	}
	loc := time.Local
	if o.zone != "" {
		if loc, err = time.LoadLocation(o.zone); err != nil {
			return usagef("--tz %q is not a time zone: use an IANA name such as Europe/Berlin or UTC", o.zone)
		}
	}
	return c.withStoreRO(func(s *storage.Store) error {
		ev, err := reportEvent(s, o.event)
		if err != nil {
			return err
		}
		r, err := workflow.BuildReport(c.ctx, s, ev.ID, loc, c.now())
		if err != nil {
			return fail("could not count the leads of "+ev.Name, err)
		}
		if o.json {
			enc := json.NewEncoder(c.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(r)
		}
		return c.writeReport(s, o.out, r, words)
	})
}

// reportEvent finds the event named by key, or the active one.
func reportEvent(s *storage.Store, key string) (lead.Event, error) {
	if key != "" {
		ev, err := s.FindEvent(key)
		if err != nil {
			return lead.Event{}, eventLookupError(key, err)
		}
		return ev, nil
	}
	ev, err := s.ActiveEvent()
	if errors.Is(err, storage.ErrNoActiveEvent) {
		return lead.Event{}, failf("no event is active: name one with --event (see 'leadcap event list').")
	}
	return ev, err
}

// writeReport writes the HTML report to path, completely or not at all.
func (c *cli) writeReport(s *storage.Store, path string, r workflow.Report, words workflow.ChartWords) error {
	err := s.WriteFile(c.path(path), func(w io.Writer) error { return workflow.WriteReportHTMLIn(w, r, words) })
	if errors.Is(err, storage.ErrOwnFile) {
		return failf("%s is the database (or a copy restore kept): nothing was written; choose another file for the report.", path)
	}
	if err != nil {
		return fail("could not write "+path, err)
	}
	fmt.Fprintf(c.stdout, "wrote the report of %s (%d leads) to %s\n", r.Event.Name, r.Leads, path)
	return nil
}
