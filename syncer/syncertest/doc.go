// Package syncertest helps tests and benchmarks of a syncer.Relay and its
// connectors:
//
//   - [Clock] stands in for the relay's clock and sleeping where a store
//     shares it (package workflow's tests); tests without a store run in a
//     testing/synctest bubble instead;
//   - [Outbox] is an in-memory syncer.Outbox;
//   - [FaultProxy] is a reverse proxy on loopback that spoils a share of
//     the requests to a CRM (503 and 429 with Retry-After, replies lost
//     after the CRM committed), and [LoseReply] does the last for one
//     request;
//   - [PipeServer] serves an http.Handler over in-memory connections, so
//     that a client and a stuck server can run inside a synctest bubble.
package syncertest
