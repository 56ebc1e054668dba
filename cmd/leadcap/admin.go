package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"text/tabwriter"
	"time"

	"leadcap/lead"
	"leadcap/storage"
)

func statusCommand() *command {
	return &command{
		name:     "status",
		synopsis: "[--json]",
		summary:  "count leads by stage and by sync status, with the outbox and dead letters",
		run:      runStatus,
	}
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
	CheckedAt     *time.Time                 `json:"checked_at"` // the last 'leadcap check' that found no damage
}

func runStatus(c *cli, args []string) error {
	fs := c.newFlags()
	asJSON := fs.Bool("json", false, "print one JSON object")
	if _, err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	return c.withStoreRO(func(s *storage.Store) error {
		st, err := s.Stats()
		if err != nil {
			return fail("could not count the leads", err)
		}
		if d := st.Damage; d != nil {
			return failf("%s is damaged (found %s: %s), so its counts are not shown: 'leadcap check' says what is wrong, 'leadcap salvage %s -o NEW.db' copies every lead that can still be read.",
				s.Path(), d.At.Format("2006-01-02 15:04 UTC"), sanitize(d.What), s.Path())
		}
		out := statusJSON{
			Database: s.Path(), Leads: st.Leads,
			ByStage: map[lead.Stage]int{}, BySync: map[storage.SyncStatus]int{},
			OutboxPending: st.OutboxPending, Dead: st.Dead,
		}
		checked := "never ('leadcap check' reads every lead)"
		if !st.CheckedAt.IsZero() {
			out.CheckedAt = &st.CheckedAt
			checked = st.CheckedAt.Format("2006-01-02 15:04 UTC") + ", no damage found"
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
		if *asJSON {
			enc := json.NewEncoder(c.stdout)
			enc.SetEscapeHTML(false)
			return enc.Encode(out)
		}
		tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "database:\t%s\n", sanitize(out.Database))
		if out.ActiveEvent != nil {
			fmt.Fprintf(tw, "active event:\t%s (%s)\n", sanitize(out.ActiveEvent.Name), out.ActiveEvent.ID)
		} else {
			fmt.Fprintf(tw, "active event:\tnone (leadcap event use ID|NAME)\n")
		}
		fmt.Fprintf(tw, "leads:\t%d\n", out.Leads)
		for _, stage := range lead.Stages {
			fmt.Fprintf(tw, "  %s:\t%d\n", stage, out.ByStage[stage])
		}
		fmt.Fprintf(tw, "sync:\t\n")
		for _, sy := range storage.SyncStatuses {
			fmt.Fprintf(tw, "  %s:\t%d\n", sy, out.BySync[sy])
		}
		fmt.Fprintf(tw, "outbox pending:\t%d\n", out.OutboxPending)
		fmt.Fprintf(tw, "dead letters:\t%d\n", out.Dead)
		fmt.Fprintf(tw, "checked:\t%s\n", checked)
		return tw.Flush()
	})
}

func backupCommand() *command {
	return &command{
		name:     "backup",
		synopsis: "FILE",
		summary:  "write a consistent copy of the database to FILE",
		help: `The copy is written to a temporary file and renamed, so FILE is either the old
file or a complete backup. Restore it with 'leadcap restore FILE'.`,
		run: runBackup,
	}
}

func runBackup(c *cli, args []string) error {
	fs := c.newFlags()
	pos, err := c.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	return c.withStore(func(s *storage.Store) error {
		err := s.BackupFile(pos[0])
		switch {
		case errors.Is(err, storage.ErrOwnFile):
			return failf("%s is the database (or a copy restore kept): nothing was written; choose another file for the backup.", pos[0])
		case errors.Is(err, storage.ErrDamaged):
			return failf("the database %s is damaged, so no backup was written (%s was not changed): run 'leadcap check' to see what is wrong, then 'leadcap salvage %s -o NEW.db' to copy every lead that can still be read.", s.Path(), pos[0], s.Path())
		case err != nil:
			return fail("could not write the backup "+pos[0], err)
		}
		fmt.Fprintf(c.stdout, "backed up %s to %s\n", s.Path(), pos[0])
		return nil
	})
}

func restoreCommand() *command {
	return &command{
		name:     "restore",
		synopsis: "FILE",
		summary:  "replace the database with a backup; the current database is kept next to it",
		help: `FILE must be a leadcap database (as written by 'leadcap backup'). The current
database is kept as <database>.before-restore-<time>. The app and other leadcap
commands must be closed.`,
		run: runRestore,
	}
}

func runRestore(c *cli, args []string) error {
	fs := c.newFlags()
	pos, err := c.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	backup := pos[0]
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

func helpCommand() *command {
	return &command{
		name:     "help",
		synopsis: "[COMMAND]",
		summary:  "show the commands, or one command's arguments",
		run:      runHelp,
	}
}

func runHelp(c *cli, args []string) error {
	if len(args) == 0 {
		printOverview(c.stdout)
		return nil
	}
	if args[0] == "-h" || args[0] == "--help" {
		return flag.ErrHelp
	}
	cmd := findCommand(args[0])
	if cmd == nil {
		return usagef("unknown command %q", args[0])
	}
	// Let the command declare its flags, then print them.
	h := &cli{ctx: c.ctx, stdin: c.stdin, stdout: c.stdout, stderr: c.stderr, now: c.now, cmd: cmd}
	sub := append(args[1:len(args):len(args)], "--help")
	if err := cmd.run(h, sub); err != nil && !errors.Is(err, flag.ErrHelp) {
		return err
	}
	h.printHelp(c.stdout, cmd)
	return nil
}
