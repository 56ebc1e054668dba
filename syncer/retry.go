package syncer

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"time"

	"github.com/cenkalti/backoff/v5"
)

// The retry policy has two levels.
//
// Inside one push, a connector retries what is safe to send again (reads,
// upserts keyed by the lead's UUID, idempotent writes; a create only after
// a search on the lead's UUID found nothing) with [Retry]: a few attempts
// with short jittered waits, honouring a short Retry-After.
//
// Across pushes, the relay schedules a failed entry again with [Delay]:
// exponential backoff with full jitter, never before the CRM's Retry-After.
// The background relay lets it grow to Options.RetryMax; an on-demand sync
// (SyncAll) starts with every pending entry and keeps its waits short
// (Options.SyncRetryMax).

// RetryPolicy bounds the retries of one request, or of one idempotent
// sequence of requests, inside a push. The zero value uses the defaults.
type RetryPolicy struct {
	// Tries is the number of attempts in all (default 8; 1 means no retry).
	// At 35% failed requests, 8 attempts all fail once in 4,000 requests.
	Tries int
	// Initial and Max bound the jittered exponential wait between attempts
	// (defaults 100 ms and 2 s).
	Initial, Max time.Duration
	// MaxRetryAfter is the longest Retry-After that is waited for inside a
	// push (default 5 s). A longer one ends the retries: the relay then
	// pauses every push until it has passed.
	MaxRetryAfter time.Duration
}

// NoRetry is a RetryPolicy of a single attempt.
var NoRetry = RetryPolicy{Tries: 1}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.Tries <= 0 {
		p.Tries = 8
	}
	if p.Initial <= 0 {
		p.Initial = 100 * time.Millisecond
	}
	if p.Max <= 0 {
		p.Max = 2 * time.Second
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = 5 * time.Second
	}
	return p
}

// Retry calls op until it succeeds, fails with an error that is not a
// *TransientError, has been tried p.Tries times, or ctx ends. Between
// attempts it waits a jittered, growing interval (backoff's
// ExponentialBackOff), or the CRM's Retry-After plus a little jitter (so
// that parallel requests do not come back all at once). A Retry-After
// longer than p.MaxRetryAfter, a wait that would end after ctx's deadline,
// a CRM that cannot be reached at all (the connection was refused or the
// name not found: the relay probes it with its own backoff), and what only
// a person can fix (a refused certificate, a redirect, a reply too large)
// end the retries. It returns op's last result and error, which the caller
// classifies as usual.
//
// Use it only for what is safe to send again: a request the CRM may have
// carried out although its reply was lost must leave nothing twice.
func Retry[T any](ctx context.Context, p RetryPolicy, op func() (T, error)) (T, error) {
	p = p.withDefaults()
	b := &backoff.ExponentialBackOff{InitialInterval: p.Initial, RandomizationFactor: 0.5, Multiplier: 2, MaxInterval: p.Max}
	b.Reset()
	sleep := sleepOf(ctx)
	for try := 1; ; try++ {
		v, err := op()
		if err == nil || try >= p.Tries || !IsTransient(err) || ctx.Err() != nil || unreachable(err) || needsAPerson(err) {
			return v, err
		}
		// The CRM's Retry-After replaces the backoff's wait without
		// growing it: a lost reply after two 429s waits 100 ms, not 400.
		var wait time.Duration
		if ra := retryAfterOf(err); ra > 0 {
			if ra > p.MaxRetryAfter {
				return v, err
			}
			wait = ra + time.Duration(rand.Int64N(int64(ra/10)+1))
		} else {
			wait = b.NextBackOff()
		}
		if !fits(ctx, wait) || sleep(ctx, wait) != nil {
			return v, err
		}
	}
}

// unreachable reports whether err is a connection that could not be made
// at all: nothing was sent.
func unreachable(err error) bool {
	var op *net.OpError
	var dns *net.DNSError
	return (errors.As(err, &op) && op.Op == "dial") || errors.As(err, &dns)
}

// needsAPerson reports whether err stays until somebody changes the set-up
// or the CRM: the leads stay pending (the errors are transient for the
// relay), but a retry within seconds cannot succeed.
func needsAPerson(err error) bool {
	return errors.Is(err, ErrCertificate) || errors.Is(err, ErrRedirect) || errors.Is(err, ErrReplyTooLarge)
}

type sleepKey struct{}

// withSleep hands the relay's way of sleeping (a test's fake clock) to the
// retries inside a push.
func withSleep(ctx context.Context, sleep func(context.Context, time.Duration) error) context.Context {
	return context.WithValue(ctx, sleepKey{}, sleep)
}

func sleepOf(ctx context.Context) func(context.Context, time.Duration) error {
	if s, ok := ctx.Value(sleepKey{}).(func(context.Context, time.Duration) error); ok {
		return s
	}
	return sleep
}

// fits reports whether a wait of d ends before ctx's deadline, with room
// for one more request.
func fits(ctx context.Context, d time.Duration) bool {
	dl, ok := ctx.Deadline()
	return !ok || time.Until(dl) > d+100*time.Millisecond
}

// Delay returns the full-jitter backoff before attempt n (1 = the first
// retry): a random duration in [0, min(max, initial*2^(n-1))).
func Delay(n int, initial, max time.Duration, random float64) time.Duration {
	b := &backoff.ExponentialBackOff{InitialInterval: initial, RandomizationFactor: 0, Multiplier: 2, MaxInterval: max}
	b.Reset()
	d := initial
	for i := 0; i < n && i < 64; i++ {
		d = b.NextBackOff()
	}
	if d > max {
		d = max
	}
	return time.Duration(random * float64(d))
}

// RetryReply sends a request that is safe to send again (an upsert keyed
// by the lead, a read, a ping) with p, until the CRM answers with a status
// that is not a transient failure (see TransientStatus); classify turns
// such a reply into the error to retry on, with its Retry-After (usually
// the connector's own FromStatus). It returns the last reply; the error is
// send's, or classify's when the retries ran out on a transient status.
func RetryReply(ctx context.Context, p RetryPolicy, send func() (Reply, error), classify func(Reply) error) (Reply, error) {
	return Retry(ctx, p, func() (Reply, error) {
		r, err := send()
		if err == nil && TransientStatus(r.Status) {
			return r, classify(r)
		}
		return r, err
	})
}

// TransientStatus reports whether an HTTP status is a failure that may go
// away by itself: 408, 423, 425, 429 and 5xx.
func TransientStatus(status int) bool {
	switch {
	case status == http.StatusRequestTimeout, status == http.StatusLocked, status == http.StatusTooEarly,
		status == http.StatusTooManyRequests, status >= 500:
		return true
	}
	return false
}
