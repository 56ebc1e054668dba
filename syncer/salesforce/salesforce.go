package salesforce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"leadcap/lead"
	"leadcap/syncer"
)

// MaxBatch is Salesforce's limit of records per sObject Collections request.
const MaxBatch = 200

// ErrNoToken means the connector was built without an access token.
var ErrNoToken = errors.New("Salesforce needs an OAuth access token: put it in LEADCAP_CRM_SECRET")

// ErrRequired means a lead lacks a field that Salesforce requires on every
// Lead: a last name and a company.
var ErrRequired = errors.New("Salesforce requires a last name and a company for every lead")

// Config sets up the connector.
type Config struct {
	// InstanceURL is the org's address, e.g. https://mycompany.my.salesforce.com.
	InstanceURL string
	// Token is an OAuth access token (bearer).
	Token string
	// APIVersion such as "v62.0" (46.0 or later); default v62.0.
	APIVersion string
	// ExternalIDField is the Lead field marked External ID and Unique that
	// holds the lead's UUID; default Leadcap_Lead_ID__c.
	ExternalIDField string
	// DetailsField, when set, is a long text area field for the event,
	// qualification, rating, consent and notes.
	DetailsField string
	// Lead Status picklist values per stage; defaults "Open - Not
	// Contacted", "Working - Contacted", "Closed - Not Converted".
	StatusLead, StatusProspect, StatusDisqualified string
	// LeadSource on creation; default "Trade Show".
	LeadSource string
	// Task Status picklist values of an open and of a done follow-up;
	// defaults "Not Started" and "Completed".
	TaskStatusOpen, TaskStatusDone string
	// HTTPClient defaults to a client with a 60 s timeout.
	HTTPClient *http.Client
	Now        func() time.Time
	// Retry bounds the retries of a request inside a push: an upsert is
	// keyed by the external ID (the lead's UUID), so sending it again after
	// a lost reply updates the same Lead. The zero value uses syncer's
	// defaults.
	Retry syncer.RetryPolicy
}

// Connector upserts leads as Salesforce Lead records by external ID.
type Connector struct {
	cfg  Config
	base *url.URL

	mu         sync.Mutex
	used, max  int // from the last Sforce-Limit-Info
	limitUntil time.Time
}

var (
	_ syncer.Connector = (*Connector)(nil)
	_ syncer.Pacer     = (*Connector)(nil)
)

var versionRE = regexp.MustCompile(`^v\d+\.\d$`)

// New checks cfg and returns a connector.
func New(cfg Config) (*Connector, error) {
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, ErrNoToken
	}
	base, err := url.Parse(strings.TrimRight(cfg.InstanceURL, "/"))
	if err != nil || base.Scheme == "" || base.Host == "" {
		return nil, fmt.Errorf("salesforce: %q is not the org's address: write it like https://mycompany.my.salesforce.com", cfg.InstanceURL)
	}
	if err := syncer.CheckURL("salesforce", base); err != nil {
		return nil, err
	}
	if cfg.APIVersion == "" {
		cfg.APIVersion = "v62.0"
	}
	if !strings.HasPrefix(cfg.APIVersion, "v") {
		cfg.APIVersion = "v" + cfg.APIVersion
	}
	if !versionRE.MatchString(cfg.APIVersion) {
		return nil, fmt.Errorf("salesforce: %q is not an API version: write it like v62.0", cfg.APIVersion)
	}
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&cfg.ExternalIDField, "Leadcap_Lead_ID__c")
	def(&cfg.StatusLead, "Open - Not Contacted")
	def(&cfg.StatusProspect, "Working - Contacted")
	def(&cfg.StatusDisqualified, "Closed - Not Converted")
	def(&cfg.LeadSource, "Trade Show")
	def(&cfg.TaskStatusOpen, "Not Started")
	def(&cfg.TaskStatusDone, "Completed")
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 60 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Connector{cfg: cfg, base: base}, nil
}

// Name returns "salesforce".
func (c *Connector) Name() string { return "salesforce" }

// MaxBatch returns 200.
func (c *Connector) MaxBatch() int { return MaxBatch }

