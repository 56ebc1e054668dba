package credentials

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/zalando/go-keyring"
)

// Service is the name leadcap's secrets are filed under in the keyring.
const Service = "leadcap"

// ErrNotFound means the keyring holds no secret for the account.
var ErrNotFound = errors.New("the keyring of this device holds no CRM secret for this set-up")

// ErrUnavailable means this device has no keyring leadcap can use; the
// text says what to do instead.
var ErrUnavailable = errors.New("this device has no keyring leadcap can use (Secret Service such as GNOME Keyring or KWallet, macOS Keychain, Windows Credential Manager): put the secret in LEADCAP_CRM_SECRET for each run instead, or start a keyring and try again")

// ErrEmpty means an empty secret was to be stored.
var ErrEmpty = errors.New("the secret is empty: give the CRM password, access token or webhook key")

// Keyring stores one secret per account.
type Keyring interface {
	// Get returns the account's secret; errors wrap ErrNotFound or
	// ErrUnavailable.
	Get(account string) (string, error)
	// Set stores secret for the account, replacing an earlier one.
	Set(account, secret string) error
	// Delete removes the account's secret; ErrNotFound when there was none.
	Delete(account string) error
}

// System is the operating system's keyring. The zero value is ready.
type System struct{}

var _ Keyring = System{}

// Get reads the account's secret from the keyring.
func (System) Get(account string) (string, error) {
	if err := sessionBus(); err != nil {
		return "", err
	}
	s, err := keyring.Get(Service, account)
	if err != nil {
		return "", classify(err)
	}
	return s, nil
}

// Set stores the account's secret in the keyring.
func (System) Set(account, secret string) error {
	if secret == "" {
		return ErrEmpty
	}
	if err := sessionBus(); err != nil {
		return err
	}
	return classify(keyring.Set(Service, account, secret))
}

// Delete removes the account's secret from the keyring.
func (System) Delete(account string) error {
	if err := sessionBus(); err != nil {
		return err
	}
	return classify(keyring.Delete(Service, account))
}

// classify maps go-keyring's errors to ours: not found, or no keyring
// (no D-Bus session, no Secret Service, an unsupported platform, a
// locked keyring whose unlock was refused).
func classify(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, keyring.ErrNotFound):
		return ErrNotFound
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return fmt.Errorf("credentials: the secret is too long for the keyring: %w", err)
	}
	return fmt.Errorf("%w (%v)", ErrUnavailable, err)
}

// sessionBus checks, where the keyring is the Secret Service, that this
// process knows a D-Bus session bus. Without one, the D-Bus library would
// autolaunch a bus and a keyring daemon of its own that outlive leadcap.
func sessionBus() error {
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" || os.Getenv("DBUS_SESSION_BUS_ADDRESS") != "" {
		return nil
	}
	if dir := os.Getenv("XDG_RUNTIME_DIR"); dir != "" {
		if _, err := os.Stat(filepath.Join(dir, "bus")); err == nil {
			return nil
		}
	}
	return fmt.Errorf("%w (no D-Bus session: DBUS_SESSION_BUS_ADDRESS is not set)", ErrUnavailable)
}
