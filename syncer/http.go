package syncer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
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
	return Transient(fmt.Errorf("%s: %w (%w)", crm, ErrOffline, err), 0)
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
	case TransientStatus(status):
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

// maxReply bounds how much of a CRM's reply Do reads.
const maxReply = 64 << 20

// Reply is a CRM's complete answer to one request, whatever its status.
type Reply struct {
	Status int
	Header http.Header
	Body   []byte
}

// NewRequest builds a request to crm (e.g. "HubSpot") that sends body as
// JSON (nil: no body) and accepts JSON. A request that cannot be built is a
// *PermanentError.
func NewRequest(ctx context.Context, crm, method, url string, body []byte) (*http.Request, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return nil, Permanent(crm + ": " + err.Error())
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// Do sends req with hc and reads the whole reply. A request without a
// complete reply (network, timeout, stop, a body cut off) is classified by
// NetError: nothing is confirmed. Any status, a failure too, comes back as
// a Reply for the connector to read, usually with FromStatus.
func Do(hc *http.Client, crm string, req *http.Request) (Reply, error) {
	resp, err := hc.Do(req)
	if err != nil {
		return Reply{}, NetError(crm, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxReply))
	if err != nil {
		return Reply{}, NetError(crm, err)
	}
	return Reply{Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}
