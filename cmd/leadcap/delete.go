package main

import (
	"github.com/spf13/cobra"

	"leadcap/lead"
)

func newDeleteCmd(c *cli) *cobra.Command {
	return removeFlags(c, &cobra.Command{
		SuggestFor: []string{"rm", "remove", "del"},
		Use:        "delete ID [--by NAME]",
		Short:      "delete a mistaken scan; a lead already in the CRM is deleted there on the next sync",
		Long: `The lead leaves every list, export and count at once. A tombstone keeps its ID,
the time and who deleted it (--by, default the login name), and nothing
personal. If the lead was sent to the CRM, its record there is deleted on the
next 'leadcap sync', once. To remove a person's data on their request (GDPR
art. 17) use 'leadcap erase', which also clears it from the database file.`,
		Example: "  leadcap delete 01932c5e --by Anna",
	}, &removeOptions{op: lead.OpDelete})
}