// Probe reads the org's limits: one cheap call that checks the address, the
// token and the daily API allowance.
func (c *Connector) Probe(ctx context.Context) error {
	r, err := c.retry(ctx, http.MethodGet, "/services/data/"+c.cfg.APIVersion+"/limits", nil)
	if err != nil {
		return err
	}
	if r.Status != http.StatusOK {
		return c.statusError(r)
	}
	var lim struct {
		Daily struct{ Max, Remaining int } `json:"DailyApiRequests"`
	}
	if json.Unmarshal(r.Body, &lim) == nil && lim.Daily.Max > 0 {
		c.mu.Lock()
		c.used, c.max = lim.Daily.Max-lim.Daily.Remaining, lim.Daily.Max
		c.mu.Unlock()
		if lim.Daily.Remaining <= 0 {
			return syncer.Transient(errors.New("Salesforce: the org's daily API requests are used up; leads are sent when the allowance recovers"), time.Hour)
		}
	}
	return nil
}

// Pace slows the relay as the org's daily API usage, read from
// Sforce-Limit-Info, approaches its limit: nothing below 80 %, 2 s per push
// up to 90 %, 10 s up to 95 %, then a minute; after REQUEST_LIMIT_EXCEEDED,
// until an hour has passed.
func (c *Connector) Pace() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d := c.limitUntil.Sub(c.cfg.Now()); d > 0 {
		return d
	}
	if c.max <= 0 {
		return 0
	}
	u := float64(c.used) / float64(c.max)
	switch {
	case u >= 0.95:
		return time.Minute
	case u >= 0.90:
		return 10 * time.Second
	case u >= 0.80:
		return 2 * time.Second
	}
	return 0
}

// Usage returns the API usage from the last reply: used of max requests in
// the last 24 hours (0, 0 when unknown).
func (c *Connector) Usage() (used, max int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.used, c.max
}

func (c *Connector) readLimit(h http.Header) {
	// Sforce-Limit-Info: api-usage=25/15000
	v := h.Get("Sforce-Limit-Info")
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		rest, ok := strings.CutPrefix(part, "api-usage=")
		if !ok {
			continue
		}
		u, m, ok := strings.Cut(rest, "/")
		if !ok {
			continue
		}
		used, err1 := strconv.Atoi(strings.TrimSpace(u))
		max, err2 := strconv.Atoi(strings.TrimSpace(m))
		if err1 == nil && err2 == nil && max > 0 {
			c.mu.Lock()
			c.used, c.max = used, max
			c.mu.Unlock()
		}
	}
}

// apiError is one element of Salesforce's error arrays: top-level replies
// use errorCode, per-record results use statusCode and fields.
type apiError struct {
	Message    string   `json:"message"`
	ErrorCode  string   `json:"errorCode"`
	StatusCode string   `json:"statusCode"`
	Fields     []string `json:"fields"`
}

func (e apiError) code() string {
	if e.ErrorCode != "" {
		return e.ErrorCode
	}
	return e.StatusCode
}

func (e apiError) text() string {
	s := e.code() + ": " + e.Message
	if len(e.Fields) > 0 {
		s += " (fields " + strings.Join(e.Fields, ", ") + ")"
	}
	return s
}

type upsertResult struct {
	ID      string     `json:"id"`
	Success bool       `json:"success"`
	Created bool       `json:"created"`
	Errors  []apiError `json:"errors"`
}

