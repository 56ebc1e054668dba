package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"leadcap/storage"
	"leadcap/workflow"
)

// importOptions are the arguments of "leadcap import".
type importOptions struct {
	files []string
	json  bool
}

// importJSON is one line of "import --json": what became of one file's leads.
type importJSON struct {
	File      string `json:"file"`
	Created   int    `json:"created"`
	Merged    int    `json:"merged"`
	Updated   int    `json:"updated"`
	Unchanged int    `json:"unchanged"`
	Removed   int    `json:"removed"`
	Failed    int    `json:"failed"`
	Conflicts int    `json:"conflicts"`
	Events    int    `json:"events"`
}

func newImportCmd(c *cli) *cobra.Command {
	o := &importOptions{}
	cmd := &cobra.Command{
		Use:   "import [--json] FILE...",
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
are imported, and the bad lines are named. --json prints one object per file
instead: file, created, merged, updated, unchanged, removed, failed,
conflicts and events.`,
		Example: `  leadcap import tablet1.jsonl tablet2.jsonl
  ssh booth-laptop leadcap export --format bundle | leadcap import -`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.files = args
			return runImport(c, o)
		},
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "one JSON object per file")
	return cmd
}

func runImport(c *cli, o *importOptions) error {
	pos := o.files
	return c.withStore(func(s *storage.Store) error {
		var first error // a bad file does not keep the others out
		for _, name := range pos {
			if err := importFile(c, s, name, len(pos) > 1, o.json); err != nil && first == nil {
				first = err
			}
		}
		return first
	})
}

// importFile imports one file (or standard input for "-") and prints its
// summary, prefixed with the file's name when several are imported.
func importFile(c *cli, s *storage.Store, name string, several, asJSON bool) error {
	var r io.Reader = c.stdin
	if name != "-" {
		f, err := os.Open(c.path(name))
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
	if asJSON {
		if jerr := json.NewEncoder(c.stdout).Encode(importJSON{File: name, Created: res.Created, Merged: res.Merged,
			Updated: res.Updated, Unchanged: res.Unchanged, Removed: res.Removed, Failed: res.Failed,
			Conflicts: res.Conflicts, Events: res.Events}); jerr != nil {
			return fail("could not write the outcome", jerr)
		}
	} else {
		printImported(c, name, several, res)
	}
	return importError(name, err)
}

// printImported prints the summary line of one imported file.
func printImported(c *cli, name string, several bool, res workflow.ImportResult) {
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
}

// importError is the sentence for what went wrong importing the file name.
func importError(name string, err error) error {
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
