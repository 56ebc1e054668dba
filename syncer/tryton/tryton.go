package tryton

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"leadcap/lead"
	"leadcap/syncer"
)

// DefaultBatch is how many leads one Push delivers when Config.Batch is 0.
// A push takes about nine requests whatever its size (look-ups, creates,
// state buttons), and every request is a chance for a bad network to fail
// it: 200 leads in one push take 9 requests where batches of 50 took 30,
// so a sync through fair Wi-Fi meets a third of the failures and of the
// Retry-After waits. Tryton's own clients save hundreds of records per
// call.
const DefaultBatch = 200

// DefaultTimeout bounds one JSON-RPC request when Config.Timeout is 0.
const DefaultTimeout = 30 * time.Second

// Config is how to reach Tryton. Everything but Password comes from the
// store's settings; Password comes from LEADCAP_CRM_SECRET.
type Config struct {
	// URL is the server's address, e.g. "http://127.0.0.1:8000/".
	URL string
	// Database is the Tryton database name.
	Database string
	// User and Password are a Tryton login; the user needs a current
	// company and, to promote leads to opportunities, an employee.
	User, Password string
	// Timeout bounds one request (DefaultTimeout when 0).
	Timeout time.Duration
	// Batch is the number of leads per Push (DefaultBatch when 0).
	Batch int
	// HTTPClient replaces the default client (Timeout is then ignored).
	HTTPClient *http.Client
	// Retry bounds the retries of each step of a push (see pushGroup); the
	// zero value uses syncer's defaults.
	Retry syncer.RetryPolicy
}

// Connector delivers leads to Tryton 6.0 as parties and sale
// opportunities. It is safe for concurrent use.
type Connector struct {
	cfg Config
	rpc *client

	mu        sync.Mutex
	countries map[string]int64 // ISO code -> country.country id, 0 when Tryton has none
}

var _ syncer.Connector = (*Connector)(nil)

// New checks cfg and returns a connector. It does not contact Tryton: call
// Probe for that.
func New(cfg Config) (*Connector, error) {
	var missing []string
	if strings.TrimSpace(cfg.URL) == "" {
		missing = append(missing, "the server address (--url)")
	}
	if strings.TrimSpace(cfg.Database) == "" {
		missing = append(missing, "the database (--database)")
	}
	if strings.TrimSpace(cfg.User) == "" {
		missing = append(missing, "the user (--user)")
	}
	if cfg.Password == "" {
		missing = append(missing, "the password (LEADCAP_CRM_SECRET)")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("tryton: %s missing: set it with leadcap crm set tryton", strings.Join(missing, ", "))
	}
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("tryton: the server address %q is not a web address such as https://crm.example.com:8000/", cfg.URL)
	}
	if err := syncer.CheckURL("tryton", u); err != nil {
		return nil, err
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Batch <= 0 {
		cfg.Batch = DefaultBatch
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: cfg.Timeout}
	}
	rpc := newClient(hc, cfg.URL, cfg.Database, cfg.User, cfg.Password)
	rpc.retry = cfg.Retry
	return &Connector{cfg: cfg, rpc: rpc, countries: map[string]int64{}}, nil
}

// Name returns "tryton".
func (c *Connector) Name() string { return "tryton" }

// MaxBatch returns the number of leads per Push.
func (c *Connector) MaxBatch() int { return c.cfg.Batch }

// Probe logs in afresh and checks that the user has a company. A refused
// login wraps syncer.ErrAuth; an unreachable server is a
// *syncer.TransientError wrapping syncer.ErrOffline.
func (c *Connector) Probe(ctx context.Context) error {
	if err := c.rpc.login(ctx); err != nil {
		return err
	}
	_, uctx, err := c.rpc.session(ctx)
	if err != nil {
		return err
	}
	if co, ok := uctx["company"].(float64); !ok || co <= 0 {
		return syncer.Permanent(fmt.Sprintf("%v (user %q)", ErrNoCompany, c.cfg.User))
	}
	return nil
}

// Close ends the session on the server.
func (c *Connector) Close(ctx context.Context) error { return c.rpc.logout(ctx) }

// RemoteID returns the Tryton reference of an opportunity, as Push reports
// it: "sale.opportunity,42".
func RemoteID(opportunityID int64) string {
	return "sale.opportunity," + strconv.FormatInt(opportunityID, 10)
}

