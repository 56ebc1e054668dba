//go:build !mobile && !android && !ios

// In mobile builds fyne's test driver treats every goroutine as the main
// one and runs fyne.Do asynchronously, so this test only runs on desktop.

package app

import (
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
)

// TestLeadsLoadInTheBackground runs the loads on real goroutines and applies
// them through fyne.Do, as the app does.
func TestLeadsLoadInTheBackground(t *testing.T) {
	st := newStore(t)
	demo(t, st)
	test.NewTempApp(t)
	var wg sync.WaitGroup
	workers := 0
	run := func(f func()) {
		workers++
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}
	u := New(fyne.CurrentApp(), st, Options{run: run})
	t.Cleanup(u.win.Close)
	wg.Wait()
	assert.Equal(t, 1, workers)
	assert.Equal(t, 4, u.leads.list.Length())
	assert.Equal(t, "4 leads · 1 prospect · 4 not synced", u.leads.counts.Text)

	u.leads.stage.SetSelected("Prospect")
	wg.Wait()
	assert.Equal(t, 1, u.leads.list.Length())
}
