//go:build !mobile && !android && !ios

// In mobile builds fyne's test driver runs fyne.Do asynchronously, so this
// test of real goroutines only runs on desktop.

package app

import (
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
	"leadcap/storage"
	"leadcap/workflow"
)

// TestBackgroundRelaySendsSavedLeads runs the relay the window owns on its
// own goroutine: a saved lead wakes it, it reaches the CRM, and closing the
// window stops it.
func TestBackgroundRelaySendsSavedLeads(t *testing.T) {
	st := newStore(t)
	ev := addEvent(t, st, "Hannover Messe", "DE")
	hook := newCRMHook(t)
	require.NoError(t, workflow.SaveCRM(st, workflow.CRMSettings{Connector: "webhook", URL: hook.srv.URL}))
	t.Setenv(workflow.SecretEnv, hookSecret)
	test.NewTempApp(t)

	// fyne's test driver runs fyne.Do at once on the calling goroutine;
	// ui stands in for the one UI goroutine of the real driver.
	var wg sync.WaitGroup
	var ui sync.Mutex
	applied := make(chan struct{}, 100)
	run := func(f func()) { wg.Add(1); go func() { defer wg.Done(); f() }() }
	do := func(f func()) {
		ui.Lock()
		fyne.Do(f)
		ui.Unlock()
		select {
		case applied <- struct{}{}:
		default: // the test stopped listening
		}
	}
	ui.Lock()
	u := New(fyne.CurrentApp(), st, Options{Now: time.Now, run: run, do: do})
	ui.Unlock()
	wg.Wait()
	ui.Lock()
	u.office.startRelay()
	ui.Unlock()

	l := lead.New(ev.ID, lead.MethodManual, t0)
	l.Contact = lead.Contact{GivenName: "Amélie", FamilyName: "Dubois", Organization: "Robotique Lyonnaise", Emails: []string{"a.dubois@example.fr"}}
	require.NoError(t, st.AddLead(l))
	ui.Lock()
	u.leadSaved(*l)
	ui.Unlock()

	deadline := time.After(30 * time.Second)
	for synced := false; !synced; {
		select {
		case <-applied:
			info, err := st.SyncInfo(l.ID)
			require.NoError(t, err)
			synced = info.Status == storage.SyncSynced
		case <-deadline:
			t.Fatal("the background relay did not deliver the saved lead")
		}
	}
	assert.Equal(t, 1, hook.received())

	u.win.Close() // runs the closers: stops the relay and waits for it
	// (not under ui: the relay may be applying its last status)
	require.Error(t, u.office.ctx.Err())
	wg.Wait()
	u.office.mu.Lock()
	defer u.office.mu.Unlock()
	assert.Nil(t, u.office.relay, "the relay was stopped")
}
