package main_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/syncer/webhook"
)

// The other tests call run in-process. These run the real binary for what
// only a process shows: main hands the arguments and standard streams to
// run, the process exits with run's status (0, 1, 2, 3 and 4 as the README
// documents them), and SIGINT and SIGTERM end a sync cleanly.

// TestTheProcessExitsWithTheDocumentedStatus runs one command per exit
// status in the binary.
func TestTheProcessExitsWithTheDocumentedStatus(t *testing.T) {
	t.Parallel() // every command runs in the binary (e.binary)
	const secret = "whsec-process-exit"
	e := newCRMEnv(t, secret)
	e.binary = true

	r := e.run()
	assert.Equal(t, 2, r.code, "no command is wrong usage")
	assert.Empty(t, r.stdout)
	assert.Contains(t, r.stderr, "usage: leadcap [--db PATH] COMMAND")
	r = e.run("frobnicate")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, `unknown command "frobnicate"`)

	e.withEvent() // exit status 0, nothing on stderr
	unknown := "00000000-0000-7000-8000-000000000000"
	e.fails(1, []string{"show", unknown}, `no lead has the ID or ID prefix "`+unknown+`"`)

	// Standard input reaches the command: an import from a pipe.
	l := id(t, e.ok("add", "--name", "Ada Lovelace", "--email", "ada@example.com"))
	jsonl := e.ok("export", "--format", "jsonl")
	fresh := filepath.Join(e.dir, "fresh.db")
	r = inBinary(t, e.dir, jsonl, []string{"LEADCAP_DB=", "LEADCAP_CRM_SECRET="}, "--db", fresh, "import", "-")
	require.Equal(t, 0, r.code, "stderr %q", r.stderr)
	assert.Equal(t, "created 1, merged 0, updated 0, unchanged 0 (1 events created)\n", r.stdout)
	r = inBinary(t, e.dir, "", []string{"LEADCAP_DB=", "LEADCAP_CRM_SECRET="}, "--db", fresh, "show", l)
	require.Equal(t, 0, r.code, "stderr %q", r.stderr)
	assert.Contains(t, r.stdout, "Ada Lovelace")

	// 3: the CRM cannot be reached, the lead stays pending.
	down := newWebhookFake(t, secret)
	downURL := down.URL
	down.Close()
	e.okCRM("crm", "set", "webhook", "--url", downURL)
	r = e.sync("sync", "--timeout", "1s")
	assert.Equal(t, 3, r.code, "stdout %q stderr %q", r.stdout, r.stderr)
	assert.Equal(t, "synced 0, failed 0, dead 0, pending 1\n", r.stdout)
	assert.Contains(t, r.stderr, "the CRM cannot be reached")

	// 4: the CRM refuses the lead.
	f := newWebhookFake(t, secret)
	f.set(func() {
		f.refuse = func(*webhook.Document) string { return "consent missing: record the person's consent before sending" }
	})
	e.okCRM("crm", "set", "webhook", "--url", f.URL)
	r = e.sync("sync")
	assert.Equal(t, 4, r.code, "stdout %q stderr %q", r.stdout, r.stderr)
	assert.Equal(t, "synced 0, failed 0, dead 1, pending 0\n", r.stdout)
	assert.Contains(t, r.stderr, "the CRM refused 1 lead(s)")
}

// TestSignalsEndASyncCleanly sends SIGINT, then SIGTERM, to a sync process
// while the CRM holds a lead request: the sync stops, says so, exits 3 with
// the rest pending, and the next sync delivers every lead once.
func TestSignalsEndASyncCleanly(t *testing.T) {
	t.Parallel() // every command runs in the binary (e.binary)
	const secret = "whsec-signals"
	f := newWebhookFake(t, secret)
	f.set(func() { f.delay = time.Second }) // the CRM's latency: the signal lands while a request is held
	e := newCRMEnv(t, secret)
	e.binary = true
	e.okCRM("crm", "set", "webhook", "--url", f.URL, "--rate", "50")
	ids := e.seed(4, nil)

	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		for len(f.arrived) > 0 {
			<-f.arrived
		}
		cmd := exec.Command(leadcapBinary(t), "--db", e.db, "sync", "--batch", "1")
		cmd.Env = append(os.Environ(), "LEADCAP_DB=", "LEADCAP_CRM_SECRET="+secret)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		require.NoError(t, cmd.Start())
		<-f.arrived
		require.NoError(t, cmd.Process.Signal(sig))
		err := cmd.Wait()
		var ee *exec.ExitError
		require.True(t, errors.As(err, &ee), "%v: the sync ended with %v: stdout %q stderr %q", sig, err, out.String(), errb.String())
		assert.False(t, ee.Sys().(syscall.WaitStatus).Signaled(), "%v: leadcap handles the signal itself", sig)
		assert.Equal(t, 3, ee.ExitCode(), "%v: stdout %q stderr %q", sig, out.String(), errb.String())
		assert.Regexp(t, `^synced \d, failed [01], dead 0, pending [1-4]\n$`, out.String(), "%v: the held lead may count as failed", sig)
		assert.Equal(t, "leadcap: interrupted: the leads not yet confirmed by the CRM stay pending; run 'leadcap sync' again to finish.\n",
			errb.String(), "%v", sig)
		f.waitIdle() // the held request is committed on the CRM side; its reply was lost
	}

	assert.Regexp(t, `^synced \d, failed 0, dead 0, pending 0\n$`, e.okCRM("sync"))
	records, _, _, _ := f.snapshot()
	require.Len(t, records, len(ids))
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, id := range ids {
		assert.Equal(t, 1, f.creates[id], "lead %s: one CRM record", id)
	}
}
