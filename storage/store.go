package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Options tune Open. The zero value (or nil) is fine.
type Options struct {
	// Timeout is how long Open waits for another process to release the
	// file before failing with ErrLocked. Default 1s.
	Timeout time.Duration
	// ReadOnly opens the file without write access; several read-only
	// stores may share a file, but not with a writer.
	ReadOnly bool
	// Now is the clock for UpdatedAt, CreatedAt and outbox times. Default
	// time.Now.
	Now func() time.Time

	// Key unlocks an encrypted store (see Encrypt); it is not needed for
	// one that is not encrypted. A wrong key fails with ErrWrongKey.
	Key KeySource

	// pageSize overrides the page size of a new file (benchmarks);
	// rebuildBatch the leads per index-rebuild transaction (tests).
	pageSize, rebuildBatch int
}

// Store is a leadcap database. Its methods are safe for concurrent use.
type Store struct {
	db   *bolt.DB
	path string
	now  func() time.Time
	// batch is the number of leads per index-rebuild transaction.
	batch int
	// rebuilding is held by RebuildIndexes; every write transaction holds
	// it shared, so no lead changes while its indexes are half built.
	rebuilding sync.RWMutex
	// rc encodes records and index keys; Encrypt replaces it.
	rc atomic.Pointer[codec]
}

// pageSize for new files: leads and summaries are small, but 16 KiB pages
// keep a 100k-lead file compact and the B+tree shallow (see FACTS).
const pageSize = 16 << 10

// DefaultPath returns $LEADCAP_DB when set, else leadcap/leadcap.db under the
// user's data directory ($XDG_DATA_HOME or ~/.local/share on Linux,
// ~/Library/Application Support on macOS, %LocalAppData% on Windows).
func DefaultPath() (string, error) {
	if p := os.Getenv("LEADCAP_DB"); p != "" {
		return p, nil
	}
	dir, err := userDataDir()
	if err != nil {
		return "", fmt.Errorf("storage: find the data directory (set LEADCAP_DB to choose a database file): %w", err)
	}
	return filepath.Join(dir, "leadcap", "leadcap.db"), nil
}

func userDataDir() (string, error) {
	switch runtime.GOOS {
	case "windows":
		if d := os.Getenv("LocalAppData"); d != "" {
			return d, nil
		}
		return os.UserConfigDir()
	case "darwin", "ios":
		return os.UserConfigDir()
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return d, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "share"), nil
}

// Open opens the database at path, creating it (and its directory) when it
// does not exist, and migrates an older schema forward. It fails with an
// error wrapping ErrLocked when another process holds the file, ErrDamaged
// when the file is not a leadcap database (the file is then left as it was)
// and ErrNewerSchema when a newer leadcap wrote it.
func Open(path string, opt *Options) (*Store, error) {
	var o Options
	if opt != nil {
		o = *opt
	}
	if o.Timeout <= 0 {
		o.Timeout = time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.pageSize == 0 {
		o.pageSize = pageSize
	}
	if o.rebuildBatch <= 0 {
		o.rebuildBatch = rebuildBatch
	}
	if path == "" {
		return nil, errors.New("storage: open: no database path given")
	}
	if !o.ReadOnly {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("storage: create the database directory: %w", err)
		}
	} else if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("storage: open %s: %w", path, err)
	}
	if err := precheck(path); err != nil {
		return nil, err
	}
	return openGuarded(path, o)
}

// openGuarded opens and migrates the file, turning a crash inside bbolt on
// damaged pages (a panic, or a memory fault made a panic) into ErrDamaged.
func openGuarded(path string, o Options) (s *Store, err error) {
	var db *bolt.DB
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("storage: open %s: %w (%v)", path, ErrDamaged, r)
		}
		if err != nil && db != nil {
			_ = db.Close()
			s = nil
		}
	}()
	db, err = openBolt(path, &bolt.Options{
		Timeout:  o.Timeout,
		ReadOnly: o.ReadOnly,
		PageSize: o.pageSize,
	})
	if err != nil {
		return nil, err
	}
	s = &Store{db: db, path: path, now: o.Now, batch: o.rebuildBatch}
	if err := s.unlock(o.Key); err != nil {
		return nil, fmt.Errorf("storage: open %s: %w", path, err)
	}
	if err := s.migrate(o.ReadOnly); err != nil {
		return nil, err
	}
	if !o.ReadOnly {
		if err := s.releaseLeases(); err != nil {
			return nil, fmt.Errorf("storage: open %s: release the claims of an earlier sync: %w", path, err)
		}
	}
	return s, nil
}

// openBolt is bolt.Open that survives damaged pages: bbolt reads the
// freelist while opening and panics (or faults) on garbage; the file handle
// is then closed, which releases its lock, and the error wraps ErrDamaged.
func openBolt(path string, bo *bolt.Options) (db *bolt.DB, err error) {
	var f *os.File
	bo.OpenFile = func(name string, flag int, mode os.FileMode) (*os.File, error) {
		var err error
		f, err = os.OpenFile(name, flag, mode)
		return f, err
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if f != nil {
				_ = f.Close()
			}
			db, err = nil, fmt.Errorf("storage: open %s: %w (%v)", path, ErrDamaged, r)
		}
	}()
	db, err = bolt.Open(path, 0o600, bo)
	if err != nil {
		return nil, openError(path, err)
	}
	return db, nil
}

