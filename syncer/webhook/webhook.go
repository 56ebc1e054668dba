package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"leadcap/lead"
	"leadcap/syncer"
)

// Header names of a delivery.
const (
	HeaderIdempotencyKey = "Idempotency-Key"
	HeaderSignature      = "X-Leadcap-Signature"
)

// Schema is the version of the JSON document.
const Schema = 1

// ErrNoSecret means the connector was built without a shared secret.
var ErrNoSecret = errors.New("the webhook needs a shared secret to sign deliveries: put it in LEADCAP_CRM_SECRET")

// Config sets up the connector.
type Config struct {
	// URL receives the POSTs; https unless it is a loopback address.
	URL string
	// Secret is the shared HMAC-SHA256 key.
	Secret string
	// MaxBatch is the number of leads per Push (default 20); each lead is
	// its own request.
	MaxBatch int
	// Concurrency is the number of requests in flight (default 4).
	Concurrency int
	HTTPClient  *http.Client
	Now         func() time.Time
	// Retry bounds the retries of a delivery inside a push: every delivery
	// carries an Idempotency-Key (lead and version), so a receiver keeps
	// one copy of a delivery sent again after a lost reply. The zero value
	// uses syncer's defaults.
	Retry syncer.RetryPolicy
}

// Connector POSTs one signed JSON document per lead.
type Connector struct {
	cfg Config
	url string
}

var _ syncer.Connector = (*Connector)(nil)

// New checks cfg and returns a connector.
func New(cfg Config) (*Connector, error) {
	if cfg.Secret == "" {
		return nil, ErrNoSecret
	}
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("webhook: %q is not a web address: write it like https://crm.example.com/leadcap", cfg.URL)
	}
	if err := syncer.CheckURL("webhook", u); err != nil {
		return nil, err
	}
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = 20
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 4
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Connector{cfg: cfg, url: u.String()}, nil
}

// Name returns "webhook".
func (c *Connector) Name() string { return "webhook" }

// MaxBatch returns the configured number of leads per Push.
func (c *Connector) MaxBatch() int { return c.cfg.MaxBatch }

// Document is the JSON body of a delivery; docs/webhook.md describes it.
type Document struct {
	// Type is "lead.upsert"; "lead.delete" (a mistaken scan deleted) or
	// "lead.erase" (the person asked to be forgotten: remove everything
	// about them), which carry no event and no lead; or "ping" for a probe.
	Type   string `json:"type"`
	Schema int    `json:"schema"`
	// LeadID and Version identify this state of the lead; the receiver
	// keeps the highest version per lead.
	LeadID  uuid.UUID `json:"lead_id,omitzero"`
	Version int64     `json:"version,omitempty"`
	// RemoteID is the receiver's ID from an earlier delivery, if any.
	RemoteID string `json:"remote_id,omitempty"`
	// Aliases are the IDs of the same person's leads merged into this one
	// from other devices: the receiver may know the person under them.
	Aliases []uuid.UUID `json:"aliases,omitempty"`
	// Stage is derived from the qualification: lead, prospect, disqualified.
	Stage lead.Stage  `json:"stage,omitempty"`
	Event *lead.Event `json:"event,omitempty"`
	Lead  *lead.Lead  `json:"lead,omitempty"`
}

// DefaultTolerance is how far a signature's timestamp may be from the
// receiver's clock before Verify refuses it as a replay.
const DefaultTolerance = 5 * time.Minute

// ErrBadSignature means a delivery's X-Leadcap-Signature is missing,
// malformed, or not made with the shared secret over this body and time.
var ErrBadSignature = errors.New("webhook: the signature does not match: check that the receiver uses the same shared secret and verifies the raw body")

// ErrStaleSignature means a signature's timestamp is further from now than
// the tolerance: a captured request replayed later, or a clock far off.
var ErrStaleSignature = errors.New("webhook: the signature's timestamp is too old or in the future: a replayed request, or set the clock of the receiver or the sender right")

// Sign returns the X-Leadcap-Signature value for body sent at t, in
// Stripe's form "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">".
// The timestamp is signed with the body, so a captured request cannot be
// replayed once the receiver's tolerance has passed.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Verify reports whether header is a signature of body with secret whose
// timestamp is within DefaultTolerance of the current time.
func Verify(secret string, body []byte, header string) bool {
	return VerifyAt(secret, body, header, time.Now(), DefaultTolerance) == nil
}

