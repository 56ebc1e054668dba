package main

import (
	"errors"
	"fmt"

	"leadcap/lead"
	"leadcap/storage"
	"leadcap/workflow"
)

func deleteCommand() *command {
	return &command{
		name:     "delete",
		synopsis: "ID [--by NAME]",
		summary:  "delete a mistaken scan; a lead already in the CRM is deleted there on the next sync",
		help: `The lead leaves every list, export and count at once. A tombstone keeps its ID,
the time and who deleted it (--by, default the login name), and nothing
personal. If the lead was sent to the CRM, its record there is deleted on the
next 'leadcap sync', once. To remove a person's data on their request (GDPR
art. 17) use 'leadcap erase', which also clears it from the database file.`,
		run: func(c *cli, args []string) error { return runRemove(c, args, lead.OpDelete) },
	}
}

func eraseCommand() *command {
	return &command{
		name:     "erase",
		synopsis: "ID --yes [--by NAME]",
		summary:  "erase a person's data on request (GDPR art. 17), here and, on the next sync, in the CRM",
		help: `Every personal field and note of the lead is removed from the database, and the
file is compacted so the bytes do not stay in its free pages. A tombstone keeps
the ID, the time and who erased it (--by, default the login name). The next
'leadcap sync' erases the person in the CRM once (Tryton: party and
opportunity deleted; HubSpot: GDPR delete; Salesforce: overwritten, then
deleted; webhook: a signed lead.erase event). Backups made before the erasure
still hold the data: deleting or overwriting them is yours to do. This cannot
be undone: give --yes.`,
		run: func(c *cli, args []string) error { return runRemove(c, args, lead.OpErase) },
	}
}

func runRemove(c *cli, args []string, op lead.Op) error {
	fs := c.newFlags()
	by := fs.String("by", "", "who removes the lead (`NAME`), kept in the tombstone; default the login name")
	yes := fs.Bool("yes", false, "confirm the erasure, which cannot be undone")
	pos, err := c.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	if op == lead.OpErase && !*yes {
		return usagef("erasing cannot be undone: run 'leadcap erase %s --yes' to confirm", pos[0])
	}
	return c.withStore(func(s *storage.Store) error {
		l, err := findLead(s, pos[0])
		if err != nil {
			return err
		}
		t, err := workflow.Remove(s, l.ID, op, *by)
		if errors.Is(err, storage.ErrRemoved) {
			return failf("lead %s was already deleted or erased.", l.ID)
		}
		if err != nil {
			return fail(fmt.Sprintf("could not %s lead %s", op, l.ID), err)
		}
		verb := map[lead.Op]string{lead.OpDelete: "deleted", lead.OpErase: "erased"}[op]
		fmt.Fprintf(c.stdout, "%s lead %s (by %s)", verb, t.ID, t.By)
		if owed, _ := s.RemovalOwed(t.ID); owed {
			fmt.Fprint(c.stdout, "; the CRM is told on the next 'leadcap sync'")
		}
		fmt.Fprintln(c.stdout)
		return nil
	})
}
