// Package workflow holds the operations that both front doors of leadcap —
// the command line (cmd/leadcap) and the Fyne app (app/) — offer, so that
// neither of them holds business rules: choosing the event a new lead
// belongs to, exporting leads for a CRM or an address book (CSV, vCard 4.0,
// JSON Lines), importing JSON Lines back losslessly and idempotently,
// saving scanned codes as leads with duplicate handling, keeping a scan
// under review stored but held from the CRM until the review ends
// (StartReview, Discard, Restore, Finish), syncing the outbox to the
// CRM, and reporting how an event went (BuildReport: the figures; Charts:
// what both the app's dashboard and the HTML page draw; WriteReportHTML).
//
// Every function takes a *storage.Store that the caller opened and closes;
// functions that do I/O over many leads take a context first and stop when
// it is cancelled.
package workflow
