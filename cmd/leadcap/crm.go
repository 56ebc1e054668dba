package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"leadcap/internal/credentials"
	"leadcap/storage"
	"leadcap/syncer"
	"leadcap/workflow"
)

func newCRMCmd(c *cli) *cobra.Command {
	cmd := group(&cobra.Command{
		Use:   "crm set|show|test|secret ...",
		Short: "set up the CRM that 'leadcap sync' delivers leads to, show it, test it",
		Long: `leadcap crm set tryton --url U --database D --user U
leadcap crm set hubspot [--url U] [--external-id PROP] [--details-field PROP]
leadcap crm set salesforce --url U [--api-version VERSION] [--external-id FIELD] [--details-field FIELD]
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
		Example: `  leadcap crm set tryton --url https://tryton.example.com/ --database sales --user leadcap
  printf %s "$TOKEN" | leadcap crm secret set
  leadcap crm test`,
	}, "missing subcommand: set, show, test or secret", "unknown subcommand %q: use set, show, test or secret")
	cmd.AddCommand(newCRMSetCmd(c), newCRMShowCmd(c), newCRMTestCmd(c), newCRMSecretCmd(c))
	return cmd
}

// crmSetOptions are the arguments and flags of "leadcap crm set".
type crmSetOptions struct {
	settings workflow.CRMSettings
	rate     string
}

func newCRMSetCmd(c *cli) *cobra.Command {
	o := &crmSetOptions{}
	cmd := &cobra.Command{
		Use:   "set tryton|hubspot|salesforce|webhook [--url U] [--database D] [--user U] [--external-id F] [--api-version VERSION] [--details-field F] [--rate N]",
		Short: "store the connector and its settings, replacing the previous set-up",
		Long: `leadcap crm set tryton --url U --database D --user U
leadcap crm set hubspot [--url U] [--external-id PROP] [--details-field PROP]
leadcap crm set salesforce --url U [--api-version VERSION] [--external-id FIELD] [--details-field FIELD]
leadcap crm set webhook --url U
The secret is never a flag: see 'leadcap crm secret set'.`,
		Example: `  leadcap crm set tryton --url https://tryton.example.com/ --database sales --user leadcap
  leadcap crm set hubspot --details-field leadcap_details --rate 5
  leadcap crm set salesforce --url https://acme.my.salesforce.com --api-version v62.0
  leadcap crm set webhook --url https://crm.example.com/hooks/leadcap`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.settings.Connector = args[0]
			return runCRMSet(c, o)
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return []cobra.Completion{"tryton", "hubspot", "salesforce", "webhook"}, cobra.ShellCompDirectiveNoFileComp
		},
	}
	f := cmd.Flags()
	cs := &o.settings
	f.StringVar(&cs.URL, "url", "", "the CRM's address `U`: Tryton server, Salesforce org, webhook endpoint; HubSpot: API root (default https://api.hubapi.com)")
	f.StringVar(&cs.Database, "database", "", "Tryton: the database `NAME`")
	f.StringVar(&cs.User, "user", "", "Tryton: the user `NAME`")
	f.StringVar(&cs.ExternalID, "external-id", "", "Salesforce: the Lead external ID `FIELD` (default Leadcap_Lead_ID__c); HubSpot: the lead ID property (default leadcap_lead_id)")
	f.StringVar(&cs.APIVersion, "api-version", "", "Salesforce: the REST API `VERSION`, e.g. v62.0 (default v62.0)")
	f.StringVar(&cs.DetailsField, "details-field", "", "HubSpot/Salesforce: the `FIELD` that takes the event, qualification and notes")
	f.StringVar(&o.rate, "rate", "", "at most `N` pushes per second (default: the connector's)")
	return cmd
}

