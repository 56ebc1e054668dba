package main

import (
	"encoding/json"

	"github.com/spf13/cobra"

	"leadcap/lead"
	"leadcap/storage"
)

// listOptions are the flags of "leadcap list".
type listOptions struct {
	event  string
	stage  lead.Stage
	sync   storage.SyncStatus
	search string
	limit  int
	json   bool
}

func newListCmd(c *cli) *cobra.Command {
	o := &listOptions{}
	cmd := &cobra.Command{
		SuggestFor: []string{"ls"},
		Use:        "list [--event ID] [--stage lead|prospect|disqualified] [--sync pending|synced|failed|dead|waiting] [--search TEXT] [--limit N] [--json]",
		Short:      "list leads, newest first",
		Long: `Without --json, an aligned table. With --json, one JSON object per line with
id, event_id, stage, rating, captured_at, source, contact {full_name,
given_name, family_name, organization, title, emails, phones, urls},
qualification, consent, notes and sync {status, attempts, last_error}.
--search matches name, organization and email, ignoring case and accents.`,
		Example: `  leadcap list
  leadcap list --event "Hannover Messe 2026" --stage prospect
  leadcap list --sync dead --json | jq -r .id`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error { return runList(c, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.event, "event", "", "only leads of this event (`ID`, ID prefix or name)")
	enumVar(f, "stage", "only leads in this `STAGE`: lead, prospect or disqualified",
		func(s string) (err error) { o.stage, err = lead.ParseStage(s); return err })
	enumVar(f, "sync", "only leads with this sync `STATUS`: pending, synced, failed, dead or waiting (badge scans that wait for their contact)",
		func(s string) (err error) { o.sync, err = parseSync(s); return err })
	f.StringVar(&o.search, "search", "", "only leads whose name, organization or email contains `TEXT`")
	f.IntVar(&o.limit, "limit", 0, "at most `N` leads (0: all)")
	f.BoolVar(&o.json, "json", false, "one JSON object per line")
	completeEventFlag(c, cmd)
	cmd.RegisterFlagCompletionFunc("stage", fixedCompletions("lead", "prospect", "disqualified"))
	cmd.RegisterFlagCompletionFunc("sync", fixedCompletions("pending", "synced", "failed", "dead", "waiting"))
	return cmd
}

func runList(c *cli, o *listOptions) error {
	return c.withStoreRO(func(s *storage.Store) error {
		evID, err := eventFilter(s, o.event)
		if err != nil {
			return err
		}
		q := storage.Query{EventID: evID, Stage: o.stage, Sync: o.sync, Text: o.search, Limit: o.limit}
		if o.json {
			// Stream: 100,000 leads are never all in memory.
			enc := json.NewEncoder(c.stdout)
			enc.SetEscapeHTML(false)
			err := s.EachLeadSync(q, func(l lead.Lead, info storage.SyncInfo) error {
				return enc.Encode(newLeadJSON(&l, info))
			})
			if err != nil {
				return fail("could not list the leads", err)
			}
			return nil
		}
		sums, err := s.List(q)
		if err != nil {
			return fail("could not read the leads", err)
		}
		t := newTable(c.stdout, "ID", "NAME", "ORGANIZATION", "EMAIL", "STAGE", "RATING", "CAPTURED", "SYNC")
		for _, m := range sums {
			t.row(m.ID.String(), cut(m.Name, 30), cut(m.Organization, 30), cut(m.Email, 36),
				string(m.Stage), string(m.Rating), m.CapturedAt.Local().Format("2006-01-02 15:04"), string(m.Sync))
		}
		return t.flush()
	})
}
