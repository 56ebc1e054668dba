package hubspot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"leadcap/lead"
	"leadcap/syncer"
)

// MaxBatch is HubSpot's limit of inputs per batch upsert.
const MaxBatch = 100

// ErrNoEmail means a lead has no email address, and HubSpot matches
// contacts by email.
var ErrNoEmail = errors.New("HubSpot matches contacts by email and this lead has none: add the person's email address to the lead, then retry it")

// ErrNoToken means the connector was built without an access token.
var ErrNoToken = errors.New("HubSpot needs a private app access token: put it in LEADCAP_CRM_SECRET")

// Config sets up the connector.
type Config struct {
	// BaseURL is the API root; empty means HubSpot's public API.
	BaseURL string
	// Token is a private app access token (scopes crm.objects.contacts.write
	// and crm.schemas.contacts.read).
	Token string
	// LeadIDProperty is the custom contact property that holds the lead's
	// UUID; default "leadcap_lead_id".
	LeadIDProperty string
	// DetailsProperty, when set, is a custom multi-line text property that
	// receives the event, qualification, rating, consent and notes.
	DetailsProperty string
	// HTTPClient defaults to a client with a 30 s timeout.
	HTTPClient *http.Client
	// Now defaults to time.Now.
	Now func() time.Time
	// Retry bounds the retries of a request inside a push: a batch upsert
	// is keyed by the contacts' emails, so sending it again after a lost
	// reply updates the same contacts. The zero value uses syncer's
	// defaults.
	Retry syncer.RetryPolicy
}

// Connector upserts leads as HubSpot contacts.
type Connector struct {
	cfg  Config
	base *url.URL
}

var _ syncer.Connector = (*Connector)(nil)

// New checks cfg and returns a connector.
func New(cfg Config) (*Connector, error) {
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, ErrNoToken
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "https://api.hubapi.com"
	}
	base, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
	if err != nil || base.Scheme == "" || base.Host == "" {
		return nil, fmt.Errorf("hubspot: %q is not a web address: write it like https://api.hubapi.com", cfg.BaseURL)
	}
	if err := syncer.CheckURL("hubspot", base); err != nil {
		return nil, err
	}
	if cfg.LeadIDProperty == "" {
		cfg.LeadIDProperty = "leadcap_lead_id"
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Connector{cfg: cfg, base: base}, nil
}

// Name returns "hubspot".
func (c *Connector) Name() string { return "hubspot" }

// MaxBatch returns 100, HubSpot's batch limit.
func (c *Connector) MaxBatch() int { return MaxBatch }

// Probe reads the definition of the lead ID property: one cheap call that
// checks the address, the token and the one-time set-up.
func (c *Connector) Probe(ctx context.Context) error {
	for _, prop := range []string{c.cfg.LeadIDProperty, c.cfg.DetailsProperty} {
		if prop == "" {
			continue
		}
		r, err := c.retry(ctx, http.MethodGet, "/crm/v3/properties/contacts/"+url.PathEscape(prop), nil)
		if err != nil {
			return err
		}
		switch r.Status {
		case http.StatusOK:
		case http.StatusNotFound:
			return fmt.Errorf("HubSpot has no contact property %q: create it once (Settings > Properties > Contact properties, single-line text, unique values for the lead ID) and test again", prop)
		default:
			return c.statusError(r)
		}
	}
	return nil
}

// input is one record of a batch upsert.
type input struct {
	IDProperty         string            `json:"idProperty"`
	ID                 string            `json:"id"`
	ObjectWriteTraceID string            `json:"objectWriteTraceId"`
	Properties         map[string]string `json:"properties"`
}

type batchReply struct {
	Status  string `json:"status"`
	Results []struct {
		ID                 string            `json:"id"`
		ObjectWriteTraceID string            `json:"objectWriteTraceId"`
		Properties         map[string]string `json:"properties"`
		New                bool              `json:"new"`
	} `json:"results"`
	Errors []apiError `json:"errors"`
}

