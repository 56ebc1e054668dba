// Package storagetest damages leadcap database files on purpose, for the
// tests of other packages that must show how damage is found and salvaged
// (check, backup, salvage) without knowing how records are encoded.
package storagetest

import (
	"fmt"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
)

// CorruptLead overwrites the stored record of lead id in the database file
// at path with bytes that decode in no record format, leaving bbolt's pages
// sound: the kind of damage only leadcap's own checks can find. The file
// must not be open elsewhere.
func CorruptLead(path string, id uuid.UUID) error {
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		return fmt.Errorf("storagetest: open %s: %w", path, err)
	}
	defer db.Close()
	return db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("leads"))
		if b == nil || b.Get(id[:]) == nil {
			return fmt.Errorf("storagetest: lead %s not in %s", id, path)
		}
		return b.Put(id[:], []byte{0xff, 0x00, 0xde, 0xad})
	})
}
