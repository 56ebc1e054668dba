package lead

import (
	"time"

	"github.com/google/uuid"
)

// Op says what an outbox entry asks of the CRM.
type Op string

// The outbox operations.
const (
	// OpUpsert creates or updates the CRM record of the lead (the zero
	// value: every entry written before operations existed is one).
	OpUpsert Op = ""
	// OpDelete removes the CRM record of a lead deleted as a mistaken scan.
	OpDelete Op = "delete"
	// OpErase removes (or, where the CRM cannot delete, anonymises) every
	// personal datum of the lead in the CRM: a request under GDPR art. 17.
	OpErase Op = "erase"
)

// Tombstone is what stays of a deleted or erased lead: no personal data,
// only that the lead existed, when and by whom it was removed, and what
// the CRM still has to be told.
type Tombstone struct {
	ID      uuid.UUID `json:"id"`
	EventID uuid.UUID `json:"event_id"`
	// Op is OpDelete or OpErase.
	Op Op        `json:"op"`
	At time.Time `json:"at"`
	// By is who deleted or erased the lead (a staff name or the OS user).
	By string `json:"by,omitempty"`
	// Aliases are the IDs of leads merged into this one (see Lead.Aliases):
	// the CRM may know the person under any of them.
	Aliases []uuid.UUID `json:"aliases,omitempty"`
	// Version is the version the CRM operation confirms: one above the
	// lead's last version.
	Version int64 `json:"version"`
	// RemoteID is the CRM record's ID when the lead was delivered.
	RemoteID string `json:"remote_id,omitempty"`
	// AttendeesRemoved is how many entries of the event's attendee list
	// (the organiser's list that fills badge scans) an erasure removed with
	// the lead: the entries of the lead's badge ID, or of its email when it
	// had no badge ID.
	AttendeesRemoved int `json:"attendees_removed,omitempty"`
	// Delivered is when the CRM confirmed the removal; zero while it is
	// pending or when the CRM never had the lead.
	Delivered time.Time `json:"delivered,omitzero"`
}

// Erasable lists every personal field a lead holds, for documentation and
// for the erase test: the contact, the raw payload, the badge ID, the
// answers and the notes. Erasure removes the whole record; what stays is a
// Tombstone.
var Erasable = []string{"contact", "raw_payload", "badge_id", "qualification.answers", "notes", "captured_by", "device_id"}
