package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"leadcap/lead"
	"leadcap/storage"
)

// qualifyOptions are the arguments and flags of "leadcap qualify"; set
// names the flags given, for only those criteria change.
type qualifyOptions struct {
	id                               string
	fit, budget, authority, interest lead.Answer
	rating                           lead.Rating
	disqualify                       bool
	json                             bool
	set                              map[string]bool
}

func newQualifyCmd(c *cli) *cobra.Command {
	o := &qualifyOptions{}
	cmd := &cobra.Command{
		Use:   "qualify ID [--fit yes|no|unknown] [--budget …] [--authority …] [--interest …] [--rating hot|warm|cold|unrated] [--disqualify] [--json]",
		Short: "record the qualification criteria and rating, and print the resulting stage",
		Long: `A lead becomes a prospect when fit, budget, authority and interest are all yes.
It is disqualified only with --disqualify; --disqualify=false takes that back.
Only the criteria given change. --json prints the lead as 'leadcap show --json'.`,
		Example: `  leadcap qualify 01932c5e --fit yes --budget yes --authority yes --interest yes --rating hot
  leadcap qualify 01932c5e --disqualify
  leadcap qualify 01932c5e --disqualify=false`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.id, o.set = args[0], changed(cmd)
			delete(o.set, "json")
			return runQualify(c, o)
		},
		ValidArgsFunction: completeLeadID(c, 1),
	}
	f := cmd.Flags()
	answerVar(f, &o.fit, "fit", "the organization fits the target market: `yes|no|unknown`")
	answerVar(f, &o.budget, "budget", "it has the budget: `yes|no|unknown`")
	answerVar(f, &o.authority, "authority", "the person has decision authority: `yes|no|unknown`")
	answerVar(f, &o.interest, "interest", "the person asked for information, a demo or a call: `yes|no|unknown`")
	enumVar(f, "rating", "`hot|warm|cold|unrated`", func(s string) (err error) { o.rating, err = lead.ParseRating(s); return err })
	f.BoolVar(&o.disqualify, "disqualify", false, "disqualify the lead (staff decision)")
	f.BoolVar(&o.json, "json", false, "print the lead as JSON instead of its stage")
	for _, name := range []string{"fit", "budget", "authority", "interest"} {
		cmd.RegisterFlagCompletionFunc(name, fixedCompletions("yes", "no", "unknown"))
	}
	cmd.RegisterFlagCompletionFunc("rating", fixedCompletions("hot", "warm", "cold", "unrated"))
	return cmd
}

func runQualify(c *cli, o *qualifyOptions) error {
	if len(o.set) == 0 {
		return usagef("nothing to record: give --fit, --budget, --authority, --interest, --rating or --disqualify")
	}
	return c.withStore(func(s *storage.Store) error {
		l, err := updateLead(s, o.id, func(l *lead.Lead) error {
			q := &l.Qualification
			set := func(name string, dst *lead.Answer, src lead.Answer) {
				if o.set[name] {
					*dst = src
				}
			}
			set("fit", &q.Fit, o.fit)
			set("budget", &q.Budget, o.budget)
			set("authority", &q.Authority, o.authority)
			set("interest", &q.Interest, o.interest)
			if o.set["rating"] {
				l.Rating = o.rating
			}
			if o.set["disqualify"] {
				q.Disqualified = o.disqualify
			}
			return nil
		})
		if err != nil {
			return err
		}
		if o.json {
			return c.printLeadJSON(s, l.ID.String())
		}
		fmt.Fprintln(c.stdout, l.Stage())
		return nil
	})
}