func runCRMSet(c *cli, o *crmSetOptions) error {
	cs := o.settings
	if o.rate != "" {
		r, err := strconv.ParseFloat(o.rate, 64)
		if err != nil || r <= 0 {
			return usagef("--rate %q is not a number of pushes per second: write it like 5 or 0.5", o.rate)
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
		_, src, kerr := workflow.ResolveSecretIn(c.env, credentials.System{}, cs)
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

// crmJSON is the output of "crm show --json".
type crmJSON struct {
	Connector    string  `json:"connector"`
	URL          string  `json:"url,omitempty"`
	Database     string  `json:"database,omitempty"`
	User         string  `json:"user,omitempty"`
	ExternalID   string  `json:"external_id,omitempty"`
	APIVersion   string  `json:"api_version,omitempty"`
	DetailsField string  `json:"details_field,omitempty"`
	Rate         float64 `json:"rate,omitempty"`
	// Secret says where the secret comes from: environment, keyring or
	// missing; empty without a CRM.
	Secret string `json:"secret,omitempty"`
}

// secretSource names where the secret of cs comes from, for crm show --json.
func secretSource(cs workflow.CRMSettings, src workflow.SecretSource) string {
	if cs.Connector == "" {
		return ""
	}
	switch src {
	case workflow.SecretFromEnv:
		return "environment"
	case workflow.SecretFromKeyring:
		return "keyring"
	}
	return "missing"
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

// crmShowOptions are the flags of "leadcap crm show".
type crmShowOptions struct{ json bool }

func newCRMShowCmd(c *cli) *cobra.Command {
	o := &crmShowOptions{}
	cmd := &cobra.Command{
		Use:   "show [--json]",
		Short: "print the set-up and where the secret comes from, never the secret",
		Long: `The secret comes from the environment, the keyring, or is missing.
--json prints one object: connector, url, database, user, external_id,
api_version, details_field, rate and secret (where it comes from).`,
		Example: "  leadcap crm show\n  leadcap crm show --json",
		Args:    exactArgs(0),
		RunE:    func(cmd *cobra.Command, args []string) error { return runCRMShow(c, o) },
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "print one JSON object")
	return cmd
}

func runCRMShow(c *cli, o *crmShowOptions) error {
	return c.withStore(func(s *storage.Store) error {
		cs, err := workflow.LoadCRM(s)
		if err != nil {
			return crmError("the CRM settings cannot be read", err)
		}
		_, src, kerr := workflow.ResolveSecretIn(c.env, credentials.System{}, cs)
		if o.json {
			return json.NewEncoder(c.stdout).Encode(crmJSON{
				Connector: cs.Connector, URL: cs.URL, Database: cs.Database, User: cs.User, ExternalID: cs.ExternalID,
				APIVersion: cs.APIVersion, DetailsField: cs.DetailsField, Rate: cs.Rate, Secret: secretSource(cs, src),
			})
		}
		for _, line := range cs.Describe(src) {
			fmt.Fprintln(c.stdout, line)
		}
		if cs.Connector != "" {
			printNoKeyring(c, kerr)
		}
		return nil
	})
}

// crmTestOptions are the flags of "leadcap crm test".
type crmTestOptions struct{ timeout time.Duration }

func newCRMTestCmd(c *cli) *cobra.Command {
	o := &crmTestOptions{}
	cmd := &cobra.Command{
		Use:     "test [--timeout D]",
		Short:   "check with one cheap call that the CRM answers and accepts the credentials",
		Long:    "Prints one line; exits 1 when the CRM does not answer or refuses the credentials.",
		Example: "  leadcap crm test\n  leadcap crm test --timeout 30s",
		Args:    exactArgs(0),
		RunE:    func(cmd *cobra.Command, args []string) error { return runCRMTest(c, o) },
	}
	cmd.Flags().DurationVar(&o.timeout, "timeout", 0, "give up after `D`, e.g. 10s (default 15s)")
	return cmd
}

func runCRMTest(c *cli, o *crmTestOptions) error {
	return c.withStore(func(s *storage.Store) error {
		cs, err := workflow.LoadCRM(s)
		if err != nil {
			return crmError("the CRM settings cannot be read", err)
		}
		if err := workflow.TestCRMIn(c.ctx, c.env, s, "", o.timeout); err != nil {
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

func newCRMSecretCmd(c *cli) *cobra.Command {
	cmd := group(&cobra.Command{
		Use:   "secret set|delete",
		Short: "keep the CRM's secret in this device's keyring, or remove it",
		Long: `leadcap crm secret set
    reads the secret from standard input (typed without echo on a terminal,
    or piped: printf %s "$TOKEN" | leadcap crm secret set) and keeps it in
    this device's keyring for the CRM set up now. Never as an argument.
leadcap crm secret delete
    removes it from the keyring.`,
		Example: "  printf %s \"$TOKEN\" | leadcap crm secret set\n  leadcap crm secret delete",
	}, "missing subcommand: leadcap crm secret set|delete",
		"unknown subcommand %q: use leadcap crm secret set (reads standard input) or leadcap crm secret delete")
	cmd.AddCommand(
		newCRMSecretVerbCmd(c, "set", "read the secret from standard input and keep it in this device's keyring",
			"  printf %s \"$TOKEN\" | leadcap crm secret set\n  leadcap crm secret set   # asks, without echo"),
		newCRMSecretVerbCmd(c, "delete", "remove the CRM's secret from this device's keyring", "  leadcap crm secret delete"))
	return cmd
}

// crmSecretOptions are the arguments of "leadcap crm secret set|delete".
type crmSecretOptions struct {
	verb string
	args int // arguments given: none is right, the secret is never one
}

func newCRMSecretVerbCmd(c *cli, verb, short, example string) *cobra.Command {
	o := &crmSecretOptions{verb: verb}
	return &cobra.Command{
		Use:     verb,
		Short:   short,
		Example: example,
		Args:    cobra.ArbitraryArgs, // checked in runCRMSecret, without echoing them
		RunE: func(cmd *cobra.Command, args []string) error {
			o.args = len(args)
			return runCRMSecret(c, o)
		},
	}
}

func runCRMSecret(c *cli, o *crmSecretOptions) error {
	verb := o.verb
	if o.args > 0 { // not echoed: it may be the secret
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
	if workflow.CRMSecretIn(c.env) != "" {
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
