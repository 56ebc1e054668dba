package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"leadcap/lead"
	"leadcap/storage"
)

// addOptions are the flags of "leadcap add".
type addOptions struct {
	event   string
	contact lead.Contact
	phones  []string
	note    string
	staff   string
	json    bool
}

func newAddCmd(c *cli) *cobra.Command {
	o := &addOptions{}
	cmd := &cobra.Command{
		Use:   "add [--event ID] [--given G] [--family F] [--name FULL] [--org O] [--title T] [--email E]... [--phone P]... [--url U]... [--note TEXT] [--staff NAME] [--json]",
		Short: "add a lead by hand and print its ID",
		Long: `The lead goes to the active event unless --event names another (ID, ID prefix
or name). It needs an email, a phone or a web address, or a name together with
an organization. Phone numbers without a country code take the event's country.
--json prints the new lead as 'leadcap show --json' does.`,
		Example: `  leadcap add --name "Jonas Weber" --org "Weber KG" --email jonas@weber.example
  leadcap add --given Lena --family Koch --phone "0511 123456" --note "wants a demo" --staff Anna`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error { return runAdd(c, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.event, "event", "", "the event's `ID`, ID prefix or name (default: the active event)")
	f.StringVar(&o.contact.GivenName, "given", "", "given (first) `NAME`")
	f.StringVar(&o.contact.FamilyName, "family", "", "family (last) `NAME`")
	f.StringVar(&o.contact.FullName, "name", "", "full `NAME`, when given and family are not known apart")
	f.StringVar(&o.contact.Organization, "org", "", "`ORGANIZATION`")
	f.StringVar(&o.contact.Title, "title", "", "job `TITLE`")
	f.StringArrayVar(&o.contact.Emails, "email", nil, "`EMAIL` address (repeatable)")
	f.StringArrayVar(&o.phones, "phone", nil, "`PHONE` number (repeatable)")
	f.StringArrayVar(&o.contact.URLs, "url", nil, "web address `URL` (repeatable)")
	f.StringVar(&o.note, "note", "", "a first note, e.g. what was said")
	f.StringVar(&o.staff, "staff", "", "`NAME` of the staff member capturing the lead")
	f.BoolVar(&o.json, "json", false, "print the new lead as JSON instead of its ID")
	completeEventFlag(c, cmd)
	return cmd
}

func runAdd(c *cli, o *addOptions) error {
	ct := o.contact
	for _, p := range o.phones {
		ct.Phones = append(ct.Phones, lead.Phone{Raw: p})
	}
	return c.withStore(func(s *storage.Store) error {
		ev, err := targetEvent(s, o.event)
		if err != nil {
			return err
		}
		now := c.now()
		l := lead.New(ev.ID, lead.MethodManual, now)
		l.Contact = ct
		l.CapturedBy = strings.TrimSpace(o.staff)
		if strings.TrimSpace(o.note) != "" {
			if _, err := l.AddNote(o.note, l.CapturedBy, now, time.Time{}); err != nil {
				return err
			}
		}
		if err := s.AddLead(l); err != nil {
			return err
		}
		if o.json {
			return c.printLeadJSON(s, l.ID.String())
		}
		fmt.Fprintln(c.stdout, l.ID)
		return nil
	})
}
