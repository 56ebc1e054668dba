package syncer

import (
	"errors"
	"time"

	"github.com/google/uuid"

	"leadcap/lead"
)

// Outbox is what the relay needs from the store. *storage.Store satisfies
// it; every Mark call is its own transaction.
type Outbox interface {
	// ClaimDue returns up to max due entries, oldest first, and leases them
	// until now+lease so that a second claimer skips them; if the process
	// dies, the lease expires and the entries are due again.
	ClaimDue(now time.Time, max int, lease time.Duration) ([]lead.OutboxEntry, error)
	// MarkDone removes the entry if its version is still version (a newer
	// change stays pending) and records the CRM's ID.
	MarkDone(id uuid.UUID, version int64, remoteID string) error
	// MarkFailed counts a failed attempt and schedules the next one.
	MarkFailed(id uuid.UUID, version int64, reason string, next time.Time) error
	// MarkDead moves the entry to the dead letters with the reason.
	MarkDead(id uuid.UUID, version int64, reason string) error
	// PendingCount counts the entries still to deliver (due or not).
	PendingCount() (int, error)
}

// ErrAuth means the CRM refused the credentials, not the lead. The relay
// stops and leaves the leads pending; nothing goes to the dead letters.
var ErrAuth = errors.New("the CRM refused the credentials: check the token or password in LEADCAP_CRM_SECRET and the user in the CRM settings, then sync again")

// ErrOffline means the CRM could not be reached (no network, DNS, refused
// connection, timeout). The leads stay pending and are retried.
var ErrOffline = errors.New("the CRM cannot be reached: check the network connection and the CRM address; leads stay safe on this device and are sent later")

// ErrNoResult means a connector returned fewer results than entries it was
// given; the entries without a result are retried.
var ErrNoResult = errors.New("the connector returned no result for this lead")

// IsPermanent reports whether err is, or wraps, a *PermanentError.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

// Transient wraps err as a *TransientError that may be retried after
// retryAfter (0: the relay's own backoff decides).
func Transient(err error, retryAfter time.Duration) error {
	return &TransientError{Err: err, RetryAfter: retryAfter}
}

// Permanent returns a *PermanentError with the CRM's reason, cleaned of
// terminal control characters.
func Permanent(reason string) error {
	return &PermanentError{Reason: Clean(reason)}
}

// AuthError returns a *PermanentError that wraps ErrAuth, with the CRM's
// reason, e.g. "HubSpot: 401 the access token is expired".
func AuthError(reason string) error {
	return &PermanentError{Reason: Clean(reason) + ": " + ErrAuth.Error(), Err: ErrAuth}
}

// ResultsFor returns one Result per entry carrying err: for a failure that
// hit a whole batch, such as a timeout.
func ResultsFor(batch []lead.OutboxEntry, err error) []Result {
	res := make([]Result, len(batch))
	for i, e := range batch {
		res[i] = Result{LeadID: e.Lead.ID, Version: e.Lead.Version, Err: err}
	}
	return res
}
