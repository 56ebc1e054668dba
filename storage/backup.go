package storage

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Backup writes a consistent copy of the whole database to w while the
// store stays in use (a read transaction; writers are not blocked). It
// returns the number of bytes written. A crash inside bbolt on a damaged
// page is an error wrapping ErrDamaged.
func (s *Store) Backup(w io.Writer) (n int64, err error) {
	err = s.view(func(b *bx) error {
		var err error
		n, err = b.tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("storage: back up: %w", err)
	}
	return n, nil
}

// BackupFile writes a backup to path: to a temporary file next to it first,
// synced to disk and verified like Restore verifies a backup (bbolt's pages
// and every lead with its indexes), then renamed over path, so path never
// holds half a backup or a copy of damage. A damaged database fails with
// ErrDamaged and leaves path as it was. path must not be the database or
// one of its backup set (see WriteFile).
func (s *Store) BackupFile(path string) error {
	err := s.writeFile(path, func(f *os.File) error {
		_, err := s.Backup(f)
		return err
	}, func(path string) error {
		return verify(path, func(st *Store) error { return st.share(s.codec()) })
	})
	if err != nil {
		return fmt.Errorf("storage: back up to %s: %w", path, err)
	}
	return nil
}

// WriteFile writes a file for the user (an export) through a synced
// temporary file in the target's directory and a rename, so path holds the
// old content or the complete new one, never half of it. A symbolic link
// is followed: the file it names is replaced and the link stays. It
// refuses, with ErrOwnFile, to write over the database itself or its
// backup set: the files <database>.before-restore-* that Restore keeps.
func (s *Store) WriteFile(path string, fill func(io.Writer) error) error {
	err := s.writeFile(path, func(f *os.File) error { return fill(f) }, nil)
	if err != nil {
		return fmt.Errorf("storage: write %s: %w", path, err)
	}
	return nil
}

func (s *Store) writeFile(path string, fill func(f *os.File) error, verify func(string) error) error {
	target, err := resolve(path)
	if err != nil {
		return err
	}
	if s.owns(target) {
		return ErrOwnFile
	}
	return writeAtomic(target, fill, verify)
}

// resolve follows symbolic links in path; a path that does not exist yet
// is taken as it is, and a directory is refused.
func resolve(path string) (string, error) {
	target, err := filepath.EvalSymlinks(path)
	if errors.Is(err, os.ErrNotExist) {
		return path, nil
	}
	if err != nil {
		return "", err
	}
	if fi, err := os.Stat(target); err == nil && fi.IsDir() {
		return "", fmt.Errorf("%s is a directory: give a file name", path)
	}
	return target, nil
}

// owns reports whether target is the database (by name, through a link or
// a hard link), one of its backup set, or the file a compaction (Compact,
// after an erasure) writes the new database into before renaming it over
// the old one. bbolt keeps no lock file: its lock is on the database file.
func (s *Store) owns(target string) bool {
	if same(target, s.path) {
		return true
	}
	db, err := filepath.EvalSymlinks(s.path)
	if err != nil {
		db = s.path
	}
	db, _ = filepath.Abs(db)
	t, _ := filepath.Abs(target)
	if filepath.Dir(t) != filepath.Dir(db) {
		return false
	}
	name, base := filepath.Base(t), filepath.Base(db)
	return strings.HasPrefix(name, base+".before-restore-") || name == compactName(base)
}

func same(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	if err1 == nil && err2 == nil && aa == bb {
		return true
	}
	ia, err1 := os.Stat(a)
	ib, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(ia, ib)
}

// writeAtomic writes path through a synced temporary file and a rename.
// verify, when not nil, checks the temporary file before the rename.
func writeAtomic(path string, fill func(f *os.File) error, verify func(string) error) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return err
	}
	if err := fill(f); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if verify != nil {
		if err := verify(f.Name()); err != nil {
			return err
		}
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

// Verify checks that the file at path is a complete, consistent leadcap
// database that this leadcap can open (the check Restore makes on a
// backup, and BackupFile on what it wrote): bbolt's pages, and every lead,
// which must decode and, at the current schema, have its summary and index
// entries (see Store.Check). It opens the file read-only and never changes
// it. An encrypted file's leads are checked with ks (see Options.Key); with
// no key for it only bbolt's structure is, and a wrong key fails with
// ErrWrongKey.
func Verify(path string, ks KeySource) error {
	return verify(path, func(st *Store) error { return st.unlock(ks) })
}

// verify is Verify with the store's codec set by unlock.
func verify(path string, unlock func(st *Store) error) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("storage: verify %s: %w", path, err)
	}
	if fi.Size() == 0 {
		return fmt.Errorf("storage: verify %s: %w (the file is empty)", path, ErrDamaged)
	}
	if err := precheck(path, time.Second); err != nil {
		return err
	}
	db, err := openBolt(path, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return err
	}
	defer db.Close()
	st := &Store{db: db, path: path}
	sealed := false
	if err := unlock(st); errors.Is(err, ErrEncrypted) {
		// An encrypted file: without its key only bbolt's structure can
		// be verified; its leads are checked when it is opened with it.
		sealed = true
		c, cerr := newCodec()
		if cerr != nil {
			return cerr
		}
		st.rc.Store(c)
	} else if err != nil {
		return fmt.Errorf("storage: verify %s: %w", path, err)
	}
	defer st.rc.Load().close()
	err = st.view(func(b *bx) error {
		tx := b.tx
		v, err := readSchema(tx)
		if err != nil {
			return err
		}
		if v == 0 {
			return fmt.Errorf("%w (an empty database)", ErrDamaged)
		}
		if v > schemaVersion {
			return fmt.Errorf("schema %d: %w", v, ErrNewerSchema)
		}
		if err := checkBolt(tx); err != nil {
			return err
		}
		if sealed {
			return nil
		}
		if v < schemaVersion || derivedPending(b.meta) {
			return b.checkLeadsDecode() // the indexes are built when it is opened
		}
		return b.checkInvariants()
	})
	if err != nil {
		return fmt.Errorf("storage: verify %s: %w", path, err)
	}
	return nil
}

