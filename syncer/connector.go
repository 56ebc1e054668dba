package syncer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"leadcap/lead"
)

// Connector delivers leads to one CRM.
type Connector interface {
	// Name is the connector's name: "tryton", "hubspot", "salesforce", "webhook".
	Name() string
	// MaxBatch is the number of entries per Push.
	MaxBatch() int
	// Probe is a cheap reachability and credentials check.
	Probe(ctx context.Context) error
	// Push delivers a batch and returns one Result per entry, in the same order.
	Push(ctx context.Context, batch []lead.OutboxEntry) []Result
}

// Result is the outcome of delivering one outbox entry.
type Result struct {
	LeadID   uuid.UUID
	Version  int64
	RemoteID string
	// Err is nil when the CRM confirmed the lead; otherwise a
	// *TransientError or a *PermanentError.
	Err error
}

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

// SplitName returns the contact's first and last name. A contact known only
// by its full name is split before the last word, since CRMs need a last
// name.
func SplitName(c lead.Contact) (first, last string) {
	if c.GivenName != "" || c.FamilyName != "" {
		return c.GivenName, c.FamilyName
	}
	f := strings.Fields(c.FullName)
	if len(f) == 0 {
		return "", ""
	}
	return strings.Join(f[:len(f)-1], " "), f[len(f)-1]
}

// Details is the multi-line text for a CRM's details field: event, capture,
// stage and qualification, rating, consent and notes.
func Details(e lead.OutboxEntry) string {
	l := e.Lead
	var b strings.Builder
	fmt.Fprintf(&b, "Event: %s\n", e.Event.Name)
	fmt.Fprintf(&b, "Captured: %s (%s)\n", l.CapturedAt.UTC().Format("2006-01-02 15:04 MST"), l.Source.Method)
	q := l.Qualification
	fmt.Fprintf(&b, "Stage: %s (fit %s, budget %s, authority %s, interest %s)\n", l.Stage(), q.Fit, q.Budget, q.Authority, q.Interest)
	fmt.Fprintf(&b, "Rating: %s\n", l.Rating)
	fmt.Fprintf(&b, "Consent: %s\n", l.Consent.Summary())
	for _, n := range l.Notes {
		fmt.Fprintf(&b, "Note %s: %s\n", n.At.UTC().Format("2006-01-02 15:04"), n.Text)
	}
	return strings.TrimRight(b.String(), "\n")
}
