package app

import (
	"errors"
	"io"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage/repository"

	"leadcap/storage"
)

// Fyne's save dialog opens the chosen file for writing before it calls
// back, and opening a file:// URI truncates it: choosing the lead database
// (or a link to it) as the target of an export would empty the database
// before leadcap could say no. So the app wraps Fyne's file repository:
// its writers for file:// URIs open nothing until the first Write, and
// saveTo writes such a target through storage.Store.WriteFile, the guard
// `leadcap export -o` uses too (a temporary file beside the target and a
// rename; the database and its backup set are refused with
// storage.ErrOwnFile).

// fileRepository is what Fyne's file repository implements; the wrapper
// keeps all of it, so that the file dialogs still list, create and move.
type fileRepository interface {
	repository.AppendableRepository
	repository.ListableRepository
	repository.HierarchicalRepository
	repository.DeleteAllRepository
	repository.CopyableRepository
	repository.MovableRepository
}

// deferredFiles is Fyne's file repository with writers that do not open
// (and so do not truncate) the file before something is written.
type deferredFiles struct{ fileRepository }

// Writer returns a writer that opens u on the first Write or on Close.
func (r deferredFiles) Writer(u fyne.URI) (fyne.URIWriteCloser, error) {
	return &deferredWriter{uri: u, open: r.fileRepository.Writer}, nil
}

// deferFileWrites wraps the "file" repository the running app registered,
// once: a new app (each test makes one) registers its own again.
func deferFileWrites() {
	repo, err := repository.ForScheme("file")
	if err != nil {
		return
	}
	if fr, ok := repo.(fileRepository); ok {
		if _, done := repo.(deferredFiles); !done {
			repository.Register("file", deferredFiles{fr})
		}
	}
}

// deferredWriter opens its file only when it is first written to or
// closed; abandon drops it without touching the file.
type deferredWriter struct {
	uri  fyne.URI
	open func(fyne.URI) (fyne.URIWriteCloser, error)

	mu sync.Mutex
	w  fyne.URIWriteCloser
}

func (d *deferredWriter) URI() fyne.URI { return d.uri }

func (d *deferredWriter) writer() (fyne.URIWriteCloser, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.w == nil {
		w, err := d.open(d.uri)
		if err != nil {
			return nil, err
		}
		d.w = w
	}
	return d.w, nil
}

func (d *deferredWriter) Write(p []byte) (int, error) {
	w, err := d.writer()
	if err != nil {
		return 0, err
	}
	return w.Write(p)
}

// Close opens the file if nothing was written yet (as Fyne's own writer
// would have: the file is created, or emptied) and closes it.
func (d *deferredWriter) Close() error {
	w, err := d.writer()
	if err != nil {
		return err
	}
	return w.Close()
}

// abandon reports whether the file was left untouched, and if so makes
// sure it stays so.
func (d *deferredWriter) abandon() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.w != nil {
		return false
	}
	d.open = func(fyne.URI) (fyne.URIWriteCloser, error) { return nil, errAbandoned }
	return true
}

var errAbandoned = errors.New("the file was written another way")

// saveTo fills the file a save dialog chose, completely or not at all: a
// local file through st.WriteFile (a temporary file and a rename; the
// database and its backup set are refused with storage.ErrOwnFile and
// stay untouched); anything else (a phone's document provider) through
// the writer the dialog opened. w is closed either way.
func saveTo(st *storage.Store, w fyne.URIWriteCloser, fill func(io.Writer) error) error {
	if d, ok := w.(*deferredWriter); ok && w.URI().Scheme() == "file" && d.abandon() {
		return st.WriteFile(w.URI().Path(), fill)
	}
	err := fill(w)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return err
}
