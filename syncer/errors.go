package syncer

import (
	"errors"
	"time"
)

// ErrAuth means the CRM refused the credentials, not the lead. The relay
// stops and leaves the leads pending; nothing goes to the dead letters.
var ErrAuth = errors.New("the CRM refused the credentials: check the token or password in LEADCAP_CRM_SECRET and the user in the CRM settings, then sync again")

// ErrOffline means the CRM could not be reached (no network, DNS, refused
// connection, timeout). The leads stay pending and are retried.
var ErrOffline = errors.New("the CRM cannot be reached: check the network connection and the CRM address; leads stay safe on this device and are sent later")

// ErrNoResult means a connector returned fewer results than entries it was
// given; the entries without a result are retried.
var ErrNoResult = errors.New("the connector returned no result for this lead")

// TransientError is a failure that may go away by itself: network errors,
// timeouts, 5xx, 429, 423. The entry is retried later, not before RetryAfter
// when the CRM said so.
type TransientError struct {
	Err        error
	RetryAfter time.Duration
}

func (e *TransientError) Error() string {
	if e.Err == nil {
		return "temporary CRM failure"
	}
	return e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *TransientError) Unwrap() error { return e.Err }

// PermanentError is a failure that will not go away without a person fixing
// the lead, such as a validation error; Reason is the CRM's message.
type PermanentError struct {
	Reason string
	// Err optionally classifies the failure further, e.g. ErrAuth when the
	// CRM refused the credentials rather than the lead; the relay then stops
	// instead of moving the lead to the dead letters.
	Err error
}

func (e *PermanentError) Error() string { return "the CRM refused the lead: " + e.Reason }

// Unwrap returns the classifying error, if any.
func (e *PermanentError) Unwrap() error { return e.Err }

// IsTransient reports whether err is, or wraps, a *TransientError.
func IsTransient(err error) bool {
	var t *TransientError
	return errors.As(err, &t)
}

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

// retryAfterOf returns the Retry-After a transient err carries, or 0.
func retryAfterOf(err error) time.Duration {
	var t *TransientError
	if errors.As(err, &t) {
		return t.RetryAfter
	}
	return 0
}
