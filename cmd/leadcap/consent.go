package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"leadcap/lead"
	"leadcap/storage"
)

// consentOptions are the arguments and flags of "leadcap consent".
type consentOptions struct {
	id      string
	basis   lead.LegalBasis
	status  lead.ConsentStatus
	wording string
	set     map[string]bool
}

func newConsentCmd(c *cli) *cobra.Command {
	o := &consentOptions{}
	cmd := &cobra.Command{
		Use:     "consent ID --basis none|legitimate-interest|consent --status requested|active|revoked [--wording VERSION]",
		Short:   "record the legal basis and the consent status of a lead",
		Long:    `--wording names the version of the consent text the person was shown.`,
		Example: `  leadcap consent 01932c5e --basis consent --status active --wording 2026-03`,
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.id, o.set = args[0], changed(cmd)
			return runConsent(c, o)
		},
		ValidArgsFunction: completeLeadID(c, 1),
	}
	f := cmd.Flags()
	enumVar(f, "basis", "legal basis: `none|legitimate-interest|consent`",
		func(s string) (err error) { o.basis, err = lead.ParseLegalBasis(s); return err })
	enumVar(f, "status", "`requested|active|revoked`",
		func(s string) (err error) { o.status, err = lead.ParseConsentStatus(s); return err })
	f.StringVar(&o.wording, "wording", "", "`VERSION` of the consent text shown")
	cmd.RegisterFlagCompletionFunc("basis", fixedCompletions("none", "legitimate-interest", "consent"))
	cmd.RegisterFlagCompletionFunc("status", fixedCompletions("requested", "active", "revoked"))
	return cmd
}

func runConsent(c *cli, o *consentOptions) error {
	if !o.set["basis"] || !o.set["status"] {
		return usagef("give both --basis and --status")
	}
	return c.withStore(func(s *storage.Store) error {
		l, err := updateLead(s, o.id, func(l *lead.Lead) error {
			l.Consent = lead.Consent{Basis: o.basis, Status: o.status, WordingVersion: strings.TrimSpace(o.wording), At: c.now().UTC()}
			return nil
		})
		if err != nil {
			return err
		}
		fmt.Fprintln(c.stdout, l.Consent.Summary())
		return nil
	})
}
