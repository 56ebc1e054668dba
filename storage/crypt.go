package storage

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
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

// ErrNoKeyringKey means the store's key is kept in a keyring and this
// device's keyring does not have it (or there is no keyring).
var ErrNoKeyringKey = errors.New("this database's key is not in this device's keyring: open it on the device that encrypted it (or restore that device's keyring), or restore a backup encrypted with a passphrase")

// A KeyStore keeps stores' keys outside the file (the OS keyring), each
// under the store's ID.
type KeyStore interface {
	// LoadKey returns the key saved for the store id.
	LoadKey(id string) ([]byte, error)
	// SaveKey saves key for the store id.
	SaveKey(id string, key []byte) error
}

// KeyringKey is a KeySource whose key is random and kept in a KeyStore
// (the OS keyring), never in the file. Encrypt creates and saves the key;
// Open loads it. The store's ID (see keyID) names it, so a backup or
// copy of the file is opened with the same key.
type KeyringKey struct {
	Keys KeyStore
}

// Kind implements KeySource.
func (KeyringKey) Kind() string { return "keyring" }

// Key implements KeySource: it loads the store's key.
func (k KeyringKey) Key(salt []byte) ([]byte, error) {
	key, err := k.Keys.LoadKey(keyID(salt))
	if err != nil {
		return nil, fmt.Errorf("%w (%w)", ErrNoKeyringKey, err)
	}
	if len(key) != chacha20poly1305.KeySize {
		return nil, fmt.Errorf("%w (the keyring holds a %d-byte key, want %d)", ErrNoKeyringKey, len(key), chacha20poly1305.KeySize)
	}
	return key, nil
}

// create makes a new random key for the store and saves it (Encrypt).
func (k KeyringKey) create(salt []byte) ([]byte, error) {
	key := NewKey()
	if err := k.Keys.SaveKey(keyID(salt), key); err != nil {
		return nil, fmt.Errorf("save the key in the keyring: %w", err)
	}
	return key, nil
}

// keyID names a store's key in a KeyStore: its random salt, which every
// copy of the file shares and which is no secret.
func keyID(salt []byte) string { return hex.EncodeToString(salt) }

// AnyKey offers several KeySources; the store's header picks the one of
// its kind (the keyring, or a passphrase). Encrypt needs a single source.
func AnyKey(ks ...KeySource) KeySource {
	var a anyKey
	for _, k := range ks {
		if k != nil {
			a = append(a, k)
		}
	}
	return a
}

type anyKey []KeySource

func (a anyKey) Kind() string {
	kinds := make([]string, len(a))
	for i, k := range a {
		kinds[i] = k.Kind()
	}
	return strings.Join(kinds, " or ")
}

func (a anyKey) Key([]byte) ([]byte, error) {
	return nil, errors.New("storage: choose one key source (keyring or passphrase) to encrypt with")
}

// pick returns the source of the given kind: ks itself, or one of an
// AnyKey; nil when there is none.
func pick(ks KeySource, kind string) KeySource {
	a, ok := ks.(anyKey)
	if !ok {
		a = anyKey{ks}
	}
	for _, k := range a {
		if k != nil && k.Kind() == kind {
			return k
		}
	}
	return nil
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
		s.key = pick(ks, h.Kind)
		err = base.unlock(h, s.key, ks)
	}
	if err != nil {
		base.close()
		return err
	}
	s.rc.Store(base)
	return nil
}

