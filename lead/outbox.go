package lead

import "time"

// OutboxEntry is a lead waiting to be delivered to the CRM, as the store
// hands it to the sync engine. It lives in this package because both the
// store (which writes it) and the sync engine (which drains it) speak of it,
// and neither may import the other.
type OutboxEntry struct {
	// Lead is the snapshot to deliver; Lead.Version is the version that a
	// successful delivery confirms.
	Lead Lead `json:"lead"`
	// Event is the lead's event, for CRM fields such as a description.
	Event Event `json:"event"`
	// Attempts counts earlier failed deliveries.
	Attempts    int       `json:"attempts"`
	NextAttempt time.Time `json:"next_attempt,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	// RemoteID is the CRM's record ID from an earlier successful delivery,
	// empty when the lead was never delivered.
	RemoteID string `json:"remote_id,omitempty"`
	// Op is what to do in the CRM: create or update (OpUpsert), or remove
	// the record (OpDelete, OpErase). For a removal Lead holds only the ID,
	// the event, the version and the aliases: the personal data is gone.
	Op Op `json:"op,omitempty"`
}