// item is one lead on its way through a Push.
type item struct {
	e    lead.OutboxEntry
	code string // the lead's UUID: party code and opportunity reference

	partyID  int64
	newParty bool // created by this Push: nothing to complete

	oppID      int64
	oppState   string
	oppDesc    string
	oppComment string
	oppEnd     any // the end_date as read (see followUpDate)
	oppNew     bool

	done bool
	err  error
}

// Push delivers the batch and returns one Result per entry, in order. The
// whole batch goes in a handful of calls; when Tryton refuses the data of
// one lead, the leads are sent again one by one so that only that lead
// fails (with a *syncer.PermanentError carrying Tryton's message).
func (c *Connector) Push(ctx context.Context, batch []lead.OutboxEntry) []syncer.Result {
	if slices.ContainsFunc(batch, syncer.IsRemoval) {
		return syncer.SplitRemovals(ctx, batch, c.pushRemovals, c.Push)
	}
	items := make([]*item, len(batch))
	for i, e := range batch {
		items[i] = &item{e: e, code: e.Lead.ID.String()}
	}
	if len(items) > 0 {
		if err := c.pushGroup(ctx, items); err != nil {
			var re *rpcError
			if errors.As(err, &re) && re.validation() && len(items) > 1 {
				c.pushOneByOne(ctx, items)
			} else {
				for _, it := range items {
					it.err = classify(err)
				}
			}
		}
	}
	res := make([]syncer.Result, len(items))
	for i, it := range items {
		res[i] = syncer.Result{LeadID: it.e.Lead.ID, Version: it.e.Lead.Version, Err: it.err}
		if it.err == nil {
			res[i].RemoteID = RemoteID(it.oppID)
		}
	}
	return res
}

// pushOneByOne sends each lead on its own. After a failure that is not the
// lead's fault (network, server), the rest are not tried: they share that
// error.
func (c *Connector) pushOneByOne(ctx context.Context, items []*item) {
	var stop error
	for _, it := range items {
		*it = item{e: it.e, code: it.code}
		if stop != nil {
			it.err = stop
			continue
		}
		if err := c.pushGroup(ctx, []*item{it}); err != nil {
			it.err = classify(err)
			if !syncer.IsPermanent(it.err) || errors.Is(it.err, syncer.ErrAuth) {
				stop = it.err
			}
		}
	}
}

// classify turns an error of the RPC layer into a *syncer.TransientError or
// *syncer.PermanentError.
func classify(err error) error {
	var re *rpcError
	switch {
	case errors.As(err, &re) && re.validation():
		return syncer.Permanent(re.Error())
	case errors.As(err, &re):
		// ConcurrencyException, "database is locked" and other server
		// exceptions: try again later.
		return syncer.Transient(re, 0)
	case syncer.IsTransient(err), syncer.IsPermanent(err):
		return err
	default:
		return syncer.Transient(err, 0)
	}
}

// pushGroup delivers items in a fixed sequence of steps, each of which is
// safe to repeat: look up parties by code and opportunities by reference
// (at the same time), then parties by email for leads that have neither;
// create the missing parties; add missing contact mechanisms and addresses
// to parties that existed; create the missing opportunities; update
// leadcap's fields of the others; move states. A step that fails
// transiently (a lost reply, 503, 429 with a short Retry-After, a server
// exception) is repeated with the connector's retry policy; a create is
// repeated only after a search on the leads' UUIDs found what the lost
// attempt had created. A step that still fails leaves records that the
// next push finds.
func (c *Connector) pushGroup(ctx context.Context, items []*item) error {
	steps := []func(ctx context.Context, items []*item, again bool) error{
		c.lookUp, c.createParties, c.completeParties, c.createOpportunities, c.updateOpportunities, c.moveStates,
	}
	for _, step := range steps {
		again := false
		_, err := syncer.Retry(ctx, c.cfg.Retry, func() (struct{}, error) {
			err := step(ctx, items, again)
			again = true
			return struct{}{}, retryable(err)
		})
		if err != nil {
			return err
		}
	}
	for _, it := range items {
		it.done = true
	}
	return nil
}

// retryable classifies err for syncer.Retry: Tryton's refusal of the data
// stays an *rpcError (not retried; Push then sends the leads one by one),
// anything else becomes a *syncer.TransientError or *syncer.PermanentError.
func retryable(err error) error {
	var re *rpcError
	if err == nil || (errors.As(err, &re) && re.validation()) {
		return err
	}
	return classify(err)
}

