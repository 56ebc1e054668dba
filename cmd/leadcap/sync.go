package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"leadcap/storage"
	"leadcap/syncer"
	"leadcap/workflow"
)

// syncOptions are the flags of "leadcap sync".
type syncOptions struct {
	timeout time.Duration
	batch   int
	json    bool
}

func newSyncCmd(c *cli) *cobra.Command {
	o := &syncOptions{}
	cmd := &cobra.Command{
		SuggestFor: []string{"push", "upload", "send"},
		Use:        "sync [--timeout D] [--batch N] [--json]",
		Short:      "deliver every lead due to the CRM now, and say what is left",
		Long: `Sends every pending lead to the CRM set up with 'leadcap crm set' now, in
batches, whatever its wait after earlier failures (only a wait the CRM asked
for, its Retry-After, still holds), retrying failed ones within the run after
short waits, until nothing is pending or --timeout passes. --timeout is a hard
limit: no request to the CRM outlives it, and what is not confirmed by then
stays pending. The secret comes from LEADCAP_CRM_SECRET. When standard error is
a terminal a progress bar shows there. The last line reads
    synced N, failed N, dead N, pending N
where synced and failed count this run (failed: waiting for a retry), dead
the leads the CRM refused (see 'leadcap dead list') and pending what is
still to send. Run it as often as you like, also after a crash or a kill:
every lead carries its ID to the CRM, so a lead sent again updates its CRM
record instead of creating a second one.
Exit status: 0 when nothing is pending and nothing is dead, 3 when some leads
are still pending (the CRM is down or slow: run it again later), else 4 when
some are dead (fix them with 'leadcap edit', which queues them again, or
retry them with 'leadcap dead retry'); 1 on an error such as refused
credentials.
--json prints the last line as one JSON object instead: synced, failed, dead,
pending.`,
		Example: `  LEADCAP_CRM_SECRET=... leadcap sync
  leadcap sync --timeout 5m --batch 50 || echo "exit $?: see 'leadcap dead list'"`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error { return runSync(c, o) },
	}
	f := cmd.Flags()
	f.DurationVar(&o.timeout, "timeout", workflow.DefaultSyncTimeout, "stop after `D` at the latest, e.g. 30s or 5m, requests included; what is left stays pending")
	f.IntVar(&o.batch, "batch", 0, "at most `N` leads per request to the CRM; 0: the CRM's maximum")
	f.BoolVar(&o.json, "json", false, "print the outcome as one JSON object")
	return cmd
}

// syncExit is the outcome of a sync whose exit status says what is left:
// exitPending or exitDead, with an optional sentence for stderr.
// Leads left without a note were not confirmed before the timeout.
func syncExit(sum syncer.Summary, note string, timeout time.Duration) error {
	switch {
	case sum.Pending > 0:
		if note == "" {
			note = fmt.Sprintf("the CRM did not confirm every lead within --timeout %s (it is slow, busy or not answering): "+
				"the leads left stay safe on this device; run 'leadcap sync' again later, or with a longer --timeout.", timeout)
		}
		return &exitStatus{code: exitPending, msg: note}
	case sum.Dead > 0:
		if note == "" {
			note = fmt.Sprintf("the CRM refused %d lead(s): see why with 'leadcap dead list', fix them with 'leadcap edit ID ...' (or, if the CRM side was at fault, run 'leadcap dead retry --all'), then run 'leadcap sync'.", sum.Dead)
		}
		return &exitStatus{code: exitDead, msg: note}
	}
	return nil
}

