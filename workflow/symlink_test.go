package workflow_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