// Restore replaces the database at dbPath with the backup at backupPath.
// It first checks that the backup is a sound leadcap database (see Verify),
// fails with ErrLocked when a leadcap process has dbPath open, keeps the
// replaced file next to it as dbPath.before-restore-<time>, and swaps the
// files with an atomic rename: dbPath is always either the old or the
// restored database. ks unlocks an encrypted backup for the check.
func Restore(backupPath, dbPath string, ks KeySource) error {
	if same(backupPath, dbPath) {
		return fmt.Errorf("storage: restore %s: the backup and the database are the same file", dbPath)
	}
	if err := Verify(backupPath, ks); err != nil {
		return fmt.Errorf("storage: restore from %s: %w", backupPath, err)
	}
	_, statErr := os.Stat(dbPath)
	exists := statErr == nil
	if exists {
		if err := precheck(dbPath, time.Second); errors.Is(err, ErrLocked) {
			return fmt.Errorf("storage: restore %s: %w", dbPath, ErrLocked)
		}
	}
	if exists && precheck(dbPath, time.Second) == nil {
		// Hold a shared lock on the old file until it is replaced: it fails
		// while a writer has it open.
		db, err := openBolt(dbPath, &bolt.Options{ReadOnly: true, Timeout: time.Second})
		if errors.Is(err, ErrLocked) {
			return fmt.Errorf("storage: restore %s: %w", dbPath, ErrLocked)
		}
		if err == nil {
			defer db.Close()
		}
	}
	src, err := os.Open(backupPath)
	if err != nil {
		return fmt.Errorf("storage: restore from %s: %w", backupPath, err)
	}
	defer src.Close()
	if exists {
		keep := fmt.Sprintf("%s.before-restore-%s", dbPath, time.Now().UTC().Format("20060102T150405Z"))
		if err := os.Link(dbPath, keep); err != nil {
			if err := copyFile(dbPath, keep); err != nil {
				return fmt.Errorf("storage: restore %s: keep the current database as %s: %w", dbPath, keep, err)
			}
		}
	}
	err = writeAtomic(dbPath, func(f *os.File) error {
		_, err := io.Copy(f, src)
		return err
	}, nil)
	if err != nil {
		return fmt.Errorf("storage: restore %s: %w", dbPath, err)
	}
	return nil
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	return writeAtomic(to, func(f *os.File) error {
		_, err := io.Copy(f, src)
		return err
	}, nil)
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}
