package main

import (
	"errors"
	"fmt"
	"os"

	"leadcap/storage"
)

func checkCommand() *command {
	return &command{
		name:     "check",
		synopsis: "",
		summary:  "check the database for damage (exit 1 when it is damaged)",
		help: `Reads the whole database: bbolt's pages and leadcap's own rules (every lead
decodes and has its summary and index entries, every outbox entry is
scheduled). On damage, 'leadcap salvage' copies what can still be read; a
damaged lead or index is noted in the file (when it can be written), and until
a check finds nothing wrong, 'status' says so and 'add', 'import', 'scan' and
'edit' write nothing.`,
		run: runCheck,
	}
}

func runCheck(c *cli, args []string) error {
	fs := c.newFlags()
	if _, err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	check := func(s *storage.Store) error {
		if err := s.Check(); err != nil {
			return err
		}
		st, err := s.Stats()
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "%s: no damage found (%d leads)\n", s.Path(), st.Leads)
		return nil
	}
	err := c.withStore(check) // writable, to note damage for add and status
	if errors.Is(err, storage.ErrReadOnly) || errors.Is(err, os.ErrPermission) {
		err = c.withStoreRO(check)
	}
	if errors.Is(err, storage.ErrDamaged) {
		return failf("%s is damaged (%s): copy every lead that can still be read with 'leadcap salvage %s -o NEW.db', or restore a backup with 'leadcap restore FILE'.",
			c.dbPath(), sanitize(err.Error()), c.dbPath())
	}
	return err
}

func salvageCommand() *command {
	return &command{
		name:     "salvage",
		synopsis: "FILE -o NEW",
		summary:  "copy every lead that can still be read from a damaged database into a new one",
		help: `FILE is read-only and never changed; NEW must not exist. The copied leads keep
their IDs and are queued for the CRM again (the CRM updates what it has, it
does not duplicate). The leads that could not be copied are listed by ID.
Then use NEW with --db, or make it the database with 'leadcap restore NEW'.`,
		run: runSalvage,
	}
}

func runSalvage(c *cli, args []string) error {
	fs := c.newFlags()
	out := fs.String("o", "", "the new database `FILE` (required)")
	pos, err := c.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	if *out == "" {
		return usagef("-o NEW is required: the file to copy the leads into")
	}
	if _, err := os.Stat(pos[0]); err != nil {
		return failf("there is no database %s: check the path.", pos[0])
	}
	rep, err := storage.Salvage(pos[0], *out, c.key())
	switch {
	case errors.Is(err, storage.ErrExists):
		return failf("%s already exists: give a new file name for the salvaged database.", *out)
	case errors.Is(err, storage.ErrDamaged):
		return failf("%s is damaged beyond what salvage can read (%s): restore a backup with 'leadcap restore FILE'.", pos[0], sanitize(err.Error()))
	case err != nil:
		return fail("could not salvage "+pos[0], err)
	}
	fmt.Fprintf(c.stdout, "salvaged %d leads and %d events from %s into %s\n", rep.Leads, rep.Events, pos[0], *out)
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

// withStoreRO opens the database read-only (a shared lock, so it works
// beside another reader and on a file the user may not write), runs fn and
// closes it. A database that does not exist yet, or that an older leadcap
// wrote, is opened as every command opens it: created, or upgraded.
func (c *cli) withStoreRO(fn func(s *storage.Store) error) (err error) {
	path, err := c.resolveDB()
	if err != nil {
		return err
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return c.withStore(fn) // a new, empty database, as every command makes it
	}
	s, err := storage.Open(path, &storage.Options{ReadOnly: true, Key: c.key()})
	if errors.Is(err, storage.ErrNeedsUpgrade) {
		return c.withStore(fn) // the first use after an update upgrades it
	}
	if err != nil {
		return err
	}
	return use(s, fn)
}

// use runs fn on s and closes s.
func use(s *storage.Store, fn func(s *storage.Store) error) (err error) {
	defer func() {
		if cerr := s.Close(); err == nil && cerr != nil {
			err = fail("could not close the database", cerr)
		}
	}()
	return fn(s)
}
