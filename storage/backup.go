package storage

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Backup writes a consistent copy of the whole database to w while the
// store stays in use (a read transaction; writers are not blocked). It
// returns the number of bytes written.
func (s *Store) Backup(w io.Writer) (int64, error) {
	var n int64
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("storage: back up: %w", err)
	}
	return n, nil
}

// BackupFile writes a backup to path: to a temporary file next to it first,
// synced to disk, then renamed over path, so path never holds half a backup.
func (s *Store) BackupFile(path string) error {
	if same(path, s.path) {
		return fmt.Errorf("storage: back up to %s: that is the database itself: choose another file", path)
	}
	err := writeAtomic(path, func(f *os.File) error {
		_, err := s.Backup(f)
		return err
	})
	if err != nil {
		return fmt.Errorf("storage: back up to %s: %w", path, err)
	}
	return nil
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
func writeAtomic(path string, fill func(f *os.File) error) (err error) {
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
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// Verify checks that the file at path is a complete, consistent leadcap
// database that this leadcap can open (the check Restore makes on a
// backup). It opens the file read-only and never changes it.
func Verify(path string) error {
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
	err = (&Store{db: db, path: path}).view(func(b *bx) error {
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
		return checkBolt(tx)
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
// restored database.
func Restore(backupPath, dbPath string) error {
	if same(backupPath, dbPath) {
		return fmt.Errorf("storage: restore %s: the backup and the database are the same file", dbPath)
	}
	if err := Verify(backupPath); err != nil {
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
	})
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
	})
}
