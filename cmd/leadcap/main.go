package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"leadcap/internal/credentials"
	"leadcap/lead"
	"leadcap/storage"
	"leadcap/workflow"
)

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
	// exitPending: a sync ended with leads still to send.
	exitPending = 3
	// exitDead: a sync ended with leads the CRM refused.
	exitDead = 4
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// cli is one invocation: its streams, environment, working directory, the
// database path and the clock. run makes a new one, and a new command
// tree, for every call: nothing of one invocation is left for the next,
// and invocations in one process (the tests') may run side by side.
type cli struct {
	ctx context.Context
	// env is the invocation's environment: every variable a command reads
	// is read through it (the process's for main).
	env workflow.Env
	// dir is the working directory relative paths on the command line are
	// read from; empty is the process's (main).
	dir    string
	stdin  io.Reader
	stdout *bufio.Writer
	stderr io.Writer
	db     string // --db, empty for the default
	now    func() time.Time
	// name is the command that runs, e.g. "event create", for messages.
	name string
	// progress is true when stderr is a terminal: progress bars are drawn
	// there, so that standard output stays what scripts read.
	progress bool
}

// run executes one command line in the process's environment and working
// directory and returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runIn(ctx, args, stdin, stdout, stderr, os.LookupEnv, "")
}

// runIn is run with the invocation's own environment (env, not the
// process's) and working directory (dir, absolute; empty: the process's).
// It is what lets the tests run command lines in parallel.
func runIn(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, env workflow.Env, dir string) int {
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	if env == nil {
		env = os.LookupEnv
	}
	c := &cli{ctx: ctx, env: env, dir: dir, stdin: stdin, stdout: out, stderr: stderr, now: time.Now}
	if f, ok := stderr.(*os.File); ok {
		c.progress = term.IsTerminal(int(f.Fd()))
	}
	root := newRootCmd(c)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(out)
	root.SetErr(stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if cmd == nil {
		cmd = root
	}
	c.name = commandName(cmd)
	if ferr := out.Flush(); err == nil && ferr != nil {
		err = fail("could not write the output", ferr)
	}
	return c.report(cmd, err)
}

// commandName is the command's path without "leadcap ", e.g. "event create".
func commandName(cmd *cobra.Command) string {
	if !cmd.HasParent() {
		return "leadcap"
	}
	return strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
}

// report prints err for the user and returns the exit status.
func (c *cli) report(cmd *cobra.Command, err error) int {
	if err == nil {
		return exitOK
	}
	c.stdout.Flush()
	var es *exitStatus
	if errors.As(err, &es) {
		if es.msg != "" {
			fmt.Fprintf(c.stderr, "leadcap: %s\n", es.msg)
		}
		return es.code
	}
	var ue *usageError
	if errors.As(err, &ue) {
		if !cmd.HasParent() {
			fmt.Fprintf(c.stderr, "leadcap: %s\n", ue.msg)
			fmt.Fprintln(c.stderr, "Run 'leadcap help' for the commands.")
			return exitUsage
		}
		fmt.Fprintf(c.stderr, "leadcap %s: %s\n", c.name, ue.msg)
		fmt.Fprintf(c.stderr, "usage: %s\n", cmd.UseLine())
		fmt.Fprintf(c.stderr, "Run 'leadcap help %s' for details.\n", c.name)
		return exitUsage
	}
	fmt.Fprintf(c.stderr, "leadcap: %s\n", c.explain(err))
	return exitError
}

// usageError is wrong usage of a command: exit status 2 and the synopsis.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{msg: fmt.Sprintf(format, a...)} }

// exitStatus ends a command that did its work with a status other than 0
// (a sync that left leads pending or dead) and an optional sentence.
type exitStatus struct {
	code int
	msg  string
}

func (e *exitStatus) Error() string { return fmt.Sprintf("exit status %d: %s", e.code, e.msg) }

// userError is an error with the sentence to show to the user.
type userError struct {
	msg string
	err error
}

func (e *userError) Error() string {
	if e.err == nil {
		return e.msg
	}
	return e.msg + ": " + e.err.Error()
}
func (e *userError) Unwrap() error { return e.err }

// failf returns an error whose message the user sees as it is.
func failf(format string, a ...any) error { return &userError{msg: fmt.Sprintf(format, a...)} }

// fail wraps an unexpected error with what could not be done. Known causes
// (a locked or damaged database, a wrong field) are explained by explain.
func fail(what string, err error) error { return &userError{msg: what, err: err} }

// explain turns an error into one sentence that says what to do.
func (c *cli) explain(err error) string {
	path := c.dbPath()
	var fe *lead.FieldError
	var de *storage.DuplicateError
	var le *workflow.LineError
	var ue *userError
	switch {
	case errors.Is(err, storage.ErrLocked):
		return fmt.Sprintf("the database %s is in use by another leadcap process: close it (or wait until it is done) and try again.", path)
	case errors.Is(err, storage.ErrDamaged):
		return fmt.Sprintf("%s is not a leadcap database or is damaged: 'leadcap check' says what is wrong, 'leadcap salvage %s -o NEW.db' copies every lead that can still be read, or restore a backup with 'leadcap restore FILE'.", path, path)
	case errors.Is(err, storage.ErrEmptyFile):
		return fmt.Sprintf("%s: %s.", path, storage.ErrEmptyFile)
	case errors.Is(err, storage.ErrIsDirectory):
		return fmt.Sprintf("%s: %s.", path, storage.ErrIsDirectory)
	case errors.Is(err, storage.ErrNotAFile):
		return fmt.Sprintf("%s: %s.", path, storage.ErrNotAFile)
	case errors.Is(err, storage.ErrReadOnly), errors.Is(err, os.ErrPermission):
		return fmt.Sprintf("the database %s cannot be written (read-only file or folder): 'list', 'show', 'status' and 'export' still work; to change it, make it writable (chmod u+w) or work on a copy.", path)
	case errors.Is(err, storage.ErrNewerSchema):
		return fmt.Sprintf("%s was written by a newer version of leadcap: update leadcap to open it.", path)
	case errors.Is(err, storage.ErrEncrypted):
		return fmt.Sprintf("%s is encrypted: set %s to its passphrase and try again.", path, envPassphrase)
	case errors.Is(err, storage.ErrNoKeyringKey):
		why := "the keyring holds no key for it"
		if errors.Is(err, credentials.ErrNoKeyring) {
			why = "there is no keyring leadcap can use"
		}
		return fmt.Sprintf("%s: %s (%s). Nothing was changed.", path, storage.ErrNoKeyringKey, why)
	case errors.Is(err, storage.ErrWrongKey):
		return fmt.Sprintf("the passphrase in %s does not open %s: nothing was changed; set the right one and try again.", envPassphrase, path)
	case errors.Is(err, storage.ErrNoActiveEvent):
		return "there is no active event: create one with 'leadcap event create --name NAME --use', or select one with 'leadcap event use ID|NAME', or pass --event ID."
	case errors.As(err, &le):
		return fmt.Sprintf("line %d of the import: %s: fix the line and import the file again (a second import adds no duplicates).", le.Line, reason(le.Err))
	case errors.As(err, &de):
		return fmt.Sprintf("this person is already a lead at this event (%s): see it with 'leadcap show %s'.", de.Existing, de.Existing)
	case errors.As(err, &fe):
		return fmt.Sprintf("%s: correct it and try again.", strings.TrimSuffix(fe.Error(), "."))
	case errors.Is(err, context.Canceled):
		return "interrupted: nothing after the interruption was saved; run the command again to finish."
	case errors.As(err, &ue):
		if ue.err == nil {
			return ue.msg
		}
		return fmt.Sprintf("%s (%v): check the path and the disk, and try again.", ue.msg, ue.err)
	}
	return fmt.Sprintf("%s failed (%v): check the path and the disk, and try again.", c.name, err)
}

// path is p, a path as the user gave it, to open: read from the
// invocation's working directory when it is relative. Messages show p.
func (c *cli) path(p string) string {
	if c.dir == "" || p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.dir, p)
}

