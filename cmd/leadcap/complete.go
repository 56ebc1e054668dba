package main

import (
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"leadcap/storage"
)

// completionTimeout bounds how long a completion waits for a database
// another process holds (the app, a sync): the shell must not hang.
const completionTimeout = 200 * time.Millisecond

// completionStore opens the database read-only for a completion, or
// returns nil: no database yet, locked, encrypted without its key, or
// damaged. A completion never creates, upgrades or waits for a database.
func (c *cli) completionStore() *storage.Store {
	path, err := c.resolveDB()
	if err != nil {
		return nil
	}
	path = c.path(path)
	if _, err := os.Stat(path); err != nil {
		return nil
	}
	s, err := storage.Open(path, &storage.Options{ReadOnly: true, Timeout: completionTimeout, Key: c.key()})
	if err != nil {
		return nil
	}
	return s
}

// completeEvents completes event names and IDs that start with
// toComplete (names ignoring case).
func completeEvents(c *cli, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	s := c.completionStore()
	if s == nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	defer s.Close()
	evs, err := s.Events()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	for _, ev := range evs {
		id := ev.ID.String()
		switch {
		case strings.HasPrefix(strings.ToLower(ev.Name), strings.ToLower(toComplete)):
			out = append(out, cobra.CompletionWithDesc(sanitize(ev.Name), id))
		case strings.HasPrefix(id, strings.ToLower(toComplete)):
			out = append(out, cobra.CompletionWithDesc(id, sanitize(ev.Name)))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeEventFlag completes the --event flag of cmd.
func completeEventFlag(c *cli, cmd *cobra.Command) {
	cmd.RegisterFlagCompletionFunc("event", func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return completeEvents(c, toComplete)
	})
}

// maxLeadCompletions bounds the lead IDs one completion offers.
const maxLeadCompletions = 200

// completeLeadID completes the first n arguments as lead IDs: the IDs that
// start with what is typed (a prefix of 8 characters is enough for every
// command), newest first, described by name and organization.
func completeLeadID(c *cli, n int) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) >= n {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		s := c.completionStore()
		if s == nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		defer s.Close()
		sums, err := s.List(storage.Query{})
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		prefix := strings.ToLower(toComplete)
		var out []cobra.Completion
		for _, m := range sums {
			id := m.ID.String()
			if !strings.HasPrefix(id, prefix) {
				continue
			}
			out = append(out, cobra.CompletionWithDesc(id, sanitize(joinNonEmpty(", ", m.Name, m.Organization))))
			if len(out) == maxLeadCompletions {
				break
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}
