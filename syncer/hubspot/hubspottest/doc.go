// Package hubspottest is a fake HubSpot CRM v3 contacts API for tests: it
// follows HubSpot's documented behaviour for the calls leadcap makes,
// including its limits and error shapes.
//
// It enforces the bearer token, at most 100 inputs per batch upsert, no
// duplicate IDs in a batch, idProperty "email", known properties only, and
// answers 207 multi-status with per-record errors (matched by
// objectWriteTraceId) when some records are invalid. Faults (429 with a
// policyName, 423, 5xx, a dropped connection after the write) can be queued,
// and Latency simulates a distant server.
package hubspottest
