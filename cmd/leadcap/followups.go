package main

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"leadcap/storage"
	"leadcap/workflow"
)

// followupsOptions are the flags of "leadcap followups".
type followupsOptions struct {
	due          time.Time
	staff, event string
	json         bool
}

func newFollowupsCmd(c *cli) *cobra.Command {
	o := &followupsOptions{}
	cmd := &cobra.Command{
		Use:   "followups [--due DATE] [--staff NAME] [--event ID] [--json] | done LEAD-ID",
		Short: "list the open follow-ups of the notes, overdue first; mark one done",
		Long: `leadcap followups [--due DATE] [--staff NAME] [--event ID] [--json]
    lists the follow-ups that are not done, the earliest first: the day, OVERDUE
    or TODAY, who follows up (the note's author, else who captured the lead),
    the lead and the note. --due keeps those due on or before DATE (overdue
    ones included); --staff those of one staff member; --event those of one event.
    --json: one JSON object per line (lead_id, note_id, due, overdue, today,
    staff, name, organization, text).
leadcap followups done LEAD-ID
    marks the earliest open follow-up of the lead done; the lead goes to the CRM
    again, where its next follow-up date changes.`,
		Example: `  leadcap followups --due 2026-12-01 --staff Anna
  leadcap followups --json
  leadcap followups done 01932c5e`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return unknownCommand(cmd, args[0], "unknown subcommand %q: use done, or no subcommand to list")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runFollowups(c, o) },
	}
	f := cmd.Flags()
	dateVar(f, &o.due, "due", "only follow-ups due on or before `DATE` (YYYY-MM-DD)")
	f.StringVar(&o.staff, "staff", "", "only the follow-ups of staff member `NAME`")
	f.StringVar(&o.event, "event", "", "only follow-ups of this event (`ID`, ID prefix or name)")
	f.BoolVar(&o.json, "json", false, "one JSON object per line")
	completeEventFlag(c, cmd)
	cmd.AddCommand(newFollowupDoneCmd(c))
	return cmd
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

func runFollowups(c *cli, o *followupsOptions) error {
	return c.withStoreRO(func(s *storage.Store) error {
		evID, err := eventFilter(s, o.event)
		if err != nil {
			return err
		}
		list, err := workflow.FollowUps(s, workflow.FollowUpQuery{EventID: evID, Due: o.due, Staff: o.staff, Now: c.now()})
		if err != nil {
			return fail("could not list the follow-ups", err)
		}
		if o.json {
			enc := json.NewEncoder(c.stdout)
			for _, f := range list {
				if err := enc.Encode(followUpJSON{LeadID: f.LeadID.String(), NoteID: f.NoteID.String(), Due: f.Due, Overdue: f.Overdue,
					Today: f.Today, Staff: f.Staff, Name: f.Name, Organization: f.Organization, Text: f.Text}); err != nil {
					return err
				}
			}
			return nil
		}
		t := newTable(c.stdout)
		for _, f := range list {
			when := ""
			switch {
			case f.Overdue:
				when = "OVERDUE"
			case f.Today:
				when = "TODAY"
			}
			t.row(f.Due, when, f.Staff, f.LeadID.String(), joinNonEmpty(", ", f.Name, f.Organization), f.Text)
		}
		if err := t.flush(); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "%d open follow-ups\n", len(list))
		return nil
	})
}

// followupDoneOptions are the arguments of "leadcap followups done".
type followupDoneOptions struct{ id string }

func newFollowupDoneCmd(c *cli) *cobra.Command {
	o := &followupDoneOptions{}
	return &cobra.Command{
		Use:     "done LEAD-ID",
		Short:   "mark the earliest open follow-up of the lead done",
		Long:    `The lead goes to the CRM again, where its next follow-up date changes.`,
		Example: "  leadcap followups done 01932c5e",
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.id = args[0]
			return runFollowupDone(c, o)
		},
		ValidArgsFunction: completeLeadID(c, 1),
	}
}

func runFollowupDone(c *cli, o *followupDoneOptions) error {
	return c.withStore(func(s *storage.Store) error {
		l, err := findLead(s, o.id)
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
