package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

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
		err = s.WriteFile(o.out, func(w io.Writer) error {
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

// importOptions are the arguments of "leadcap import".
type importOptions struct{ files []string }

func newImportCmd(c *cli) *cobra.Command {
	o := &importOptions{}
	return &cobra.Command{
		Use:   "import FILE...",
		Short: "import leads from JSON Lines or bundles (as written by 'export'), merging several devices' exports; '-' reads standard input",
		Long: `Leads keep their IDs: importing the same file twice adds no duplicates, and a
lead already in the database keeps its newer version. Events that come with
the leads are created when missing. The same person scanned on two devices
(same email, else phone, else name and organization, at the same event)
becomes one lead: both devices' notes, the better qualification and the
earlier capture time; the other ID is kept as an alias, so a CRM record
already made from it is updated, not duplicated. Prints per file how many
leads were created, merged, updated and unchanged. A bad line is skipped,
and nothing of it is saved, not even the event it brought; the other lines
are imported, and the bad lines are named.`,
		Example: `  leadcap import tablet1.jsonl tablet2.jsonl
  ssh booth-laptop leadcap export --format bundle | leadcap import -`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.files = args
			return runImport(c, o)
		},
	}
}

func runImport(c *cli, o *importOptions) error {
	pos := o.files
	return c.withStore(func(s *storage.Store) error {
		var first error // a bad file does not keep the others out
		for _, name := range pos {
			if err := importFile(c, s, name, len(pos) > 1); err != nil && first == nil {
				first = err
			}
		}
		return first
	})
}

// importFile imports one file (or standard input for "-") and prints its
// summary, prefixed with the file's name when several are imported.
func importFile(c *cli, s *storage.Store, name string, several bool) error {
	var r io.Reader = c.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return failf("there is no file %s: check the path.", name)
			}
			return fail("could not open "+name, err)
		}
		defer f.Close()
		r = f
	} else {
		name = "standard input"
	}
	res, err := workflow.ImportMerge(c.ctx, s, r)
	if several {
		fmt.Fprintf(c.stdout, "%s: ", name)
	}
	fmt.Fprint(c.stdout, res.Summary())
	if res.Conflicts > 0 {
		fmt.Fprintf(c.stdout, " (%d of them conflicts: the same version with other content)", res.Conflicts)
	}
	if res.Events > 0 {
		fmt.Fprintf(c.stdout, " (%d events created)", res.Events)
	}
	fmt.Fprintln(c.stdout)
	var ie *workflow.ImportError
	if errors.As(err, &ie) {
		var lines []string
		for _, le := range ie.Lines {
			lines = append(lines, fmt.Sprintf("line %d: %s", le.Line, reason(le.Err)))
		}
		if ie.More > 0 {
			lines = append(lines, fmt.Sprintf("and %d more", ie.More))
		}
		return failf("%d lines of %s were not imported (%s): fix them and import the file again; the other lines were imported, and a second import adds no duplicates.",
			ie.Count(), name, strings.Join(lines, "; "))
	}
	if err != nil {
		return fail("could not import "+name, err)
	}
	return nil
}
