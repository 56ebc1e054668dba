package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

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

// cli is one invocation: its streams, the database path and the clock.
type cli struct {
	ctx    context.Context
	stdin  io.Reader
	stdout *bufio.Writer
	stderr io.Writer
	db     string // --db, empty for the default
	now    func() time.Time
	cmd    *command
	fs     *flag.FlagSet // the command's flags, for help
	// terminal is true when stdout is a terminal (progress bars).
	terminal bool
}

// command is a subcommand. run gets the arguments after the command name.
type command struct {
	name     string
	synopsis string // arguments, e.g. "ID [--json]"
	summary  string // one line for "leadcap help"
	help     string // more, for "leadcap help NAME"
	run      func(c *cli, args []string) error
}

func commands() []*command {
	return []*command{
		eventCommand(),
		addCommand(), listCommand(), showCommand(), editCommand(), qualifyCommand(), noteCommand(), consentCommand(),
		exportCommand(), importCommand(), reportCommand(),
		deleteCommand(), eraseCommand(),
		decodeCommand(), scanCommand(), parseCommand(),
		attendeesCommand(), followupsCommand(),
		crmCommand(), syncCommand(), deadCommand(),
		statusCommand(), backupCommand(), restoreCommand(),
		checkCommand(), salvageCommand(),
		initCommand(),
		helpCommand(),
	}
}

func findCommand(name string) *command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	return nil
}

// run executes one command line and returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	c := &cli{ctx: ctx, stdin: stdin, stdout: out, stderr: stderr, now: time.Now}
	if f, ok := stdout.(*os.File); ok {
		c.terminal = term.IsTerminal(int(f.Fd()))
	}

	global := flag.NewFlagSet("leadcap", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	global.StringVar(&c.db, "db", "", "database file")
	help := global.Bool("help", false, "show help")
	global.BoolVar(help, "h", false, "show help")
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printOverview(out)
			return exitOK
		}
		fmt.Fprintf(stderr, "leadcap: %v\n", err)
		fmt.Fprintln(stderr, "Run 'leadcap help' for the commands.")
		return exitUsage
	}
	if *help {
		printOverview(out)
		return exitOK
	}
	rest := global.Args()
	if len(rest) == 0 {
		out.Flush()
		printOverview(stderr)
		return exitUsage
	}
	cmd := findCommand(rest[0])
	if cmd == nil {
		fmt.Fprintf(stderr, "leadcap: unknown command %q: run 'leadcap help' for the commands.\n", rest[0])
		return exitUsage
	}
	c.cmd = cmd
	err := cmd.run(c, rest[1:])
	if ferr := out.Flush(); err == nil && ferr != nil {
		err = fail("could not write the output", ferr)
	}
	return c.report(err)
}

// report prints err for the user and returns the exit status.
func (c *cli) report(err error) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		c.printHelp(c.stdout, c.cmd)
		c.stdout.Flush()
		return exitOK
	}
	var es *exitStatus
	if errors.As(err, &es) {
		c.stdout.Flush()
		if es.msg != "" {
			fmt.Fprintf(c.stderr, "leadcap: %s\n", es.msg)
		}
		return es.code
	}
	var ue *usageError
	if errors.As(err, &ue) {
		c.stdout.Flush()
		fmt.Fprintf(c.stderr, "leadcap %s: %s\n", c.cmd.name, ue.msg)
		fmt.Fprintf(c.stderr, "usage: leadcap %s %s\n", c.cmd.name, c.cmd.synopsis)
		fmt.Fprintf(c.stderr, "Run 'leadcap help %s' for details.\n", c.cmd.name)
		return exitUsage
	}
	c.stdout.Flush()
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
	return fmt.Sprintf("%s failed (%v): check the path and the disk, and try again.", c.cmd.name, err)
}

func (c *cli) dbPath() string {
	if c.db != "" {
		return c.db
	}
	p, err := storage.DefaultPath()
	if err != nil {
		return "(default database)"
	}
	return p
}

