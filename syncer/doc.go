// Package syncer delivers captured leads to a CRM exactly once, whatever the
// network does.
//
// The [Relay] drains an [Outbox] (the store's transactional outbox; syncer
// never imports storage, *storage.Store satisfies the interface) through a
// [Connector]: it claims due entries with a lease, pushes them in batches,
// and marks each entry done, failed (retried later with exponential backoff
// and full jitter, never before the CRM's Retry-After) or dead (the CRM
// refused the lead; a person fixes it and retries) in its own call. An entry
// leaves the outbox only after the CRM confirmed that version of the lead,
// and the lead's UUID travels with every push, so a replay after a lost reply
// or a crash updates the same CRM record instead of creating a second one.
//
// [Relay.Run] is the background loop (probe the CRM cheaply, back off while
// offline, drain when online); [Relay.SyncAll] is the on-demand bulk sync.
// Both report [Progress] as plain values and stop cleanly when their context
// is cancelled.
//
// The connectors live in subpackages: tryton, hubspot, salesforce, webhook.
// Shared helpers for them are here: [NewRequest] and [Do] send a request
// and read the reply, [NetError], [FromStatus] and [RetryAfter] classify
// what went wrong, and [SplitName] and [Details] shape a lead for a CRM.
package syncer
