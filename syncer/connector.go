package syncer

import (
	"context"
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

// Pacer is implemented by connectors that learn from the CRM's replies how
// fast they may go, e.g. Salesforce's Sforce-Limit-Info. After each push the
// relay waits Pace() before the next one.
type Pacer interface {
	Pace() time.Duration
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
