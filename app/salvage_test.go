package app

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/storage"
)

// openFailed opens path as main does and shows the open-failed window.
func openFailed(t *testing.T, path string) (fyne.Window, map[string]*widget.Button) {
	t.Helper()
	_, err := storage.Open(path, nil)
	require.ErrorIs(t, err, storage.ErrDamaged)
	w := NewOpenFailedWindow(test.NewTempApp(t), path, err)
	t.Cleanup(w.Close)
	buttons := map[string]*widget.Button{}
	walkTree(w.Content(), func(o fyne.CanvasObject) bool {
		if b, ok := o.(*widget.Button); ok {
			buttons[b.Text] = b
		}
		return isContainer(o)
	})
	return w, buttons
}

func dialogLabels(w fyne.Window) []string {
	var texts []string
	if top := w.Canvas().Overlays().Top(); top != nil {
		walkTree(top, func(o fyne.CanvasObject) bool {
			if l, ok := o.(*widget.Label); ok {
				texts = append(texts, l.Text)
			}
			return true
		})
	}
	return texts
}

// A damaged database: the window offers to salvage its leads into a new
// file beside it, and says where they went; the damaged file is kept.
func TestOpenFailedWindowOffersSalvage(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "leads.db")
	st, err := storage.Open(path, nil)
	require.NoError(t, err)
	someLeads(t, st, 40)
	require.NoError(t, st.Close())
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	// Cut the file short, one page at a time, until it no longer opens
	// (bbolt's file is longer than its pages until it grows into it).
	cut := len(data)
	for {
		cut -= 16 << 10
		require.Positive(t, cut)
		require.NoError(t, os.WriteFile(path, data[:cut], 0o600))
		s, err := storage.Open(path, &storage.Options{ReadOnly: true})
		if err != nil {
			break
		}
		require.NoError(t, s.Close())
	}

	w, buttons := openFailed(t, path)
	require.Contains(t, buttons, "Salvage leads")
	require.Contains(t, buttons, "Quit")
	test.Tap(buttons["Salvage leads"])
	texts := dialogLabels(w)
	require.NotEmpty(t, texts)
	assert.Contains(t, texts, "Leads salvaged", "dialog: %q", texts)
	copies, _ := filepath.Glob(filepath.Join(dir, "leads-salvaged-*.db"))
	require.Len(t, copies, 1)
	saved, err := storage.Open(copies[0], nil)
	require.NoError(t, err)
	defer saved.Close()
	require.NoError(t, saved.Check())
	n, err := saved.Count(storage.Query{})
	require.NoError(t, err)
	assert.Positive(t, n, "the leads before the cut are copied")
	after, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, data[:cut], after, "the damaged file is kept as it was")
	assert.True(t, buttons["Salvage leads"].Disabled(), "salvaged once")

	// Not a database at all: nothing to salvage, and it says so.
	junk := filepath.Join(dir, "junk.db")
	require.NoError(t, os.WriteFile(junk, []byte("First Name,Last Name\n"), 0o600))
	w, buttons = openFailed(t, junk)
	test.Tap(buttons["Salvage leads"])
	assert.Contains(t, dialogLabels(w), "Nothing could be salvaged")
}

// Other errors (here: the database is in use) offer no salvage.
func TestOpenFailedWindowOffersNoSalvageWhenLocked(t *testing.T) {
	w := NewOpenFailedWindow(test.NewTempApp(t), "/x/leads.db", storage.ErrLocked)
	t.Cleanup(w.Close)
	walkTree(w.Content(), func(o fyne.CanvasObject) bool {
		if b, ok := o.(*widget.Button); ok {
			assert.Equal(t, "Quit", b.Text)
		}
		return isContainer(o)
	})
}