// Push upserts the batch by external ID with allOrNone false, 200 records
// per request.
func (c *Connector) Push(ctx context.Context, batch []lead.OutboxEntry) []syncer.Result {
	if slices.ContainsFunc(batch, syncer.IsRemoval) {
		return syncer.SplitRemovals(ctx, batch, c.pushRemovals, c.Push)
	}
	res := make([]syncer.Result, len(batch))
	var send []int
	for i, e := range batch {
		res[i] = syncer.Result{LeadID: e.Lead.ID, Version: e.Lead.Version}
		if err := c.check(e); err != nil {
			res[i].Err = err
			continue
		}
		send = append(send, i)
	}
	for len(send) > 0 {
		n := min(len(send), MaxBatch)
		c.upsert(ctx, batch, send[:n], res)
		send = send[n:]
	}
	// The follow-ups of the Leads just written, as tasks (tasks.go). A
	// failure leaves the lead pending; the replay upserts the same Lead and
	// finds the tasks already made.
	var items []taskItem
	for i, e := range batch {
		if res[i].Err == nil && res[i].RemoteID != "" {
			if want := syncer.FollowUps(e); len(want) > 0 {
				items = append(items, taskItem{at: i, leadID: res[i].RemoteID, want: want})
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

// check refuses, before sending, a first delivery that lacks what
// Salesforce requires.
func (c *Connector) check(e lead.OutboxEntry) error {
	if e.RemoteID != "" {
		return nil
	}
	_, last := syncer.SplitName(e.Lead.Contact)
	var missing []string
	if last == "" {
		missing = append(missing, "last name")
	}
	if e.Lead.Contact.Organization == "" {
		missing = append(missing, "company")
	}
	if len(missing) == 0 {
		return nil
	}
	what := strings.Join(missing, " and no ")
	return &syncer.PermanentError{
		Reason: fmt.Sprintf("Salesforce requires a last name and a company for every lead, and this lead has no %s: add the %s to the lead, then retry it",
			what, strings.Join(missing, " and the ")),
		Err: ErrRequired,
	}
}

func (c *Connector) upsert(ctx context.Context, batch []lead.OutboxEntry, idx []int, res []syncer.Result) {
	records := make([]map[string]any, len(idx))
	for k, i := range idx {
		records[k] = c.record(batch[i])
	}
	body, err := json.Marshal(map[string]any{"allOrNone": false, "records": records})
	if err != nil {
		setAll(res, idx, syncer.Permanent("Salesforce: cannot encode the lead: "+err.Error()))
		return
	}
	path := "/services/data/" + c.cfg.APIVersion + "/composite/sobjects/Lead/" + url.PathEscape(c.cfg.ExternalIDField)
	r, err := c.retry(ctx, http.MethodPatch, path, body)
	if err != nil {
		setAll(res, idx, err)
		return
	}
	if r.Status == http.StatusBadRequest && len(idx) > 1 {
		// A field one record names does not exist (a question's CRM field,
		// say): send them one by one, so only that lead is refused.
		for _, i := range idx {
			c.upsert(ctx, batch, []int{i}, res)
		}
		return
	}
	if r.Status != http.StatusOK {
		setAll(res, idx, c.statusError(r))
		return
	}
	var results []upsertResult
	if err := json.Unmarshal(r.Body, &results); err != nil || len(results) != len(idx) {
		setAll(res, idx, syncer.Transient(fmt.Errorf("Salesforce: unexpected reply (%d results for %d records): %s", len(results), len(idx), syncer.Snippet(r.Body)), 0))
		return
	}
	// UpsertResults come in the order of the records.
	var again []int
	for k, i := range idx {
		r := results[k]
		if r.Success {
			res[i].RemoteID = r.ID
			continue
		}
		res[i].Err = recordError(r.Errors)
		if errors.Is(res[i].Err, ErrRequired) && batch[i].RemoteID != "" {
			again = append(again, i)
		}
	}
	// A Lead deleted in Salesforce after an earlier delivery is created
	// again, which needs its contact fields: send the full record.
	if len(again) > 0 {
		full := slices.Clone(batch)
		for _, i := range again {
			full[i].RemoteID = ""
			res[i].Err = c.check(full[i])
		}
		var send []int
		for _, i := range again {
			if res[i].Err == nil {
				send = append(send, i)
			}
		}
		if len(send) > 0 {
			c.upsert(ctx, full, send, res)
		}
	}
}

// transientCodes are per-record failures that go away by themselves.
var transientCodes = map[string]bool{
	"UNABLE_TO_LOCK_ROW": true, "REQUEST_RUNNING_TOO_LONG": true, "SERVER_UNAVAILABLE": true,
	"ALL_OR_NONE_OPERATION_ROLLED_BACK": true,
}

func recordError(errs []apiError) error {
	if len(errs) == 0 {
		return syncer.Transient(errors.New("Salesforce: the record failed without a reason"), 0)
	}
	var texts []string
	transient := true
	required := false
	for _, e := range errs {
		texts = append(texts, e.text())
		transient = transient && transientCodes[e.code()]
		required = required || e.code() == "REQUIRED_FIELD_MISSING"
	}
	msg := "Salesforce: " + strings.Join(texts, "; ")
	if transient {
		return syncer.Transient(errors.New(msg), 0)
	}
	if required {
		return &syncer.PermanentError{Reason: msg + ": " + ErrRequired.Error() + "; fill in the fields named, then retry the lead", Err: ErrRequired}
	}
	return syncer.Permanent(msg)
}

func setAll(res []syncer.Result, idx []int, err error) {
	for _, i := range idx {
		res[i].Err = err
	}
}

func (c *Connector) statusError(r syncer.Reply) error {
	status := r.Status
	var errs []apiError
	_ = json.Unmarshal(r.Body, &errs)
	var texts []string
	code := ""
	for _, e := range errs {
		texts = append(texts, e.text())
		if code == "" {
			code = e.code()
		}
	}
	reason := strings.Join(texts, "; ")
	if reason == "" {
		reason = syncer.Snippet(r.Body)
	}
	switch {
	case code == "INVALID_SESSION_ID":
		return syncer.AuthError("Salesforce: " + strconv.Itoa(status) + " " + reason + " (the access token expired or was revoked: get a new one)")
	case code == "REQUEST_LIMIT_EXCEEDED":
		c.mu.Lock()
		c.limitUntil = c.cfg.Now().Add(time.Hour)
		c.mu.Unlock()
		return syncer.Transient(fmt.Errorf("Salesforce: %d %s (the org's API allowance is used up)", status, reason), time.Hour)
	case code == "UNABLE_TO_LOCK_ROW" || code == "SERVER_UNAVAILABLE":
		return syncer.Transient(fmt.Errorf("Salesforce: %d %s", status, reason), syncer.RetryAfter(r.Header.Get("Retry-After"), c.cfg.Now()))
	}
	return syncer.FromStatus("Salesforce", status, r.Header, reason, c.cfg.Now())
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
	req, err := syncer.NewRequest(ctx, "Salesforce", method, u.String(), body)
	if err != nil {
		return syncer.Reply{}, err
	}
	req.Header.Set("Authorization", "Bearer "+c.cfg.Token)
	r, err := syncer.Do(c.cfg.HTTPClient, "Salesforce", req)
	if err == nil {
		c.readLimit(r.Header)
	}
	return r, err
}

// Status maps a stage to the configured Lead Status value.
func (c *Connector) Status(s lead.Stage) string {
	switch s {
	case lead.StageProspect:
		return c.cfg.StatusProspect
	case lead.StageDisqualified:
		return c.cfg.StatusDisqualified
	}
	return c.cfg.StatusLead
}

// record builds one Lead record. Contact fields go only with the first
// delivery; afterwards Salesforce users own them.
func (c *Connector) record(e lead.OutboxEntry) map[string]any {
	l := e.Lead
	r := map[string]any{
		"attributes":          map[string]string{"type": "Lead"},
		c.cfg.ExternalIDField: l.ID.String(),
	}
	set := func(k, v string) {
		if v != "" {
			r[k] = v
		}
	}
	first := e.RemoteID == ""
	if first {
		ct := l.Contact
		fn, ln := syncer.SplitName(ct)
		set("FirstName", fn)
		set("LastName", ln)
		set("Company", ct.Organization)
		set("Title", ct.Title)
		if len(ct.Emails) > 0 {
			set("Email", ct.Emails[0])
		}
		for _, p := range ct.Phones {
			key := "Phone"
			if p.Kind == "mobile" {
				key = "MobilePhone"
			}
			if _, done := r[key]; !done {
				set(key, p.Number)
			}
		}
		if len(ct.URLs) > 0 {
			set("Website", ct.URLs[0])
		}
		set("Street", ct.Address.Street)
		set("City", ct.Address.City)
		set("State", ct.Address.Region)
		set("PostalCode", ct.Address.PostalCode)
		set("Country", ct.Address.Country)
		set("LeadSource", c.cfg.LeadSource)
		switch l.Rating {
		case lead.RatingHot:
			r["Rating"] = "Hot"
		case lead.RatingWarm:
			r["Rating"] = "Warm"
		case lead.RatingCold:
			r["Rating"] = "Cold"
		}
	}
	if st := l.Stage(); first || st != lead.StageLead {
		r["Status"] = c.Status(st)
	}
	if c.cfg.DetailsField != "" {
		r[c.cfg.DetailsField] = syncer.Details(e)
	}
	for _, f := range syncer.ClearedFields(e) {
		r[f] = nil // a field set to null is emptied
	}
	for _, a := range syncer.MappedAnswers(e) {
		r[a.Field] = answerValue(a)
	}
	return r
}

// answerValue is a mapped answer as a Salesforce field value: a yes/no
// answer as a boolean (a Checkbox field), a number as a number (a Number
// field), a choice or text as text (Picklist, Text).
func answerValue(a syncer.MappedAnswer) any {
	switch a.Kind {
	case lead.QuestionYesNo:
		if v, ok := a.Bool(); ok {
			return v
		}
	case lead.QuestionNumber:
		if v, ok := a.Number(); ok {
			return v
		}
	}
	return a.Value
}