func runSync(c *cli, o *syncOptions) error {
	if o.timeout <= 0 {
		return usagef("--timeout must be positive, e.g. 2m")
	}
	if o.batch < 0 {
		return usagef("--batch must be 0 (the CRM's maximum) or more")
	}
	return c.withStore(func(s *storage.Store) error {
		// Set-up errors (no CRM, no secret) before anything is claimed.
		if _, _, err := workflow.ConnectorFromStoreIn(c.env, s, ""); err != nil {
			return crmError("the CRM set-up is incomplete", err)
		}
		opt := workflow.SyncOptions{Timeout: o.timeout, Batch: o.batch, Env: c.env}
		var bar *progressBar
		if c.progress {
			bar = &progressBar{w: c.stderr, flush: func() error { return nil }, now: time.Now}
			opt.OnProgress = bar.update
		}
		sum, err := workflow.SyncNow(c.ctx, s, opt)
		if bar != nil {
			bar.close()
		}
		var pe *syncer.PermanentError
		switch {
		case err == nil, errors.Is(err, syncer.ErrOffline), errors.Is(err, context.Canceled):
		case errors.Is(err, syncer.ErrAuth) && errors.As(err, &pe):
			return c.syncResult(s, sum, o, failf("%s.", strings.TrimSuffix(pe.Reason, ".")), "")
		default:
			return c.syncResult(s, sum, o, crmError("the sync failed", err), "")
		}
		note := ""
		switch {
		case errors.Is(err, syncer.ErrOffline):
			note = offlineSentence(err)
		case errors.Is(err, context.Canceled):
			note = "interrupted: the leads not yet confirmed by the CRM stay pending; run 'leadcap sync' again to finish."
		}
		return c.syncResult(s, sum, o, nil, note)
	})
}

// syncResult prints the final line, with dead and pending counted in the
// whole store, and returns failure when the sync failed, else the exit
// status that says what is left, with note for stderr.
func (c *cli) syncResult(s *storage.Store, sum syncer.Summary, o *syncOptions, failure error, note string) error {
	st, err := s.Stats()
	if err != nil {
		if failure != nil {
			return failure
		}
		return failf("could not count the leads left to sync (%v): run 'leadcap status'.", err)
	}
	sum.Dead, sum.Pending = st.Dead, st.OutboxPending
	if o.json {
		enc := json.NewEncoder(c.stdout)
		if err := enc.Encode(syncOutcomeJSON{Synced: sum.Done, Failed: sum.Failed, Dead: sum.Dead, Pending: sum.Pending}); err != nil {
			return fail("could not write the outcome", err)
		}
	} else {
		fmt.Fprintln(c.stdout, sum.String())
	}
	if failure != nil {
		return failure
	}
	return syncExit(sum, note, o.timeout)
}

// syncOutcomeJSON is the output of "sync --json".
type syncOutcomeJSON struct {
	Synced  int `json:"synced"`
	Failed  int `json:"failed"`
	Dead    int `json:"dead"`
	Pending int `json:"pending"`
}

// offlineSentence explains an unreachable CRM with the connector's reason.
func offlineSentence(err error) string {
	msg := strings.TrimPrefix(err.Error(), "syncer: ")
	// "webhook: webhook: the CRM cannot be reached" -> "webhook: the CRM ..."
	if name, rest, ok := strings.Cut(msg, ": "); ok && strings.HasPrefix(rest, name+": ") {
		msg = rest
	}
	return strings.TrimSuffix(msg, ".") + "."
}

// progressBar draws the sync's progress over one line of a terminal, at
// most ten times a second. update is called from the relay's goroutines.
type progressBar struct {
	w     io.Writer
	flush func() error
	now   func() time.Time

	mu     sync.Mutex
	last   time.Time
	drawn  bool
	closed bool
	p      syncer.Progress
}

func (b *progressBar) update(p syncer.Progress) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	b.p = p
	finished := p.Total > 0 && p.Done+p.Dead >= p.Total
	if now := b.now(); finished || now.Sub(b.last) >= 100*time.Millisecond {
		b.last = now
		b.draw()
	}
}

func (b *progressBar) draw() {
	p := b.p
	drawBar(b.w, p.Done+p.Dead, p.Total, "leads")
	if p.Failed > 0 || p.Dead > 0 {
		fmt.Fprintf(b.w, ", %d failed, %d dead", p.Failed, p.Dead)
	}
	fmt.Fprint(b.w, "\033[K")
	b.drawn = true
	b.flush()
}

// close clears the bar's line so that the final line stands alone.
func (b *progressBar) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	if b.drawn {
		fmt.Fprint(b.w, "\r\033[K")
	}
}

// drawBar draws "[#####.....] 12/40 UNIT" over the current line: the
// progress of scan (files) and of sync (leads).
func drawBar(w io.Writer, done, total int, unit string) {
	const width = 30
	n := min(width, width*done/max(total, 1))
	fmt.Fprintf(w, "\r[%s%s] %d/%d %s", strings.Repeat("#", n), strings.Repeat(".", width-n), done, total, unit)
}
