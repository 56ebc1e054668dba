package workflow

import (
	"errors"

	"leadcap/internal/credentials"
	"leadcap/storage"
)

// EnvPassphrase names the variable that holds an encrypted database's
// passphrase, for the CLI and the app.
const EnvPassphrase = "LEADCAP_PASSPHRASE"

var _ storage.KeyStore = credentials.DatabaseKeys{}

// KeyringKey is the key source of a database whose key is kept in kr (the
// OS keyring): Encrypt makes and saves the key there, Open reads it.
func KeyringKey(kr credentials.Keyring) storage.KeyringKey {
	return storage.KeyringKey{Keys: credentials.DatabaseKeys{Keyring: kr}}
}

// StoreKey unlocks an encrypted database on this device, whichever kind
// it is: with the passphrase in LEADCAP_PASSPHRASE when that is set, or
// with its key in kr. The database's header picks the one it needs.
func StoreKey(kr credentials.Keyring) storage.KeySource { return StoreKeyIn(nil, kr) }

// StoreKeyIn is StoreKey with LEADCAP_PASSPHRASE read from env (nil: the
// process's environment).
func StoreKeyIn(env Env, kr credentials.Keyring) storage.KeySource {
	var pw storage.KeySource
	if p, ok := env.Lookup(EnvPassphrase); ok {
		pw = storage.Passphrase(p)
	}
	return storage.AnyKey(pw, KeyringKey(kr))
}

// HasKeyring reports whether kr can keep a database's key on this device.
func HasKeyring(kr credentials.Keyring) bool {
	_, err := credentials.DatabaseKeys{Keyring: kr}.LoadKey("leadcap keyring probe")
	return err == nil || !errors.Is(err, credentials.ErrNoKeyring)
}
