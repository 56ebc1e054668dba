// Command leadcap is the headless command line of leadcap, for back-office
// work and scripts: events, leads, qualification, notes and consent, export
// to CSV, vCard and JSON Lines, import of JSON Lines, decoding and scanning
// QR photos, CRM set-up, bulk sync and dead letters, status, backup and
// restore. It reads and writes the same database as the app.
//
// Usage:
//
//	leadcap [--db PATH] COMMAND [ARGUMENTS]
//
// Run "leadcap help" for the commands and "leadcap help COMMAND" for one of
// them. The database defaults to $LEADCAP_DB, else leadcap/leadcap.db under
// the user's data directory.
//
// Exit status: 0 on success, 1 on an error (one sentence on stderr that says
// what to do), 2 on wrong usage; "leadcap sync" also exits 3 when leads are
// still pending and 4 when some are dead (the CRM refused them).
//
// The command holds no business rules: the workflows it shares with the app
// live in leadcap/workflow, the data in leadcap/storage.
package main
