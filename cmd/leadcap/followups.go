package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"leadcap/storage"
	"leadcap/workflow"
)

func followupsCommand() *command {
	return &command{
		name:     "followups",
		synopsis: "[--due DATE] [--staff NAME] [--event ID] [--json] | done LEAD-ID",
		summary:  "list the open follow-ups of the notes, overdue first; mark one done",
		help: `
leadcap followups [--due DATE] [--staff NAME] [--event ID] [--json]
    lists the follow-ups that are not done, the earliest first: the day, OVERDUE
    or TODAY, who follows up (the note's author, else who captured the lead),
    the lead and the note. --due keeps those due on or before DATE (overdue
    ones included); --staff those of one staff member; --event those of one event.
    --json: one JSON object per line (lead_id, note_id, due, overdue, today,
    staff, name, organization, text).
leadcap followups done LEAD-ID
    marks the earliest open follow-up of the lead done; the lead goes to the CRM
    again, where its next follow-up date changes.`,
		run: runFollowups,
	}
}

// followUpJSON is one line of followups --json.
type followUpJSON struct {
	LeadID       string `json:"lead_id"`
	NoteID       string `json:"note_id"`
	Due          string `json:"due"`
	Overdue      bool   `json:"overdue"`
	Today        bool   `json:"today"`
	Staff        string `json:"staff,omitempty"`
	Name         string `json:"name,omitempty"`
	Organization string `json:"organization,omitempty"`
	Text         string `json:"text"`
}

func runFollowups(c *cli, args []string) error {
	if len(args) > 0 && args[0] == "done" {
		return runFollowupDone(c, args[1:])
	}
	fs := c.newFlags()
	var due dateFlag
	fs.Var(&due, "due", "only follow-ups due on or before `DATE` (YYYY-MM-DD)")
	staff := fs.String("staff", "", "only the follow-ups of staff member `NAME`")
	event := fs.String("event", "", "only follow-ups of this event (`ID`, ID prefix or name)")
	asJSON := fs.Bool("json", false, "one JSON object per line")
	if _, err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	return c.withStoreRO(func(s *storage.Store) error {
		evID, err := eventFilter(s, *event)
		if err != nil {
			return err
		}
		list, err := workflow.FollowUps(s, workflow.FollowUpQuery{EventID: evID, Due: due.t, Staff: *staff, Now: c.now()})
		if err != nil {
			return fail("could not list the follow-ups", err)
		}
		if *asJSON {
			enc := json.NewEncoder(c.stdout)
			for _, f := range list {
				if err := enc.Encode(followUpJSON{LeadID: f.LeadID.String(), NoteID: f.NoteID.String(), Due: f.Due, Overdue: f.Overdue,
					Today: f.Today, Staff: f.Staff, Name: f.Name, Organization: f.Organization, Text: f.Text}); err != nil {
					return err
				}
			}
			return nil
		}
		tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
		for _, f := range list {
			when := ""
			switch {
			case f.Overdue:
				when = "OVERDUE"
			case f.Today:
				when = "TODAY"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", f.Due, when, sanitize(f.Staff), f.LeadID,
				sanitize(joinNonEmpty(", ", f.Name, f.Organization)), sanitize(f.Text))
		}
		tw.Flush()
		fmt.Fprintf(c.stdout, "%d open follow-ups\n", len(list))
		return nil
	})
}

func runFollowupDone(c *cli, args []string) error {
	fs := c.newFlags()
	pos, err := c.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	return c.withStore(func(s *storage.Store) error {
		l, err := findLead(s, pos[0])
		if err != nil {
			return err
		}
		list, err := workflow.FollowUps(s, workflow.FollowUpQuery{EventID: l.EventID, Now: c.now()})
		if err != nil {
			return fail("could not list the follow-ups", err)
		}
		for _, f := range list {
			if f.LeadID != l.ID {
				continue
			}
			if _, err := workflow.MarkFollowUpDone(s, l.ID, f.NoteID, c.now()); err != nil {
				return fail("could not mark the follow-up done", err)
			}
			fmt.Fprintf(c.stdout, "follow-up of %s on %s done\n", f.Due, sanitize(f.Name))
			return nil
		}
		return failf("lead %s has no open follow-up: add a note with --follow-up DATE first.", l.ID)
	})
}
