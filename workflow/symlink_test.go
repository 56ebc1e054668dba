package workflow_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
	"leadcap/workflow"
)

// A symbolic link to an image in a scanned folder is followed; a broken one
// is listed so that its scan fails with the reason, not skipped unseen.
func TestImageFilesFollowsLinks(t *testing.T) {
	dir := t.TempDir()
	photos := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(photos, "card.png"), nil, 0o644))
	require.NoError(t, os.Symlink(filepath.Join(photos, "card.png"), filepath.Join(dir, "linked.png")))
	require.NoError(t, os.Symlink(filepath.Join(photos, "gone.jpg"), filepath.Join(dir, "broken.jpg")))
	require.NoError(t, os.Symlink(photos, filepath.Join(dir, "folder.png")))
	files, err := workflow.ImageFiles([]string{dir})
	require.NoError(t, err)
	assert.Equal(t, []string{filepath.Join(dir, "broken.jpg"), filepath.Join(dir, "linked.png")}, files)
}

// A pipe named like an image, given to scan, fails at once with the
// reason instead of blocking the scan (and Ctrl-C) until a writer comes.
func TestScanFileRefusesAPipe(t *testing.T) {
	s := openStore(t)
	ev := lead.Event{Name: "Hannover Messe", Country: "DE"}
	require.NoError(t, s.CreateEvent(&ev))
	fifo := filepath.Join(t.TempDir(), "card.png")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	r := workflow.ScanFile(s, ev, fifo, workflow.Capture{})
	require.ErrorIs(t, r.Err, workflow.ErrNotRegular)
	assert.Equal(t, "failed", r.Status())
}
