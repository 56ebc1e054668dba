package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPackageCarriesTheCommandLine runs scripts/package-extras.sh (what
// 'make package' runs after 'fyne package -os linux') on an archive laid out
// as fyne's: testdata/fynepackage holds the Makefile and .desktop file that
// fyne v1.7.4 wrote for this app; its binary is a stand-in script, since
// building the real app needs cgo and minutes. The archive must then
// install the command line as leadcap (with man pages and completions that
// describe it), the app as leadcap-app, and uninstall all of it again.
func TestPackageCarriesTheCommandLine(t *testing.T) {
	t.Parallel() // its commands run in processes of their own, in their own directories
	for _, tool := range []string{"tar", "xz", "make", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed to test the package: install it (apt-get install tar xz-utils make)", tool)
		}
	}
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	work := t.TempDir()
	top := filepath.Join(work, "leadcap")
	write := func(rel string, data []byte, mode os.FileMode) {
		p := filepath.Join(top, rel)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, data, mode))
	}
	read := func(rel string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", "fynepackage", rel))
		require.NoError(t, err)
		return b
	}
	write("Makefile", read("Makefile"), 0o644)
	write("usr/local/share/applications/app.leadcap.booth.desktop", read("app.leadcap.booth.desktop"), 0o644)
	write("usr/local/share/pixmaps/app.leadcap.booth.png", []byte("png"), 0o644)
	write("usr/local/bin/leadcap", []byte("#!/bin/sh\necho the app window\n"), 0o755)
	archive := filepath.Join(work, "leadcap.tar.xz")
	sh := func(dir string, name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		// xz's fastest level: the test is about what the archive holds.
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "XZ_OPT=-0")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s %s: %s", name, strings.Join(args, " "), out)
		return string(out)
	}
	sh(work, "tar", "-cJf", archive, "leadcap")
	require.NoError(t, os.RemoveAll(top))

	out := sh(root, "scripts/package-extras.sh", archive)
	assert.Contains(t, out, "the app is bin/leadcap-app")

	sh(work, "tar", "-xJf", archive)
	desktop, err := os.ReadFile(filepath.Join(top, "usr/local/share/applications/app.leadcap.booth.desktop"))
	require.NoError(t, err)
	assert.Contains(t, string(desktop), "\nExec=leadcap-app\n", "the desktop entry opens the app, not the command line")

	dest := filepath.Join(work, "root")
	sh(top, "make", "install", "DESTDIR="+dest, "PREFIX=/usr/local")
	bin := filepath.Join(dest, "usr/local/bin")
	assert.Equal(t, "the app window\n", sh(work, filepath.Join(bin, "leadcap-app")))
	assert.Contains(t, sh(work, filepath.Join(bin, "leadcap"), "--version"), "leadcap ", "bin/leadcap is the command line")
	share := filepath.Join(dest, "usr/local/share")
	for _, f := range []string{"man/man1/leadcap.1", "man/man1/leadcap-list.1", "man/man1/leadcap-erase.1",
		"bash-completion/completions/leadcap", "zsh/site-functions/_leadcap", "fish/vendor_completions.d/leadcap.fish",
		"applications/app.leadcap.booth.desktop", "pixmaps/app.leadcap.booth.png"} {
		assert.FileExists(t, filepath.Join(share, f))
	}
	bash, err := os.ReadFile(filepath.Join(share, "bash-completion/completions/leadcap"))
	require.NoError(t, err)
	assert.Contains(t, string(bash), "__start_leadcap")

	sh(top, "make", "uninstall", "DESTDIR="+dest, "PREFIX=/usr/local")
	assert.Empty(t, filesUnder(t, dest), "uninstall leaves files behind")

	home := filepath.Join(work, "home")
	sh(top, "make", "user-install", "HOME="+home)
	assert.FileExists(t, filepath.Join(home, ".local/bin/leadcap"))
	assert.FileExists(t, filepath.Join(home, ".local/bin/leadcap-app"))
	assert.FileExists(t, filepath.Join(home, ".local/share/man/man1/leadcap-list.1"))
	sh(top, "make", "user-uninstall", "HOME="+home)
	assert.Empty(t, filesUnder(t, home), "user-uninstall leaves files behind")
}

func filesUnder(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	return files
}
