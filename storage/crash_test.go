package storage

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
)

// crashChildEnv makes TestCrashChild run as the child of TestCrashRecovery.
const crashChildEnv = "LEADCAP_STORAGE_CRASH_CHILD_DB"

// TestCrashChild is the child process of TestCrashRecovery: it adds leads
// until it is killed, printing each ID once AddLead has returned. Run
// directly, it does nothing.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashChildEnv)
	if path == "" {
		return
	}
	s, err := Open(path, nil)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	ev, err := s.ActiveEvent()
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	for i := 0; ; i++ {
		l := &lead.Lead{EventID: ev.ID, Contact: lead.Contact{FullName: "Crash Test", Emails: []string{uuid.NewString() + "@example.com"}}}
		if err := s.AddLead(l); err != nil {
			fmt.Println("error", err)
			os.Exit(3)
		}
		if i%7 == 3 {
			if _, err := s.UpdateLead(l.ID, func(x *lead.Lead) error { x.Rating = lead.RatingHot; return nil }); err != nil {
				fmt.Println("error", err)
				os.Exit(3)
			}
		}
		fmt.Println(l.ID)
	}
}

// TestCrashRecovery kills a process that is adding leads with SIGKILL,
// again and again: every lead whose AddLead had returned is there
// afterwards, with its outbox entry, and the file is consistent.
func TestCrashRecovery(t *testing.T) {
	if os.Getenv(crashChildEnv) != "" {
		return
	}
	path := filepath.Join(t.TempDir(), "leadcap.db")
	s, err := Open(path, nil)
	require.NoError(t, err)
	ev := mustEvent(t, s, "Crash Fair", "DE")
	require.NoError(t, s.SetActiveEvent(ev.ID))
	require.NoError(t, s.Close())

	var acked []uuid.UUID
	for round := range 6 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		sc := bufio.NewScanner(out)
		// Kill at a different point each round, mid-stream.
		for n := 0; n < 15+round*9 && sc.Scan(); n++ {
			id, err := uuid.Parse(sc.Text())
			require.NoError(t, err, "child said %q", sc.Text())
			acked = append(acked, id)
		}
		require.NoError(t, cmd.Process.Kill())
		_ = cmd.Wait()
	}
	require.NotEmpty(t, acked)

	require.NoError(t, Verify(path, nil), "the file is consistent after the kills")
	s, err = Open(path, nil)
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Check())
	for _, id := range acked {
		_, err := s.Lead(id)
		require.NoError(t, err, "lead %s was acknowledged before the kill", id)
		si, err := s.SyncInfo(id)
		require.NoError(t, err)
		assert.Equal(t, SyncPending, si.Status)
	}
	n, err := s.Count(Query{})
	require.NoError(t, err)
	pending, err := s.PendingCount()
	require.NoError(t, err)
	assert.Equal(t, n, pending, "every saved lead is queued, none without its entry")
	assert.GreaterOrEqual(t, n, len(acked))
}
