package main

import (
	"encoding/json"
	"errors"

	"github.com/spf13/cobra"

	"leadcap/storage"
)

// showOptions are the arguments and flags of "leadcap show".
type showOptions struct {
	id   string
	json bool
}

func newShowCmd(c *cli) *cobra.Command {
	o := &showOptions{}
	cmd := &cobra.Command{
		SuggestFor: []string{"get", "view", "cat"},
		Use:        "show ID [--json]",
		Short:      "show one lead in full (ID: full UUID or a unique prefix)",
		Long:       `--json prints the same object as one line of 'leadcap list --json'.`,
		Example: `  leadcap show 01932c5e
  leadcap show 01932c5e-8a4f-7b7e-9d3c-2f1e0a9b8c7d --json`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.id = args[0]
			return runShow(c, o)
		},
		ValidArgsFunction: completeLeadID(c, 1),
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "print JSON")
	return cmd
}

func runShow(c *cli, o *showOptions) error {
	return c.withStoreRO(func(s *storage.Store) error {
		if o.json {
			return c.printLeadJSON(s, o.id)
		}
		l, err := findLead(s, o.id)
		if err != nil {
			return err
		}
		info, err := s.SyncInfo(l.ID)
		if err != nil {
			return fail("could not read the sync state", err)
		}
		ev, err := s.Event(l.EventID)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return fail("could not read the lead's event", err)
		}
		printLead(c, &l, ev, info)
		return nil
	})
}

// printLeadJSON prints the lead key names as indented JSON, the object
// of 'leadcap show --json'.
func (c *cli) printLeadJSON(s *storage.Store, key string) error {
	l, err := findLead(s, key)
	if err != nil {
		return err
	}
	info, err := s.SyncInfo(l.ID)
	if err != nil {
		return fail("could not read the sync state", err)
	}
	enc := json.NewEncoder(c.stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(newLeadJSON(&l, info))
}
