package main

import (
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// docsDate is the date on the generated man pages. It is fixed so that
// 'make docs' writes the same files from the same definitions (the test
// TestDocsAreCurrent compares them); move it on when the commands change.
func docsDate() *time.Time {
	t := time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC)
	return &t
}

// gendocsOptions are the flags of the hidden "leadcap gendocs".
type gendocsOptions struct{ man, markdown string }

// newGendocsCmd is "leadcap gendocs --man DIR --markdown DIR", hidden: it
// writes the man pages and the Markdown pages of every command from the
// same definitions as --help ('make docs').
func newGendocsCmd(c *cli) *cobra.Command {
	o := &gendocsOptions{}
	cmd := &cobra.Command{
		Use:     "gendocs --man DIR --markdown DIR",
		Short:   "write the man pages and Markdown pages of every command (make docs)",
		Example: "  go run ./cmd/leadcap gendocs --man docs/man --markdown docs/cli",
		Hidden:  true,
		Args:    exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.man == "" && o.markdown == "" {
				return usagef("give --man DIR, --markdown DIR or both")
			}
			if err := genDocs(cmd.Root(), c.path(o.man), c.path(o.markdown)); err != nil {
				return fail("could not write the command docs", err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&o.man, "man", "", "write the man pages to `DIR`")
	cmd.Flags().StringVar(&o.markdown, "markdown", "", "write the Markdown pages to `DIR`")
	return cmd
}

// genDocs writes the man pages (section 1) to manDir and the Markdown
// pages to mdDir, each emptied of its old pages first; an empty name
// skips one.
func genDocs(root *cobra.Command, manDir, mdDir string) error {
	root.DisableAutoGenTag = true
	if manDir != "" {
		if err := resetDir(manDir, "*.1"); err != nil {
			return err
		}
		header := &doc.GenManHeader{Title: "LEADCAP", Section: "1", Source: "leadcap", Manual: "leadcap manual", Date: docsDate()}
		if err := doc.GenManTree(root, header, manDir); err != nil {
			return err
		}
	}
	if mdDir != "" {
		if err := resetDir(mdDir, "*.md"); err != nil {
			return err
		}
		if err := doc.GenMarkdownTree(root, mdDir); err != nil {
			return err
		}
	}
	return nil
}

// resetDir makes dir and removes the files in it that match pattern, so
// that a removed command leaves no page behind.
func resetDir(dir, pattern string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	old, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil {
		return err
	}
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			return err
		}
	}
	return nil
}