// VerifyAt checks a signature header against body in constant time, for
// receivers written in Go and for tests: the timestamp must be within
// tolerance of now (ErrStaleSignature) and one v1 value must be the HMAC
// (ErrBadSignature). Several v1 values are allowed, for a key rotation.
func VerifyAt(secret string, body []byte, header string, now time.Time, tolerance time.Duration) error {
	var ts string
	var sigs [][]byte
	for part := range strings.SplitSeq(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			if sig, err := hex.DecodeString(v); err == nil {
				sigs = append(sigs, sig)
			}
		}
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return ErrBadSignature
	}
	if d := now.Sub(time.Unix(unix, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("%w (signed %s, now %s)", ErrStaleSignature, time.Unix(unix, 0).UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	want := mac(secret, ts, body)
	for _, sig := range sigs {
		if hmac.Equal(sig, want) {
			return nil
		}
	}
	return ErrBadSignature
}

// Marshal returns the document for one outbox entry. The body is the same
// for every retry of the same version.
func Marshal(e lead.OutboxEntry) ([]byte, error) {
	l, ev := e.Lead, e.Event
	if syncer.IsRemoval(e) {
		return json.Marshal(Document{Type: "lead." + string(e.Op), Schema: Schema, LeadID: l.ID, Version: l.Version,
			RemoteID: e.RemoteID, Aliases: l.Aliases})
	}
	l.RawPayload = "" // the scanned text repeats the contact; not sent
	return json.Marshal(Document{Type: "lead.upsert", Schema: Schema, LeadID: l.ID, Version: l.Version,
		RemoteID: e.RemoteID, Aliases: l.Aliases, Stage: l.Stage(), Event: &ev, Lead: &l})
}

// Probe POSTs a signed ping document; the receiver answers 2xx without
// storing anything. It checks the address and the shared secret.
func (c *Connector) Probe(ctx context.Context) error {
	body, _ := json.Marshal(Document{Type: "ping", Schema: Schema})
	key := "ping:" + strconv.FormatInt(c.cfg.Now().Unix(), 10)
	_, err := c.post(ctx, key, body)
	return err
}

// Push POSTs each lead as its own request, up to Concurrency at a time.
func (c *Connector) Push(ctx context.Context, batch []lead.OutboxEntry) []syncer.Result {
	res := make([]syncer.Result, len(batch))
	sem := make(chan struct{}, c.cfg.Concurrency)
	var wg sync.WaitGroup
	for i, e := range batch {
		res[i] = syncer.Result{LeadID: e.Lead.ID, Version: e.Lead.Version}
		body, err := Marshal(e)
		if err != nil {
			res[i].Err = syncer.Permanent("webhook: cannot encode the lead: " + err.Error())
			continue
		}
		key := fmt.Sprintf("%s:%d", e.Lead.ID, e.Lead.Version)
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			res[i].RemoteID, res[i].Err = c.post(ctx, key, body)
		}()
	}
	wg.Wait()
	return res
}

// post sends one document; 2xx and 409 (already received) mean done.
func (c *Connector) post(ctx context.Context, key string, body []byte) (string, error) {
	send := func() (syncer.Reply, error) {
		req, err := syncer.NewRequest(ctx, "webhook", http.MethodPost, c.url, body)
		if err != nil {
			return syncer.Reply{}, err
		}
		req.Header.Set("User-Agent", "leadcap-webhook/1")
		req.Header.Set(HeaderIdempotencyKey, key)
		req.Header.Set(HeaderSignature, Sign(c.cfg.Secret, c.cfg.Now(), body))
		return syncer.Do(c.cfg.HTTPClient, "webhook", req)
	}
	reply, err := syncer.RetryReply(ctx, c.cfg.Retry, send, func(r syncer.Reply) error {
		return syncer.FromStatus("webhook", r.Status, r.Header, syncer.Snippet(r.Body), c.cfg.Now())
	})
	if err != nil {
		return "", err
	}
	var r struct {
		ID      string `json:"id"`
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(reply.Body, &r)
	if reply.Status/100 == 2 || reply.Status == http.StatusConflict {
		return r.ID, nil
	}
	reason := r.Error
	if reason == "" {
		reason = r.Message
	}
	if reason == "" {
		reason = syncer.Snippet(reply.Body)
	}
	return "", syncer.FromStatus("webhook", reply.Status, reply.Header, reason, c.cfg.Now())
}
