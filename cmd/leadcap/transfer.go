package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"leadcap/lead"
	"leadcap/storage"
	"leadcap/workflow"
)

func exportCommand() *command {
	return &command{
		name:     "export",
		synopsis: "--format csv|vcf|jsonl|bundle [--event ID] [--stage STAGE] [-o FILE]",
		summary:  "export leads as CSV (for CRM import wizards), vCard 4.0 or JSON Lines",
		help: `csv    column names that HubSpot's and Salesforce's import wizards map without
       editing (First Name, Last Name, Email, Phone Number, Company, Job Title, ...)
vcf    vCard 4.0, one card per lead, UID urn:uuid:<lead ID>
jsonl  one complete lead per line (with its event); 'leadcap import' reads it back
       without loss and without duplicates
bundle jsonl headed by a line with every event of the database (those without
       leads too): one device's fair in one file, for 'leadcap import' on the
       back-office machine
Without -o the export goes to standard output. With -o the file is written
completely or not at all.`,
		run: runExport,
	}
}

func runExport(c *cli, args []string) error {
	fs := c.newFlags()
	format := fs.String("format", "", "`csv|vcf|jsonl|bundle` (required)")
	event := fs.String("event", "", "only leads of this event (`ID`, ID prefix or name)")
	var stage lead.Stage
	fs.Var(&enumFlag{parse: func(s string) (err error) { stage, err = lead.ParseStage(s); return err }}, "stage", "only leads in this `STAGE`")
	out := fs.String("o", "", "write to `FILE` instead of standard output")
	if _, err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	if *format == "" {
		return usagef("--format is required: csv, vcf, jsonl or bundle")
	}
	f, err := workflow.ParseFormat(*format)
	if err != nil {
		return usagef("--format %q is not known: use csv, vcf, jsonl or bundle", *format)
	}
	return c.withStoreRO(func(s *storage.Store) error {
		evID, err := eventFilter(s, *event)
		if err != nil {
			return err
		}
		q := storage.Query{EventID: evID, Stage: stage}
		if *out == "" || *out == "-" {
			if _, err := workflow.Export(c.ctx, s, c.stdout, f, q); err != nil {
				return fail("could not export the leads", err)
			}
			return nil
		}
		var n int
		err = s.WriteFile(*out, func(w io.Writer) error {
			var err error
			n, err = workflow.Export(c.ctx, s, w, f, q)
			return err
		})
		if errors.Is(err, storage.ErrOwnFile) {
			return failf("%s is the database (or a copy restore kept): nothing was written; choose another file for the export.", *out)
		}
		if err != nil {
			return fail("could not write "+*out, err)
		}
		fmt.Fprintf(c.stdout, "exported %d leads to %s\n", n, *out)
		return nil
	})
}

func importCommand() *command {
	return &command{
		name:     "import",
		synopsis: "FILE...",
		summary:  "import leads from JSON Lines or bundles (as written by 'export'), merging several devices' exports; '-' reads standard input",
		help: `Leads keep their IDs: importing the same file twice adds no duplicates, and a
lead already in the database keeps its newer version. Events that come with
the leads are created when missing. The same person scanned on two devices
(same email, else phone, else name and organization, at the same event)
becomes one lead: both devices' notes, the better qualification and the
earlier capture time; the other ID is kept as an alias, so a CRM record
already made from it is updated, not duplicated. Prints per file how many
leads were created, merged, updated and unchanged. A bad line is skipped,
and nothing of it is saved, not even the event it brought; the other lines
are imported, and the bad lines are named.`,
		run: runImport,
	}
}

func runImport(c *cli, args []string) error {
	fs := c.newFlags()
	pos, err := c.parse(fs, args, 1, -1)
	if err != nil {
		return err
	}
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