// resolveDB settles the database path: --db, else the default.
func (c *cli) resolveDB() (string, error) {
	if c.db == "" {
		p, err := storage.DefaultPath()
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
	return storage.Open(path, &storage.Options{Key: c.key()})
}

// withStore opens the database, runs fn and closes it.
func (c *cli) withStore(fn func(s *storage.Store) error) (err error) {
	s, err := c.open()
	if err != nil {
		return err
	}
	return use(s, fn)
}

func printOverview(w io.Writer) {
	fmt.Fprintln(w, "leadcap captures trade-fair leads offline and syncs them to a CRM later.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "usage: leadcap [--db PATH] COMMAND [ARGUMENTS]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, cmd := range commands() {
		fmt.Fprintf(tw, "  %s\t%s\n", cmd.name, cmd.summary)
	}
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(w, "--db PATH  the database file (default: $LEADCAP_DB, else leadcap/leadcap.db in the user data directory)")
	fmt.Fprintln(w, "Run 'leadcap help COMMAND' for a command's arguments.")
	fmt.Fprintln(w, "Exit status: 0 ok, 1 error, 2 wrong usage; sync: 3 leads still pending, 4 leads refused by the CRM.")
}

// printHelp prints a command's synopsis, help text and flags. The flags are
// those of the last flag set the command made (c.fs).
func (c *cli) printHelp(w io.Writer, cmd *command) {
	fmt.Fprintf(w, "usage: leadcap %s %s\n\n%s\n", cmd.name, cmd.synopsis, cmd.summary)
	if cmd.help != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(cmd.help))
	}
	if c.fs == nil {
		return
	}
	fmt.Fprintln(w, "\nflags:")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	c.fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		if name != "" {
			name = " " + name
		}
		def := ""
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.Name != "db" {
			def = " (default " + f.DefValue + ")"
		}
		fmt.Fprintf(tw, "  --%s%s\t%s%s\n", f.Name, name, usage, def)
	})
	tw.Flush()
}

// newFlags returns a flag set for a command; every command also accepts
// --db after its name.
func (c *cli) newFlags() *flag.FlagSet {
	fs := flag.NewFlagSet(c.cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.db, "db", c.db, "the database `PATH`")
	c.fs = fs
	return fs
}

// parse parses flags and positional arguments in any order ("note ID TEXT
// --follow-up DATE"); everything after "--" is positional. It checks the
// number of positional arguments against min and max (max < 0: any).
func (c *cli) parse(fs *flag.FlagSet, args []string, min, max int) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usagef("%v", err)
		}
		rest := fs.Args()
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			pos = append(pos, rest...)
			break
		}
		if len(rest) == 0 {
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	switch {
	case len(pos) < min:
		return nil, usagef("missing arguments")
	case max >= 0 && len(pos) > max:
		return nil, usagef("too many arguments: %s", strings.Join(pos[max:], " "))
	}
	return pos, nil
}

// stringList is a flag that can be given several times.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

// dateFlag reads YYYY-MM-DD (midnight UTC) or an RFC 3339 time.
type dateFlag struct{ t time.Time }

func (d *dateFlag) String() string {
	if d == nil || d.t.IsZero() {
		return ""
	}
	return d.t.Format(time.DateOnly)
}

func (d *dateFlag) Set(s string) error {
	t, err := parseDate(s)
	if err != nil {
		return err
	}
	d.t = t
	return nil
}

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

// enumFlag accepts one of a fixed set of values through parse.
type enumFlag struct {
	set   bool
	value string
	parse func(string) error
}

func (e *enumFlag) String() string { return e.value }
func (e *enumFlag) Set(s string) error {
	if err := e.parse(s); err != nil {
		return err
	}
	e.set, e.value = true, s
	return nil
}

func answerFlag(fs *flag.FlagSet, name, usage string) *lead.Answer {
	a := new(lead.Answer)
	fs.Var(&enumFlag{parse: func(s string) error {
		v, err := lead.ParseAnswer(s)
		*a = v
		return err
	}}, name, usage)
	return a
}

// wasSet reports whether the flag was given on the command line.
func wasSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// anySet reports whether a flag other than --db was given.
func anySet(fs *flag.FlagSet) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name != "db" })
	return set
}
