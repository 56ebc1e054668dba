// Package credentials keeps the CRM secret (a password, an access token or
// a webhook key) in the operating system's keyring: the Secret Service on
// Linux (GNOME Keyring, KWallet), the Keychain on macOS, the Credential
// Manager on Windows, through github.com/zalando/go-keyring.
//
// It is the one place leadcap talks to a keyring; workflow decides which
// account a secret is filed under and that LEADCAP_CRM_SECRET wins over
// it. Secrets never go to the leadcap database or a log line.
//
// The tests use a real Secret Service: scripts/keyring.sh start runs
// gnome-keyring under dbus-run-session (make test does it first).
package credentials