// lookUp finds each lead's party by code (archived ones too: their code is
// still taken) and its opportunity by reference, in parallel. A lead
// without a party of its code uses its opportunity's party (attached by
// email on an earlier push), else an active party that has one of its
// emails; the lowest ID wins.
func (c *Connector) lookUp(ctx context.Context, items []*item, _ bool) error {
	for _, it := range items {
		*it = item{e: it.e, code: it.code}
	}
	var codes []string // the leads' UUIDs and aliases (see erase.go)
	for _, it := range items {
		codes = append(codes, codesOf(it.e.Lead)...)
	}
	var (
		byCode     map[string]int64
		byRef      map[string]oppRecord
		errA, errB error
		wg         sync.WaitGroup
	)
	wg.Go(func() { byCode, errA = c.partiesByCode(ctx, codes) })
	wg.Go(func() { byRef, errB = c.opportunities(ctx, codes) })
	wg.Wait()
	if errA != nil || errB != nil {
		return firstClassified(errA, errB)
	}
	var emails []string
	for _, it := range items {
		// A lead merged from other devices may be in Tryton under an alias.
		ref, code := firstKnown(it, byRef), firstKnown(it, byCode)
		if f, ok := byRef[ref]; ok {
			it.oppID, it.oppState = f.ID, f.State
			it.oppDesc, it.oppComment, it.oppEnd = deref(f.Description), deref(f.Comment), f.EndDate
		}
		switch id, ok := byCode[code]; {
		case ok:
			it.partyID = id
		case it.oppID != 0 && byRef[ref].Party != 0:
			it.partyID = byRef[ref].Party
		default:
			emails = append(emails, it.e.Lead.Contact.Emails...)
		}
	}
	if len(emails) == 0 {
		return nil
	}
	or := []any{"OR"}
	for _, e := range emails {
		// ilike: a sales person may have typed capitals; "_" and "%" in an
		// address widen the match, the exact comparison below narrows it.
		or = append(or, []any{"value", "ilike", e})
	}
	var found []struct {
		Party int64  `json:"party"`
		Value string `json:"value"`
	}
	err := c.rpc.call(ctx, &found, nil, "model.party.contact_mechanism.search_read",
		[]any{[]any{"type", "=", "email"}, or}, 0, nil, [][]string{{"party", "ASC"}, {"id", "ASC"}}, []string{"party", "value"})
	if err != nil {
		return err
	}
	byEmail := map[string]int64{}
	for _, f := range found {
		k := strings.ToLower(strings.TrimSpace(f.Value))
		if _, ok := byEmail[k]; !ok {
			byEmail[k] = f.Party
		}
	}
	for _, it := range items {
		if it.partyID != 0 {
			continue
		}
		for _, e := range it.e.Lead.Contact.Emails {
			if id, ok := byEmail[strings.ToLower(e)]; ok {
				it.partyID = id
				break
			}
		}
	}
	return nil
}

// firstClassified returns the first non-nil error, preferring one that is
// not transient (it says more about what to fix).
func firstClassified(errs ...error) error {
	var first error
	for _, err := range errs {
		if err == nil {
			continue
		}
		if !syncer.IsTransient(err) {
			return err
		}
		if first == nil {
			first = err
		}
	}
	return first
}

func (c *Connector) partiesByCode(ctx context.Context, codes []string) (map[string]int64, error) {
	var found []struct {
		ID   int64  `json:"id"`
		Code string `json:"code"`
	}
	err := c.rpc.call(ctx, &found, map[string]any{"active_test": false}, "model.party.party.search_read",
		[]any{[]any{"code", "in", codes}}, 0, nil, nil, []string{"code"})
	if err != nil {
		return nil, err
	}
	m := make(map[string]int64, len(found))
	for _, f := range found {
		m[f.Code] = f.ID
	}
	return m, nil
}

