package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"leadcap/lead"
	"leadcap/storage"
	"leadcap/workflow"
)

// removeOptions are the arguments and flags of "leadcap delete" and
// "leadcap erase".
type removeOptions struct {
	id  string
	op  lead.Op
	by  string
	yes bool
}

// removeFlags defines the flags delete and erase share.
func removeFlags(c *cli, cmd *cobra.Command, o *removeOptions) *cobra.Command {
	cmd.Args = exactArgs(1)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		o.id = args[0]
		return runRemove(c, o)
	}
	cmd.ValidArgsFunction = completeLeadID(c, 1)
	cmd.Flags().StringVar(&o.by, "by", "", "who removes the lead (`NAME`), kept in the tombstone; default the login name")
	cmd.Flags().BoolVar(&o.yes, "yes", false, "confirm the erasure, which cannot be undone")
	return cmd
}

func runRemove(c *cli, o *removeOptions) error {
	op := o.op
	if op == lead.OpErase && !o.yes {
		return usagef("erasing cannot be undone: run 'leadcap erase %s --yes' to confirm", o.id)
	}
	return c.withStore(func(s *storage.Store) error {
		l, err := findLead(s, o.id)
		if err != nil {
			return err
		}
		t, err := workflow.Remove(s, l.ID, op, o.by)
		if errors.Is(err, storage.ErrRemoved) {
			return failf("lead %s was already deleted or erased.", l.ID)
		}
		if err != nil {
			return fail(fmt.Sprintf("could not %s lead %s", op, l.ID), err)
		}
		verb := map[lead.Op]string{lead.OpDelete: "deleted", lead.OpErase: "erased"}[op]
		fmt.Fprintf(c.stdout, "%s lead %s (by %s)", verb, t.ID, t.By)
		switch n := t.AttendeesRemoved; {
		case n == 1:
			fmt.Fprint(c.stdout, "; 1 attendee list entry removed")
		case n > 1:
			fmt.Fprintf(c.stdout, "; %d attendee list entries removed (every event's list)", n)
		}
		if owed, _ := s.RemovalOwed(t.ID); owed {
			fmt.Fprint(c.stdout, "; the CRM is told on the next 'leadcap sync'")
		}
		fmt.Fprintln(c.stdout)
		return nil
	})
}
