package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"leadcap/internal/credentials"
	"leadcap/storage"
	"leadcap/workflow"
)

// envPassphrase names the variable that holds an encrypted database's
// passphrase for every command.
const envPassphrase = workflow.EnvPassphrase

// minPassphrase is the shortest passphrase init accepts.
const minPassphrase = 8

// initOptions are the flags of "leadcap init".
type initOptions struct{ encrypt, keyring bool }

func newInitCmd(c *cli) *cobra.Command {
	o := &initOptions{}
	cmd := &cobra.Command{
		Use:   "init [--encrypt [--keyring]]",
		Short: "create the database, or encrypt the one there is",
		Long: `Creates the database when it does not exist yet and says where it is.
With --encrypt, encrypts its leads (XChaCha20-Poly1305, with a key derived
from a passphrase by Argon2id): the records, the names and emails of the
list, and the search and duplicate indexes. An existing database is
encrypted in place, lead by lead. The passphrase comes from ` + envPassphrase + `,
else from standard input (asked twice on a terminal). Every later command
needs it in ` + envPassphrase + `. Without the passphrase the leads cannot be
read by anyone, you included: keep it safe. The database is then compacted
into a new file that replaces it, so no plain copy of a lead stays in its
free pages; backups made before stay plain (delete them).

With --encrypt --keyring, the key is random and kept in this device's
keyring (Secret Service, macOS Keychain, Windows Credential Manager),
never in the database: every command then opens the database without a
passphrase, on this device only. A backup opens with the same keyring.`,
		Example: `  leadcap init
  leadcap init --encrypt
  leadcap init --encrypt --keyring`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error { return runInit(c, o) },
	}
	cmd.Flags().BoolVar(&o.encrypt, "encrypt", false, "encrypt the leads with a passphrase")
	cmd.Flags().BoolVar(&o.keyring, "keyring", false, "with --encrypt: keep a random key in this device's keyring instead of a passphrase")
	return cmd
}

func runInit(c *cli, o *initOptions) error {
	if o.keyring && !o.encrypt {
		return usagef("--keyring goes with --encrypt: 'leadcap init --encrypt --keyring'")
	}
	return c.withStore(func(s *storage.Store) error {
		n, err := s.Count(storage.Query{})
		if err != nil {
			return fail("could not count the leads", err)
		}
		switch {
		case o.encrypt && s.Encrypted():
			return failf("%s is encrypted already.", c.dbPath())
		case !o.encrypt:
			fmt.Fprintf(c.stdout, "database %s ready: %d leads, encrypted: %s\n", c.dbPath(), n, yesNo(s.Encrypted()))
			return nil
		}
		if o.keyring {
			return encryptInKeyring(c, s, n)
		}
		pw, err := c.newPassphrase()
		if err != nil {
			return err
		}
		if err := s.Encrypt(storage.Passphrase(pw)); err != nil {
			return fail("could not encrypt the database", err)
		}
		fmt.Fprintf(c.stdout, "database %s encrypted: %d leads. Set %s to use it; without the passphrase nobody can read the leads.\n",
			c.dbPath(), n, envPassphrase)
		return nil
	})
}

func encryptInKeyring(c *cli, s *storage.Store, n int) error {
	err := s.Encrypt(workflow.KeyringKey(credentials.System{}))
	if errors.Is(err, credentials.ErrNoKeyring) {
		return failf("%s: nothing was changed. Without a keyring, use 'leadcap init --encrypt' with a passphrase.", credentials.ErrNoKeyring)
	}
	if err != nil {
		return fail("could not encrypt the database", err)
	}
	fmt.Fprintf(c.stdout, "database %s encrypted: %d leads, with a key kept in this device's keyring. Every command opens it on this device; without this keyring nobody can read the leads.\n",
		c.dbPath(), n)
	return nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// newPassphrase reads a new passphrase: from the environment, else asked
// twice on a terminal, else the first line of standard input.
func (c *cli) newPassphrase() (string, error) {
	pw, ok := c.env(envPassphrase)
	if !ok {
		var err error
		if pw, err = c.readPassphrase(); err != nil {
			return "", err
		}
	}
	if len([]rune(pw)) < minPassphrase {
		return "", usagef("the passphrase is too short: choose one of at least %d characters (in %s or on standard input)", minPassphrase, envPassphrase)
	}
	return pw, nil
}

func (c *cli) readPassphrase() (string, error) {
	if f, ok := c.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		var got [2]string
		for i, prompt := range []string{"New passphrase: ", "Again: "} {
			fmt.Fprint(c.stderr, prompt)
			b, err := term.ReadPassword(int(f.Fd()))
			fmt.Fprintln(c.stderr)
			if err != nil {
				return "", fail("could not read the passphrase", err)
			}
			got[i] = string(b)
		}
		if got[0] != got[1] {
			return "", failf("the two passphrases differ: nothing was changed; run 'leadcap init --encrypt' again.")
		}
		return got[0], nil
	}
	line, err := bufio.NewReader(io.LimitReader(c.stdin, 4096)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fail("could not read the passphrase from standard input", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// key is what unlocks an encrypted database: the passphrase in the
// environment, when there is one, or this device's keyring (the
// database's header says which).
func (c *cli) key() storage.KeySource { return workflow.StoreKeyIn(c.env, credentials.System{}) }