// createParties creates a party for each lead that has none, with its code,
// name, contact mechanisms and address. Leads of the same batch that share
// an email get one party. When the step is repeated (again), the parties
// that the lost attempt created are looked up by code first. A single lead
// whose create is refused because its code exists (a second device) is
// matched to that party.
func (c *Connector) createParties(ctx context.Context, items []*item, again bool) error {
	if again {
		if err := c.findCreatedParties(ctx, items); err != nil {
			return err
		}
	}
	var creators []*item
	var vlist []map[string]any
	owner := map[string]*item{} // email -> item creating the party
	var followers [][2]*item
	for _, it := range items {
		if it.partyID != 0 {
			continue
		}
		var first *item
		for _, e := range it.e.Lead.Contact.Emails {
			if o, ok := owner[strings.ToLower(e)]; ok {
				first = o
				break
			}
		}
		if first != nil {
			followers = append(followers, [2]*item{it, first})
			continue
		}
		for _, e := range it.e.Lead.Contact.Emails {
			owner[strings.ToLower(e)] = it
		}
		v, err := c.partyValues(ctx, it.e.Lead)
		if err != nil {
			return err
		}
		v["code"] = it.code
		creators = append(creators, it)
		vlist = append(vlist, v)
	}
	if len(vlist) > 0 {
		var ids []int64
		err := c.rpc.call(ctx, &ids, nil, "model.party.party.create", vlist)
		var re *rpcError
		if errors.As(err, &re) && re.validation() && len(items) == 1 {
			// Tryton says "The code on party must be unique." in the
			// user's language: look the code up instead of matching text.
			byCode, err2 := c.partiesByCode(ctx, []string{items[0].code})
			if err2 != nil {
				return err2
			}
			id, ok := byCode[items[0].code]
			if !ok {
				return err
			}
			items[0].partyID = id
			return nil
		}
		if err != nil {
			return err
		}
		if len(ids) != len(creators) {
			return syncer.Transient(fmt.Errorf("Tryton created %d parties for %d leads", len(ids), len(creators)), 0)
		}
		for i, it := range creators {
			it.partyID, it.newParty = ids[i], true
		}
	}
	for _, f := range followers {
		f[0].partyID = f[1].partyID
	}
	return nil
}

// findCreatedParties looks up by code the parties of leads that have none
// yet: a create whose reply was lost may have committed them.
func (c *Connector) findCreatedParties(ctx context.Context, items []*item) error {
	var codes []string
	for _, it := range items {
		if it.partyID == 0 {
			codes = append(codes, it.code)
		}
	}
	if len(codes) == 0 {
		return nil
	}
	byCode, err := c.partiesByCode(ctx, codes)
	if err != nil {
		return err
	}
	for _, it := range items {
		if id, ok := byCode[it.code]; ok && it.partyID == 0 {
			it.partyID, it.newParty = id, true
		}
	}
	return nil
}

func (c *Connector) partyValues(ctx context.Context, l lead.Lead) (map[string]any, error) {
	v := map[string]any{"name": partyName(l.Contact)}
	var ms []map[string]any
	for _, m := range mechanisms(l.Contact) {
		ms = append(ms, map[string]any{"type": m.Type, "value": m.Value})
	}
	if len(ms) > 0 {
		v["contact_mechanisms"] = []any{[]any{"create", ms}}
	}
	addr, err := c.address(ctx, l.Contact.Address)
	if err != nil {
		return nil, err
	}
	if addr != nil {
		v["addresses"] = []any{[]any{"create", []any{addr}}}
	} else {
		v["addresses"] = []any{} // no empty default address
	}
	return v, nil
}

// address returns the party.address values, or nil when the lead has no
// address. A two-letter country is linked when Tryton knows it.
func (c *Connector) address(ctx context.Context, a lead.Address) (map[string]any, error) {
	if a.IsZero() {
		return nil, nil
	}
	v := addressValues(a)
	if cc := strings.ToUpper(strings.TrimSpace(a.Country)); len(cc) == 2 {
		id, err := c.country(ctx, cc)
		if err != nil {
			return nil, err
		}
		if id != 0 {
			v["country"] = id
		}
	}
	if len(v) == 0 {
		return nil, nil
	}
	return v, nil
}

func (c *Connector) country(ctx context.Context, code string) (int64, error) {
	c.mu.Lock()
	id, ok := c.countries[code]
	c.mu.Unlock()
	if ok {
		return id, nil
	}
	var ids []int64
	if err := c.rpc.call(ctx, &ids, nil, "model.country.country.search", []any{[]any{"code", "=", code}}, 0, 1, nil); err != nil {
		return 0, err
	}
	if len(ids) > 0 {
		id = ids[0]
	}
	c.mu.Lock()
	c.countries[code] = id
	c.mu.Unlock()
	return id, nil
}