// apiError is HubSpot's error shape, both for a whole reply and for one
// record of a 207 multi-status reply.
type apiError struct {
	Status     string              `json:"status"`
	Category   string              `json:"category"`
	Message    string              `json:"message"`
	PolicyName string              `json:"policyName"`
	ErrorType  string              `json:"errorType"`
	Context    map[string][]string `json:"context"`
	Errors     []struct {
		Message string `json:"message"`
		Code    string `json:"code"`
		In      string `json:"in"`
	} `json:"errors"`
}

func (e apiError) text() string {
	msg := e.Message
	if e.Category != "" {
		msg = e.Category + ": " + msg
	}
	for _, d := range e.Errors {
		if d.Message != "" && !strings.Contains(msg, d.Message) {
			msg += "; " + d.Message
		}
	}
	return msg
}

// Push upserts the batch by email, at most 100 per request.
func (c *Connector) Push(ctx context.Context, batch []lead.OutboxEntry) []syncer.Result {
	if slices.ContainsFunc(batch, syncer.IsRemoval) {
		return syncer.SplitRemovals(ctx, batch, c.pushRemovals, c.Push)
	}
	res := make([]syncer.Result, len(batch))
	var send []int // indexes into batch
	seen := map[string]bool{}
	for i, e := range batch {
		res[i] = syncer.Result{LeadID: e.Lead.ID, Version: e.Lead.Version}
		email := primaryEmail(e.Lead)
		switch {
		case email == "":
			res[i].Err = &syncer.PermanentError{Reason: ErrNoEmail.Error(), Err: ErrNoEmail}
		case seen[email]:
			// HubSpot refuses a batch that names the same contact twice.
			res[i].Err = syncer.Transient(errors.New("HubSpot: another lead with the same email is in this batch; this one follows in the next batch"), 0)
		default:
			seen[email] = true
			send = append(send, i)
		}
	}
	for len(send) > 0 {
		n := min(len(send), MaxBatch)
		c.upsert(ctx, batch, send[:n], res)
		send = send[n:]
	}
	// The follow-ups of the contacts just written, as tasks (tasks.go). A
	// failure leaves the lead pending; the replay upserts the same contact
	// and finds the tasks already made.
	var items []taskItem
	for i, e := range batch {
		if res[i].Err == nil && res[i].RemoteID != "" {
			if want := syncer.FollowUps(e); len(want) > 0 {
				items = append(items, taskItem{at: i, contact: res[i].RemoteID, want: want})
			}
		}
	}
	if len(items) > 0 {
		for k, err := range c.syncTasks(ctx, items) {
			res[items[k].at].Err = err
		}
	}
	return res
}

