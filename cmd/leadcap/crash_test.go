package main_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/storage"
)

// TestCrashKeepsAcknowledgedLeads is the crash test of the foundation
// issue: real "leadcap add" processes, one after the other as a capture
// script would run them, are killed with SIGKILL at random moments of their
// run (opening the file, writing, fsync, printing). After every round the
// file must open cleanly, and at the end every lead whose add printed an ID
// and exited 0 must be there, each with its outbox entry.
func TestCrashKeepsAcknowledgedLeads(t *testing.T) {
	t.Parallel() // the adds run in the binary (e.binary)
	const (
		rounds      = 30
		maxPerRound = 40   // adds per round if no kill lands
		killChance  = 0.35 // of arming a kill for an add
	)
	// A kill lands at a random point of an add's life: the window is the
	// median add seen so far, so slower machines are covered the same way.
	killWindow := 20 * time.Millisecond
	var took []time.Duration
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed>>1))

	e := newEnv(t)
	e.binary = true
	e.withEvent()
	acked := map[string]bool{}
	killed, started := 0, 0
	for round := range rounds {
		for i := 0; i < maxPerRound; i++ {
			email := fmt.Sprintf("r%02d-%02d@example.com", round, i)
			cmd := exec.Command(leadcapBinary(t), "--db", e.db, "add", "--email", email, "--name", "Crash Test", "--org", "Kill -9 GmbH")
			cmd.Env = []string{"LEADCAP_DB="}
			var out bytes.Buffer
			cmd.Stdout = &out
			begin := time.Now()
			require.NoError(t, cmd.Start())
			started++
			var timer *time.Timer
			if rng.Float64() < killChance {
				// Fault injection, not a wait: the kill lands at a random
				// point of this process's life, or after it ended.
				delay := time.Duration(rng.Int64N(int64(killWindow)))
				timer = time.AfterFunc(delay, func() { cmd.Process.Signal(syscall.SIGKILL) })
			}
			err := cmd.Wait()
			if timer != nil {
				timer.Stop()
			}
			var ee *exec.ExitError
			switch {
			case err == nil:
				took = append(took, time.Since(begin))
				slices.Sort(took)
				killWindow = took[len(took)/2] * 5 / 4
				id := id(t, out.String())
				acked[id] = true
				continue
			case errors.As(err, &ee) && ee.Sys().(syscall.WaitStatus).Signaled():
				killed++
			default:
				require.NoError(t, err, "add failed without being killed: %s", out.String())
			}
			break // the round ends with a kill
		}
		// The file opens cleanly after every kill: checked in this process
		// (what is checked is the file; a process start would add nothing).
		r := leadcapEnvIn(t, e.dir, "", nil, "--db", e.db, "status", "--json")
		require.Equal(t, 0, r.code, "round %d: %s", round, r.stderr)
	}
	t.Logf("%d rounds: %d add processes, %d killed with SIGKILL (window %v), %d acknowledged", rounds, started, killed, killWindow.Round(time.Millisecond), len(acked))
	require.Greater(t, killed, rounds/2, "most rounds end with a kill")

	found := map[string]bool{}
	for _, o := range jsonLines(t, e.ok("list", "--json")) {
		found[o["id"].(string)] = true
	}
	for id := range acked {
		assert.True(t, found[id], "lead %s was acknowledged but is gone", id)
	}
	assert.LessOrEqual(t, len(found), len(acked)+killed, "at most one unacknowledged lead per killed add")
	t.Logf("verified %d acknowledged leads present (%d leads in the file)", len(acked), len(found))

	s, err := storage.Open(e.db, nil)
	require.NoError(t, err, "the file opens cleanly")
	defer s.Close()
	st, err := s.Stats()
	require.NoError(t, err)
	assert.Equal(t, len(found), st.Leads)
	assert.Equal(t, st.Leads, st.OutboxPending, "every lead that survived has its outbox entry, and no entry is orphaned")
	n, err := s.Count(storage.Query{Text: "crash test"})
	require.NoError(t, err)
	assert.Equal(t, st.Leads, n, "the search summaries match the leads")
}
