package main

import (
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"leadcap/lead"
	"leadcap/storage"
)

// statusOptions are the flags of "leadcap status".
type statusOptions struct{ json bool }

func newStatusCmd(c *cli) *cobra.Command {
	o := &statusOptions{}
	cmd := &cobra.Command{
		Use:   "status [--json]",
		Short: "count leads by stage and by sync status, with the outbox and dead letters",
		Long: `--json prints one object: database, active_event, leads, by_stage, by_sync, outbox_pending,
dead and checked_at (the last 'leadcap check' that found no damage, null when none did). A store in
which damage was found (by 'leadcap check' or a read) is not counted: status says so and exits 1.`,
		Example: "  leadcap status\n  leadcap status --json | jq .outbox_pending",
		Args:    exactArgs(0),
		RunE:    func(cmd *cobra.Command, args []string) error { return runStatus(c, o) },
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "print one JSON object")
	return cmd
}

// statusJSON is the output of "status --json".
type statusJSON struct {
	Database      string                     `json:"database"`
	ActiveEvent   *eventJSON                 `json:"active_event"`
	Leads         int                        `json:"leads"`
	ByStage       map[lead.Stage]int         `json:"by_stage"`
	BySync        map[storage.SyncStatus]int `json:"by_sync"`
	OutboxPending int                        `json:"outbox_pending"`
	Dead          int                        `json:"dead"`
	CheckedAt     *time.Time                 `json:"checked_at"` // the last 'leadcap check' that found no damage
}

func runStatus(c *cli, o *statusOptions) error {
	return c.withStoreRO(func(s *storage.Store) error {
		st, err := s.Stats()
		if err != nil {
			return fail("could not count the leads", err)
		}
		if d := st.Damage; d != nil {
			return failf("%s is damaged (found %s: %s), so its counts are not shown: 'leadcap check' says what is wrong, 'leadcap salvage %s -o NEW.db' copies every lead that can still be read.",
				c.dbPath(), d.At.Format("2006-01-02 15:04 UTC"), sanitize(d.What), c.dbPath())
		}
		out := statusJSON{
			Database: c.dbPath(), Leads: st.Leads,
			ByStage: map[lead.Stage]int{}, BySync: map[storage.SyncStatus]int{},
			OutboxPending: st.OutboxPending, Dead: st.Dead,
		}
		checked := "never ('leadcap check' reads every lead)"
		if !st.CheckedAt.IsZero() {
			out.CheckedAt = &st.CheckedAt
			checked = st.CheckedAt.Format("2006-01-02 15:04 UTC") + ", no damage found"
		}
		for _, stage := range lead.Stages {
			out.ByStage[stage] = st.ByStage[stage]
		}
		for _, sy := range storage.SyncStatuses {
			out.BySync[sy] = st.BySync[sy]
		}
		ev, err := s.ActiveEvent()
		switch {
		case err == nil:
			out.ActiveEvent = &eventJSON{ID: ev.ID.String(), Name: ev.Name, Venue: ev.Venue, City: ev.City,
				Country: ev.Country, Booth: ev.Booth, Start: day(ev.Start), End: day(ev.End), Active: true}
		case !errors.Is(err, storage.ErrNoActiveEvent):
			return fail("could not read the active event", err)
		}
		if o.json {
			enc := json.NewEncoder(c.stdout)
			enc.SetEscapeHTML(false)
			return enc.Encode(out)
		}
		t := newTable(c.stdout)
		t.row("database:", out.Database)
		if out.ActiveEvent != nil {
			t.row("active event:", out.ActiveEvent.Name+" ("+out.ActiveEvent.ID+")")
		} else {
			t.row("active event:", "none (leadcap event use ID|NAME)")
		}
		t.row("leads:", strconv.Itoa(out.Leads))
		for _, stage := range lead.Stages {
			t.row("  "+string(stage)+":", strconv.Itoa(out.ByStage[stage]))
		}
		t.row("sync:", "")
		for _, sy := range storage.SyncStatuses {
			t.row("  "+string(sy)+":", strconv.Itoa(out.BySync[sy]))
		}
		t.row("outbox pending:", strconv.Itoa(out.OutboxPending))
		t.row("dead letters:", strconv.Itoa(out.Dead))
		t.row("checked:", checked)
		return t.flush()
	})
}