// completeParties adds to parties that existed before this Push the
// contact mechanisms (archived ones count as present) and, when the party
// has no address, the address that the lead has and the party lacks. It
// changes and removes nothing.
func (c *Connector) completeParties(ctx context.Context, items []*item, _ bool) error {
	var pids []int64
	seen := map[int64]bool{}
	for _, it := range items {
		if it.partyID != 0 && !it.newParty && !seen[it.partyID] {
			seen[it.partyID] = true
			pids = append(pids, it.partyID)
		}
	}
	if len(pids) == 0 {
		return nil
	}
	var mechs []struct {
		Party int64  `json:"party"`
		Type  string `json:"type"`
		Value string `json:"value"`
	}
	if err := c.rpc.call(ctx, &mechs, map[string]any{"active_test": false}, "model.party.contact_mechanism.search_read",
		[]any{[]any{"party", "in", pids}}, 0, nil, nil, []string{"party", "type", "value"}); err != nil {
		return err
	}
	have := map[string]bool{}
	for _, m := range mechs {
		have[strconv.FormatInt(m.Party, 10)+"\x00"+mechanism{m.Type, m.Value}.key()] = true
	}
	var addrs []struct {
		Party      int64  `json:"party"`
		Street     string `json:"street"`
		City       string `json:"city"`
		PostalCode string `json:"postal_code"`
	}
	if err := c.rpc.call(ctx, &addrs, map[string]any{"active_test": false}, "model.party.address.search_read",
		[]any{[]any{"party", "in", pids}}, 0, nil, nil, []string{"party", "street", "city", "postal_code"}); err != nil {
		return err
	}
	hasAddr := map[int64]bool{}
	for _, a := range addrs {
		if strings.TrimSpace(a.Street+a.City+a.PostalCode) != "" {
			hasAddr[a.Party] = true
		}
	}
	var newMechs, newAddrs []map[string]any
	for _, it := range items {
		if it.partyID == 0 || it.newParty {
			continue
		}
		for _, m := range mechanisms(it.e.Lead.Contact) {
			k := strconv.FormatInt(it.partyID, 10) + "\x00" + m.key()
			if !have[k] {
				have[k] = true
				newMechs = append(newMechs, map[string]any{"party": it.partyID, "type": m.Type, "value": m.Value})
			}
		}
		if !hasAddr[it.partyID] {
			a, err := c.address(ctx, it.e.Lead.Contact.Address)
			if err != nil {
				return err
			}
			if a != nil {
				a["party"] = it.partyID
				newAddrs = append(newAddrs, a)
				hasAddr[it.partyID] = true
			}
		}
	}
	if len(newMechs) > 0 {
		if err := c.rpc.call(ctx, nil, nil, "model.party.contact_mechanism.create", newMechs); err != nil {
			return err
		}
		if err := c.dropDoubles(ctx, "model.party.contact_mechanism", pids, []string{"type", "value"}, func(r map[string]any) string {
			t, _ := r["type"].(string)
			v, _ := r["value"].(string)
			return mechanism{t, v}.key()
		}); err != nil {
			return err
		}
	}
	if len(newAddrs) > 0 {
		if err := c.rpc.call(ctx, nil, nil, "model.party.address.create", newAddrs); err != nil {
			return err
		}
		if err := c.dropDoubles(ctx, "model.party.address", pids, []string{"street", "city", "postal_code"}, func(r map[string]any) string {
			var k []string
			for _, f := range []string{"street", "city", "postal_code"} {
				v, _ := r[f].(string)
				k = append(k, strings.TrimSpace(v))
			}
			return strings.Join(k, "\x00")
		}); err != nil {
			return err
		}
	}
	return nil
}

