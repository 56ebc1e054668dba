package syncertest

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Clock is a fake clock for syncer.Options.Now and Sleep (and a store's
// clock, so both agree). It moves only when someone sleeps. It is safe for
// concurrent use.
type Clock struct {
	mu     sync.Mutex
	now    time.Time
	slept  []time.Duration
	longAt time.Duration
	onLong func(ctx context.Context)
}

// NewClock returns a clock that reads start.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep records d, runs the OnLongSleep hook for a sleep of at least its
// threshold, and then, unless ctx has ended, moves the clock on by d.
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.slept = append(c.slept, d)
	hook := c.onLong
	long := hook != nil && c.longAt > 0 && d >= c.longAt
	c.mu.Unlock()
	if long {
		hook(ctx)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.now = c.now.Add(d)
	}
	return nil
}

// OnLongSleep makes every sleep of at least d call fn first, e.g. to see
// that Run went idle and to hold it there until ctx ends.
func (c *Clock) OnLongSleep(d time.Duration, fn func(ctx context.Context)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.longAt, c.onLong = d, fn
}

// Slept returns the durations of every sleep so far, in order.
func (c *Clock) Slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.slept)
}
