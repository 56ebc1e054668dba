package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"leadcap/storage"
)

// checkOptions are the flags of "leadcap check".
type checkOptions struct{ json bool }

// checkJSON is the output of "check --json".
type checkJSON struct {
	Database string `json:"database"`
	Damaged  bool   `json:"damaged"`
	Leads    int    `json:"leads,omitempty"`
	Problem  string `json:"problem,omitempty"`
}

func newCheckCmd(c *cli) *cobra.Command {
	o := &checkOptions{}
	cmd := &cobra.Command{
		Use:   "check [--json]",
		Short: "check the database for damage (exit 1 when it is damaged)",
		Long: `Reads the whole database: bbolt's pages and leadcap's own rules (every lead
decodes and has its summary and index entries, every outbox entry is
scheduled). On damage, 'leadcap salvage' copies what can still be read; a
damaged lead or index is noted in the file (when it can be written), and until
a check finds nothing wrong, 'status' says so and 'add', 'import', 'scan' and
'edit' write nothing.
--json prints one object: database, damaged, leads and problem.`,
		Example: "  leadcap check\n  leadcap check --json\n  leadcap --db /mnt/tablet/leadcap.db check",
		Args:    exactArgs(0),
		RunE:    func(cmd *cobra.Command, args []string) error { return runCheck(c, o) },
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "print one JSON object")
	return cmd
}

func runCheck(c *cli, o *checkOptions) error {
	check := func(s *storage.Store) error {
		if err := s.Check(); err != nil {
			return err
		}
		st, err := s.Stats()
		if err != nil {
			return err
		}
		if o.json {
			return json.NewEncoder(c.stdout).Encode(checkJSON{Database: c.dbPath(), Leads: st.Leads})
		}
		fmt.Fprintf(c.stdout, "%s: no damage found (%d leads)\n", c.dbPath(), st.Leads)
		return nil
	}
	err := c.withStore(check) // writable, to note damage for add and status
	if errors.Is(err, storage.ErrReadOnly) || errors.Is(err, os.ErrPermission) {
		err = c.withStoreRO(check)
	}
	if errors.Is(err, storage.ErrDamaged) {
		if o.json {
			json.NewEncoder(c.stdout).Encode(checkJSON{Database: c.dbPath(), Damaged: true, Problem: sanitize(err.Error())})
		}
		return failf("%s is damaged (%s): copy every lead that can still be read with 'leadcap salvage %s -o NEW.db', or restore a backup with 'leadcap restore FILE'.",
			c.dbPath(), sanitize(err.Error()), c.dbPath())
	}
	return err
}
