package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"leadcap/storage"
)

// backupOptions are the arguments of "leadcap backup".
type backupOptions struct{ file string }

func newBackupCmd(c *cli) *cobra.Command {
	o := &backupOptions{}
	return &cobra.Command{
		Use:   "backup FILE",
		Short: "write a consistent copy of the database to FILE",
		Long: `The copy is written to a temporary file and renamed, so FILE is either the old
file or a complete backup. Restore it with 'leadcap restore FILE'.`,
		Example: "  leadcap backup ~/backups/leadcap-$(date +%F).db",
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.file = args[0]
			return runBackup(c, o)
		},
	}
}

func runBackup(c *cli, o *backupOptions) error {
	return c.withStore(func(s *storage.Store) error {
		err := s.BackupFile(c.path(o.file))
		switch {
		case errors.Is(err, storage.ErrOwnFile):
			return failf("%s is the database (or a copy restore kept): nothing was written; choose another file for the backup.", o.file)
		case errors.Is(err, storage.ErrDamaged):
			return failf("the database %s is damaged, so no backup was written (%s was not changed): run 'leadcap check' to see what is wrong, then 'leadcap salvage %s -o NEW.db' to copy every lead that can still be read.", c.dbPath(), o.file, c.dbPath())
		case err != nil:
			return fail("could not write the backup "+o.file, err)
		}
		fmt.Fprintf(c.stdout, "backed up %s to %s\n", c.dbPath(), o.file)
		return nil
	})
}
