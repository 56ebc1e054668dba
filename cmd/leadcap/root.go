package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// newRootCmd builds the command tree for one invocation. Every command's
// flags are bound to an Options value of its own, made here, so that the
// tree (and run) can be built any number of times in one process.
func newRootCmd(c *cli) *cobra.Command {
	root := &cobra.Command{
		Use:   "leadcap",
		Short: "leadcap captures trade-fair leads offline and syncs them to a CRM later.",
		Long: `The database is --db PATH, else $LEADCAP_DB, else leadcap/leadcap.db in the
user data directory; the app and the command line share it.

Exit status: 0 ok, 1 error, 2 wrong usage; sync: 3 leads still pending,
4 leads refused by the CRM.`,
		Example: `  leadcap event create --name "Hannover Messe 2026" --country DE --use
  leadcap add --name "Jonas Weber" --org "Weber KG" --email jonas@weber.example
  leadcap list --json`,
		Version:                    version(),
		Args:                       rootArgs,
		SilenceErrors:              true,
		SilenceUsage:               true,
		SuggestionsMinimumDistance: 2,
		DisableFlagsInUseLine:      true,
		// Completion scripts come from the "completion" command below,
		// which has help and examples like every other command.
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
		RunE: func(cmd *cobra.Command, args []string) error {
			// No command: the overview on stderr, and wrong usage.
			c.stdout.Flush()
			printHelp(c.stderr, cmd)
			return &exitStatus{code: exitUsage}
		},
	}
	root.SetVersionTemplate("leadcap {{.Version}}\n")
	root.PersistentFlags().StringVar(&c.db, "db", "", "the database `PATH` (default: $LEADCAP_DB, else leadcap/leadcap.db in the user data directory)")
	root.SetFlagErrorFunc(flagError)
	root.SetHelpFunc(func(cmd *cobra.Command, _ []string) { printHelp(cmd.OutOrStdout(), cmd) })
	root.SetHelpCommand(newHelpCmd(c))

	root.AddCommand(
		newEventCmd(c),
		newAddCmd(c), newListCmd(c), newShowCmd(c), newEditCmd(c), newQualifyCmd(c), newNoteCmd(c), newConsentCmd(c),
		newExportCmd(c), newImportCmd(c), newReportCmd(c),
		newDeleteCmd(c), newEraseCmd(c),
		newDecodeCmd(c), newScanCmd(c), newParseCmd(c),
		newAttendeesCmd(c), newFollowupsCmd(c),
		newCRMCmd(c), newSyncCmd(c), newDeadCmd(c),
		newStatusCmd(c), newBackupCmd(c), newRestoreCmd(c),
		newCheckCmd(c), newSalvageCmd(c),
		newInitCmd(c),
		newCompletionCmd(c),
		newGendocsCmd(c),
	)
	for _, cmd := range root.Commands() {
		prepare(cmd)
	}
	return root
}

// prepare sets what every command shares: no "[flags]" added to its
// usage line, usage errors for wrong flags, and the same for its
// subcommands.
func prepare(cmd *cobra.Command) {
	cmd.DisableFlagsInUseLine = true
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	for _, sub := range cmd.Commands() {
		prepare(sub)
	}
}

// rootArgs: leadcap takes no arguments of its own; a word that is no
// command is wrong usage, with the nearest commands suggested.
func rootArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	return unknownCommand(cmd, args[0], "unknown command %q")
}

// unknownCommand is the usage error for a word that names no subcommand
// of cmd, with the nearest ones suggested ("did you mean").
func unknownCommand(cmd *cobra.Command, word, format string) error {
	msg := fmt.Sprintf(format, word)
	if s := suggest(cmd, word); len(s) > 0 {
		path := strings.TrimPrefix(cmd.CommandPath()+" ", cmd.Root().Name()+" ")
		for i := range s {
			s[i] = "'leadcap " + path + s[i] + "'"
		}
		msg += ": did you mean " + strings.Join(s, " or ") + "?"
	}
	return usagef("%s", msg)
}

// suggest returns the subcommands of cmd nearest to word: those that name
// word in their SuggestFor (the word another tool uses: add for create, rm
// for delete), else those it is a prefix of, else those at the smallest edit
// distance (a swap of two letters counts one), at most
// cmd.SuggestionsMinimumDistance (2).
func suggest(cmd *cobra.Command, word string) []string {
	limit := cmd.Root().SuggestionsMinimumDistance
	word = strings.ToLower(word)
	var meant []string
	for _, sub := range cmd.Commands() {
		if sub.IsAvailableCommand() && slices.Contains(sub.SuggestFor, word) {
			meant = append(meant, sub.Name())
		}
	}
	if len(meant) > 0 {
		return meant
	}
	var prefixed, near []string
	best := limit + 1
	for _, sub := range cmd.Commands() {
		if !sub.IsAvailableCommand() {
			continue
		}
		name := sub.Name()
		if len(word) > 1 && strings.HasPrefix(name, word) {
			prefixed = append(prefixed, name)
			continue
		}
		switch d := editDistance(word, name); {
		case d > limit:
		case d < best:
			best, near = d, []string{name}
		case d == best:
			near = append(near, name)
		}
	}
	if len(prefixed) > 0 {
		return prefixed
	}
	return near
}

// editDistance is the optimal string alignment distance of a and b:
// insertions, deletions, substitutions and swaps of neighbours count one.
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}

