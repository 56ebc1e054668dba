package main

import (
	"github.com/spf13/cobra"
)

func newCompletionCmd(c *cli) *cobra.Command {
	cmd := group(&cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "print the shell completion script for bash, zsh, fish or PowerShell",
		Long: `The script completes commands, flags, event names and IDs after --event and
lead IDs where a command takes one, read from the database (--db, else
$LEADCAP_DB, else the default) without waiting for one another process holds.
'make package' installs the scripts with the man pages.`,
		Example: `  source <(leadcap completion bash)
  leadcap completion bash > /etc/bash_completion.d/leadcap
  leadcap completion zsh > "${fpath[1]}/_leadcap"
  leadcap completion fish > ~/.config/fish/completions/leadcap.fish`,
	}, "missing subcommand: bash, zsh, fish or powershell", "unknown shell %q: use bash, zsh, fish or powershell")
	shells := []struct {
		name, example string
		gen           func(root *cobra.Command) error
	}{
		{"bash", "  source <(leadcap completion bash)", func(root *cobra.Command) error { return root.GenBashCompletionV2(c.stdout, true) }},
		{"zsh", "  leadcap completion zsh > \"${fpath[1]}/_leadcap\"", func(root *cobra.Command) error { return root.GenZshCompletion(c.stdout) }},
		{"fish", "  leadcap completion fish > ~/.config/fish/completions/leadcap.fish", func(root *cobra.Command) error { return root.GenFishCompletion(c.stdout, true) }},
		{"powershell", "  leadcap completion powershell | Out-String | Invoke-Expression", func(root *cobra.Command) error {
			return root.GenPowerShellCompletionWithDesc(c.stdout)
		}},
	}
	for _, sh := range shells {
		cmd.AddCommand(&cobra.Command{
			Use:     sh.name,
			Short:   "print the completion script for " + sh.name,
			Example: sh.example,
			Args:    exactArgs(0),
			RunE: func(cmd *cobra.Command, args []string) error {
				if err := sh.gen(cmd.Root()); err != nil {
					return fail("could not write the completion script", err)
				}
				return nil
			},
		})
	}
	return cmd
}
