package storage

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// ErrEncrypted means the store's leads are encrypted and Open was given no
// key to unlock them.
var ErrEncrypted = errors.New("the database is encrypted: give its passphrase (LEADCAP_PASSPHRASE) to open it")

// ErrWrongKey means the passphrase or key given to Open does not unlock the
// store. Nothing was read or changed.
var ErrWrongKey = errors.New("wrong passphrase: the database was not opened and nothing was changed")

// ErrAlreadyEncrypted means Encrypt was called on a store that is
// encrypted already.
var ErrAlreadyEncrypted = errors.New("the database is encrypted already")

// A KeySource gives the key-encryption key that unlocks an encrypted
// store's data key. The data key itself is random and stored sealed in the
// file; the key-encryption key never is.
type KeySource interface {
	// Kind names the source ("passphrase", "keyring"). The store records
	// it, so that opening with the wrong kind of source says which one it
	// needs.
	Kind() string
	// Key returns the 32-byte key-encryption key. salt is the store's
	// random salt (a source that keeps its key elsewhere ignores it).
	Key(salt []byte) ([]byte, error)
}

// Argon2id cost for passphrases (RFC 9106, second recommended option):
// about 0.1-0.3 s and 64 MiB on a laptop, paid once per Open.
const (
	argonTime    = 3
	argonMemory  = 64 << 10 // KiB
	argonThreads = 4
)

// Passphrase is a KeySource that derives the key from a passphrase with
// Argon2id, for machines without a keyring.
func Passphrase(p string) KeySource { return passphrase(p) }

type passphrase string

func (passphrase) Kind() string { return "passphrase" }

func (p passphrase) Key(salt []byte) ([]byte, error) {
	if p == "" {
		return nil, errors.New("the passphrase is empty")
	}
	return argon2.IDKey([]byte(p), salt, argonTime, argonMemory, argonThreads, chacha20poly1305.KeySize), nil
}

// KeyringKey adapts an OS keyring to KeySource: Load returns the 32-byte
// key stored there for this database (create one with NewKey and store it
// before calling Encrypt).
type KeyringKey struct {
	Load func() ([]byte, error)
}

// Kind implements KeySource.
func (KeyringKey) Kind() string { return "keyring" }

// Key implements KeySource.
func (k KeyringKey) Key([]byte) ([]byte, error) {
	key, err := k.Load()
	if err != nil {
		return nil, fmt.Errorf("read the key from the keyring: %w", err)
	}
	if len(key) != chacha20poly1305.KeySize {
		return nil, fmt.Errorf("the keyring holds a %d-byte key, want %d", len(key), chacha20poly1305.KeySize)
	}
	return key, nil
}

// NewKey returns a random 32-byte key for a KeyringKey.
func NewKey() []byte { return random(chacha20poly1305.KeySize) }

func random(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails on supported systems (crypto/rand)
	return b
}

// keyCrypt holds an encrypted store's sealed data key (meta "crypt").
var keyCrypt = []byte("crypt")

// cryptHeader is the JSON under keyCrypt. Key is the sealed 64 bytes of
// data key (32, for records) and index key (32, for index hashes).
type cryptHeader struct {
	V    int    `json:"v"`
	Kind string `json:"kind"`
	Salt []byte `json:"salt"`
	Key  []byte `json:"key"`
}

// keyAD binds the sealed data key to its purpose.
var keyAD = []byte("leadcap data key v1")

// unlock reads the store's crypt header and, when there is one, opens its
// data key with ks. It reads only: a wrong key changes nothing.
func (s *Store) unlock(ks KeySource) error {
	base, err := newCodec()
	if err != nil {
		return err
	}
	var h *cryptHeader
	err = s.db.View(func(tx *bolt.Tx) error {
		m := tx.Bucket(bMeta)
		if m == nil || m.Get(keyCrypt) == nil {
			return nil
		}
		h = new(cryptHeader)
		if err := json.Unmarshal(m.Get(keyCrypt), h); err != nil || h.V != 1 {
			return fmt.Errorf("%w (unreadable encryption header)", ErrDamaged)
		}
		return nil
	})
	if err == nil && h != nil {
		err = base.unlock(h, ks)
	}
	if err != nil {
		base.close()
		return err
	}
	s.rc.Store(base)
	return nil
}

func (c *codec) unlock(h *cryptHeader, ks KeySource) error {
	if ks == nil {
		return ErrEncrypted
	}
	if ks.Kind() != h.Kind {
		return fmt.Errorf("%w (its key is kept in the %s, not given as a %s)", ErrEncrypted, h.Kind, ks.Kind())
	}
	kek, err := ks.Key(h.Salt)
	if err != nil {
		return err
	}
	wrap, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return err
	}
	ns := wrap.NonceSize()
	if len(h.Key) < ns {
		return fmt.Errorf("%w (encryption header too short)", ErrDamaged)
	}
	keys, err := wrap.Open(nil, h.Key[:ns], h.Key[ns:], keyAD)
	if err != nil || len(keys) != 64 {
		return ErrWrongKey
	}
	c.aead, err = chacha20poly1305.NewX(keys[:32])
	c.mac = keys[32:]
	return err
}

// Encrypted reports whether the store's leads are encrypted.
func (s *Store) Encrypted() bool { return s.codec().aead != nil }

// Encrypt turns on encryption of the lead records, the names and emails of
// the list summaries, and the search and duplicate indexes (keyed hashes
// instead of words and emails), unlocked by ks from now on. It rewrites
// every lead in batches (like RebuildIndexes; writes wait meanwhile). If
// it is interrupted, the next Open (with ks) finishes the job; records not
// rewritten yet stay readable.
//
// bbolt reuses freed pages but does not wipe them: until they are
// overwritten, the file may still hold old plain records. Copy the store
// with Backup afterwards and use the copy to be sure none are left.
func (s *Store) Encrypt(ks KeySource) error {
	s.rebuilding.Lock()
	defer s.rebuilding.Unlock()
	if s.Encrypted() {
		return fmt.Errorf("storage: encrypt %s: %w", s.path, ErrAlreadyEncrypted)
	}
	h := cryptHeader{V: 1, Kind: ks.Kind(), Salt: random(16)}
	kek, err := ks.Key(h.Salt)
	if err != nil {
		return fmt.Errorf("storage: encrypt %s: %w", s.path, err)
	}
	wrap, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return fmt.Errorf("storage: encrypt %s: %w", s.path, err)
	}
	keys := random(64)
	nonce := random(wrap.NonceSize())
	h.Key = wrap.Seal(nonce, nonce, keys, keyAD)
	next := *s.codec()
	if next.aead, err = chacha20poly1305.NewX(keys[:32]); err != nil {
		return fmt.Errorf("storage: encrypt %s: %w", s.path, err)
	}
	next.mac = keys[32:]
	data, _ := json.Marshal(h) // a struct of ints, strings and bytes
	err = s.write(func(b *bx) error {
		if err := b.meta.Put(keyCrypt, data); err != nil {
			return err
		}
		return b.meta.Put(keyRebuild, []byte{1})
	})
	if err != nil {
		return fmt.Errorf("storage: encrypt %s: %w", s.path, err)
	}
	s.rc.Store(&next)
	if err := s.rebuild(); err != nil {
		return fmt.Errorf("storage: encrypt %s: %w", s.path, err)
	}
	return nil
}
