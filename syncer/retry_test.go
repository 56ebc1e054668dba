package syncer

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRetryWaitsRetryAfterThenSucceeds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		calls := 0
		start := time.Now()
		v, err := Retry(context.Background(), RetryPolicy{}, func() (int, error) {
			calls++
			if calls <= 3 {
				return 0, Transient(errors.New("503"), time.Second)
			}
			return 42, nil
		})
		require.NoError(t, err)
		assert.Equal(t, 42, v)
		assert.Equal(t, 4, calls)
		elapsed := time.Since(start)
		assert.GreaterOrEqual(t, elapsed, 3*time.Second, "Retry-After honoured")
		assert.LessOrEqual(t, elapsed, 3*time.Second+300*time.Millisecond, "only a little jitter on top")
	})
}

func TestRetryStops(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	for _, tc := range []struct {
		name  string
		err   error
		calls int
	}{
		{"after Tries transient failures", Transient(errors.New("500"), 0), 8},
		{"at once on a permanent error", Permanent("bad email"), 1},
		{"at once on a long Retry-After", Transient(errors.New("429"), time.Hour), 1},
		{"at once when the CRM cannot be reached", NetError("X", refused), 1},
		{"not on a lost reply", NetError("X", fmt.Errorf("read: %w", errors.New("EOF"))), 8},
		{"at once on a refused certificate", Transient(fmt.Errorf("X: %w (self-signed)", ErrCertificate), 0), 1},
		{"at once on a redirect", Transient(fmt.Errorf("X: 301 to https://other.example/: %w", ErrRedirect), 0), 1},
		{"at once on a reply too large", Transient(fmt.Errorf("X: %w", ErrReplyTooLarge), 0), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				calls := 0
				_, err := Retry(context.Background(), RetryPolicy{}, func() (int, error) {
					calls++
					return 0, tc.err
				})
				assert.Equal(t, tc.err, err, "the op's own error comes back")
				assert.Equal(t, tc.calls, calls)
			})
		})
	}
}

func TestRetryKeepsWithinTheDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
		defer cancel()
		calls := 0
		_, err := Retry(ctx, RetryPolicy{}, func() (int, error) {
			calls++
			return 0, Transient(errors.New("503"), time.Second)
		})
		assert.Error(t, err)
		assert.Equal(t, 2, calls, "a second wait of 1 s would end past the deadline")
	})
}

func TestRetryAfterDoesNotGrowTheBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		calls := 0
		var lostAt time.Time
		var waited time.Duration
		_, err := Retry(context.Background(), RetryPolicy{}, func() (int, error) {
			calls++
			switch {
			case calls <= 4:
				return 0, Transient(errors.New("429"), time.Second)
			case calls == 5:
				lostAt = time.Now()
				return 0, NetError("X", fmt.Errorf("read: %w", errors.New("EOF")))
			}
			waited = time.Since(lostAt)
			return 1, nil
		})
		require.NoError(t, err)
		assert.Equal(t, 6, calls)
		// The first backoff wait is 100 ms ± 50%; four Retry-After waits
		// before it must not have doubled it four times (1.6 s).
		assert.LessOrEqual(t, waited, 150*time.Millisecond, "the wait after a lost reply is the backoff's first")
	})
}