func openError(path string, err error) error {
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return fmt.Errorf("storage: open %s: %w", path, ErrLocked)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrVersionMismatch),
		errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrInvalidMapping):
		return fmt.Errorf("storage: open %s: %w (%v)", path, ErrDamaged, err)
	}
	return fmt.Errorf("storage: open %s: %w", path, err)
}

// Close releases the file. The store must not be used afterwards.
func (s *Store) Close() error {
	defer s.codec().close()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("storage: close %s: %w", s.path, err)
	}
	return nil
}

// Path is the file the store was opened from.
func (s *Store) Path() string { return s.path }

// bbolt's on-disk meta page (bbolt v1.5.0, internal/common/meta.go), read by
// precheck before bbolt maps the file: a file whose meta pages are invalid
// or that is shorter than its meta says would otherwise crash the process
// when bbolt touches a page past the end.
const (
	boltMagic       = 0xED0CDAED
	boltVersion     = 2
	pageHeaderSize  = 16
	metaChecksumOff = pageHeaderSize + 56
)

type boltMeta struct {
	pageSize       uint32
	root, freelist uint64
	pgid           uint64
	txid           uint64
}

func readMeta(buf []byte) (boltMeta, bool) {
	if len(buf) < metaChecksumOff+8 {
		return boltMeta{}, false
	}
	m := buf[pageHeaderSize:]
	le := binary.LittleEndian
	if le.Uint32(m[0:]) != boltMagic || le.Uint32(m[4:]) != boltVersion {
		return boltMeta{}, false
	}
	h := fnv.New64a()
	h.Write(buf[pageHeaderSize:metaChecksumOff])
	if h.Sum64() != le.Uint64(buf[metaChecksumOff:]) {
		return boltMeta{}, false
	}
	return boltMeta{
		pageSize: le.Uint32(m[8:]), root: le.Uint64(m[16:]), freelist: le.Uint64(m[32:]),
		pgid: le.Uint64(m[40:]), txid: le.Uint64(m[48:]),
	}, true
}

// precheck reads the file's meta pages without locking or writing. A
// missing or empty file is fine (Open creates the database).
func precheck(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("storage: open %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("storage: open %s: %w", path, err)
	}
	size := fi.Size()
	if size == 0 {
		return nil
	}
	damaged := func(why string) error {
		return fmt.Errorf("storage: open %s: %w (%s)", path, ErrDamaged, why)
	}
	buf := make([]byte, 4096)
	n, _ := io.ReadFull(f, buf)
	best, ok := readMeta(buf[:n])
	// The second meta page sits one page further; try the page size of the
	// first meta, then every size bbolt supports.
	sizes := []int64{}
	if ok {
		sizes = append(sizes, int64(best.pageSize))
	}
	for i := 10; i <= 24; i++ {
		sizes = append(sizes, 1<<i)
	}
	for _, ps := range sizes {
		if ps >= size {
			break
		}
		n, _ := f.ReadAt(buf, ps)
		if m, ok2 := readMeta(buf[:n]); ok2 && int64(m.pageSize) == ps {
			if !ok || m.txid > best.txid {
				best, ok = m, true
			}
			break
		}
	}
	if !ok {
		return damaged("no valid bbolt header")
	}
	if best.pageSize < 1024 || best.pageSize&(best.pageSize-1) != 0 {
		return damaged("impossible page size")
	}
	if need := int64(best.pgid) * int64(best.pageSize); size < need || size < 2*int64(best.pageSize) {
		return damaged(fmt.Sprintf("file is %d bytes, expected at least %d: it was truncated", size, need))
	}
	if why := checkPages(f, best); why != "" {
		return damaged(why)
	}
	return nil
}

// checkPages checks the root and freelist pages the meta points to, which
// bbolt reads while opening; bbolt itself would panic on garbage there.
func checkPages(f *os.File, m boltMeta) string {
	const (
		branch, leaf, freelist = 0x01, 0x02, 0x10
		noFreelist             = ^uint64(0)
	)
	ps := int64(m.pageSize)
	header := func(id uint64) (flags uint16, count uint16, overflow uint32, ok bool) {
		var h [pageHeaderSize]byte
		if id < 2 || id >= m.pgid {
			return 0, 0, 0, false
		}
		if _, err := f.ReadAt(h[:], int64(id)*ps); err != nil {
			return 0, 0, 0, false
		}
		le := binary.LittleEndian
		return le.Uint16(h[8:]), le.Uint16(h[10:]), le.Uint32(h[12:]), le.Uint64(h[0:]) == id
	}
	if flags, _, _, ok := header(m.root); !ok || (flags != branch && flags != leaf) {
		return "the root page is damaged"
	}
	if m.freelist == noFreelist {
		return ""
	}
	flags, count, overflow, ok := header(m.freelist)
	if !ok || flags != freelist || m.freelist+uint64(overflow) >= m.pgid {
		return "the free page list is damaged"
	}
	buf := make([]byte, (int64(overflow)+1)*ps-pageHeaderSize)
	if _, err := f.ReadAt(buf, int64(m.freelist)*ps+pageHeaderSize); err != nil {
		return "the free page list is damaged"
	}
	n, ids := uint64(count), buf
	if count == 0xFFFF {
		n, ids = binary.LittleEndian.Uint64(buf), buf[8:]
	}
	if n > uint64(len(ids)/8) {
		return "the free page list is damaged"
	}
	for i := range n {
		if id := binary.LittleEndian.Uint64(ids[i*8:]); id < 2 || id >= m.pgid {
			return "the free page list is damaged"
		}
	}
	return ""
}
