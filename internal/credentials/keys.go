package credentials

import (
	"encoding/base64"
	"errors"
	"fmt"
)

// ErrNoKey means the keyring holds no key for the database.
var ErrNoKey = errors.New("the keyring holds no key for this database")

// ErrNoKeyring means there is no keyring to keep a database's key in.
var ErrNoKeyring = errors.New("this device has no keyring leadcap can use (Secret Service such as GNOME Keyring or KWallet, macOS Keychain, Windows Credential Manager): encrypt with a passphrase instead")

// DatabaseKeys keeps the keys of encrypted databases in a Keyring, base64
// under the account "database key ID" (ID names the database, see
// storage.KeyringKey). It is a storage.KeyStore.
type DatabaseKeys struct {
	Keyring Keyring
}

func keyAccount(id string) string { return "database key " + id }

// LoadKey returns the key saved for the database id; errors wrap ErrNoKey
// or ErrNoKeyring.
func (d DatabaseKeys) LoadKey(id string) ([]byte, error) {
	s, err := d.Keyring.Get(keyAccount(id))
	if err != nil {
		return nil, keyError(err)
	}
	key, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("credentials: the keyring's entry for database %s is not a key: %w", id, err)
	}
	return key, nil
}

// SaveKey saves key for the database id, replacing an earlier one.
func (d DatabaseKeys) SaveKey(id string, key []byte) error {
	if len(key) == 0 {
		return ErrEmpty
	}
	return keyError(d.Keyring.Set(keyAccount(id), base64.StdEncoding.EncodeToString(key)))
}

// DeleteKey removes the database's key: its data cannot be read anymore
// on this device.
func (d DatabaseKeys) DeleteKey(id string) error {
	return keyError(d.Keyring.Delete(keyAccount(id)))
}

func keyError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrNotFound):
		return ErrNoKey
	case errors.Is(err, ErrUnavailable):
		return fmt.Errorf("%w (%v)", ErrNoKeyring, errors.Unwrap(err))
	}
	return err
}
