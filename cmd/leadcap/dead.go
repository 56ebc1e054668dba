package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"leadcap/storage"
)

func newDeadCmd(c *cli) *cobra.Command {
	cmd := group(&cobra.Command{
		Use:   "dead list [--json] | retry ID|--all",
		Short: "list the leads the CRM refused, with its reason, and queue them again",
		Long: `leadcap dead list [--json]
    lists the dead leads, oldest first: lead ID, version, attempts, when the
    CRM refused it and the CRM's reason. --json: one object per line with
    lead_id, version, attempts, at and reason.
leadcap dead retry ID|--all
    puts one dead lead (full ID or unique prefix) or all of them back into the
    outbox; 'leadcap sync' then sends them again. Changing a dead lead (edit,
    qualify, note, consent, import) queues it again by itself.`,
		Example: "  leadcap dead list\n  leadcap dead retry --all && leadcap sync",
	}, "missing subcommand: list or retry", "unknown subcommand %q: use list or retry")
	cmd.AddCommand(newDeadListCmd(c), newDeadRetryCmd(c))
	return cmd
}

// deadListOptions are the flags of "leadcap dead list".
type deadListOptions struct{ json bool }

func newDeadListCmd(c *cli) *cobra.Command {
	o := &deadListOptions{}
	cmd := &cobra.Command{
		Use:   "list [--json]",
		Short: "list the dead leads, oldest first, with the CRM's reason",
		Long: `Lead ID, version, attempts, when the CRM refused it and the CRM's reason.
--json: one object per line with lead_id, version, attempts, at and reason.`,
		Example: "  leadcap dead list\n  leadcap dead list --json | jq -r .reason",
		Args:    exactArgs(0),
		RunE:    func(cmd *cobra.Command, args []string) error { return runDeadList(c, o) },
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "one JSON object per line")
	return cmd
}

func runDeadList(c *cli, o *deadListOptions) error {
	return c.withStore(func(s *storage.Store) error {
		dead, err := s.DeadLetters()
		if err != nil {
			return fail("could not read the dead leads", err)
		}
		if o.json {
			enc := json.NewEncoder(c.stdout)
			enc.SetEscapeHTML(false)
			for _, d := range dead {
				if err := enc.Encode(d); err != nil { // lead_id, version, reason, at, attempts
					return fail("could not write the dead leads", err)
				}
			}
			return nil
		}
		if len(dead) == 0 {
			fmt.Fprintln(c.stdout, "no dead leads: the CRM has refused none")
			return nil
		}
		t := newTable(c.stdout, "LEAD ID", "VERSION", "ATTEMPTS", "WHEN", "REASON")
		for _, d := range dead {
			t.row(d.LeadID.String(), fmt.Sprint(d.Version), fmt.Sprint(d.Attempts),
				d.At.Local().Format("2006-01-02 15:04"), oneLine(d.Reason))
		}
		return t.flush()
	})
}

// oneLine collapses white space so that a CRM's reason fits a table row.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// deadRetryOptions are the arguments and flags of "leadcap dead retry".
type deadRetryOptions struct {
	id  string
	all bool
}

func newDeadRetryCmd(c *cli) *cobra.Command {
	o := &deadRetryOptions{}
	cmd := &cobra.Command{
		Use:   "retry ID|--all",
		Short: "put one dead lead or all of them back into the outbox",
		Long: `The ID is a full ID or a unique prefix; 'leadcap sync' then sends them again.
Changing a dead lead (edit, qualify, note, consent, import) queues it again by itself.`,
		Example: "  leadcap dead retry 01932c5e\n  leadcap dead retry --all",
		Args:    rangeArgs(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.id = strings.Join(args, "")
			return runDeadRetry(c, o, len(args) > 0)
		},
		ValidArgsFunction: completeLeadID(c, 1),
	}
	cmd.Flags().BoolVar(&o.all, "all", false, "retry every dead lead")
	return cmd
}

// runDeadRetry queues o.id (given: an ID was given) or, with o.all, every
// dead lead again.
func runDeadRetry(c *cli, o *deadRetryOptions, given bool) error {
	switch {
	case o.all && given:
		return usagef("give a lead ID or --all, not both")
	case !o.all && !given:
		return usagef("give the ID of a dead lead (see 'leadcap dead list') or --all")
	}
	return c.withStore(func(s *storage.Store) error {
		if o.all {
			n, err := s.RetryAllDead()
			if err != nil {
				return fail("could not queue the dead leads again", err)
			}
			if n == 0 {
				fmt.Fprintln(c.stdout, "no dead leads to retry")
				return nil
			}
			fmt.Fprintf(c.stdout, "queued %d dead lead(s) again: run 'leadcap sync' to send them\n", n)
			return nil
		}
		l, err := findLead(s, o.id)
		if err != nil {
			return err
		}
		if err := s.RetryDead(l.ID); err != nil {
			if errors.Is(err, storage.ErrNotFound) {
				return failf("lead %s is not dead (the CRM has not refused it, or it is queued again already): run 'leadcap dead list' to see the dead leads.", l.ID)
			}
			return fail("could not queue the lead again", err)
		}
		fmt.Fprintf(c.stdout, "queued lead %s again: run 'leadcap sync' to send it\n", l.ID)
		return nil
	})
}