// dropDoubles closes the race of two pushes completing the same party at
// once: both read it without a contact mechanism (or address) and both add
// it. After adding, the party's records of model are read again, and of
// records with the same key the lowest ID stays; a higher one is deleted
// when leadcap's user created it and nobody has changed it since (Tryton
// writes these records once right after creating them, so "unchanged" is a
// write date within a second of the create date).
func (c *Connector) dropDoubles(ctx context.Context, model string, pids []int64, fields []string, key func(map[string]any) string) error {
	var found []map[string]any
	if err := c.rpc.call(ctx, &found, map[string]any{"active_test": false}, model+".search_read",
		[]any{[]any{"party", "in", pids}}, 0, nil, [][]string{{"id", "ASC"}},
		append([]string{"party", "create_uid", "create_date", "write_date"}, fields...)); err != nil {
		return err
	}
	uid := c.rpc.userID()
	seen := map[string]bool{}
	var drop []int64
	for _, r := range found {
		party, _ := r["party"].(float64)
		k := strconv.FormatFloat(party, 'f', 0, 64) + "\x00" + key(r)
		if !seen[k] {
			seen[k] = true
			continue
		}
		id, _ := r["id"].(float64)
		creator, _ := r["create_uid"].(float64)
		if int64(creator) == uid && unchanged(r["create_date"], r["write_date"]) && id > 0 {
			drop = append(drop, int64(id))
		}
	}
	if len(drop) == 0 {
		return nil
	}
	return c.rpc.call(ctx, nil, nil, model+".delete", drop)
}

type oppRecord struct {
	ID          int64   `json:"id"`
	Reference   string  `json:"reference"`
	Party       int64   `json:"party"`
	State       string  `json:"state"`
	Description *string `json:"description"`
	Comment     *string `json:"comment"`
	EndDate     any     `json:"end_date"`
	CreateUID   int64   `json:"create_uid"`
	WriteDate   any     `json:"write_date"`
}

