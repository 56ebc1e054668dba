// Package syncer delivers captured leads to a CRM exactly once, whatever the
// network does.
//
// The [Relay] drains an [Outbox] (the store's transactional outbox; syncer
// never imports storage, *storage.Store satisfies the interface) through a
// [Connector]: it claims entries with a lease, pushes them in batches, and
// marks each entry done, failed (retried later, never before the CRM's
// Retry-After) or dead (the CRM refused the lead; a person fixes it and
// retries) in its own call. An entry leaves the outbox only after the CRM
// confirmed that version of the lead, and the lead's UUID travels with
// every push, so a replay after a lost reply or a crash updates the same
// CRM record instead of creating a second one.
//
// [Relay.Run] is the background loop (probe the CRM cheaply, back off while
// offline, drain when online; a failed entry waits its exponential backoff
// of up to 15 minutes). [Relay.SyncAll] is what a person asks for ("Sync
// now", leadcap sync): it tries every pending entry at once, whatever its
// backoff (only a CRM's Retry-After holds, also one told to an earlier run:
// Options.NotBefore and OnPause), retries failures within the run after
// short waits, and its timeout is a hard deadline for every request. A
// batch that fails as a whole with an error one lead can cause is split in
// halves, so that one poisoned lead cannot hold back the others. Both
// report [Progress] as plain values and stop cleanly when their context is
// cancelled.
//
// Inside a push, a connector retries what is safe to send again with
// [Retry] and [RetryReply] (short jittered waits, a short Retry-After
// honoured): reads, upserts keyed by the lead, and creates only after a
// search on the lead's UUID found nothing.
//
// Files: relay.go (Relay, Options), relay_push.go (claim, push, split,
// mark), relay_sync.go (SyncAll), relay_run.go (Run), relay_progress.go
// (Progress, Summary), errors.go (error kinds), retry.go (retry policy),
// http.go (requests and replies), connector.go and connector_text.go (the
// Connector interface and shaping a lead for a CRM). The connectors live
// in subpackages: tryton, hubspot, salesforce, webhook; syncertest holds
// test helpers (a fake clock, an in-memory outbox, a fault-injecting proxy,
// an in-memory HTTP server for testing/synctest).
package syncer
