package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"leadcap/lead"
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

// decodeJSON is one line of "decode --json".
type decodeJSON struct {
	File string `json:"file"`
	codeJSON
	Codes []codeJSON `json:"codes"`
	MS    float64    `json:"ms"`
}

func runDecode(c *cli, o *decodeOptions) error {
	files := o.files
	enc := json.NewEncoder(c.stdout)
	enc.SetEscapeHTML(false)
	failed := 0
	for _, f := range files {
		out := decodeJSON{File: f, Codes: []codeJSON{}}
		codes, took, err := workflow.DecodeFileIn(c.dir, f)
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