// opportunities returns the opportunity with the lowest ID for each
// reference that has one. The reference is not unique in Tryton, so two
// pushes of the same lead can both create one (one of them then loses its
// reply, or both miss the other's): every other opportunity of a reference
// that leadcap's user created and nobody has changed since (no write date)
// is such a duplicate and is deleted here. Every push looks up before it
// creates and looks again after, and a push whose reply was lost is
// repeated, so no duplicate outlives the next push of its lead.
func (c *Connector) opportunities(ctx context.Context, refs []string) (map[string]oppRecord, error) {
	var found []oppRecord
	if err := c.rpc.call(ctx, &found, nil, "model.sale.opportunity.search_read",
		[]any{[]any{"reference", "in", refs}}, 0, nil, [][]string{{"id", "ASC"}},
		[]string{"reference", "party", "state", "description", "comment", "end_date", "create_uid", "write_date"}); err != nil {
		return nil, err
	}
	uid := c.rpc.userID()
	m := make(map[string]oppRecord, len(found))
	var drop []int64
	for _, f := range found {
		if _, ok := m[f.Reference]; !ok {
			m[f.Reference] = f
			continue
		}
		if f.CreateUID == uid && f.WriteDate == nil && (f.State == "lead" || f.State == "opportunity") {
			drop = append(drop, f.ID)
		}
	}
	if len(drop) > 0 {
		if err := c.rpc.call(ctx, nil, nil, "model.sale.opportunity.delete", drop); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// createOpportunities creates the missing opportunities, then looks again
// (see opportunities): when another push of the same lead created one
// meanwhile, the lowest ID wins and the others are deleted. When the step
// is repeated (again), what a lost attempt created is looked up first
// instead of being created twice.
func (c *Connector) createOpportunities(ctx context.Context, items []*item, again bool) error {
	if again {
		var pending []*item
		for _, it := range items {
			if it.oppID == 0 || it.oppNew {
				pending = append(pending, it)
			}
		}
		if err := c.settle(ctx, pending); err != nil {
			return err
		}
	}
	var creators []*item
	var vlist []map[string]any
	for _, it := range items {
		if it.oppID != 0 {
			continue
		}
		captured := it.e.Lead.CapturedAt
		if captured.IsZero() {
			captured = time.Now()
		}
		creators = append(creators, it)
		vlist = append(vlist, map[string]any{
			"party":       it.partyID,
			"reference":   it.code,
			"description": description(it.e),
			"comment":     block(it.e),
			"start_date":  date(captured.UTC()),
			"end_date":    followUpDate(it.e.Lead), // followup.go
		})
	}
	if len(vlist) == 0 {
		return nil
	}
	var ids []int64
	if err := c.rpc.call(ctx, &ids, nil, "model.sale.opportunity.create", vlist); err != nil {
		return err
	}
	if len(ids) != len(creators) {
		return syncer.Transient(fmt.Errorf("Tryton created %d opportunities for %d leads", len(ids), len(creators)), 0)
	}
	for i, it := range creators {
		it.oppID, it.oppState, it.oppNew = ids[i], "lead", true
	}
	if err := c.settle(ctx, creators); err != nil {
		return err
	}
	for _, it := range creators {
		if it.oppID == 0 {
			return syncer.Transient(fmt.Errorf("Tryton: the opportunity just created for lead %s is gone", it.code), 0)
		}
	}
	return nil
}

// settle looks up the opportunities of items (see opportunities) and
// carries on with the winner of each reference; an item whose reference
// has none is left without one (oppID 0), to be created.
func (c *Connector) settle(ctx context.Context, items []*item) error {
	if len(items) == 0 {
		return nil
	}
	codes := make([]string, len(items))
	for i, it := range items {
		codes[i] = it.code
	}
	found, err := c.opportunities(ctx, codes)
	if err != nil {
		return err
	}
	for _, it := range items {
		f, ok := found[it.code]
		switch {
		case !ok:
			it.oppID, it.oppNew = 0, false
		case f.ID != it.oppID:
			it.oppID, it.oppState, it.oppNew = f.ID, f.State, false
			it.oppDesc, it.oppComment, it.oppEnd = deref(f.Description), deref(f.Comment), f.EndDate
		}
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// updateOpportunities writes leadcap's fields (the description and
// leadcap's block of the comment) of opportunities that existed, while they
// are still leads or opportunities, and only when they differ.
func (c *Connector) updateOpportunities(ctx context.Context, items []*item, _ bool) error {
	var args []any
	for _, it := range items {
		if it.oppNew || (it.oppState != "lead" && it.oppState != "opportunity") {
			continue
		}
		v := map[string]any{}
		if d := description(it.e); d != it.oppDesc {
			v["description"] = d
		}
		if cm := mergeComment(it.oppComment, block(it.e)); cm != it.oppComment {
			v["comment"] = cm
		}
		if d := followUpDate(it.e.Lead); !sameDate(d, it.oppEnd) {
			v["end_date"] = d
		}
		if len(v) > 0 {
			args = append(args, []int64{it.oppID}, v)
		}
	}
	if len(args) == 0 {
		return nil
	}
	return c.rpc.call(ctx, nil, nil, "model.sale.opportunity.write", args...)
}

// moveStates promotes leads that became prospects to opportunities and
// cancels disqualified ones, through Tryton's own workflow buttons. It
// never moves an opportunity back to lead and never touches converted,
// won, lost or cancelled ones: from there on the CRM owns the state.
func (c *Connector) moveStates(ctx context.Context, items []*item, _ bool) error {
	var promote, cancel []int64
	var promoted, cancelled []*item
	for _, it := range items {
		switch it.e.Lead.Stage() {
		case lead.StageProspect:
			if it.oppState == "lead" {
				promote = append(promote, it.oppID)
				promoted = append(promoted, it)
			}
		case lead.StageDisqualified:
			if it.oppState == "lead" || it.oppState == "opportunity" {
				cancel = append(cancel, it.oppID)
				cancelled = append(cancelled, it)
			}
		}
	}
	// The buttons act only on opportunities in the state they start from,
	// so pressing one again after a lost reply changes nothing.
	if len(promote) > 0 {
		if err := c.rpc.call(ctx, nil, nil, "model.sale.opportunity.opportunity", promote); err != nil {
			return err
		}
		for _, it := range promoted {
			it.oppState = "opportunity"
		}
	}
	if len(cancel) > 0 {
		if err := c.rpc.call(ctx, nil, nil, "model.sale.opportunity.cancel", cancel); err != nil {
			return err
		}
		for _, it := range cancelled {
			it.oppState = "cancelled"
		}
	}
	return nil
}

// unchanged reports whether a record whose create and write dates Tryton
// returned ({"__class__": "datetime", ...} or nil) was not written after it
// was created: no write date, or one within a second of the create date.
func unchanged(created, written any) bool {
	if written == nil {
		return true
	}
	c, ok1 := trytonTime(created)
	w, ok2 := trytonTime(written)
	return ok1 && ok2 && w.Sub(c).Abs() < time.Second
}

func trytonTime(v any) (time.Time, bool) {
	m, ok := v.(map[string]any)
	if !ok || m["__class__"] != "datetime" {
		return time.Time{}, false
	}
	n := func(k string) int {
		f, _ := m[k].(float64)
		return int(f)
	}
	return time.Date(n("year"), time.Month(n("month")), n("day"), n("hour"), n("minute"), n("second"), n("microsecond")*1000, time.UTC), true
}
