// Package lead is the domain of leadcap: events, leads, their contact data,
// qualification, consent and notes.
//
// A lead is someone who came in contact with the company (at a fair, in a
// meeting, through a form) and has not been qualified yet. A lead becomes a
// prospect when all four qualification criteria are confirmed: it fits the
// target market, it has the budget, the person has decision authority and the
// person has shown interest in a two-way exchange. The stage is never stored;
// it is derived by [Qualification.Stage] every time it is needed.
//
// The package has no dependency on storage, UI or network code: everything
// above it (capture, storage, syncer, app, cmd/leadcap) speaks in these types.
package lead
