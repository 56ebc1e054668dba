package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"leadcap/lead"
	"leadcap/storage"
	"leadcap/workflow"
)

// exportOptions are the flags of "leadcap export".
type exportOptions struct {
	format, event, out string
	stage              lead.Stage
}

func newExportCmd(c *cli) *cobra.Command {
	o := &exportOptions{}
	cmd := &cobra.Command{
		Use:   "export --format csv|vcf|jsonl|bundle [--event ID] [--stage STAGE] [-o FILE]",
		Short: "export leads as CSV (for CRM import wizards), vCard 4.0 or JSON Lines",
		Long: `csv    column names that HubSpot's and Salesforce's import wizards map without
       editing (First Name, Last Name, Email, Phone Number, Company, Job Title, ...)
vcf    vCard 4.0, one card per lead, UID urn:uuid:<lead ID>
jsonl  one complete lead per line (with its event); 'leadcap import' reads it back
       without loss and without duplicates
bundle jsonl headed by a line with every event of the database (those without
       leads too): one device's fair in one file, for 'leadcap import' on the
       back-office machine
Without -o the export goes to standard output. With -o the file is written
completely or not at all.`,
		Example: `  leadcap export --format csv -o leads.csv
  leadcap export --format vcf --stage prospect > prospects.vcf
  leadcap export --format bundle --event "Hannover Messe 2026" -o hannover.jsonl`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error { return runExport(c, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.format, "format", "", "`csv|vcf|jsonl|bundle` (required)")
	f.StringVar(&o.event, "event", "", "only leads of this event (`ID`, ID prefix or name)")
	enumVar(f, "stage", "only leads in this `STAGE`", func(s string) (err error) { o.stage, err = lead.ParseStage(s); return err })
	f.StringVarP(&o.out, "output", "o", "", "write to `FILE` instead of standard output")
	completeEventFlag(c, cmd)
	cmd.RegisterFlagCompletionFunc("format", fixedCompletions("csv", "vcf", "jsonl", "bundle"))
	cmd.RegisterFlagCompletionFunc("stage", fixedCompletions("lead", "prospect", "disqualified"))
	return cmd
}

func runExport(c *cli, o *exportOptions) error {
	if o.format == "" {
		return usagef("--format is required: csv, vcf, jsonl or bundle")
	}
	f, err := workflow.ParseFormat(o.format)
	if err != nil {
		return usagef("--format %q is not known: use csv, vcf, jsonl or bundle", o.format)
	}
	return c.withStoreRO(func(s *storage.Store) error {
		evID, err := eventFilter(s, o.event)
		if err != nil {
			return err
		}
		q := storage.Query{EventID: evID, Stage: o.stage}
		if o.out == "" || o.out == "-" {
			if _, err := workflow.Export(c.ctx, s, c.stdout, f, q); err != nil {
				return fail("could not export the leads", err)
			}
			return nil
		}
		var n int
		err = s.WriteFile(c.path(o.out), func(w io.Writer) error {
			var err error
			n, err = workflow.Export(c.ctx, s, w, f, q)
			return err
		})
		if errors.Is(err, storage.ErrOwnFile) {
			return failf("%s is the database (or a copy restore kept): nothing was written; choose another file for the export.", o.out)
		}
		if err != nil {
			return fail("could not write "+o.out, err)
		}
		fmt.Fprintf(c.stdout, "exported %d leads to %s\n", n, o.out)
		return nil
	})
}
