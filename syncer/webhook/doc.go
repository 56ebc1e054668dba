// Package webhook delivers leads to any HTTPS endpoint as one signed JSON
// document per lead (docs/webhook.md describes the contract for receivers).
//
// Every POST carries Idempotency-Key: <leadID>:<version> and
// X-Leadcap-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with
// the shared secret> (Stripe's scheme: the signed timestamp stops replays;
// VerifyAt checks it). A 2xx or 409 (already received) reply means done; 408, 425, 429,
// 5xx and network errors are retried, honouring Retry-After (seconds or an
// HTTP date); 401 and 403 wrap syncer.ErrAuth; any other 4xx sends the lead
// to the dead letters with the receiver's "error" or "message".
//
// # Which fields leadcap owns
//
// The document always carries the whole lead: leadcap owns every field in
// it. Receivers that let people edit the record should apply the rule the
// other connectors follow: take contact fields only when creating the
// record, and on later versions update only event, stage, qualification,
// rating, consent and notes.
package webhook
