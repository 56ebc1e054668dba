package main

import (
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"leadcap/lead"
)

// dateValue is a flag that reads YYYY-MM-DD (midnight UTC) or an RFC 3339
// time.
type dateValue struct{ t *time.Time }

func (d dateValue) String() string {
	if d.t == nil || d.t.IsZero() {
		return ""
	}
	return d.t.Format(time.DateOnly)
}

func (d dateValue) Set(s string) error {
	t, err := parseDate(s)
	if err != nil {
		return err
	}
	*d.t = t
	return nil
}

func (d dateValue) Type() string { return "date" }

// dateVar defines a date flag.
func dateVar(f *pflag.FlagSet, t *time.Time, name, usage string) {
	f.Var(dateValue{t}, name, usage)
}

// enumValue accepts one of a fixed set of values through parse.
type enumValue struct {
	value string
	parse func(string) error
}

func (e *enumValue) String() string { return e.value }
func (e *enumValue) Set(s string) error {
	if err := e.parse(s); err != nil {
		return err
	}
	e.value = s
	return nil
}
func (e *enumValue) Type() string { return "string" }

// enumVar defines a flag whose value parse checks and stores.
func enumVar(f *pflag.FlagSet, name, usage string, parse func(string) error) {
	f.Var(&enumValue{parse: parse}, name, usage)
}

// answerVar defines a yes|no|unknown flag.
func answerVar(f *pflag.FlagSet, a *lead.Answer, name, usage string) {
	enumVar(f, name, usage, func(s string) (err error) { *a, err = lead.ParseAnswer(s); return err })
}

// changed returns the names of the flags given on the command line, but
// --db.
func changed(cmd *cobra.Command) map[string]bool {
	set := map[string]bool{}
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if f.Name != "db" {
			set[f.Name] = true
		}
	})
	return set
}

// fixedCompletions completes a flag from a fixed list of words.
func fixedCompletions(words ...string) cobra.CompletionFunc {
	return cobra.FixedCompletions(words, cobra.ShellCompDirectiveNoFileComp)
}