// group makes cmd a command whose work is done by its subcommands: without
// one it is wrong usage with the message missing, with a word that is none
// wrong usage with unknown (a format for the word), the nearest suggested.
func group(cmd *cobra.Command, missing, unknown string) *cobra.Command {
	cmd.Args = cobra.ArbitraryArgs
	// 'leadcap event add --name X' is an unknown subcommand, not an unknown
	// flag of the group: the flags belong to the subcommand meant.
	cmd.FParseErrWhitelist.UnknownFlags = true
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return usagef("%s", missing)
		}
		return unknownCommand(cmd, args[0], unknown)
	}
	return cmd
}

// exactArgs, rangeArgs and minArgs check the number of arguments; a wrong
// number is wrong usage.
func exactArgs(n int) cobra.PositionalArgs { return rangeArgs(n, n) }

func minArgs(n int) cobra.PositionalArgs { return rangeArgs(n, -1) }

// rangeArgs: at least min, at most max arguments (max < 0: any).
func rangeArgs(min, max int) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		switch {
		case len(args) < min:
			return usagef("missing arguments")
		case max >= 0 && len(args) > max:
			return usagef("too many arguments: %s", strings.Join(args[max:], " "))
		}
		return nil
	}
}

// flagError turns pflag's errors into usage errors worded as leadcap has
// always worded them.
func flagError(_ *cobra.Command, err error) error {
	var ne *pflag.NotExistError
	var ve *pflag.InvalidValueError
	var re *pflag.ValueRequiredError
	switch {
	case errors.As(err, &ne):
		if ne.GetSpecifiedShortnames() != "" {
			return usagef("flag provided but not defined: -%s", ne.GetSpecifiedShortnames())
		}
		return usagef("flag provided but not defined: -%s", ne.GetSpecifiedName())
	case errors.As(err, &ve):
		f := ve.GetFlag()
		if f.Value.Type() == "bool" {
			return usagef("invalid boolean value %q for --%s: use true or false", ve.GetValue(), f.Name)
		}
		cause := ve.Unwrap()
		return usagef("invalid value %q for flag --%s: %v", ve.GetValue(), f.Name, cause)
	case errors.As(err, &re):
		return usagef("flag needs an argument: --%s", re.GetFlag().Name)
	}
	return usagef("%v", err)
}

// newHelpCmd is "leadcap help [COMMAND]".
func newHelpCmd(c *cli) *cobra.Command {
	return &cobra.Command{
		Use:     "help [COMMAND]",
		Short:   "show the commands, or one command's arguments",
		Example: "  leadcap help\n  leadcap help add\n  leadcap help event create",
		RunE: func(cmd *cobra.Command, args []string) error {
			target, rest, err := cmd.Root().Find(args)
			if err != nil || target == nil || len(rest) > 0 {
				word := strings.Join(args, " ")
				if target != nil && len(rest) > 0 {
					return unknownCommand(target, rest[0], "unknown command %q")
				}
				return usagef("unknown command %q", word)
			}
			printHelp(c.stdout, target)
			return nil
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			target, _, err := cmd.Root().Find(args)
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var names []cobra.Completion
			for _, sub := range target.Commands() {
				if sub.IsAvailableCommand() && strings.HasPrefix(sub.Name(), toComplete) {
					names = append(names, cobra.CompletionWithDesc(sub.Name(), sub.Short))
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
	}
}

// printHelp prints a command's help: usage line, summary, details,
// subcommands, flags and examples.
func printHelp(w io.Writer, cmd *cobra.Command) {
	if !cmd.HasParent() {
		fmt.Fprintf(w, "%s\n\nusage: leadcap [--db PATH] COMMAND [ARGUMENTS]\n", cmd.Short)
	} else {
		fmt.Fprintf(w, "usage: %s\n\n%s\n", cmd.UseLine(), cmd.Short)
	}
	if long := strings.Trim(cmd.Long, "\n"); long != "" {
		fmt.Fprintf(w, "\n%s\n", long)
	}
	if cmd.HasAvailableSubCommands() {
		fmt.Fprintln(w, "\ncommands:")
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, sub := range cmd.Commands() {
			if sub.IsAvailableCommand() || sub.Name() == "help" {
				fmt.Fprintf(tw, "  %s\t%s\n", sub.Name(), sub.Short)
			}
		}
		tw.Flush()
	}
	if hasFlags(cmd.LocalFlags()) {
		fmt.Fprintln(w, "\nflags:")
		printFlags(w, cmd.LocalFlags())
	}
	if cmd.HasAvailableInheritedFlags() {
		fmt.Fprintln(w, "\nglobal flags:")
		printFlags(w, cmd.InheritedFlags())
	}
	if cmd.Example != "" {
		fmt.Fprintf(w, "\nexamples:\n%s\n", strings.Trim(cmd.Example, "\n"))
	}
	if !cmd.HasParent() {
		fmt.Fprintln(w, "\nRun 'leadcap help COMMAND' for a command's arguments.")
	}
}

// hasFlags reports whether fs has a flag printFlags shows.
func hasFlags(fs *pflag.FlagSet) bool {
	has := false
	fs.VisitAll(func(f *pflag.Flag) { has = has || (!f.Hidden && f.Name != "help") })
	return has
}

// printFlags prints a table of flags: names with the value's name, usage
// and the default when it is not the zero value.
func printFlags(w io.Writer, fs *pflag.FlagSet) {
	t := newTable(w)
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden || f.Name == "help" {
			return // every command has --help; "leadcap help X" is the same
		}
		name, usage := pflag.UnquoteUsage(f)
		names := "      --" + f.Name
		if f.Shorthand != "" {
			names = "  -" + f.Shorthand + ", --" + f.Name
		}
		if name != "" {
			names += " " + name
		}
		switch f.DefValue {
		case "", "false", "0", "0s", "[]":
		default:
			if f.Name != "db" {
				usage += " (default " + f.DefValue + ")"
			}
		}
		t.row(names, usage)
	})
	t.flush()
}
