package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/spf13/cobra"

	"leadcap/lead"
	"leadcap/storage"
)

// statusOptions are the flags of "leadcap status".
type statusOptions struct{ json bool }

func newStatusCmd(c *cli) *cobra.Command {
	o := &statusOptions{}
	cmd := &cobra.Command{
		Use:     "status [--json]",
		Short:   "count leads by stage and by sync status, with the outbox and dead letters",
		Long:    "--json prints one object: database, active_event, leads, by_stage, by_sync, outbox_pending and dead.",
		Example: "  leadcap status\n  leadcap status --json | jq .outbox_pending",
		Args:    exactArgs(0),
		RunE:    func(cmd *cobra.Command, args []string) error { return runStatus(c, o) },
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "print one JSON object")
	return cmd
}

// statusJSON is the output of "status --json".
type statusJSON struct {
	Database      string                     `json:"database"`
	ActiveEvent   *eventJSON                 `json:"active_event"`
	Leads         int                        `json:"leads"`
	ByStage       map[lead.Stage]int         `json:"by_stage"`
	BySync        map[storage.SyncStatus]int `json:"by_sync"`
	OutboxPending int                        `json:"outbox_pending"`
	Dead          int                        `json:"dead"`
}

func runStatus(c *cli, o *statusOptions) error {
	return c.withStoreRO(func(s *storage.Store) error {
		st, err := s.Stats()
		if err != nil {
			return fail("could not count the leads", err)
		}
		out := statusJSON{
			Database: s.Path(), Leads: st.Leads,
			ByStage: map[lead.Stage]int{}, BySync: map[storage.SyncStatus]int{},
			OutboxPending: st.OutboxPending, Dead: st.Dead,
		}
		for _, stage := range lead.Stages {
			out.ByStage[stage] = st.ByStage[stage]
		}
		for _, sy := range storage.SyncStatuses {
			out.BySync[sy] = st.BySync[sy]
		}
		ev, err := s.ActiveEvent()
		switch {
		case err == nil:
			out.ActiveEvent = &eventJSON{ID: ev.ID.String(), Name: ev.Name, Venue: ev.Venue, City: ev.City,
				Country: ev.Country, Booth: ev.Booth, Start: day(ev.Start), End: day(ev.End), Active: true}
		case !errors.Is(err, storage.ErrNoActiveEvent):
			return fail("could not read the active event", err)
		}
		if o.json {
			enc := json.NewEncoder(c.stdout)
			enc.SetEscapeHTML(false)
			return enc.Encode(out)
		}
		t := newTable(c.stdout)
		t.row("database:", out.Database)
		if out.ActiveEvent != nil {
			t.row("active event:", out.ActiveEvent.Name+" ("+out.ActiveEvent.ID+")")
		} else {
			t.row("active event:", "none (leadcap event use ID|NAME)")
		}
		t.row("leads:", strconv.Itoa(out.Leads))
		for _, stage := range lead.Stages {
			t.row("  "+string(stage)+":", strconv.Itoa(out.ByStage[stage]))
		}
		t.row("sync:", "")
		for _, sy := range storage.SyncStatuses {
			t.row("  "+string(sy)+":", strconv.Itoa(out.BySync[sy]))
		}
		t.row("outbox pending:", strconv.Itoa(out.OutboxPending))
		t.row("dead letters:", strconv.Itoa(out.Dead))
		return t.flush()
	})
}

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
		err := s.BackupFile(o.file)
		switch {
		case errors.Is(err, storage.ErrOwnFile):
			return failf("%s is the database (or a copy restore kept): nothing was written; choose another file for the backup.", o.file)
		case errors.Is(err, storage.ErrDamaged):
			return failf("the database %s is damaged, so no backup was written (%s was not changed): run 'leadcap check' to see what is wrong, then 'leadcap salvage %s -o NEW.db' to copy every lead that can still be read.", s.Path(), o.file, s.Path())
		case err != nil:
			return fail("could not write the backup "+o.file, err)
		}
		fmt.Fprintf(c.stdout, "backed up %s to %s\n", s.Path(), o.file)
		return nil
	})
}

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
	if _, err := os.Stat(backup); err != nil {
		return failf("there is no backup file %s: check the path.", backup)
	}
	path, err := c.resolveDB()
	if err != nil {
		return err
	}
	if err := storage.Restore(backup, path, c.key()); err != nil {
		if errors.Is(err, storage.ErrDamaged) {
			return failf("%s is not a leadcap backup or is damaged: the database was not changed.", backup)
		}
		return err
	}
	fmt.Fprintf(c.stdout, "restored %s from %s\n", path, filepath.Clean(backup))
	if kept, _ := filepath.Glob(path + ".before-restore-*"); len(kept) > 0 {
		sort.Strings(kept)
		fmt.Fprintf(c.stdout, "the previous database is kept as %s\n", kept[len(kept)-1])
	}
	return nil
}
