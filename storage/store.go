package storage

import (
	"errors"
	"fmt"
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
	// one that is not encrypted. A wrong key fails with ErrWrongKey; a
	// keyring without the store's key with ErrNoKeyringKey. AnyKey offers
	// several kinds: the store's header picks.
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
	// swap is held shared by every transaction and exclusively by Compact,
	// which replaces db.
	swap sync.RWMutex

	// damage is what this store found wrong (see damage.go).
	damage atomic.Pointer[Damage]

	// key is the source that unlocked the store (nil when it is not
	// encrypted); Salvage encrypts its copy with it.
	key KeySource
	// afterBatch, when set (tests), runs after each rebuild batch; an
	// error interrupts the rebuild there.
	afterBatch func() error
}

// pageSize for new files: leads and summaries are small, but 16 KiB pages
// keep a 100k-lead file compact and the B+tree shallow (see FACTS).
const pageSize = 16 << 10

// DefaultPath returns $LEADCAP_DB when set, else leadcap/leadcap.db under the
// user's data directory ($XDG_DATA_HOME or ~/.local/share on Linux,
// ~/Library/Application Support on macOS, %LocalAppData% on Windows).
func DefaultPath() (string, error) { return DefaultPathIn(nil) }

// DefaultPathIn is DefaultPath with the variables read through getenv
// (os.Getenv when nil): the command line passes each invocation's own
// environment.
func DefaultPathIn(getenv func(string) string) (string, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if p := getenv("LEADCAP_DB"); p != "" {
		return p, nil
	}
	dir, err := userDataDir(getenv)
	if err != nil {
		return "", fmt.Errorf("storage: find the data directory (set LEADCAP_DB to choose a database file): %w", err)
	}
	return filepath.Join(dir, "leadcap", "leadcap.db"), nil
}

// userDataDir is the user's data directory, as os.UserConfigDir and
// os.UserHomeDir find it but with the variables read through getenv.
func userDataDir(getenv func(string) string) (string, error) {
	switch runtime.GOOS {
	case "windows":
		if d := getenv("LocalAppData"); d != "" {
			return d, nil
		}
		if d := getenv("AppData"); d != "" { // os.UserConfigDir
			return d, nil
		}
		return "", errors.New("neither %LocalAppData% nor %AppData% is defined")
	case "darwin", "ios":
		if h := getenv("HOME"); h != "" { // os.UserConfigDir
			return filepath.Join(h, "Library", "Application Support"), nil
		}
		return "", errors.New("$HOME is not defined")
	}
	if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return d, nil
	}
	home := getenv("HOME") // os.UserHomeDir
	if home == "" {
		switch runtime.GOOS {
		case "android":
			home = "/"
		case "plan9":
			home = getenv("home")
		}
	}
	if home == "" {
		return "", errors.New("$HOME is not defined")
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
	if err := precheck(path, o.Timeout); err != nil {
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
		if err := s.releaseHolds(); err != nil {
			return nil, fmt.Errorf("storage: open %s: release the syncs held by an earlier review: %w", path, err)
		}
		// An encryption whose compaction failed (a full disk: it needs
		// room for a second copy) is finished here; failing again, it is
		// tried at the next Open, and the store is usable meanwhile.
		_ = s.scrub()
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
	s.saveDamage()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("storage: close %s: %w", s.path, err)
	}
	return nil
}

// Path is the file the store was opened from.
func (s *Store) Path() string { return s.path }

// precheck looks at the file before Open lets bbolt write to it. A
// missing file is fine (Open creates it); a directory, a device, a pipe and
// an empty file are refused with what they are, and a file that is there is
// probed (see probe).
func precheck(path string, timeout time.Duration) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("storage: open %s: %w", path, err)
	case fi.IsDir():
		return fmt.Errorf("storage: open %s: %w", path, ErrIsDirectory)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("storage: open %s: %w", path, ErrNotAFile)
	case fi.Size() == 0:
		return fmt.Errorf("storage: open %s: %w", path, ErrEmptyFile)
	}
	return probe(path, fi.Size(), timeout)
}

// probe opens the file read-only through bbolt (a shared lock; nothing is
// written) and has bbolt read what a writable open trusts before it writes:
// both meta pages (bbolt checks their checksums), the free page list
// (PreLoadFreelist: bbolt panics on a page that is not one) and the root
// of every bucket. Two things bbolt does not check on its own are asked
// through its API: whether the file is as long as the meta page says
// (tx.Size) and whether the free list frees a meta page (tx.Page), which a
// writer would then overwrite. A crash inside bbolt on garbage becomes
// ErrDamaged (openBolt, guard).
func probe(path string, size int64, timeout time.Duration) (err error) {
	db, err := openBolt(path, &bolt.Options{ReadOnly: true, PreLoadFreelist: true, Timeout: timeout})
	if err != nil {
		return err
	}
	defer db.Close()
	defer func() {
		if err != nil {
			err = fmt.Errorf("storage: open %s: %w", path, err)
		}
	}()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer guard(&err)
	return db.View(func(tx *bolt.Tx) error {
		if need := tx.Size(); size < need {
			return fmt.Errorf("%w (the file is %d bytes, expected at least %d: it was cut short)", ErrDamaged, size, need)
		}
		for id := range 2 {
			if p, err := tx.Page(id); err != nil || p == nil || p.Type != "meta" {
				return fmt.Errorf("%w (the free page list is damaged)", ErrDamaged)
			}
		}
		return tx.ForEach(func(_ []byte, b *bolt.Bucket) error {
			b.Cursor().First()
			return nil
		})
	})
}
