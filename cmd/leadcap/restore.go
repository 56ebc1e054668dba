package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"leadcap/storage"
)

// restoreOptions are the arguments of "leadcap restore".
type restoreOptions struct{ file string }

func newRestoreCmd(c *cli) *cobra.Command {
	o := &restoreOptions{}
	return &cobra.Command{
		Use:   "restore FILE",
		Short: "replace the database with a backup; the current database is kept next to it",
		Long: `FILE must be a leadcap database (as written by 'leadcap backup'). The current
database is kept as <database>.before-restore-<time>. The app and other leadcap
commands must be closed.`,
		Example: "  leadcap restore ~/backups/leadcap-2026-04-24.db",
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.file = args[0]
			return runRestore(c, o)
		},
	}
}

func runRestore(c *cli, o *restoreOptions) error {
	backup := o.file
	if _, err := os.Stat(c.path(backup)); err != nil {
		return failf("there is no backup file %s: check the path.", backup)
	}
	path, err := c.resolveDB()
	if err != nil {
		return err
	}
	if err := storage.Restore(c.path(backup), c.path(path), c.key()); err != nil {
		if errors.Is(err, storage.ErrDamaged) {
			return failf("%s is not a leadcap backup or is damaged: the database was not changed.", backup)
		}
		return err
	}
	fmt.Fprintf(c.stdout, "restored %s from %s\n", path, filepath.Clean(backup))
	if kept, _ := filepath.Glob(c.path(path) + ".before-restore-*"); len(kept) > 0 {
		sort.Strings(kept)
		// named as the database was given: path and the copy's suffix
		fmt.Fprintf(c.stdout, "the previous database is kept as %s\n", path+strings.TrimPrefix(kept[len(kept)-1], c.path(path)))
	}
	return nil
}
