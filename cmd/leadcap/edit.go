package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"leadcap/lead"
	"leadcap/storage"
)

// editOptions are the arguments and flags of "leadcap edit".
type editOptions struct {
	id   string
	edit *contactEdit
	set  map[string]bool
}

func newEditCmd(c *cli) *cobra.Command {
	o := &editOptions{}
	cmd := &cobra.Command{
		Use: "edit ID [--given G] [--family F] [--name FULL] [--org O] [--title T] [--email E]... [--phone P]... [--url U]... " +
			"[--street S] [--city C] [--region R] [--postal-code P] [--country CC] [--clear-emails] [--clear-phones] [--clear-urls]",
		Short: "correct a lead's contact details and print its ID",
		Long: `Only the fields given change; an empty value clears one, e.g. --title "".
--email, --phone and --url add to what the lead has; --clear-emails,
--clear-phones and --clear-urls remove what it has first, so
"--clear-emails --email E" replaces the addresses with E.
--given or --family without --name make the full name from the two again.
Phone numbers without a country code take the event's country; --country is
the address's ISO 3166 code, such as DE.
The lead stays reachable: it keeps an email, a phone or a web address, or a
name together with an organization.
The change goes to the CRM with the next 'leadcap sync'. Editing a lead the
CRM refused takes it out of 'leadcap dead list' and queues it again: fix
what the CRM's reason asks for, then run 'leadcap sync'.`,
		Example: `  leadcap edit 01932c5e --title "Head of Purchasing" --org "Weber KG"
  leadcap edit 01932c5e --clear-emails --email jonas.weber@weber.example
  leadcap edit 01932c5e --street "Hauptstr. 1" --city Hannover --postal-code 30159 --country DE`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.id, o.set = args[0], changed(cmd)
			o.edit.set = o.set
			return runEdit(c, o)
		},
		ValidArgsFunction: completeLeadID(c, 1),
	}
	o.edit = newContactEdit(cmd.Flags())
	return cmd
}

// contactEdit is what "leadcap edit" changes in a contact.
type contactEdit struct {
	set map[string]bool // the flags given

	given, family, name, org, title       string
	emails, phones, urls                  []string
	street, city, region, postal, country string
	clearEmails, clearPhones, clearURLs   bool
}

func newContactEdit(fs *pflag.FlagSet) *contactEdit {
	e := &contactEdit{}
	fs.StringVar(&e.given, "given", "", "given (first) `NAME`")
	fs.StringVar(&e.family, "family", "", "family (last) `NAME`")
	fs.StringVar(&e.name, "name", "", "full `NAME`")
	fs.StringVar(&e.org, "org", "", "`ORGANIZATION`")
	fs.StringVar(&e.title, "title", "", "job `TITLE`")
	fs.StringArrayVar(&e.emails, "email", nil, "add an `EMAIL` address (repeatable)")
	fs.StringArrayVar(&e.phones, "phone", nil, "add a `PHONE` number (repeatable)")
	fs.StringArrayVar(&e.urls, "url", nil, "add a web address `URL` (repeatable)")
	fs.StringVar(&e.street, "street", "", "the address's `STREET` and number")
	fs.StringVar(&e.city, "city", "", "the address's `CITY`")
	fs.StringVar(&e.region, "region", "", "the address's `REGION`, state or province")
	fs.StringVar(&e.postal, "postal-code", "", "the address's `CODE`")
	fs.StringVar(&e.country, "country", "", "the address's ISO 3166 country `CC`, e.g. DE")
	fs.BoolVar(&e.clearEmails, "clear-emails", false, "remove the lead's email addresses (before adding --email ones)")
	fs.BoolVar(&e.clearPhones, "clear-phones", false, "remove the lead's phone numbers (before adding --phone ones)")
	fs.BoolVar(&e.clearURLs, "clear-urls", false, "remove the lead's web addresses (before adding --url ones)")
	return e
}