// upsert sends batch[idx...] in one request and fills res for them. A 400
// for a whole batch of several is retried one by one, so that only the lead
// HubSpot refuses goes to the dead letters.
func (c *Connector) upsert(ctx context.Context, batch []lead.OutboxEntry, idx []int, res []syncer.Result) {
	inputs := make([]input, len(idx))
	for k, i := range idx {
		inputs[k] = c.input(batch[i])
	}
	body, err := json.Marshal(map[string]any{"inputs": inputs})
	if err != nil {
		setAll(res, idx, syncer.Permanent("HubSpot: cannot encode the lead: "+err.Error()))
		return
	}
	r, err := c.retry(ctx, http.MethodPost, "/crm/v3/objects/contacts/batch/upsert", body)
	if err != nil {
		setAll(res, idx, err)
		return
	}
	switch r.Status {
	case http.StatusOK, http.StatusCreated, http.StatusMultiStatus:
	case http.StatusBadRequest:
		if len(idx) > 1 {
			for _, i := range idx {
				c.upsert(ctx, batch, []int{i}, res)
			}
			return
		}
		setAll(res, idx, c.statusError(r))
		return
	default:
		setAll(res, idx, c.statusError(r))
		return
	}
	var br batchReply
	if err := json.Unmarshal(r.Body, &br); err != nil {
		setAll(res, idx, syncer.Transient(fmt.Errorf("HubSpot: unreadable reply (%v): %s", err, syncer.Snippet(r.Body)), 0))
		return
	}
	byTrace := map[string]string{}
	byEmail := map[string]string{}
	created := map[string]bool{}
	for _, r := range br.Results {
		byTrace[r.ObjectWriteTraceID] = r.ID
		if e := strings.ToLower(r.Properties["email"]); e != "" {
			byEmail[e] = r.ID
		}
		created[r.ID] = r.New
	}
	// A contact deleted in HubSpot after an earlier delivery comes back
	// new, with only the fields leadcap owns: send its contact fields too.
	var again []int
	defer func() {
		if len(again) > 0 {
			full := slices.Clone(batch)
			for _, i := range again {
				full[i].RemoteID = ""
			}
			c.upsert(ctx, full, again, res)
		}
	}()
	errByTrace := map[string]apiError{}
	var unmatched []apiError
	for _, e := range br.Errors {
		keys := append(append([]string{}, e.Context["objectWriteTraceId"]...), e.Context["ids"]...)
		keys = append(keys, e.Context["email"]...)
		if len(keys) == 0 {
			unmatched = append(unmatched, e)
		}
		for _, k := range keys {
			errByTrace[strings.ToLower(k)] = e
		}
	}
	for k, i := range idx {
		in := inputs[k]
		id, ok := byTrace[in.ObjectWriteTraceID]
		if !ok {
			id, ok = byEmail[in.ID]
		}
		if ok {
			res[i].RemoteID = id
			if created[id] && batch[i].RemoteID != "" {
				again = append(again, i)
			}
			continue
		}
		e, ok := errByTrace[strings.ToLower(in.ObjectWriteTraceID)]
		if !ok {
			e, ok = errByTrace[in.ID]
		}
		switch {
		case ok && (e.Category == "RATE_LIMITS" || e.Category == "LOCKED" || strings.HasPrefix(e.Status, "5")):
			res[i].Err = syncer.Transient(errors.New("HubSpot: "+e.text()), 2*time.Second)
		case ok:
			res[i].Err = syncer.Permanent("HubSpot: " + e.text())
		case len(unmatched) > 0:
			res[i].Err = syncer.Transient(errors.New("HubSpot: "+unmatched[0].text()), 0)
		default:
			res[i].Err = syncer.Transient(syncer.ErrNoResult, 0)
		}
	}
}

func setAll(res []syncer.Result, idx []int, err error) {
	for _, i := range idx {
		res[i].Err = err
	}
}

// statusError turns a failed reply into a classified error, with HubSpot's
// rate-limit policy and the 2 s minimum wait after 423 Locked.
func (c *Connector) statusError(r syncer.Reply) error {
	var e apiError
	_ = json.Unmarshal(r.Body, &e)
	reason := e.text()
	if reason == "" {
		reason = syncer.Snippet(r.Body)
	}
	now, hdr := c.cfg.Now(), r.Header
	switch r.Status {
	case http.StatusTooManyRequests:
		wait := syncer.RetryAfter(hdr.Get("Retry-After"), now)
		if wait == 0 {
			wait = policyWait(e.PolicyName)
		}
		if e.PolicyName != "" {
			reason = fmt.Sprintf("rate limit %s reached: %s", e.PolicyName, reason)
		}
		return syncer.Transient(fmt.Errorf("HubSpot: 429 %s", reason), wait)
	case http.StatusLocked:
		wait := max(syncer.RetryAfter(hdr.Get("Retry-After"), now), 2*time.Second)
		return syncer.Transient(fmt.Errorf("HubSpot: 423 the contacts are locked by another operation: %s", reason), wait)
	}
	return syncer.FromStatus("HubSpot", r.Status, hdr, reason, now)
}

