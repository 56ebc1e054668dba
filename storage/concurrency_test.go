package storage

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Writers capture leads while two sync workers claim and confirm them: no
// entry is handed to both workers while its lease runs, and in the end
// every lead is synced exactly once.
func TestConcurrentCaptureAndClaim(t *testing.T) {
	s, _ := openTest(t)
	ev := mustEvent(t, s, "Hannover Messe", "DE")
	const writers, perWriter = 4, 25
	now := time.Now()

	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				assert.NoError(t, s.AddLead(newLead(ev, "", "", fmt.Sprintf("w%d-%d@example.com", w, i))))
			}
		}()
	}
	var mu sync.Mutex
	claims := map[uuid.UUID]int{}
	done := make(chan struct{})
	var workers sync.WaitGroup
	for range 2 {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for {
				es, err := s.ClaimDue(now.Add(time.Hour), 7, 24*time.Hour)
				if !assert.NoError(t, err) {
					return
				}
				for _, e := range es {
					mu.Lock()
					claims[e.Lead.ID]++
					mu.Unlock()
					assert.NoError(t, s.MarkDone(e.Lead.ID, e.Lead.Version, "r"))
				}
				if len(es) == 0 {
					select {
					case <-done:
						return
					default:
					}
				}
			}
		}()
	}
	wg.Wait()
	close(done)
	workers.Wait()

	// Entries that arrived after the workers' last look are still queued.
	es, err := s.ClaimDue(now.Add(time.Hour), writers*perWriter, time.Hour)
	require.NoError(t, err)
	for _, e := range es {
		claims[e.Lead.ID]++
		require.NoError(t, s.MarkDone(e.Lead.ID, e.Lead.Version, "r"))
	}
	assert.Len(t, claims, writers*perWriter)
	for id, n := range claims {
		assert.Equal(t, 1, n, "lead %s claimed %d times", id, n)
	}
	st, err := s.Stats()
	require.NoError(t, err)
	assert.Equal(t, writers*perWriter, st.BySync[SyncSynced])
	assert.Zero(t, st.OutboxPending)
}
