package main

import (
	"github.com/spf13/cobra"

	"leadcap/lead"
)

func newEraseCmd(c *cli) *cobra.Command {
	return removeFlags(c, &cobra.Command{
		Use:   "erase ID --yes [--by NAME]",
		Short: "erase a person's data on request (GDPR art. 17), here and, on the next sync, in the CRM",
		Long: `Every personal field and note of the lead is removed from the database, and the
file is compacted so the bytes do not stay in its free pages. The person's
entry in the event's attendee list (matched by the lead's badge ID, else by
email) goes too, so a later scan of the badge is not filled again. A tombstone keeps
the ID, the time and who erased it (--by, default the login name). The next
'leadcap sync' erases the person in the CRM once (Tryton: party and
opportunity deleted; HubSpot: GDPR delete; Salesforce: overwritten, then
deleted; webhook: a signed lead.erase event). Backups made before the erasure
still hold the data: deleting or overwriting them is yours to do. This cannot
be undone: give --yes.`,
		Example: "  leadcap erase 01932c5e --yes --by \"Data protection office\"",
	}, &removeOptions{op: lead.OpErase})
}
