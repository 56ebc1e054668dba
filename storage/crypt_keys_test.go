package storage

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

// keyringStore makes an encrypted store whose key is in ring, with the
// PII leads, and closes it.
func keyringStore(t *testing.T, ring memKeys) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "leadcap.db")
	s, err := Open(path, nil)
	require.NoError(t, err)
	require.NoError(t, s.Encrypt(KeyringKey{Keys: ring}))
	addPII(t, s)
	require.NoError(t, s.Close())
	require.Len(t, ring, 1, "Encrypt saved one key in the keyring")
	return path
}

func TestKeyringStoreOpensWithTheKeyOfItsKind(t *testing.T) {
	ring := memKeys{}
	path := keyringStore(t, ring)

	_, err := Open(path, &Options{Key: Passphrase("correct horse battery")})
	require.ErrorIs(t, err, ErrEncrypted, "a passphrase is not the keyring")
	_, err = Open(path, &Options{Key: KeyringKey{Keys: memKeys{}}})
	require.ErrorIs(t, err, ErrNoKeyringKey, "another device's keyring")
	assert.Contains(t, err.Error(), "this database's key is not in this device's keyring")

	s, err := Open(path, &Options{Key: AnyKey(Passphrase("correct horse battery"), KeyringKey{Keys: ring})})
	require.NoError(t, err)
	defer s.Close()
	assert.True(t, s.Encrypted())
	assert.Equal(t, "", plainInBuckets(t, s))
	mustFind(t, s, "lovelace")
	require.NoError(t, s.Check())
}

func TestAnyKeyCannotEncrypt(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "leadcap.db"), nil)
	require.NoError(t, err)
	defer s.Close()
	require.Error(t, s.Encrypt(AnyKey(Passphrase("correct horse battery"))))
	assert.False(t, s.Encrypted())
}

// sealOne damages one sealed lead record: it flips its last byte.
func sealOne(t *testing.T, path string) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.Update(func(tx *bolt.Tx) error {
		k, v := tx.Bucket(bLeads).Cursor().First()
		bad := append([]byte(nil), v...)
		bad[len(bad)-1] ^= 0xff
		return tx.Bucket(bLeads).Put(k, bad)
	}))
}

func TestVerifyAndRestoreAnEncryptedBackupWithItsKey(t *testing.T) {
	ring := memKeys{}
	path := keyringStore(t, ring)
	key := KeyringKey{Keys: ring}
	s, err := Open(path, &Options{Key: key})
	require.NoError(t, err)
	backup := filepath.Join(t.TempDir(), "backup.db")
	require.NoError(t, s.BackupFile(backup), "BackupFile verifies the sealed leads with the store's key")
	require.NoError(t, s.Close())

	require.NoError(t, Verify(backup, key))
	require.ErrorIs(t, Verify(backup, KeyringKey{Keys: ringWith(NewKey())}), ErrWrongKey)

	sealOne(t, backup)
	require.NoError(t, Verify(backup, nil), "without the key only bbolt's structure is checked")
	require.ErrorIs(t, Verify(backup, key), ErrDamaged, "with the key every lead is decoded")
	require.ErrorIs(t, Restore(backup, path, key), ErrDamaged)

	good := filepath.Join(t.TempDir(), "good.db")
	s, err = Open(path, &Options{Key: key})
	require.NoError(t, err)
	require.NoError(t, s.BackupFile(good))
	require.NoError(t, s.Close())
	require.NoError(t, Restore(good, path, key))
	s, err = Open(path, &Options{Key: key})
	require.NoError(t, err)
	defer s.Close()
	mustFind(t, s, "müller")
}

func TestSalvageAnEncryptedStoreWithItsKey(t *testing.T) {
	for _, tc := range []struct {
		name string
		key  func(memKeys) KeySource
	}{
		{"keyring", func(r memKeys) KeySource { return KeyringKey{Keys: r} }},
		{"passphrase", func(memKeys) KeySource { return Passphrase("correct horse battery") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ring := memKeys{}
			ks := tc.key(ring)
			path := filepath.Join(t.TempDir(), "leadcap.db")
			s, err := Open(path, nil)
			require.NoError(t, err)
			require.NoError(t, s.Encrypt(ks))
			addPII(t, s)
			require.NoError(t, s.Close())

			rep, err := Salvage(path, filepath.Join(t.TempDir(), "lost.db"), nil)
			require.NoError(t, err)
			assert.Equal(t, 0, rep.Leads, "without the key nothing can be read")
			assert.Len(t, rep.Lost, 2)

			_, err = Salvage(path, filepath.Join(t.TempDir(), "wrong.db"), KeyringKey{Keys: ringWith(NewKey())})
			if tc.name == "keyring" {
				require.ErrorIs(t, err, ErrWrongKey)
			}

			out := filepath.Join(t.TempDir(), "salvaged.db")
			rep, err = Salvage(path, out, AnyKey(Passphrase("correct horse battery"), KeyringKey{Keys: ring}))
			require.NoError(t, err)
			assert.Equal(t, 2, rep.Leads)
			assert.Empty(t, rep.Lost)

			_, err = Open(out, nil)
			require.ErrorIs(t, err, ErrEncrypted, "the salvaged copy is encrypted too")
			s, err = Open(out, &Options{Key: AnyKey(Passphrase("correct horse battery"), KeyringKey{Keys: ring})})
			require.NoError(t, err)
			defer s.Close()
			assert.Equal(t, "", plainInBuckets(t, s))
			mustFind(t, s, "lovelace")
			require.NoError(t, s.Check())
		})
	}
}

var errInterrupted = errors.New("interrupted between batches")

// An encryption interrupted between two batches leaves a store that opens
// with the key, reads every lead, and is finished by that Open.
func TestEncryptInterruptedHalfway(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leadcap.db")
	s, err := Open(path, &Options{rebuildBatch: 3})
	require.NoError(t, err)
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	const n = 20
	for i := range n {
		mustAdd(t, s, newLead(ev, fmt.Sprintf("Person %02d", i), "Acme", fmt.Sprintf("p%02d@acme.example", i)))
	}
	batches := 0
	s.afterBatch = func() error {
		if batches++; batches == 2 {
			return errInterrupted
		}
		return nil
	}
	ks := Passphrase("correct horse battery")
	require.ErrorIs(t, s.Encrypt(ks), errInterrupted)
	require.NoError(t, s.Close())

	_, err = Open(path, nil)
	require.ErrorIs(t, err, ErrEncrypted, "half encrypted is encrypted")
	require.NoError(t, Verify(path, ks), "every lead decodes while half encrypted")

	s, err = Open(path, &Options{Key: ks}) // finishes the encryption
	require.NoError(t, err)
	defer s.Close()
	require.ErrorIs(t, s.Encrypt(ks), ErrAlreadyEncrypted)
	rows, err := s.List(Query{Text: "person"})
	require.NoError(t, err)
	assert.Len(t, rows, n)
	require.NoError(t, s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bLeads).ForEach(func(k, v []byte) error {
			assert.NotContains(t, string(v), "acme.example", "lead %x is sealed", k)
			return nil
		})
	}))
	assert.Empty(t, plainInDir(t, filepath.Dir(path), []string{"acme.example", "Person 0"}), "the Open compacted the file too")
	require.NoError(t, s.db.View(func(tx *bolt.Tx) error {
		assert.Nil(t, tx.Bucket(bMeta).Get(keyScrub), "and said so")
		return nil
	}))
	require.NoError(t, s.Check())
}
