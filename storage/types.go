package storage

import (
	"fmt"
	"time"

	"github.com/google/uuid"

	"leadcap/lead"
)

// Query filters List, Leads and Count. Zero fields do not filter.
type Query struct {
	EventID uuid.UUID
	Stage   lead.Stage
	// Sync matches one status exactly: SyncPending does not include
	// SyncFailed.
	Sync SyncStatus
	// Text is searched in the name, the organization and every email,
	// ignoring case and accents: each of its words must begin a word of
	// the same field ("mull" finds "Müller"; see search.go).
	Text string
	// Limit caps the number of results (0: no cap); Offset skips that many
	// matches first. Count ignores both.
	Limit, Offset int
	// Cursor starts the results after a position a Page returned as Next
	// (see Page); empty: from the newest lead.
	Cursor string
}

// Summary is what a list row needs, read without decoding the whole lead.
type Summary struct {
	ID, EventID  uuid.UUID
	Name         string
	Organization string
	// Email is the first email, if any.
	Email      string
	Stage      lead.Stage
	Rating     lead.Rating
	CapturedAt time.Time
	Sync       SyncStatus
	// CapturedBy is the staff member who captured the lead.
	CapturedBy string
	// Consent holds the legal basis and the consent status only.
	Consent lead.Consent
}

// SyncStatus is where a lead stands with the CRM.
type SyncStatus string

// The sync statuses.
const (
	// SyncPending: a change waits in the outbox and no delivery failed yet.
	SyncPending SyncStatus = "pending"
	// SyncSynced: the CRM confirmed the latest change.
	SyncSynced SyncStatus = "synced"
	// SyncFailed: a change waits in the outbox after at least one failed
	// delivery; it will be retried.
	SyncFailed SyncStatus = "failed"
	// SyncDead: the CRM rejected the lead for good; see DeadLetters and
	// RetryDead.
	SyncDead SyncStatus = "dead"
	// SyncWaiting: a badge scan that held only the badge ID waits for its
	// contact (attendee list or typed in) before it goes to the CRM.
	SyncWaiting SyncStatus = "waiting"
)

// SyncStatuses lists every status in display order.
var SyncStatuses = []SyncStatus{SyncPending, SyncFailed, SyncSynced, SyncDead, SyncWaiting}

// SyncInfo is the delivery state of one lead.
type SyncInfo struct {
	Status      SyncStatus
	Attempts    int
	LastError   string
	NextAttempt time.Time
	// SyncedAt and SyncedVersion describe the last confirmed delivery.
	SyncedAt      time.Time
	SyncedVersion int64
	// RemoteID is the CRM's record ID, once known.
	RemoteID string
}

// Stats counts the leads.
type Stats struct {
	Leads int
	// ByStage and BySync have an entry for every stage and status, zero
	// included.
	ByStage map[lead.Stage]int
	BySync  map[SyncStatus]int
	// OutboxPending counts outbox entries (pending and failed); Dead counts
	// dead letters.
	OutboxPending, Dead int
	// Damage is what was found wrong with the store (by Check, or by a
	// read of a lead that does not decode), nil when nothing was. Nil does
	// not prove the store sound: only Check, which reads every record,
	// does; Stats reads a few dozen keys.
	Damage *Damage
	// CheckedAt is when a Check (on a writable store) last found nothing
	// wrong; zero when none did.
	CheckedAt time.Time
}

// DeadLetter is a lead the CRM rejected for good, with its reason.
type DeadLetter struct {
	LeadID   uuid.UUID `json:"lead_id"`
	Version  int64     `json:"version"`
	Reason   string    `json:"reason"`
	At       time.Time `json:"at"`
	Attempts int       `json:"attempts"`
}

// PutOutcome is what PutLeads did with one lead.
type PutOutcome uint8

// The outcomes.
const (
	// PutFailed: the lead was refused (PutResult.Err says why) and nothing
	// of it was written.
	PutFailed PutOutcome = iota
	// PutCreated: the lead was not stored; now it is, queued for the CRM.
	PutCreated
	// PutUpdated: a lower version was stored; the lead replaced it and is
	// queued for the CRM.
	PutUpdated
	// PutUnchanged: the same or a higher version was stored; nothing was
	// written.
	PutUnchanged
	// PutConflict: the same version with different content was stored; it
	// was kept and PutResult.Err wraps ErrConflict.
	PutConflict
	// PutMerged: the lead was the same person as a stored lead (same ID
	// alias or duplicate key) and was folded into it (MergeLeads);
	// PutResult.ID is the stored lead's ID.
	PutMerged
)

// MaxVersion is the highest lead version leadcap accepts (2^53, exact in
// every JSON reader). Counting one edit per millisecond, it is reached
// after 285,000 years.
const MaxVersion = 1 << 53

func (o PutOutcome) String() string {
	switch o {
	case PutFailed:
		return "failed"
	case PutCreated:
		return "created"
	case PutUpdated:
		return "updated"
	case PutUnchanged:
		return "unchanged"
	case PutConflict:
		return "conflict"
	case PutMerged:
		return "merged"
	}
	return fmt.Sprintf("PutOutcome(%d)", uint8(o))
}

// PutResult is the outcome of one lead in PutLeads.
type PutResult struct {
	ID      uuid.UUID
	Outcome PutOutcome
	// EventCreated means the lead's event was created with it, from the
	// events given to PutLeads.
	EventCreated bool
	// Err is the lead's own problem (validation, duplicate, unknown event);
	// the other leads of the batch are saved regardless.
	Err error
}