// policyWait is how long a rate-limit policy needs to let a request through
// again when HubSpot sends no Retry-After.
func policyWait(policy string) time.Duration {
	switch policy {
	case "SECONDLY":
		return time.Second
	case "TEN_SECONDLY_ROLLING":
		return 10 * time.Second
	case "DAILY":
		return time.Hour
	}
	return 10 * time.Second
}

// retry sends a request that is safe to repeat, retrying transient
// failures (see syncer.RetryReply).
func (c *Connector) retry(ctx context.Context, method, path string, body []byte) (syncer.Reply, error) {
	return syncer.RetryReply(ctx, c.cfg.Retry, func() (syncer.Reply, error) { return c.do(ctx, method, path, body) }, c.statusError)
}

func (c *Connector) do(ctx context.Context, method, path string, body []byte) (syncer.Reply, error) {
	u := *c.base
	path, u.RawQuery, _ = strings.Cut(path, "?")
	u.Path += path
	req, err := syncer.NewRequest(ctx, "HubSpot", method, u.String(), body)
	if err != nil {
		return syncer.Reply{}, err
	}
	req.Header.Set("Authorization", "Bearer "+c.cfg.Token)
	return syncer.Do(c.cfg.HTTPClient, "HubSpot", req)
}

func primaryEmail(l lead.Lead) string {
	if len(l.Contact.Emails) == 0 {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(l.Contact.Emails[0]))
}

// LifecycleStage maps a lead's stage to HubSpot's lifecycle stage: "lead"
// or "salesqualifiedlead"; empty for a disqualified lead (left as it is).
func LifecycleStage(s lead.Stage) string {
	switch s {
	case lead.StageProspect:
		return "salesqualifiedlead"
	case lead.StageLead:
		return "lead"
	}
	return ""
}

// input builds one upsert record. Contact properties go only with the first
// delivery (the entry has no RemoteID yet): afterwards HubSpot users own
// them. The lead ID, the details property and forward moves of the
// lifecycle stage go with every delivery.
func (c *Connector) input(e lead.OutboxEntry) input {
	l := e.Lead
	email := primaryEmail(l)
	p := map[string]string{c.cfg.LeadIDProperty: l.ID.String()}
	first := e.RemoteID == ""
	if first {
		ct := l.Contact
		given, family := syncer.SplitName(ct)
		set := func(k, v string) {
			if v != "" {
				p[k] = v
			}
		}
		set("email", email)
		set("firstname", given)
		set("lastname", family)
		set("company", ct.Organization)
		set("jobtitle", ct.Title)
		for _, ph := range ct.Phones {
			key := "phone"
			if ph.Kind == "mobile" {
				key = "mobilephone"
			}
			if _, done := p[key]; !done && ph.Number != "" {
				p[key] = ph.Number
			}
		}
		if len(ct.URLs) > 0 {
			set("website", ct.URLs[0])
		}
		set("address", ct.Address.Street)
		set("city", ct.Address.City)
		set("state", ct.Address.Region)
		set("zip", ct.Address.PostalCode)
		set("country", ct.Address.Country)
	}
	if st := LifecycleStage(l.Stage()); st != "" && (first || st == "salesqualifiedlead") {
		p["lifecyclestage"] = st
	}
	if c.cfg.DetailsProperty != "" {
		p[c.cfg.DetailsProperty] = syncer.Details(e)
	}
	for _, f := range syncer.ClearedFields(e) {
		p[f] = "" // HubSpot clears a property set to an empty string
	}
	for _, a := range syncer.MappedAnswers(e) {
		p[a.Field] = answerValue(a)
	}
	return input{IDProperty: "email", ID: email, ObjectWriteTraceID: l.ID.String(), Properties: p}
}

// answerValue is a mapped answer as a HubSpot property value: a yes/no
// answer as "true" or "false" (a single checkbox property's values), the
// others as leadcap stores them (a number, a choice, text).
func answerValue(a syncer.MappedAnswer) string {
	if a.Kind == lead.QuestionYesNo {
		if v, ok := a.Bool(); ok {
			return fmt.Sprint(v)
		}
	}
	return a.Value
}
