// Package syncertest helps tests that drive a syncer.Relay: [Clock] stands
// in for the relay's clock and sleeping, so backoff, Retry-After and idle
// waits cost no real time.
package syncertest
