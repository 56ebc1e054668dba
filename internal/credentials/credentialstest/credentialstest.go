// Package credentialstest points tests at the real Secret Service that
// scripts/keyring.sh starts (gnome-keyring under dbus-run-session), never at
// the keyring of the person running them.
package credentialstest

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"leadcap/internal/credentials"
)

// NotRunning is the failure when no test keyring runs: the tests need one
// and fail rather than pass without it.
const NotRunning = "no keyring for the tests: run scripts/keyring.sh start (from the repository root; make test does it), then run the tests again"

// EnvVar names the D-Bus session the keyring is reached through.
const EnvVar = "DBUS_SESSION_BUS_ADDRESS"

// Session sets DBUS_SESSION_BUS_ADDRESS for the test (and the processes it
// starts) to the test keyring's session, read from LEADCAP_KEYRING_ENV or
// <repo>/.cache/keyring/env, and checks that the keyring stores and reads
// a secret. The test fails with NotRunning otherwise.
func Session(t testing.TB) {
	t.Helper()
	addr := address(t)
	if addr == "" {
		t.Fatal(NotRunning)
	}
	t.Setenv(EnvVar, addr)
	kr := credentials.System{}
	// Packages test in parallel against the one keyring: a probe of its own.
	probe := fmt.Sprintf("credentialstest probe %d %s", os.Getpid(), t.Name())
	if err := kr.Set(probe, "ok"); err != nil {
		t.Fatalf("%s (%v)", NotRunning, err)
	}
	if got, err := kr.Get(probe); err != nil || got != "ok" {
		t.Fatalf("%s (read back %q, %v)", NotRunning, got, err)
	}
	if err := kr.Delete(probe); err != nil {
		t.Fatalf("%s (%v)", NotRunning, err)
	}
}

// address reads the session's address from the env file scripts/keyring.sh
// writes.
func address(t testing.TB) string {
	path := os.Getenv("LEADCAP_KEYRING_ENV")
	if path == "" {
		root, err := repoRoot()
		if err != nil {
			t.Fatalf("%s (%v)", NotRunning, err)
		}
		path = filepath.Join(root, ".cache", "keyring", "env")
	}
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(strings.TrimPrefix(sc.Text(), "export "), EnvVar+"="); ok {
			return strings.Trim(v, `"'`)
		}
	}
	return ""
}

// repoRoot walks up from the working directory (a package's directory
// under go test) to the directory with go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}
