package app

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// With the wrapped repository a file:// writer touches its file only when
// written to or closed, and the file dialogs still list folders.
func TestFileWritersOpenOnFirstWrite(t *testing.T) {
	test.NewTempApp(t)
	deferFileWrites()
	deferFileWrites() // a second call does not wrap twice
	dir := t.TempDir()
	path := filepath.Join(dir, "kept.txt")
	require.NoError(t, os.WriteFile(path, []byte("precious"), 0o600))

	w, err := storage.Writer(storage.NewFileURI(path))
	require.NoError(t, err)
	kept, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "precious", string(kept), "opening the writer empties nothing")
	_, err = io.WriteString(w, "new")
	require.NoError(t, err)
	require.NoError(t, w.Close())
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "new", string(got))

	// Closed without a write, as Fyne's own writer: the file is created.
	empty := filepath.Join(dir, "empty.txt")
	w, err = storage.Writer(storage.NewFileURI(empty))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	assert.FileExists(t, empty)

	// Abandoned: never touched, and it cannot be opened any more.
	w, err = storage.Writer(storage.NewFileURI(path))
	require.NoError(t, err)
	d, ok := w.(*deferredWriter)
	require.True(t, ok)
	assert.True(t, d.abandon())
	_, err = w.Write([]byte("late"))
	assert.ErrorIs(t, err, errAbandoned)
	got, err = os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "new", string(got))

	list, err := storage.List(storage.NewFileURI(dir))
	require.NoError(t, err)
	assert.Len(t, list, 2, "listing still works through the wrapper")
}
