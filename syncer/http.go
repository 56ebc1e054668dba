package syncer

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// ErrInsecureURL means a CRM address would carry the password, token or
// signing key over plain HTTP to a host that is not this device.
var ErrInsecureURL = errors.New("plain http would send the secret and the leads unencrypted over the network: use https (plain http is accepted only for this device: localhost, 127.0.0.1 or ::1)")

// ErrCredentialsInURL means a CRM address carries a user name or password
// (https://user:pw@host): secrets never go into an address.
var ErrCredentialsInURL = errors.New("the address carries a user name or password: remove the part up to @ and give the secret through LEADCAP_CRM_SECRET or the keyring")

// ErrRedirect means the CRM answered with a redirect that leadcap does not
// follow: to another host, from https to http, or of a request that
// carries a lead. Nothing was delivered; the leads stay pending.
var ErrRedirect = errors.New("the CRM answered with a redirect: nothing was delivered; set the address the CRM points to (leadcap crm set, or Settings) and sync again")

// ErrCertificate means the CRM's TLS certificate was not accepted (expired,
// self-signed, for another name, by an unknown authority) or the server
// does not speak TLS. It is not a network problem; the leads stay pending.
var ErrCertificate = errors.New("the CRM's certificate was not accepted (not a network problem): check the address, or have the CRM's administrator install a valid certificate")

// ErrReplyTooLarge means a CRM's reply was larger than MaxReply; it is not
// read, and nothing in it is taken as confirmed.
var ErrReplyTooLarge = errors.New("the CRM's reply is larger than leadcap reads (4 MB): nothing in it was taken as confirmed; check the CRM address")

// Loopback reports whether host (as url.URL.Hostname returns it) is this
// device: "localhost" or an IP address in 127.0.0.0/8 or ::1. It judges the
// parsed address, never a prefix of a name: "127.evil.example" is not.
func Loopback(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// CheckURL refuses a CRM address of crm (e.g. "HubSpot") that would hand a
// secret to the wrong place: a user name or password in the address, or
// plain http to a host that is not this device. Errors wrap
// ErrCredentialsInURL or ErrInsecureURL; the message never shows a password.
func CheckURL(crm string, u *url.URL) error {
	if u.User != nil {
		safe := *u
		safe.User = nil
		return fmt.Errorf("%s: %s: %w", crm, safe.String(), ErrCredentialsInURL)
	}
	if !strings.EqualFold(u.Scheme, "https") && !Loopback(u.Hostname()) {
		return fmt.Errorf("%s: %s: %w", crm, u.String(), ErrInsecureURL)
	}
	return nil
}

// checkRedirect is the redirect policy of every CRM request Do sends: a
// redirect is followed only for a request without a body (GET, HEAD) and
// only to the same scheme and host, so that a password, token, signature
// or lead is never sent again elsewhere and a redirected POST is never
// taken as delivered.
func checkRedirect(req *http.Request, via []*http.Request) error {
	first := via[0]
	switch {
	case first.Method != http.MethodGet && first.Method != http.MethodHead:
		return fmt.Errorf("%s %s was redirected to %s: %w", first.Method, first.URL.Redacted(), req.URL.Redacted(), ErrRedirect)
	case !strings.EqualFold(req.URL.Scheme, first.URL.Scheme) || !strings.EqualFold(req.URL.Host, first.URL.Host):
		return fmt.Errorf("%s was redirected to another place, %s: %w", first.URL.Redacted(), req.URL.Redacted(), ErrRedirect)
	case len(via) >= 5:
		return fmt.Errorf("%s was redirected %d times: %w", first.URL.Redacted(), len(via), ErrRedirect)
	}
	return nil
}

// Clean removes terminal control characters (escape sequences, carriage
// returns, bidirectional overrides) and invalid UTF-8 from text a CRM sent,
// so that printing a reply or a reason cannot rewrite the user's terminal.
// Line breaks and tabs become spaces.
func Clean(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return ' '
		case unicode.IsControl(r), unicode.Is(unicode.Bidi_Control, r):
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
}

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
	if errors.Is(err, ErrRedirect) {
		return Transient(fmt.Errorf("%s: %w", crm, errors.Unwrap(err)), 0)
	}
	if cause := tlsFailure(err); cause != "" {
		return Transient(fmt.Errorf("%s: %w (%s)", crm, ErrCertificate, cause), 0)
	}
	if errors.Is(err, context.Canceled) {
		return Transient(fmt.Errorf("%s: sync stopped before the CRM answered: %w", crm, err), 0)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return Transient(fmt.Errorf("%s: no answer in time, the CRM may or may not have saved the lead (it is sent again; the CRM record is updated, not duplicated): %w", crm, ErrOffline), 0)
	}
	return Transient(fmt.Errorf("%s: %w (%w)", crm, ErrOffline, err), 0)
}

// tlsFailure describes err when a TLS handshake failed on the certificate
// or because the server does not speak TLS; otherwise it returns "".
func tlsFailure(err error) string {
	var (
		verify   *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		record   tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &unknown):
		return "issued by an authority this device does not trust, or self-signed"
	case errors.As(err, &hostname):
		return "issued for another name: " + hostname.Error()
	case errors.As(err, &invalid):
		return invalid.Error()
	case errors.As(err, &verify):
		return verify.Err.Error()
	case errors.As(err, &record), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		// net/http turns the record header error into that text.
		return "the server does not speak https at this address: check the scheme and the port"
	}
	return ""
}

// FromStatus classifies a failed HTTP reply of crm (e.g. "Salesforce") by
// its status code; reason is the CRM's own message from the body. 401 and
// 403 wrap ErrAuth; 408, 423, 425, 429 and 5xx are transient and honour
// Retry-After; any other 4xx is permanent with the CRM's reason.
func FromStatus(crm string, status int, header http.Header, reason string, now time.Time) error {
	reason = strings.TrimSpace(Clean(reason))
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
	s := strings.Join(strings.Fields(Clean(string(body))), " ")
	if r := []rune(s); len(r) > 300 {
		s = string(r[:300]) + "…"
	}
	return s
}

// MaxReply bounds how much of a CRM's reply Do reads: 4 MB, far more than
// any CRM answers to a batch, far less than a misbehaving server can send.
const MaxReply = 4 << 20

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
// complete reply (network, timeout, stop, a body cut off, a certificate
// refused, a reply over MaxReply) is classified by NetError: nothing is
// confirmed. Redirects follow checkRedirect whatever hc's own policy; one
// not followed is a transient error wrapping ErrRedirect, never a reply.
// Any other status, a failure too, comes back as a Reply for the connector
// to read, usually with FromStatus.
func Do(hc *http.Client, crm string, req *http.Request) (Reply, error) {
	c := *hc
	c.CheckRedirect = checkRedirect
	resp, err := c.Do(req)
	if err != nil {
		return Reply{}, NetError(crm, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 == 3 {
		return Reply{}, Transient(fmt.Errorf("%s: %d to %s: %w", crm, resp.StatusCode, Clean(resp.Header.Get("Location")), ErrRedirect), 0)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxReply+1))
	if err != nil {
		return Reply{}, NetError(crm, err)
	}
	if len(body) > MaxReply {
		return Reply{}, Transient(fmt.Errorf("%s: %w", crm, ErrReplyTooLarge), 0)
	}
	return Reply{Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}
