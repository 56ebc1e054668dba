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
// The commands are spf13/cobra commands, one file each (root.go builds the
// tree; event.go, add.go, list.go ...): a constructor that binds the flags
// to an Options struct and a run function that does the work with it. run()
// builds a new tree per call, so it can be called many times in one process.
// "leadcap completion bash|zsh|fish" prints completion scripts; the hidden
// "leadcap gendocs" writes docs/man and docs/cli ('make docs').
//
// The command holds no business rules: the workflows it shares with the app
// live in leadcap/workflow, the data in leadcap/storage.
package main
