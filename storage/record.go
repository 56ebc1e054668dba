package storage

import (
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/klauspost/compress/zstd"

	"leadcap/lead"
)

// Lead record formats: the first byte of a value in bLeads.
const (
	// recJSON is a schema-2 record: plain JSON (its first byte is '{').
	recJSON = '{'
	// recZstd is JSON compressed with zstd and zstdDict: about a third of
	// the JSON's size, because the field names come from the dictionary.
	recZstd = 0x01
	// recSealed is a recZstd record sealed with XChaCha20-Poly1305: nonce
	// (24) + ciphertext; the lead ID is the additional data, so a record
	// moved to another key does not open.
	recSealed = 0x02
)

// zstdDictID names zstdDict in every compressed record. A record written
// with one dictionary can only be read with it: a new dictionary gets a new
// ID and the old one stays for reading.
const zstdDictID = 0x4c43_0001

// zstdDict primes the compressor with what every lead record repeats: its
// field names and the common values. Never change it (see zstdDictID).
const zstdDict = `{"id":"","event_id":"","contact":{"full_name":"","given_name":"","family_name":"",` +
	`"organization":"","title":"","department":"","emails":["@gmail.com",".com"],"phones":[{"number":"+49","raw":"+49 ","kind":"work"},` +
	`{"number":"+1","raw":"","kind":"mobile"}],"urls":["https://www."],"address":{"street":"","city":"","region":"",` +
	`"postal_code":"","country":"DE"}},"source":{"channel":"offline","method":"qr-scan"},"badge_id":"",` +
	`"raw_payload":"BEGIN:VCARD\nVERSION:3.0\nN:;\nFN:\nORG:\nTITLE:\nEMAIL;TYPE=INTERNET:\nTEL;TYPE=WORK:\nURL:\nEND:VCARD",` +
	`"captured_at":"2026-01-01T00:00:00Z","captured_by":"","device_id":"","qualification":{"fit":"unknown","budget":"unknown",` +
	`"authority":"unknown","interest":"unknown","disqualified":true,"answers":{}},"rating":"unrated","hot","warm","cold",` +
	`"consent":{"basis":"none","consent","legitimate-interest"},"notes":[{"id":"","at":"2026-01-01T00:00:00Z","author":"",` +
	`"text":"","follow_up":"2026-01-01T00:00:00Z"}],"version":1,"updated_at":"2026-01-01T00:00:00Z"}` +
	`{"fit":"yes","budget":"no","authority":"yes","interest":"no"}`

// codec turns leads into stored bytes and back, and derives index keys
// that must not show what they index when the store is encrypted.
type codec struct {
	zenc *zstd.Encoder
	zdec *zstd.Decoder
	// aead seals lead records and summary strings; nil when the store is
	// not encrypted.
	aead cipher.AEAD
	// mac keys the HMAC of search words and duplicate keys; a fixed public
	// key when the store is not encrypted.
	mac []byte
}

// plainMAC keys index hashes of a store that is not encrypted: they hide
// nothing then, the records are plain too.
var plainMAC = []byte("leadcap index keys, not encrypted")

func newCodec() (*codec, error) {
	zenc, err := zstd.NewWriter(nil, zstd.WithEncoderDictRaw(zstdDictID, []byte(zstdDict)),
		zstd.WithEncoderConcurrency(1), zstd.WithEncoderCRC(false), zstd.WithZeroFrames(true),
		zstd.WithLowerEncoderMem(true), zstd.WithEncoderLevel(zstd.SpeedBetterCompression))
	if err != nil {
		return nil, fmt.Errorf("storage: record compressor: %w", err)
	}
	zdec, err := zstd.NewReader(nil, zstd.WithDecoderDictRaw(zstdDictID, []byte(zstdDict)),
		zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(maxRecord))
	if err != nil {
		return nil, fmt.Errorf("storage: record decompressor: %w", err)
	}
	return &codec{zenc: zenc, zdec: zdec, mac: plainMAC}, nil
}

// codec returns the store's codec. A Store made without Open (Verify's)
// gets a plain one: it reads plain records, and a sealed one fails to open
// with ErrEncrypted.
func (s *Store) codec() *codec {
	if c := s.rc.Load(); c != nil {
		return c
	}
	c, err := newCodec()
	if err != nil {
		panic(err) // fixed, valid options
	}
	if !s.rc.CompareAndSwap(nil, c) {
		c.close()
	}
	return s.rc.Load()
}

// maxRecord bounds a decompressed lead record (a damaged record must not
// make us allocate gigabytes).
const maxRecord = 64 << 20

