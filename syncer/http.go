package syncer

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryAfter reads a Retry-After header value, either delay-seconds ("120")
// or an HTTP date ("Fri, 27 Nov 2026 14:00:00 GMT"), relative to now. It
// returns 0 when the value is absent, malformed or already past. It is the
// one place every connector parses the header.
func RetryAfter(value string, now time.Time) time.Duration {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(value, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second
	}
	t, err := http.ParseTime(value)
	if err != nil {
		return 0
	}
	if d := t.Sub(now); d > 0 {
		return d
	}
	return 0
}

// NetError classifies an error from http.Client.Do for crm (e.g.
// "HubSpot"): a cancelled context stays as it is inside a transient error,
// anything else (DNS, refused connection, reset, timeout) is a transient
// error that wraps ErrOffline.
func NetError(crm string, err error) error {
	if errors.Is(err, context.Canceled) {
		return Transient(fmt.Errorf("%s: sync stopped before the CRM answered: %w", crm, err), 0)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return Transient(fmt.Errorf("%s: no answer in time, the CRM may or may not have saved the lead (it is sent again; the CRM record is updated, not duplicated): %w", crm, ErrOffline), 0)
	}
	return Transient(fmt.Errorf("%s: %w (%v)", crm, ErrOffline, err), 0)
}

// FromStatus classifies a failed HTTP reply of crm (e.g. "Salesforce") by
// its status code; reason is the CRM's own message from the body. 401 and
// 403 wrap ErrAuth; 408, 423, 425, 429 and 5xx are transient and honour
// Retry-After; any other 4xx is permanent with the CRM's reason.
func FromStatus(crm string, status int, header http.Header, reason string, now time.Time) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		reason = http.StatusText(status)
	}
	msg := fmt.Sprintf("%s: %d %s", crm, status, reason)
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return AuthError(msg)
	case status == http.StatusRequestTimeout, status == http.StatusLocked, status == http.StatusTooEarly,
		status == http.StatusTooManyRequests, status >= 500:
		return Transient(errors.New(msg), RetryAfter(header.Get("Retry-After"), now))
	default:
		return Permanent(msg)
	}
}

// Snippet shortens a response body for an error message: at most 300
// characters, white space collapsed. CRM error bodies carry no lead data
// beyond what the user already sees, but a log line never gets more.
func Snippet(body []byte) string {
	s := strings.Join(strings.Fields(string(body)), " ")
	if r := []rune(s); len(r) > 300 {
		s = string(r[:300]) + "…"
	}
	return s
}
