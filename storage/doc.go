// Package storage keeps leadcap's events, leads, settings and sync outbox in
// one bbolt file. It is the only package that imports bbolt.
//
// Every change to a lead writes the lead, its summary, its index entries
// and its outbox entry in the same transaction, so a lead is never saved
// without being queued for the CRM and never queued without being saved. A
// lead has at most one outbox entry: a second change before the sync engine
// delivered the first updates that entry instead of queueing another. The
// sync engine drains the outbox through ClaimDue, MarkDone, MarkFailed and
// MarkDead (the syncer.Outbox interface); entries the CRM rejects for good
// become dead letters until RetryDead. HoldSync keeps a lead's entry from
// the sync engine while a person can still discard the lead; ReleaseSync,
// or the next Open, lets it go.
//
// [Store.RemoveLead] deletes a mistaken scan or erases a person's data
// (GDPR art. 17), leaving a [lead.Tombstone] and an outbox entry that tells
// the CRM once; [Store.Erase] then compacts the file ([Store.Compact]),
// because bbolt keeps freed pages, and the bytes in them, in the file.
// [Store.MergeLeads] imports several devices' exports, folding the same
// person into one lead whose other IDs are kept as aliases.
//
// Listing, searching and the event report read compact per-lead summaries
// (event, stage, rating, consent, sync status, staff member and display
// fields) kept in capture-time order, plus indexes by event, stage, search
// word and duplicate key, instead of decoding leads: at 100,000 leads a page
// of the list takes well under a millisecond, a full-text search about
// 10 ms and [Store.EachSummary] over one event about 25 ms. The attendee
// index finds an attendee by badge ID in one look-up ([Store.FindAttendee]).
//
// Opening is safe: a second process opening the same file fails within
// [Options.Timeout] with [ErrLocked]; a file that is not a leadcap database,
// or is truncated or damaged, fails with [ErrDamaged] and is never modified;
// a file written by a newer leadcap fails with [ErrNewerSchema]; an older
// one is migrated forward in one transaction. [Store.Backup] and
// [Store.BackupFile] copy the database while it is in use, [Verify] checks
// a copy and [Restore] puts one back. [Store.Check] verifies the invariants
// and [Store.RebuildIndexes] repairs the derived data.
//
// A *Store is safe for concurrent use by several goroutines.
package storage
