//go:build !mobile && !android && !ios

// In mobile builds fyne's test driver treats every goroutine as the main
// one and runs fyne.Do asynchronously, so this test only runs on desktop.

package app

import (
	"sync"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
)

// TestLeadsLoadInTheBackground runs the loads on real goroutines and applies
// them through fyne.Do, as the app does. Run it with -race.
func TestLeadsLoadInTheBackground(t *testing.T) {
	st := newStore(t)
	demo(t, st)
	test.NewTempApp(t)
	var wg sync.WaitGroup
	var workers atomic.Int32
	run := func(f func()) {
		workers.Add(1)
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}
	// fyne's test driver runs fyne.Do on the calling goroutine; the mutex
	// makes the applies take turns, as they do on the one UI goroutine of a
	// real driver, which is busy with New until it returns.
	var uiThread sync.Mutex
	do := func(f func()) { fyne.Do(func() { uiThread.Lock(); defer uiThread.Unlock(); f() }) }
	uiThread.Lock()
	u := New(fyne.CurrentApp(), st, Options{run: run, do: do})
	uiThread.Unlock()
	t.Cleanup(u.win.Close)
	wg.Wait()
	assert.Positive(t, workers.Load(), "the screens load on workers")
	assert.Equal(t, 4, u.leads.list.Length())
	assert.Equal(t, "4 leads · 1 prospect · 4 not synced", u.leads.counts.Text)

	before := workers.Load()
	uiThread.Lock() // the test acts as the UI goroutine
	u.leads.stage.SetSelected("Prospect")
	uiThread.Unlock()
	wg.Wait()
	assert.Equal(t, before+1, workers.Load(), "one query per filter change")
	assert.Equal(t, 1, u.leads.list.Length())
}
