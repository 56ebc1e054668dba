package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

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
