package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"leadcap/storage"
)

// salvageOptions are the arguments and flags of "leadcap salvage".
type salvageOptions struct{ file, out string }

func newSalvageCmd(c *cli) *cobra.Command {
	o := &salvageOptions{}
	cmd := &cobra.Command{
		Use:   "salvage FILE -o NEW",
		Short: "copy every lead that can still be read from a damaged database into a new one",
		Long: `FILE is read-only and never changed; NEW must not exist. The copied leads keep
their IDs and are queued for the CRM again (the CRM updates what it has, it
does not duplicate). The leads that could not be copied are listed by ID.
Then use NEW with --db, or make it the database with 'leadcap restore NEW'.`,
		Example: "  leadcap salvage leadcap.db -o rescued.db\n  leadcap restore rescued.db",
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.file = args[0]
			return runSalvage(c, o)
		},
	}
	cmd.Flags().StringVarP(&o.out, "output", "o", "", "the new database `FILE` (required)")
	return cmd
}

func runSalvage(c *cli, o *salvageOptions) error {
	if o.out == "" {
		return usagef("-o NEW is required: the file to copy the leads into")
	}
	if _, err := os.Stat(c.path(o.file)); err != nil {
		return failf("there is no database %s: check the path.", o.file)
	}
	rep, err := storage.Salvage(c.path(o.file), c.path(o.out), c.key())
	switch {
	case errors.Is(err, storage.ErrExists):
		return failf("%s already exists: give a new file name for the salvaged database.", o.out)
	case errors.Is(err, storage.ErrDamaged):
		return failf("%s is damaged beyond what salvage can read (%s): restore a backup with 'leadcap restore FILE'.", o.file, sanitize(err.Error()))
	case err != nil:
		return fail("could not salvage "+o.file, err)
	}
	fmt.Fprintf(c.stdout, "salvaged %d leads and %d events from %s into %s\n", rep.Leads, rep.Events, o.file, o.out)
	if len(rep.Lost) == 0 {
		fmt.Fprintln(c.stdout, "nothing was lost")
		return nil
	}
	fmt.Fprintf(c.stdout, "lost %d:\n", len(rep.Lost))
	for _, l := range rep.Lost {
		fmt.Fprintf(c.stdout, "  %s: %s\n", l.Key, sanitize(l.Reason))
	}
	return nil
}