// check validates the values that do not depend on the lead: emails and
// the country code. Phones are checked in checkPhones with the event's
// country.
func (e *contactEdit) check() error {
	for _, m := range e.emails {
		if strings.TrimSpace(m) == "" {
			return failf("--email is empty: give an address such as name@example.com, or use --clear-emails to remove the addresses.")
		}
		if _, err := lead.NormalizeEmail(m); err != nil {
			return failf("--email %q is not an email address: check it for typos (it needs one @ and a domain), then run the edit again.", m)
		}
	}
	for _, u := range e.urls {
		if strings.TrimSpace(u) == "" {
			return failf("--url is empty: give a web address such as https://example.com, or use --clear-urls to remove them.")
		}
	}
	if cc := strings.TrimSpace(e.country); cc != "" {
		if !lead.ValidCountry(cc) {
			return failf("--country %q is not an ISO 3166 country code: write two letters such as DE, AT or FR.", e.country)
		}
	}
	return nil
}

// checkPhones validates the new phone numbers with region as the default
// country (the lead's event's).
func (e *contactEdit) checkPhones(region string) error {
	for _, p := range e.phones {
		if strings.TrimSpace(p) == "" {
			return failf("--phone is empty: give a number such as +49 30 123456, or use --clear-phones to remove the numbers.")
		}
		if _, err := lead.NormalizePhone(p, region); err != nil {
			return failf("--phone %q %s, then run the edit again.", p, strings.TrimSuffix(err.Error(), "."))
		}
	}
	return nil
}

// apply changes ct as the flags say.
func (e *contactEdit) apply(ct *lead.Contact) {
	set := func(name string, dst *string, v string) {
		if e.set[name] {
			*dst = v
		}
	}
	set("given", &ct.GivenName, e.given)
	set("family", &ct.FamilyName, e.family)
	if e.set["name"] {
		ct.FullName = e.name
	} else if e.set["given"] || e.set["family"] {
		ct.FullName = "" // made again from the parts by Normalize
	}
	set("org", &ct.Organization, e.org)
	set("title", &ct.Title, e.title)
	if e.clearEmails {
		ct.Emails = nil
	}
	ct.Emails = append(ct.Emails, e.emails...)
	if e.clearPhones {
		ct.Phones = nil
	}
	for _, p := range e.phones {
		ct.Phones = append(ct.Phones, lead.Phone{Raw: p})
	}
	if e.clearURLs {
		ct.URLs = nil
	}
	ct.URLs = append(ct.URLs, e.urls...)
	a := &ct.Address
	set("street", &a.Street, e.street)
	set("city", &a.City, e.city)
	set("region", &a.Region, e.region)
	set("postal-code", &a.PostalCode, e.postal)
	set("country", &a.Country, strings.ToUpper(strings.TrimSpace(e.country)))
}

func runEdit(c *cli, o *editOptions) error {
	e := o.edit
	if len(o.set) == 0 {
		return usagef("nothing to change: give at least one of --given, --family, --name, --org, --title, --email, --phone, --url, " +
			"--street, --city, --region, --postal-code, --country or a --clear- flag")
	}
	if err := e.check(); err != nil {
		return err
	}
	return c.withStore(func(s *storage.Store) error {
		l, err := findLead(s, o.id)
		if err != nil {
			return err
		}
		ev, err := s.Event(l.EventID)
		if err != nil {
			return fail("could not read the lead's event", err)
		}
		if err := e.checkPhones(ev.Country); err != nil {
			return err
		}
		saved, err := s.UpdateLead(l.ID, func(l *lead.Lead) error {
			e.apply(&l.Contact)
			return nil
		})
		var fe *lead.FieldError
		switch {
		case errors.Is(err, lead.ErrUnreachable):
			return failf("after this edit lead %s would have no way to reach the person: keep or add an email (--email), a phone (--phone) or a web address (--url), or give a name and an organization (--org).", l.ID)
		case errors.As(err, &fe):
			return failf("the edit leaves %s: fix it with the matching flag and run the edit again.", strings.TrimSuffix(fe.Error(), "."))
		case err != nil:
			return err
		}
		fmt.Fprintln(c.stdout, saved.ID)
		if saved.Version == l.Version {
			hint := ""
			if info, err := s.SyncInfo(saved.ID); err == nil && info.Status == storage.SyncDead {
				hint = fmt.Sprintf(" It stays among the dead leads: to send it again as it is, run 'leadcap dead retry %s'.", saved.ID)
			}
			c.stdout.Flush()
			fmt.Fprintf(c.stderr, "leadcap: nothing changed: lead %s already has these details.%s\n", saved.ID, hint)
		}
		return nil
	})
}