// defaultDB is storage.DefaultPath in the invocation's environment.
func (c *cli) defaultDB() (string, error) { return storage.DefaultPathIn(c.env.Get) }

// dbPath is the database's path as the user gave it (--db or LEADCAP_DB)
// or the default, for messages.
func (c *cli) dbPath() string {
	if c.db != "" {
		return c.db
	}
	p, err := c.defaultDB()
	if err != nil {
		return "(default database)"
	}
	return p
}

// resolveDB settles the database path: --db, else the default.
func (c *cli) resolveDB() (string, error) {
	if c.db == "" {
		p, err := c.defaultDB()
		if err != nil {
			return "", failf("cannot find a place for the database (%v): pass --db PATH or set LEADCAP_DB.", err)
		}
		c.db = p
	}
	return c.db, nil
}

// open opens the database, creating it when it does not exist yet.
func (c *cli) open() (*storage.Store, error) {
	path, err := c.resolveDB()
	if err != nil {
		return nil, err
	}
	return storage.Open(c.path(path), &storage.Options{Key: c.key()})
}

// withStore opens the database, runs fn and closes it.
func (c *cli) withStore(fn func(s *storage.Store) error) (err error) {
	s, err := c.open()
	if err != nil {
		return err
	}
	return use(s, fn)
}

// parseDate reads YYYY-MM-DD (midnight UTC) or an RFC 3339 time.
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a date: write it as YYYY-MM-DD, e.g. 2026-11-27", s)
}
