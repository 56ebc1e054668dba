package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"leadcap/capture"
	"leadcap/lead"
	"leadcap/storage"
	"leadcap/workflow"
)

// decodeOptions are the arguments and flags of "leadcap decode".
type decodeOptions struct {
	files  []string
	json   bool
	region string
}

func newDecodeCmd(c *cli) *cobra.Command {
	o := &decodeOptions{}
	cmd := &cobra.Command{
		Use:   "decode [--json] [--region CC] FILE...",
		Short: "read the QR codes in images and show the contacts, without saving",
		Long: `With --json, one object per file: file, ok (a code was found and holds a
contact), payload (the first code's exact text), format (vcard, mecard,
bizcard, mailto, tel, url, badge, text), contact (as in 'leadcap list --json'),
badge_id, codes (every code found, same fields), ms (decode time, file reading
excluded) and error. --region is the default country of phone numbers written
without one. Exits 1 when a file gave no contact.`,
		Example: `  leadcap decode card.jpg
  leadcap decode --json --region DE photos/*.jpg`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.files = args
			return runDecode(c, o)
		},
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "one JSON object per file")
	cmd.Flags().StringVar(&o.region, "region", "", "default country `CC` of phone numbers, e.g. DE")
	return cmd
}

// codeJSON is one code in "decode --json" and the output of "parse --json".
type codeJSON struct {
	OK      bool        `json:"ok"`
	Payload string      `json:"payload"`
	Format  string      `json:"format"`
	Contact contactJSON `json:"contact"`
	BadgeID string      `json:"badge_id,omitempty"`
	Method  lead.Method `json:"method,omitempty"`
	// NotTaken is what the payload held but the contact did not take over.
	NotTaken []capture.NotTaken `json:"not_taken,omitempty"`
	Error    string             `json:"error"`
}

// decodeJSON is one line of "decode --json".
type decodeJSON struct {
	File string `json:"file"`
	codeJSON
	Codes []codeJSON `json:"codes"`
	MS    float64    `json:"ms"`
}

// parsePayload parses one payload into its JSON form.
func parsePayload(payload, region string) codeJSON {
	p, err := capture.Parse(payload, region)
	j := codeJSON{OK: err == nil, Payload: payload, Format: string(p.Format), Contact: newContactJSON(p.Contact),
		BadgeID: p.BadgeID, Method: p.Method, NotTaken: p.NotTaken}
	if err != nil {
		j.Error = reason(err)
	}
	if j.Format == "" {
		j.Format = string(capture.FormatText)
	}
	return j
}

func runDecode(c *cli, o *decodeOptions) error {
	files := o.files
	enc := json.NewEncoder(c.stdout)
	enc.SetEscapeHTML(false)
	failed := 0
	for _, f := range files {
		out := decodeJSON{File: f, Codes: []codeJSON{}}
		codes, took, err := workflow.DecodeFile(f)
		out.MS = float64(took.Microseconds()) / 1000
		for _, code := range codes {
			cj := parsePayload(code.Text, o.region)
			warnNotTaken(c.stderr, f, cj.NotTaken)
			out.Codes = append(out.Codes, cj)
		}
		switch {
		case err != nil:
			out.Contact = newContactJSON(lead.Contact{})
			out.Error = reason(err)
		case len(out.Codes) > 0:
			out.codeJSON = out.Codes[0]
		}
		if !out.OK {
			failed++
		}
		if o.json {
			if err := enc.Encode(out); err != nil {
				return fail("could not write the output", err)
			}
			continue
		}
		printDecoded(c.stdout, out)
	}
	if failed > 0 {
		return failf("%d of %d files gave no contact: see the reason given for each.", failed, len(files))
	}
	return nil
}

func printDecoded(w io.Writer, d decodeJSON) {
	if d.Error != "" && len(d.Codes) == 0 {
		fmt.Fprintf(w, "%s: %s\n", sanitize(d.File), sanitize(d.Error))
		return
	}
	fmt.Fprintf(w, "%s: %d code(s), %.1f ms\n", sanitize(d.File), len(d.Codes), d.MS)
	for _, code := range d.Codes {
		fmt.Fprintf(w, "  %s: %s\n", code.Format, sanitize(describe(code)))
	}
}

// describe is a one-line account of a parsed code.
func describe(j codeJSON) string {
	if !j.OK && j.Error != "" {
		return j.Error
	}
	ct := j.Contact
	var phones []string
	for _, p := range ct.Phones {
		phones = append(phones, p.Number)
	}
	s := joinNonEmpty(", ", ct.FullName, ct.Title, ct.Organization, strings.Join(ct.Emails, " "), strings.Join(phones, " "), strings.Join(ct.URLs, " "))
	if j.BadgeID != "" {
		s = joinNonEmpty(", ", s, "badge "+j.BadgeID)
	}
	return s
}

