package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"leadcap/storage"
	"leadcap/syncer"
	"leadcap/workflow"
)

func crmCommand() *command {
	return &command{
		name:     "crm",
		synopsis: "set|show|test ...",
		summary:  "set up the CRM that 'leadcap sync' delivers leads to, show it, test it",
		help: `
leadcap crm set tryton --url U --database D --user U
leadcap crm set hubspot [--url U] [--external-id PROP] [--details-field PROP]
leadcap crm set salesforce --url U [--api-version V] [--external-id FIELD] [--details-field FIELD]
leadcap crm set webhook --url U
    stores the connector and its settings, replacing the previous set-up
    (see the flags below; --rate caps pushes per second).
leadcap crm show
    prints the set-up and whether the secret is set, never the secret.
leadcap crm test [--timeout D]
    checks with one cheap call that the CRM answers and accepts the
    credentials; prints one line, exits 1 when it does not.

The secret (Tryton password, HubSpot or Salesforce access token, webhook key)
is read from the environment variable LEADCAP_CRM_SECRET by every command that
needs it. It is never stored in the database and never printed.`,
		run: runCRM,
	}
}

func runCRM(c *cli, args []string) error {
	if len(args) == 0 {
		return usagef("missing subcommand: set, show or test")
	}
	switch args[0] {
	case "set":
		return runCRMSet(c, args[1:])
	case "show":
		return runCRMShow(c, args[1:])
	case "test":
		return runCRMTest(c, args[1:])
	case "-h", "--help", "help":
		// Declare the flags of "set" for the help text.
		runCRMSet(c, []string{"--help"})
		return flag.ErrHelp
	}
	return usagef("unknown subcommand %q: use set, show or test", args[0])
}

func runCRMSet(c *cli, args []string) error {
	fs := c.newFlags()
	var cs workflow.CRMSettings
	fs.StringVar(&cs.URL, "url", "", "the CRM's address `U`: Tryton server, Salesforce org, webhook endpoint; HubSpot: API root (default https://api.hubapi.com)")
	fs.StringVar(&cs.Database, "database", "", "Tryton: the database `NAME`")
	fs.StringVar(&cs.User, "user", "", "Tryton: the user `NAME`")
	fs.StringVar(&cs.ExternalID, "external-id", "", "Salesforce: the Lead external ID `FIELD` (default Leadcap_Lead_ID__c); HubSpot: the lead ID property (default leadcap_lead_id)")
	fs.StringVar(&cs.APIVersion, "api-version", "", "Salesforce: the REST API `VERSION`, e.g. v62.0 (default v62.0)")
	fs.StringVar(&cs.DetailsField, "details-field", "", "HubSpot/Salesforce: the `FIELD` that takes the event, qualification and notes")
	rateText := fs.String("rate", "", "at most `N` pushes per second (default: the connector's)")
	pos, err := c.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	cs.Connector = pos[0]
	if *rateText != "" {
		r, err := strconv.ParseFloat(*rateText, 64)
		if err != nil || r <= 0 {
			return usagef("--rate %q is not a number of pushes per second: write it like 5 or 0.5", *rateText)
		}
		cs.Rate = r
	}
	if err := cs.Validate(); err != nil {
		if errors.Is(err, workflow.ErrUnknownConnector) {
			return usagef("unknown CRM %q: use tryton, hubspot, salesforce or webhook", cs.Connector)
		}
		return usagef("%v", err)
	}
	// Check addresses and versions before the database is touched; the
	// stand-in secret is never sent anywhere.
	if _, _, err := workflow.NewConnector(cs, "check-only"); err != nil {
		return failf("%s: correct it and run 'leadcap crm set %s' again.", strings.TrimSuffix(err.Error(), "."), cs.Connector)
	}
	return c.withStore(func(s *storage.Store) error {
		if err := workflow.SaveCRM(s, cs); err != nil {
			return fail("could not save the CRM settings", err)
		}
		fmt.Fprintf(c.stdout, "CRM set to %s\n", cs.Connector)
		for _, line := range cs.Describe(workflow.CRMSecret() != "") {
			fmt.Fprintf(c.stdout, "  %s\n", line)
		}
		if workflow.CRMSecret() == "" {
			fmt.Fprintf(c.stdout, "Put the %s in %s, then run 'leadcap crm test'.\n", secretName(cs.Connector), workflow.SecretEnv)
		} else {
			fmt.Fprintln(c.stdout, "Run 'leadcap crm test' to check the connection.")
		}
		return nil
	})
}

// secretName says what LEADCAP_CRM_SECRET holds for a connector.
func secretName(connector string) string {
	switch connector {
	case "tryton":
		return "Tryton user's password"
	case "hubspot":
		return "HubSpot private app's access token"
	case "salesforce":
		return "Salesforce OAuth access token"
	}
	return "webhook's shared key"
}

func runCRMShow(c *cli, args []string) error {
	fs := c.newFlags()
	if _, err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	return c.withStore(func(s *storage.Store) error {
		cs, err := workflow.LoadCRM(s)
		if err != nil {
			return crmError("the CRM settings cannot be read", err)
		}
		for _, line := range cs.Describe(workflow.CRMSecret() != "") {
			fmt.Fprintln(c.stdout, line)
		}
		return nil
	})
}

func runCRMTest(c *cli, args []string) error {
	fs := c.newFlags()
	timeout := fs.Duration("timeout", 0, "give up after `D`, e.g. 10s (default 15s)")
	if _, err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	return c.withStore(func(s *storage.Store) error {
		cs, err := workflow.LoadCRM(s)
		if err != nil {
			return crmError("the CRM settings cannot be read", err)
		}
		if err := workflow.TestCRM(c.ctx, s, "", *timeout); err != nil {
			return crmError("the CRM test failed", err)
		}
		where := cs.Connector
		if cs.URL != "" {
			where += " at " + cs.URL
		}
		fmt.Fprintf(c.stdout, "ok: %s answers and accepts the credentials\n", where)
		return nil
	})
}

// crmError turns a CRM set-up, connection or credentials error into the
// sentence the user sees: what went wrong and what to do. what says what
// failed, e.g. "the CRM test failed".
func crmError(what string, err error) error {
	var pe *syncer.PermanentError
	switch {
	case errors.Is(err, storage.ErrLocked), errors.Is(err, storage.ErrDamaged), errors.Is(err, storage.ErrNewerSchema):
		return err
	case errors.Is(err, context.Canceled):
		return err
	case errors.Is(err, workflow.ErrNoCRM):
		return failf("%s.", workflow.ErrNoCRM)
	case errors.Is(err, workflow.ErrNoSecret):
		return failf("%s.", workflow.ErrNoSecret)
	case errors.As(err, &pe):
		// The CRM refused the credentials or the set-up (no company, a
		// missing property): its reason says what to fix.
		return failf("%s: %s.", what, strings.TrimSuffix(pe.Reason, "."))
	}
	return failf("%s: %s.", what, strings.TrimSuffix(strings.TrimPrefix(err.Error(), "workflow: "), "."))
}
