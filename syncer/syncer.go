package syncer

import (
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