func (c *codec) unlock(h *cryptHeader, ks, given KeySource) error {
	if given == nil || len(AnyKey(given).(anyKey)) == 0 {
		return ErrEncrypted
	}
	if ks == nil {
		return fmt.Errorf("%w (its key is kept in the %s, not given as a %s)", ErrEncrypted, h.Kind, given.Kind())
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
// Attendee lists and the CRM replies kept with the outbox entries and
// dead letters (they may quote a name or email) are sealed too. Last, the file is compacted into a new
// one (Compact) that replaces it: bbolt keeps freed pages, with the old
// plain records in them, in the file; the new file holds none. An
// interrupted compaction is done by the next Open too (keyScrub). Backups
// made before stay plain: they are the user's to delete.
func (s *Store) Encrypt(ks KeySource) error {
	s.rebuilding.Lock()
	defer s.rebuilding.Unlock()
	if s.Encrypted() {
		return fmt.Errorf("storage: encrypt %s: %w", s.path, ErrAlreadyEncrypted)
	}
	h := cryptHeader{V: 1, Kind: ks.Kind(), Salt: random(16)}
	var kek []byte
	var err error
	if kr, ok := ks.(KeyringKey); ok {
		kek, err = kr.create(h.Salt)
	} else {
		kek, err = ks.Key(h.Salt)
	}
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
		for _, kv := range [][2][]byte{{keyCrypt, data}, {keyRebuild, {1}}, {keyScrub, {1}}} {
			if err := b.meta.Put(kv[0], kv[1]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("storage: encrypt %s: %w", s.path, err)
	}
	s.rc.Store(&next)
	s.key = ks
	if err := s.rebuild(); err != nil {
		return fmt.Errorf("storage: encrypt %s: %w", s.path, err)
	}
	if err := s.scrub(); err != nil {
		return fmt.Errorf("storage: encrypt %s: the leads are encrypted, but the file may still hold some of them in plain text until it is compacted (open it again to retry): %w", s.path, err)
	}
	return nil
}

// keyScrub, when present, says the file may still hold plain text from
// before Encrypt: attendee lists not sealed yet, and bbolt's free pages.
var keyScrub = []byte("scrub")

// scrub finishes Encrypt when keyScrub is set: it seals the attendee lists,
// compacts the file into a new one, and clears keyScrub. The caller holds
// s.rebuilding exclusively (or is Open, before anyone else has the store).
func (s *Store) scrub() error {
	pending := false
	err := s.view(func(b *bx) error {
		pending = b.meta.Get(keyScrub) != nil
		return nil
	})
	if err != nil || !pending || !s.Encrypted() {
		return err
	}
	if err := s.write(func(b *bx) error { return b.sealPlain() }); err != nil {
		return err
	}
	if err := s.compact(); err != nil {
		return err
	}
	// The meta page this frees holds no personal data.
	return s.write(func(b *bx) error { return b.meta.Delete(keyScrub) })
}

// sealPlain seals what Encrypt's rebuild does not rewrite: the attendee
// lists, and the outbox entries and dead letters that hold a CRM's reply.
func (b *bx) sealPlain() error {
	if err := b.sealAttendees(); err != nil {
		return err
	}
	var ids []uuid.UUID
	err := b.outbox.ForEach(func(k, v []byte) error {
		if id, ok := idOf(k); ok && len(v) > 0 && v[0] == '{' {
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range ids {
		if r, ok := b.outboxRec(id); ok && r.LastError != "" {
			if err := b.putOutbox(id, &r); err != nil {
				return err
			}
		}
	}
	var dead []DeadLetter
	err = b.dead.ForEach(func(k, v []byte) error {
		var d DeadLetter
		if len(v) > 0 && v[0] == '{' && json.Unmarshal(v, &d) == nil && d.Reason != "" {
			dead = append(dead, d)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, d := range dead {
		if err := b.putDead(d); err != nil {
			return err
		}
	}
	return nil
}

// share gives s (a copy of a store's file) the keys of c, the codec of the
// store it was copied from.
func (s *Store) share(c *codec) error {
	next, err := newCodec()
	if err != nil {
		return err
	}
	next.aead, next.mac = c.aead, c.mac
	s.rc.Store(next)
	return nil
}

// KeyKind returns the kind of key that unlocked the store ("keyring",
// "passphrase"), or "" when it is not encrypted.
func (s *Store) KeyKind() string {
	if s.key == nil || !s.Encrypted() {
		return ""
	}
	return s.key.Kind()
}
