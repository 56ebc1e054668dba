package syncertest

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"
)

// Faults are the shares of requests that a FaultProxy spoils, each drawn
// at random (seeded, so a run can be repeated).
type Faults struct {
	// Unavailable answers 503 with Retry-After, without forwarding.
	Unavailable float64
	// TooMany answers 429 with Retry-After, without forwarding.
	TooMany float64
	// LostReply forwards the request, waits until the CRM has answered (it
	// committed), then closes the connection without a reply.
	LostReply float64
	// RetryAfter is the header's value (default "1").
	RetryAfter string
	// Seed seeds the random draws.
	Seed uint64
}

// FaultStats counts what a FaultProxy did.
type FaultStats struct {
	Requests, Forwarded, Unavailable, TooMany, LostReplies int
}

// FaultProxy is a reverse proxy on loopback in front of a CRM (a real
// Tryton, or a fake) that spoils a share of the requests as Faults says:
// a bad network and a busy CRM in one.
type FaultProxy struct {
	*httptest.Server
	t      testing.TB
	proxy  *httputil.ReverseProxy
	faults Faults

	mu    sync.Mutex
	rng   *rand.Rand
	stats FaultStats
	off   bool
}

// NewFaultProxy starts a proxy to target (a base URL) that spoils requests
// as f says; it is closed when the test ends.
func NewFaultProxy(t testing.TB, target string, f Faults) *FaultProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	if f.RetryAfter == "" {
		f.RetryAfter = "1"
	}
	p := &FaultProxy{t: t, proxy: httputil.NewSingleHostReverseProxy(u), faults: f, rng: rand.New(rand.NewPCG(f.Seed, f.Seed^0x9e3779b97f4a7c15))}
	p.Server = httptest.NewServer(p)
	t.Cleanup(p.Close)
	return p
}

// SetFaults turns the faults off (false) or on again.
func (p *FaultProxy) SetFaults(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.off = !on
}

// Stats returns the counts so far.
func (p *FaultProxy) Stats() FaultStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stats
}

type faultKind int

const (
	faultNone faultKind = iota
	faultUnavailable
	faultTooMany
	faultLostReply
)

func (p *FaultProxy) draw() faultKind {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stats.Requests++
	if p.off {
		p.stats.Forwarded++
		return faultNone
	}
	x, f := p.rng.Float64(), p.faults
	switch {
	case x < f.Unavailable:
		p.stats.Unavailable++
		return faultUnavailable
	case x < f.Unavailable+f.TooMany:
		p.stats.TooMany++
		return faultTooMany
	case x < f.Unavailable+f.TooMany+f.LostReply:
		p.stats.LostReplies++
		p.stats.Forwarded++
		return faultLostReply
	}
	p.stats.Forwarded++
	return faultNone
}

func (p *FaultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch p.draw() {
	case faultUnavailable:
		w.Header().Set("Retry-After", p.faults.RetryAfter)
		http.Error(w, "upstream unavailable", http.StatusServiceUnavailable)
	case faultTooMany:
		w.Header().Set("Retry-After", p.faults.RetryAfter)
		http.Error(w, "too many requests", http.StatusTooManyRequests)
	case faultLostReply:
		LoseReply(p.t, p.proxy, w, r)
	default:
		p.proxy.ServeHTTP(w, r)
	}
}

// LoseReply lets h carry out r to the end (a CRM commits), then closes the
// connection without a reply: what a client sees when the network drops
// the answer.
func LoseReply(t testing.TB, h http.Handler, w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r.WithContext(context.WithoutCancel(r.Context())))
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("syncertest: hijack: %v", err)
		return
	}
	conn.Close()
}
