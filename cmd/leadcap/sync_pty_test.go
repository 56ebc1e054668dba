//go:build linux

package main_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal pair: what the child writes to tty, the
// test reads from pty.
func openPTY(t *testing.T) (pty, tty *os.File) {
	t.Helper()
	pty, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	require.NoError(t, err)
	require.NoError(t, unix.IoctlSetPointerInt(int(pty.Fd()), unix.TIOCSPTLCK, 0))
	n, err := unix.IoctlGetInt(int(pty.Fd()), unix.TIOCGPTN)
	require.NoError(t, err)
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	require.NoError(t, err)
	return pty, tty
}

// TestSyncProgressBarOnATerminal runs sync with its standard error on a
// terminal: a progress bar is drawn there over one line and cleared at the
// end, and standard output holds only the final line (what scripts read).
func TestSyncProgressBarOnATerminal(t *testing.T) {
	t.Parallel()
	const secret = "whsec-progress"
	f := newWebhookFake(t, secret)
	e := newCRMEnv(t, secret)
	e.okCRM("crm", "set", "webhook", "--url", f.URL, "--rate", "50")
	e.seed(30, nil)

	pty, tty := openPTY(t)
	defer pty.Close()
	cmd := exec.Command(leadcapBinary(t), "--db", e.db, "sync", "--batch", "10")
	cmd.Env = append(os.Environ(), "LEADCAP_DB=", "LEADCAP_CRM_SECRET="+secret)
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, tty
	require.NoError(t, cmd.Start())
	tty.Close() // the child has its copy; EOF (EIO) comes when it exits
	var out bytes.Buffer
	read := make(chan struct{})
	go func() {
		_, _ = io.Copy(&out, pty) // ends with EIO once the child closed the terminal
		close(read)
	}()
	err := cmd.Wait()
	<-read
	screen := strings.ReplaceAll(out.String(), "\r\n", "\n") // the terminal's ONLCR
	t.Logf("terminal output %q", screen)
	require.NoError(t, err, "stderr %q", screen)
	assert.Contains(t, screen, "\r[..............................] 0/30 leads")
	assert.Contains(t, screen, "\r[##############################] 30/30 leads")
	assert.True(t, strings.HasSuffix(screen, "\r\033[K"), "the bar is cleared at the end: %q", screen)
	assert.Equal(t, "synced 30, failed 0, dead 0, pending 0\n", stdout.String(), "no bar on standard output")
}

// TestScanProgressBarOnATerminal runs scan with its standard error on a
// terminal: the same bar as sync's counts files there and is cleared;
// standard output holds only the per-file lines and the summary.
func TestScanProgressBarOnATerminal(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.withEvent()
	dir := filepath.Join(e.dir, "photos")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	writeQR(t, filepath.Join(dir, "1-card.png"), vcardJonas)
	writeQR(t, filepath.Join(dir, "2-badge.png"), mecardJonas)

	pty, tty := openPTY(t)
	defer pty.Close()
	cmd := exec.Command(leadcapBinary(t), "--db", e.db, "scan", "photos")
	cmd.Dir = e.dir
	cmd.Env = append(os.Environ(), "LEADCAP_DB=")
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, tty
	require.NoError(t, cmd.Start())
	tty.Close()
	var out bytes.Buffer
	read := make(chan struct{})
	go func() {
		_, _ = io.Copy(&out, pty)
		close(read)
	}()
	err := cmd.Wait()
	<-read
	screen := strings.ReplaceAll(out.String(), "\r\n", "\n")
	t.Logf("terminal output %q", screen)
	require.NoError(t, err, "stderr %q", screen)
	assert.Contains(t, screen, "\r[###############...............] 1/2 files")
	assert.True(t, strings.HasSuffix(screen, "\r[##############################] 2/2 files\r\033[K"), "the bar is cleared at the end: %q", screen)
	assert.NotContains(t, stdout.String(), "\r", "no bar on standard output")
	assert.Contains(t, stdout.String(), "new ")
	assert.True(t, strings.HasSuffix(stdout.String(), "2 files: 1 new, 1 updated, 0 failed (event Hannover Messe 2026)\n"), "%q", stdout.String())
}
