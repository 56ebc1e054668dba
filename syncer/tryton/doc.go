// Package tryton is leadcap's connector to Tryton 6.0 with the party and
// sale_opportunity modules, over JSON-RPC (HTTP POST to /<database>/).
//
// # Records
//
// A lead becomes two records:
//
//   - a party.party whose code is the lead's UUID, with the person's name,
//     the emails, phones (phone, mobile, fax by the phone's kind) and web
//     addresses as contact mechanisms, and the postal address (the country
//     is linked when Tryton has that country);
//   - a sale.opportunity whose reference is the lead's UUID, for that party,
//     with a one-line description (event, stage and qualification, rating,
//     organization, number of notes) and, in its comment, a block between
//     "[leadcap]" and "[/leadcap]" with the event, organization, title,
//     qualification, answers to the event's questions, rating, consent, how
//     and when the lead was captured, and every note. Its state is "lead"
//     for a lead and "opportunity" for a prospect; a disqualified lead is
//     cancelled. The Result's RemoteID is "sale.opportunity,<id>".
//
// When no party has the lead's code but an active party already has one of
// the lead's emails (the same person, scanned on another device or typed
// in by a CRM user), the opportunity is attached to that party (the lowest
// ID when several match) and no second party is created.
//
// # What leadcap owns
//
// Tryton's users keep working on the same records, so a later push (after
// a note, a qualification, a consent change) writes only what leadcap owns:
//
//   - Party: everything is written when leadcap creates the party. Later,
//     leadcap only adds: a contact mechanism the party does not have yet
//     (compared without case; archived ones count as present), and the
//     lead's address when the party has no address with content. It never
//     changes or removes a name, mechanism or address, on its own parties
//     or on a party it found by email.
//   - Opportunity: party, reference and start date (the capture date) are
//     set once, at creation. The description and leadcap's block in the
//     comment are leadcap's and are rewritten when they differ; text outside
//     the block belongs to the CRM's users and is kept. The state moves
//     forward only, through Tryton's workflow buttons: lead -> opportunity
//     when the lead becomes a prospect, lead or opportunity -> cancelled
//     when it is disqualified. An opportunity is never moved back to lead.
//     Once an opportunity is converted, won, lost or cancelled, leadcap
//     leaves it alone entirely: it belongs to the sales team.
//
// # Exactly once
//
// Tryton rejects a second party with the same code; the opportunity's
// reference is not unique, so Push looks it up before creating one. A push
// is a fixed sequence of steps (look up by code, reference and email;
// create missing parties; complete existing ones; create missing
// opportunities; update; move states), each of which is safe to repeat: a
// step that fails transiently (a lost reply, a 503 or 429 with a short
// Retry-After, a server exception) is repeated inside the push with
// Config.Retry, short jittered waits in between. A create is never sent
// twice blindly: when its step is repeated, the records a lost attempt
// created are looked up by the leads' UUIDs first and only the missing ones
// are created. A step that still fails leaves records that the next push
// finds and updates. A create refused because the code exists is read back
// and counts as success.
//
// Two pushes of the same lead at the same moment could both miss the
// opportunity and both create one, and the reply to one of the creates may
// be lost. Every look-up of opportunities therefore keeps the lowest ID of
// a reference and deletes the others that leadcap's user created and nobody
// changed since (no write date); the look-up runs before and after every
// create, and a push whose reply was lost is repeated (inside the push or
// by the relay), so no duplicate outlives the next push of its lead. The
// relay's lease on outbox entries keeps two pushes of one lead from running
// at once in the first place.
//
// # Errors
//
// Tryton answers errors with HTTP 200 and an "error" member. A UserError or
// UserWarning (Tryton refused the data) becomes a *syncer.PermanentError
// with Tryton's message; within a batch the leads are then sent one by one
// so that only the refused lead fails. Other server exceptions
// (ConcurrencyException, a locked database), 5xx replies (a 500 is an HTML
// page), 429 and 503 (with Retry-After), network errors and timeouts are
// *syncer.TransientError. So are set-up problems that are not a lead's
// fault (ErrNoDatabase, ErrNotActivated): the leads stay pending and Probe
// says what to fix. A refused login is a *syncer.PermanentError wrapping
// syncer.ErrAuth. When the server forgets the session (HTTP 401),
// the connector logs in again once and repeats the refused call.
//
// # Tryton set-up
//
// The Tryton user needs a current company (opportunities belong to one) and
// an employee (Tryton requires one on opportunities past the lead state).
// scripts/tryton.sh sets up such a database for the tests.
//
// # Cost
//
// A batch of new leads costs six calls (party by code and opportunity by
// reference in parallel, party by email, create parties, create
// opportunities, the look-up after creating) against two for bare creates;
// the e-mail match is case-insensitive (ilike), which Tryton cannot answer
// from an index, so its cost grows with the number of contact mechanisms in
// the CRM (about 170 ms per batch of 50 at 30,000 mechanisms).
package tryton