// reason strips a capture, scan or import error down to its user-facing
// sentence.
func reason(err error) string {
	var nac *capture.NotAContactError
	var fe *lead.FieldError
	var de *storage.DuplicateError
	switch {
	case errors.As(err, &nac):
		return nac.Error()
	case errors.As(err, &fe):
		return fe.Error()
	case errors.As(err, &de):
		return de.Error()
	}
	for _, sentinel := range []error{workflow.ErrOnlyBadgeID, capture.ErrNoCode, capture.ErrNotImage, capture.ErrTruncated,
		capture.ErrTooLarge, storage.ErrLocked, storage.ErrNotFound} {
		if errors.Is(err, sentinel) {
			return sentinel.Error()
		}
	}
	msg := err.Error()
	for _, prefix := range []string{"workflow: scan: save: ", "workflow: scan: "} {
		msg = strings.TrimPrefix(msg, prefix)
	}
	return msg
}

// warnNotTaken prints, on stderr, each value a payload held that the
// contact did not take over; the lead is still read or saved, and its raw
// payload keeps the value. where names the file, if any.
func warnNotTaken(w io.Writer, where string, nts []capture.NotTaken) {
	if where != "" {
		where += ": "
	}
	for _, nt := range nts {
		fmt.Fprintf(w, "leadcap: warning: %snot taken over: %s\n", sanitize(where), sanitize(nt.String()))
	}
}

// parseOptions are the flags of "leadcap parse".
type parseOptions struct {
	json   bool
	region string
}

func newParseCmd(c *cli) *cobra.Command {
	o := &parseOptions{}
	cmd := &cobra.Command{
		Use:   "parse [--json] [--region CC] < PAYLOAD",
		Short: "read one QR or scanner payload from standard input and show the contact, without saving",
		Long: `The payload is read as it is; a final line break is dropped. With --json, the
fields of one code of 'leadcap decode --json'. Values that are not valid (an
email that is not an address, a phone that is not a number) are left out of
the contact, listed as not_taken in the JSON and printed as a warning on
standard error; the rest of the card is read. Exits 1 when the payload holds
no contact.`,
		Example: `  printf 'MECARD:N:Weber,Jonas;EMAIL:jonas@weber.example;;' | leadcap parse
  leadcap parse --json --region DE < payload.txt`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error { return runParse(c, o) },
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "print JSON")
	cmd.Flags().StringVar(&o.region, "region", "", "default country `CC` of phone numbers, e.g. DE")
	return cmd
}

func runParse(c *cli, o *parseOptions) error {
	data, err := io.ReadAll(io.LimitReader(c.stdin, 1<<20))
	if err != nil {
		return fail("could not read standard input", err)
	}
	payload := strings.TrimSuffix(strings.TrimSuffix(string(data), "\n"), "\r")
	j := parsePayload(payload, o.region)
	warnNotTaken(c.stderr, "", j.NotTaken)
	if o.json {
		enc := json.NewEncoder(c.stdout)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(j); err != nil {
			return fail("could not write the output", err)
		}
	} else if j.OK {
		fmt.Fprintf(c.stdout, "%s: %s\n", j.Format, describe(j))
	}
	if !j.OK {
		return failf("%s.", strings.TrimSuffix(j.Error, "."))
	}
	return nil
}

// scanOptions are the arguments and flags of "leadcap scan".
type scanOptions struct {
	paths        []string
	event, staff string
}

func newScanCmd(c *cli) *cobra.Command {
	o := &scanOptions{}
	cmd := &cobra.Command{
		Use:   "scan [--event ID] [--staff NAME] FILE|DIR...",
		Short: "read the QR codes in images (files or folders) and save them as leads",
		Long: `Every code that holds a contact becomes a lead of the event (default: the
active event) with method qr-scan or badge-scan and the raw payload kept. A
second scan of the same person at the same event updates that lead instead of
adding a duplicate. Folders are searched for .png, .jpg, .jpeg, .gif and .webp
files. Prints one line per file (new, updated or failed with the reason) and a
summary; exits 1 when a file failed. A failure never leaves a half-saved lead.`,
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
		if c.terminal {
			progress = func(done, total int, _ workflow.FileResult) {
				drawBar(c.stdout, done, total, "files")
				c.stdout.Flush()
			}
		}
		sum, err := workflow.ScanFiles(c.ctx, s, ev, paths, workflow.Capture{Staff: o.staff, Now: c.now}, progress)
		if c.terminal {
			fmt.Fprint(c.stdout, "\r\033[K")
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
		for _, r := range sum.Results {
			name := filepath.ToSlash(r.File)
			if r.Status() == "failed" {
				t.row("failed", name, reason(r.Err))
				continue
			}
			for _, sv := range r.Saved {
				status := "updated"
				if sv.Created {
					status = "new"
				}
				t.row(status, name, sv.Lead.ID.String(), joinNonEmpty(", ", sv.Lead.Contact.Name(), sv.Lead.Contact.Organization))
				warnNotTaken(c.stderr, name, sv.NotTaken)
			}
			for _, e := range r.Skipped {
				t.row("skipped", name, reason(e))
			}
		}
		t.flush()
		fmt.Fprintf(c.stdout, "%d files: %d new, %d updated, %d failed (event %s)\n", sum.Files, sum.New, sum.Updated, sum.Failed, ev.Name)
		if err != nil {
			return err // interrupted
		}
		if sum.Failed > 0 {
			return failf("%d of %d files were not saved: see the reason given for each.", sum.Failed, sum.Files)
		}
		return nil
	})
}
