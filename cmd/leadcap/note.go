package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"leadcap/lead"
	"leadcap/storage"
)

// noteOptions are the arguments and flags of "leadcap note".
type noteOptions struct {
	id, text string
	followUp time.Time
	author   string
}

func newNoteCmd(c *cli) *cobra.Command {
	o := &noteOptions{}
	cmd := &cobra.Command{
		Use:   "note ID TEXT [--follow-up DATE] [--author NAME]",
		Short: "add a timestamped note to a lead, e.g. what was said in a meeting",
		Long:  `The words after ID are the note. It prints the note's ID.`,
		Example: `  leadcap note 01932c5e "wants a quote for 40 units" --follow-up 2026-12-01 --author Anna
  leadcap note 01932c5e -- "-20 % was offered"`,
		Args: minArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.id, o.text = args[0], strings.Join(args[1:], " ")
			return runNote(c, o)
		},
		ValidArgsFunction: completeLeadID(c, 1),
	}
	dateVar(cmd.Flags(), &o.followUp, "follow-up", "`DATE` to follow up, YYYY-MM-DD")
	cmd.Flags().StringVar(&o.author, "author", "", "who wrote the note (`NAME`)")
	return cmd
}

func runNote(c *cli, o *noteOptions) error {
	if strings.TrimSpace(o.text) == "" {
		return usagef("the note is empty: write what was said or agreed")
	}
	return c.withStore(func(s *storage.Store) error {
		var n lead.Note
		_, err := updateLead(s, o.id, func(l *lead.Lead) error {
			var err error
			n, err = l.AddNote(o.text, o.author, c.now(), o.followUp)
			return err
		})
		if err != nil {
			return err
		}
		fmt.Fprintln(c.stdout, n.ID)
		return nil
	})
}
