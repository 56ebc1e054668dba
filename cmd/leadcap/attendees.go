package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"leadcap/storage"
	"leadcap/workflow"
)

func newAttendeesCmd(c *cli) *cobra.Command {
	cmd := group(&cobra.Command{
		Use:   "attendees import [--event ID] [--json] FILE.csv",
		Short: "import the organiser's attendee list to fill badge scans that hold only a badge ID",
		Long: `leadcap attendees import [--event ID|NAME] [--json] FILE.csv
    reads the organiser's attendee list and stores it with the event (default:
    the active event), replacing the list imported before.`,
		Example: "  leadcap attendees import --event \"Hannover Messe 2026\" attendees.csv",
	}, "missing subcommand: import", "unknown subcommand %q: use import")
	cmd.AddCommand(newAttendeesImportCmd(c))
	return cmd
}

// attendeesJSON is the report of attendees import --json.
type attendeesJSON struct {
	Event      string   `json:"event"`
	Rows       int      `json:"rows"`
	Listed     int      `json:"listed"`
	Separator  string   `json:"separator"`
	Encoding   string   `json:"encoding"`
	Skipped    []string `json:"skipped,omitempty"`
	Matched    []string `json:"matched"`
	Unmatched  []string `json:"unmatched"`
	Duplicates []string `json:"duplicates,omitempty"`
}

// attendeesImportOptions are the arguments and flags of "leadcap attendees import".
type attendeesImportOptions struct {
	file, event string
	json        bool
}

func newAttendeesImportCmd(c *cli) *cobra.Command {
	o := &attendeesImportOptions{}
	cmd := &cobra.Command{
		SuggestFor: []string{"load", "add"},
		Use:        "import [--event ID|NAME] [--json] FILE.csv",
		Short:      "import the organiser's attendee list and fill the badge scans waiting for it",
		Long: `Reads the organiser's attendee list and stores it with the event (default:
the active event), replacing the list imported before. Every lead of the
event that waits for its contact (a badge that held only its badge ID) and
whose badge is on the list gets the name, email, company, title and phone
from it and is queued for the CRM; badges scanned later are filled at once.
The first line names the columns; they are found by name in English,
German, French or Spanish (Badge ID, First Name, Last Name, Email, Company,
Title, Phone; Ausweis-Nr., Vorname, Nachname, E-Mail, Firma ...), and
only the badge ID column is required. Separated by ';' or ',' (found from
the first line), in UTF-8 or Windows-1252. Prints how many waiting leads
were matched and the badge IDs still unmatched; --json prints the same as
one JSON object.`,
		Example: "  leadcap attendees import attendees.csv\n  leadcap attendees import --event \"Hannover Messe 2026\" --json Teilnehmer.csv",
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.file = args[0]
			return runAttendeesImport(c, o)
		},
	}
	cmd.Flags().StringVar(&o.event, "event", "", "the event's `ID`, ID prefix or name (default: the active event)")
	cmd.Flags().BoolVar(&o.json, "json", false, "print the report as JSON")
	completeEventFlag(c, cmd)
	return cmd
}

func runAttendeesImport(c *cli, o *attendeesImportOptions) error {
	f, err := os.Open(c.path(o.file))
	if err != nil {
		return failf("%s: check the path.", reason(err))
	}
	defer f.Close()
	return c.withStore(func(s *storage.Store) error {
		ev, err := targetEvent(s, o.event)
		if err != nil {
			return err
		}
		list, err := workflow.ReadAttendees(f, ev.Country)
		switch {
		case errors.Is(err, workflow.ErrNoBadgeColumn), errors.Is(err, workflow.ErrListTooLarge):
			return failf("%s: %v.", o.file, err)
		case err != nil:
			return fail("could not read the attendee list "+o.file, err)
		}
		rep, err := workflow.ImportAttendees(s, ev, list.Attendees)
		if err != nil {
			return fail("could not import the attendee list", err)
		}
		out := attendeesJSON{Event: ev.Name, Rows: list.Rows, Listed: rep.Listed, Separator: string(list.Separator),
			Encoding: list.Encoding, Skipped: list.Skipped, Matched: []string{}, Unmatched: rep.Unmatched, Duplicates: rep.Duplicates}
		for _, l := range rep.Matched {
			out.Matched = append(out.Matched, l.ID.String())
		}
		if out.Unmatched == nil {
			out.Unmatched = []string{}
		}
		if o.json {
			return json.NewEncoder(c.stdout).Encode(out)
		}
		printAttendees(c, out)
		return nil
	})
}

func printAttendees(c *cli, r attendeesJSON) {
	for _, s := range r.Skipped {
		fmt.Fprintf(c.stderr, "leadcap: attendee list %s\n", sanitize(s))
	}
	fmt.Fprintf(c.stdout, "attendee list of %s: %d rows (separator %q, %s), %d attendees with a badge ID stored\n",
		sanitize(r.Event), r.Rows, r.Separator, r.Encoding, r.Listed)
	fmt.Fprintf(c.stdout, "matched: %d waiting badge scans filled and queued for the CRM\n", len(r.Matched))
	fmt.Fprintf(c.stdout, "unmatched: %d badge scans still wait for their contact", len(r.Unmatched))
	if len(r.Unmatched) > 0 {
		fmt.Fprintf(c.stdout, " (badges %s)", sanitize(strings.Join(r.Unmatched, ", ")))
	}
	fmt.Fprintln(c.stdout)
	if len(r.Duplicates) > 0 {
		fmt.Fprintf(c.stdout, "already leads: %d badge scans are people already captured at the event (badges %s): merge or delete them by hand\n",
			len(r.Duplicates), sanitize(strings.Join(r.Duplicates, ", ")))
	}
}
