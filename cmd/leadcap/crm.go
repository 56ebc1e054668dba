package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/term"

	"leadcap/internal/credentials"
	"leadcap/storage"
	"leadcap/syncer"
	"leadcap/workflow"
)

func crmCommand() *command {
	return &command{
		name:     "crm",
		synopsis: "set|show|test|secret ...",
		summary:  "set up the CRM that 'leadcap sync' delivers leads to, show it, test it",
		help: `
leadcap crm set tryton --url U --database D --user U
leadcap crm set hubspot [--url U] [--external-id PROP] [--details-field PROP]
leadcap crm set salesforce --url U [--api-version V] [--external-id FIELD] [--details-field FIELD]
leadcap crm set webhook --url U
    stores the connector and its settings, replacing the previous set-up
    (see the flags below; --rate caps pushes per second).
leadcap crm show
    prints the set-up and where the secret comes from (environment, keyring,
    missing), never the secret.
leadcap crm test [--timeout D]
    checks with one cheap call that the CRM answers and accepts the
    credentials; prints one line, exits 1 when it does not.
leadcap crm secret set
    reads the secret from standard input (typed without echo on a terminal,
    or piped: printf %s "$TOKEN" | leadcap crm secret set) and keeps it in
    this device's keyring for the CRM set up now. Never as an argument.
leadcap crm secret delete
    removes it from the keyring.

The secret (Tryton password, HubSpot or Salesforce access token, webhook key)
comes from the environment variable LEADCAP_CRM_SECRET when it is set, else
from the keyring (Secret Service, macOS Keychain, Windows Credential Manager),
filed under the connector and address it was set for. It is never stored in
the database and never printed.`,
		run: runCRM,
	}
}

func runCRM(c *cli, args []string) error {
	if len(args) == 0 {
		return usagef("missing subcommand: set, show, test or secret")
	}
	switch args[0] {
	case "set":
		return runCRMSet(c, args[1:])
	case "show":
		return runCRMShow(c, args[1:])
	case "test":
		return runCRMTest(c, args[1:])
	case "secret":
		return runCRMSecret(c, args[1:])
	case "-h", "--help", "help":
		// Declare the flags of "set" for the help text.
		runCRMSet(c, []string{"--help"})
		return flag.ErrHelp
	}
	return usagef("unknown subcommand %q: use set, show, test or secret", args[0])
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
		_, src, kerr := workflow.ResolveSecret(credentials.System{}, cs)
		for _, line := range cs.Describe(src) {
			fmt.Fprintf(c.stdout, "  %s\n", line)
		}
		if src == workflow.SecretMissing {
			fmt.Fprintf(c.stdout, "Store the %s with 'leadcap crm secret set' (or put it in %s), then run 'leadcap crm test'.\n", secretName(cs.Connector), workflow.SecretEnv)
			printNoKeyring(c, kerr)
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
		_, src, kerr := workflow.ResolveSecret(credentials.System{}, cs)
		for _, line := range cs.Describe(src) {
			fmt.Fprintln(c.stdout, line)
		}
		if cs.Connector != "" {
			printNoKeyring(c, kerr)
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

// printNoKeyring says in one sentence that this device has no keyring and
// what to do, when err says so.
func printNoKeyring(c *cli, err error) {
	if errors.Is(err, credentials.ErrUnavailable) {
		fmt.Fprintf(c.stdout, "note: %s.\n", credentials.ErrUnavailable)
	}
}

// maxSecret bounds what "crm secret set" reads from standard input.
const maxSecret = 64 << 10

func runCRMSecret(c *cli, args []string) error {
	if len(args) == 0 {
		return usagef("missing subcommand: leadcap crm secret set|delete")
	}
	verb := args[0]
	if verb != "set" && verb != "delete" {
		return usagef("unknown subcommand %q: use leadcap crm secret set (reads standard input) or leadcap crm secret delete", verb)
	}
	fs := c.newFlags()
	pos, err := c.parse(fs, args[1:], 0, len(args))
	if err != nil {
		return err
	}
	if len(pos) > 0 { // not echoed: it may be the secret
		return usagef("leadcap crm secret %s takes no arguments; the secret is never one (shell history, process list): type it when asked or pipe it in", verb)
	}
	return c.withStore(func(s *storage.Store) error {
		cs, err := workflow.LoadCRM(s)
		if err != nil {
			return crmError("the CRM settings cannot be read", err)
		}
		if cs.Connector == "" {
			return failf("%s.", workflow.ErrNoCRM)
		}
		if verb == "delete" {
			return deleteSecret(c, cs)
		}
		return setSecret(c, cs)
	})
}

// setSecret reads the secret from standard input and keeps it in the
// keyring for the set-up cs.
func setSecret(c *cli, cs workflow.CRMSettings) error {
	secret, err := c.readSecret(fmt.Sprintf("%s for %s: ", secretName(cs.Connector), cs.SecretAccount()))
	if err != nil {
		return fail("could not read the secret from standard input", err)
	}
	if secret == "" {
		return usagef("no secret on standard input: type it when asked, or pipe it in (printf %%s \"$TOKEN\" | leadcap crm secret set)")
	}
	if err := workflow.RememberSecret(credentials.System{}, cs, secret); err != nil {
		return keyringError(err)
	}
	fmt.Fprintf(c.stdout, "The %s is kept in this device's keyring for %s.\n", secretName(cs.Connector), cs.SecretAccount())
	if workflow.CRMSecret() != "" {
		fmt.Fprintf(c.stdout, "%s is set and wins over it while it is.\n", workflow.SecretEnv)
	}
	fmt.Fprintln(c.stdout, "Run 'leadcap crm test' to check it.")
	return nil
}

func deleteSecret(c *cli, cs workflow.CRMSettings) error {
	err := workflow.ForgetSecret(credentials.System{}, cs)
	if errors.Is(err, credentials.ErrNotFound) {
		fmt.Fprintf(c.stdout, "The keyring held no secret for %s: nothing to delete.\n", cs.SecretAccount())
		return nil
	}
	if err != nil {
		return keyringError(err)
	}
	fmt.Fprintf(c.stdout, "The secret for %s is deleted from this device's keyring.\n", cs.SecretAccount())
	return nil
}

// keyringError is the sentence for a keyring that cannot be used.
func keyringError(err error) error {
	if errors.Is(err, credentials.ErrUnavailable) {
		return failf("%s.", credentials.ErrUnavailable)
	}
	return failf("%s.", strings.TrimPrefix(err.Error(), "workflow: "))
}

// readSecret reads one secret from standard input: without echo after a
// prompt on stderr when it is a terminal, else all of it (at most 64 KB),
// trimmed of surrounding white space.
func (c *cli) readSecret(prompt string) (string, error) {
	if f, ok := c.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(c.stderr, prompt)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(c.stderr)
		return strings.TrimSpace(string(b)), err
	}
	b, err := io.ReadAll(io.LimitReader(c.stdin, maxSecret+1))
	if err != nil {
		return "", err
	}
	if len(b) > maxSecret {
		return "", errors.New("more than 64 KB: that is not a password or token")
	}
	return strings.TrimSpace(string(b)), nil
}