func (c *codec) close() {
	c.zenc.Close()
	c.zdec.Close()
}

// encodeLead returns l as stored: compressed, and sealed when the store is
// encrypted.
func (c *codec) encodeLead(l *lead.Lead) ([]byte, error) {
	data, err := json.Marshal(l)
	if err != nil {
		return nil, err
	}
	z := c.zenc.EncodeAll(data, []byte{recZstd})
	if c.aead == nil {
		return z, nil
	}
	return c.seal(recSealed, z, l.ID[:]), nil
}

// decodeLead reads a stored lead record in any of the formats.
func (c *codec) decodeLead(id, v []byte) (lead.Lead, error) {
	var l lead.Lead
	data, err := c.leadJSON(id, v)
	if err == nil {
		err = json.Unmarshal(data, &l)
	}
	if err != nil {
		return lead.Lead{}, damaged("lead %x does not decode: %v", id, err)
	}
	return l, nil
}

func (c *codec) leadJSON(id, v []byte) ([]byte, error) {
	if len(v) == 0 {
		return nil, errors.New("empty record")
	}
	switch v[0] {
	case recJSON:
		return v, nil
	case recZstd:
		return c.zdec.DecodeAll(v[1:], nil)
	case recSealed:
		z, err := c.open(v, id)
		if err != nil {
			return nil, err
		}
		if len(z) == 0 || z[0] != recZstd {
			return nil, errors.New("sealed record holds no compressed lead")
		}
		return c.zdec.DecodeAll(z[1:], nil)
	}
	return nil, fmt.Errorf("unknown record format %d", v[0])
}

// current reports whether a stored record is in the format this store
// writes (rebuild rewrites the others).
func (c *codec) current(v []byte) bool {
	if c.aead != nil {
		return len(v) > 0 && v[0] == recSealed
	}
	return len(v) > 0 && v[0] == recZstd
}

// seal returns format + nonce + sealed plain, bound to ad.
func (c *codec) seal(format byte, plain, ad []byte) []byte {
	ns := c.aead.NonceSize()
	out := make([]byte, 1+ns, 1+ns+len(plain)+c.aead.Overhead())
	out[0] = format
	if _, err := rand.Read(out[1:]); err != nil {
		panic(err) // crypto/rand never fails on supported systems
	}
	return c.aead.Seal(out, out[1:1+ns], plain, ad)
}

// open reverses seal (v starts with the format byte).
func (c *codec) open(v, ad []byte) ([]byte, error) {
	if c.aead == nil {
		return nil, ErrEncrypted
	}
	ns := c.aead.NonceSize()
	if len(v) < 1+ns+c.aead.Overhead() {
		return nil, errors.New("sealed record too short")
	}
	return c.aead.Open(nil, v[1:1+ns], v[1+ns:], ad)
}

// A CRM's reply kept as an outbox entry's last error or a dead letter's
// reason may quote the lead's name or email: in an encrypted store such a
// value (JSON) is sealed, with the lead ID and what it is as additional
// data. Values without a reply stay plain JSON: they hold no personal
// data, and the sync path pays nothing for them.
var (
	adOutbox = []byte("outbox")
	adDead   = []byte("dead")
)

// sealReply seals data (the JSON of an outbox entry or dead letter of lead
// id) when the store is encrypted and the value holds a CRM's reply.
func (c *codec) sealReply(data, id, kind []byte, reply bool) []byte {
	if c.aead == nil || !reply {
		return data
	}
	return c.seal(recSealed, data, append(append([]byte{}, id...), kind...))
}

// openReply returns the JSON of a value written by sealReply.
func (c *codec) openReply(v, id, kind []byte) ([]byte, error) {
	if len(v) == 0 || v[0] != recSealed {
		return v, nil
	}
	return c.open(v, append(append([]byte{}, id...), kind...))
}

// tag returns n bytes of the keyed hash of s: index keys made from it show
// neither s nor, without the key, whether two stores hold the same s.
func (c *codec) tag(s string, n int) []byte {
	h := hmac.New(sha256.New, c.mac)
	h.Write([]byte(s))
	return h.Sum(nil)[:n]
}

// dupTagLen is the length of a hashed duplicate key: long enough that two
// different people at one event never collide.
const dupTagLen = 16

// dupIndexKey is the duplicate index key of a person at an event: the
// event ID and the keyed hash of the duplicate key (never the email or
// phone itself).
func (b *bx) dupIndexKey(eventID uuid.UUID, key string) []byte {
	return append(eventID[:len(eventID):len(eventID)], b.rc.tag(key, dupTagLen)...)
}
