package main

import (
	"errors"
	"os"

	"leadcap/storage"
)

// withStoreRO opens the database read-only (a shared lock, so it works
// beside another reader and on a file the user may not write), runs fn and
// closes it. A database that does not exist yet, or that an older leadcap
// wrote, is opened as every command opens it: created, or upgraded.
func (c *cli) withStoreRO(fn func(s *storage.Store) error) (err error) {
	path, err := c.resolveDB()
	if err != nil {
		return err
	}
	if _, err := os.Stat(c.path(path)); errors.Is(err, os.ErrNotExist) {
		return c.withStore(fn) // a new, empty database, as every command makes it
	}
	s, err := storage.Open(c.path(path), &storage.Options{ReadOnly: true, Key: c.key()})
	if errors.Is(err, storage.ErrNeedsUpgrade) {
		return c.withStore(fn) // the first use after an update upgrades it
	}
	if err != nil {
		return err
	}
	return use(s, fn)
}

// use runs fn on s and closes s.
func use(s *storage.Store, fn func(s *storage.Store) error) (err error) {
	defer func() {
		if cerr := s.Close(); err == nil && cerr != nil {
			err = fail("could not close the database", cerr)
		}
	}()
	return fn(s)
}
