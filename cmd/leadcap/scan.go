package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"leadcap/storage"
	"leadcap/workflow"
)

// scanOptions are the arguments and flags of "leadcap scan".
type scanOptions struct {
	paths        []string
	event, staff string
	json         bool
}

// scanJSON is one line of "scan --json": a lead saved from a file (status
// new or updated), a code skipped, or a file that failed.
type scanJSON struct {
	File   string `json:"file"`
	Status string `json:"status"` // new, updated, skipped or failed
	LeadID string `json:"lead_id,omitempty"`
	Name   string `json:"name,omitempty"`
	Reason string `json:"reason,omitempty"`
}

func newScanCmd(c *cli) *cobra.Command {
	o := &scanOptions{}
	cmd := &cobra.Command{
		Use:   "scan [--event ID] [--staff NAME] [--json] FILE|DIR...",
		Short: "read the QR codes in images (files or folders) and save them as leads",
		Long: `Every code that holds a contact becomes a lead of the event (default: the
active event) with method qr-scan or badge-scan and the raw payload kept. A
second scan of the same person at the same event updates that lead instead of
adding a duplicate. Folders are searched for .png, .jpg, .jpeg, .gif and .webp
files. Prints one line per file (new, updated or failed with the reason) and a
summary (--json: one object per line with file, status, lead_id, name and
reason instead); exits 1 when a file failed. A failure never leaves a half-saved lead.`,
		Example: `  leadcap scan --staff Anna ~/Pictures/booth/
  leadcap scan --event "Hannover Messe 2026" card1.jpg card2.png`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.paths = args
			return runScan(c, o)
		},
	}
	cmd.Flags().StringVar(&o.event, "event", "", "the event's `ID`, ID prefix or name (default: the active event)")
	cmd.Flags().StringVar(&o.staff, "staff", "", "`NAME` of the staff member scanning")
	cmd.Flags().BoolVar(&o.json, "json", false, "one JSON object per saved lead, skipped code or failed file instead of the table and summary")
	completeEventFlag(c, cmd)
	return cmd
}

func runScan(c *cli, o *scanOptions) error {
	paths := o.paths
	return c.withStore(func(s *storage.Store) error {
		ev, err := targetEvent(s, o.event)
		if err != nil {
			return err
		}
		var progress func(done, total int, r workflow.FileResult)
		if c.progress {
			progress = func(done, total int, _ workflow.FileResult) {
				drawBar(c.stderr, done, total, "files")
			}
		}
		sum, err := workflow.ScanFiles(c.ctx, s, ev, paths, workflow.Capture{Staff: o.staff, Now: c.now, Dir: c.dir}, progress)
		if progress != nil {
			fmt.Fprint(c.stderr, "\r\033[K")
		}
		switch {
		case errors.Is(err, workflow.ErrNoImages):
			return failf("no PNG, JPEG, GIF or WebP files in %s: give image files or folders that contain them.", strings.Join(paths, ", "))
		case errors.Is(err, os.ErrNotExist):
			return failf("%s: check the path.", reason(err))
		case err != nil && !errors.Is(err, context.Canceled):
			return fail("could not scan", err)
		}
		t := newTable(c.stdout)
		enc := json.NewEncoder(c.stdout)
		enc.SetEscapeHTML(false)
		emit := func(j scanJSON) {
			if o.json {
				enc.Encode(j)
				return
			}
			if j.LeadID == "" {
				t.row(j.Status, j.File, j.Reason)
				return
			}
			t.row(j.Status, j.File, j.LeadID, j.Name)
		}
		for _, r := range sum.Results {
			name := filepath.ToSlash(r.File)
			if r.Status() == "failed" {
				emit(scanJSON{File: name, Status: "failed", Reason: reason(r.Err)})
				continue
			}
			for _, sv := range r.Saved {
				status := "updated"
				if sv.Created {
					status = "new"
				}
				emit(scanJSON{File: name, Status: status, LeadID: sv.Lead.ID.String(),
					Name: joinNonEmpty(", ", sv.Lead.Contact.Name(), sv.Lead.Contact.Organization)})
				warnNotTaken(c.stderr, name, sv.NotTaken)
			}
			for _, e := range r.Skipped {
				emit(scanJSON{File: name, Status: "skipped", Reason: reason(e)})
			}
		}
		if !o.json {
			t.flush()
			fmt.Fprintf(c.stdout, "%d files: %d new, %d updated, %d failed (event %s)\n", sum.Files, sum.New, sum.Updated, sum.Failed, ev.Name)
		}
		if err != nil {
			return err // interrupted
		}
		if sum.Failed > 0 {
			return failf("%d of %d files were not saved: see the reason given for each.", sum.Failed, sum.Files)
		}
		return nil
	})
}
