package tryton

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"leadcap/syncer"
)

// ErrNoDatabase means Tryton answered but has no database of the configured
// name.
var ErrNoDatabase = errors.New("Tryton has no database of that name: check crm.database (leadcap crm set tryton --database NAME)")

// ErrNoCompany means the Tryton user belongs to no company, and Tryton needs
// one for every opportunity.
var ErrNoCompany = errors.New("the Tryton user has no current company: in Tryton, give the user a company (User > Preferences > Company) and try again")

// ErrNotActivated means Tryton refused a method the connector needs: the
// modules party and sale_opportunity are not both activated.
var ErrNotActivated = errors.New("Tryton does not offer what leadcap needs: activate the module sale_opportunity (with its dependencies) in the Tryton database")

// errUnauthorized is a 401 on a model call: the session expired or was
// removed on the server; the client logs in again once.
var errUnauthorized = errors.New("tryton: session refused")

// rpcError is an `error` member of an HTTP 200 JSON-RPC reply.
type rpcError struct {
	// Kind is the exception class for Tryton's own exceptions (UserError,
	// UserWarning, ConcurrencyException, LoginException, ...), empty for any
	// other server exception.
	Kind string
	// Message is Tryton's message for the user (or the exception text).
	Message string
	// Description is Tryton's longer explanation, often empty.
	Description string
}

func (e *rpcError) Error() string {
	s := "Tryton: " + e.Message
	if e.Kind != "" && e.Kind != "UserError" {
		s = "Tryton " + e.Kind + ": " + e.Message
	}
	if e.Description != "" {
		s += " (" + e.Description + ")"
	}
	return syncer.Clean(s)
}

// validation reports whether Tryton refused the data itself (a person must
// change the lead or the CRM set-up): UserError and UserWarning.
func (e *rpcError) validation() bool { return e.Kind == "UserError" || e.Kind == "UserWarning" }

// parseRPCError reads Tryton 6.0's error shapes:
//
//	["UserError", [message, description, domain]]
//	["UserWarning", [name, message, description]]
//	["ConcurrencyException", message]
//	[str(exception), traceback]            any other exception
func parseRPCError(raw json.RawMessage) *rpcError {
	var parts []json.RawMessage
	if err := json.Unmarshal(raw, &parts); err != nil || len(parts) == 0 {
		return &rpcError{Message: syncer.Snippet(raw)}
	}
	var first string
	_ = json.Unmarshal(parts[0], &first)
	e := &rpcError{Kind: first}
	var args []json.RawMessage
	if len(parts) > 1 {
		if json.Unmarshal(parts[1], &args) != nil {
			var s string
			if json.Unmarshal(parts[1], &s) == nil && isTrytonException(first) {
				e.Message = s
				return e
			}
		}
	}
	str := func(i int) string {
		if i >= len(args) {
			return ""
		}
		var s string
		_ = json.Unmarshal(args[i], &s)
		return s
	}
	switch {
	case first == "UserWarning":
		e.Message, e.Description = str(1), str(2)
	case isTrytonException(first):
		e.Message, e.Description = str(0), str(1)
	default: // a server exception: [text, traceback]; the traceback stays out
		e.Kind, e.Message = "", first
	}
	if e.Message == "" {
		e.Message = syncer.Snippet(raw)
	}
	return e
}

func isTrytonException(s string) bool {
	switch s {
	case "UserError", "UserWarning", "ConcurrencyException", "LoginException", "RateLimitException":
		return true
	}
	return false
}

// client is a Tryton 6.0 JSON-RPC client with one session, logged in lazily
// and again when the server refuses the session.
type client struct {
	http     *http.Client
	endpoint string // base URL + database + "/"
	db       string
	user     string
	password string
	now      func() time.Time
	retry    syncer.RetryPolicy // for logins

	loginMu sync.Mutex // one login at a time: parallel calls share it
	mu      sync.Mutex
	auth    string         // "Session base64(user:uid:session)", empty when logged out
	uid     int64          // the user's ID, from the login
	context map[string]any // the user's context from get_preferences
	logins  atomic.Int64   // number of successful logins, for tests and diagnostics
	calls   atomic.Int64   // number of requests sent, for benchmarks
	nextID  atomic.Int64
}

func newClient(hc *http.Client, baseURL, db, user, password string) *client {
	if !strings.HasSuffix(baseURL, "/") {
		baseURL += "/"
	}
	return &client{http: hc, endpoint: baseURL + db + "/", db: db, user: user, password: password, now: time.Now}
}

// post sends one JSON-RPC request with the given Authorization (may be
// empty) and returns the result member. Errors are classified:
// errUnauthorized, *syncer.TransientError, *syncer.PermanentError (wrapping
// syncer.ErrAuth for refused credentials) or *rpcError.
func (c *client) post(ctx context.Context, auth, method string, params []any) (json.RawMessage, error) {
	if params == nil {
		params = []any{}
	}
	body, err := json.Marshal(map[string]any{"id": c.nextID.Add(1), "method": method, "params": params})
	if err != nil {
		return nil, fmt.Errorf("tryton: encode %s: %w", method, err)
	}
	req, err := syncer.NewRequest(ctx, "Tryton", http.MethodPost, c.endpoint, body)
	if err != nil {
		return nil, err
	}
	c.calls.Add(1)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	r, err := syncer.Do(c.http, "Tryton", req)
	if err != nil {
		return nil, err
	}
	switch {
	case r.Status == http.StatusUnauthorized && method != "common.db.login":
		return nil, errUnauthorized
	case r.Status == http.StatusUnauthorized, r.Status == http.StatusForbidden && method == "common.db.login":
		return nil, syncer.AuthError(fmt.Sprintf("Tryton refused the login of user %q on database %q", c.user, c.db))
	case r.Status == http.StatusNotFound && method == "common.db.login":
		return nil, c.noDatabase()
	case r.Status == http.StatusForbidden:
		// A set-up problem, not the lead's: the lead stays pending.
		return nil, syncer.Transient(fmt.Errorf("%w (%s in database %q)", ErrNotActivated, method, c.db), 0)
	case r.Status != http.StatusOK:
		// 429 (login rate limit), 423, 5xx, a proxy's 502/503: retry,
		// honouring Retry-After. A 500 is an HTML page, not JSON.
		return nil, syncer.FromStatus("Tryton", r.Status, r.Header, httpReason(r), c.now())
	}
	var reply struct {
		Result json.RawMessage `json:"result"`
		Error  json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal(r.Body, &reply); err != nil {
		return nil, syncer.Transient(fmt.Errorf("Tryton: the reply to %s is not JSON-RPC (%s): %w", method, syncer.Snippet(r.Body), syncer.ErrOffline), 0)
	}
	if len(reply.Error) > 0 && string(reply.Error) != "null" {
		return nil, parseRPCError(reply.Error)
	}
	return reply.Result, nil
}

// noDatabase is a *syncer.TransientError wrapping ErrNoDatabase: a set-up
// problem, not the lead's, so leads stay pending until it is fixed.
func (c *client) noDatabase() error {
	return syncer.Transient(fmt.Errorf("%w (%q at %s)", ErrNoDatabase, c.db, strings.TrimSuffix(c.endpoint, c.db+"/")), 0)
}

// httpReason is a short reason for a non-200 reply: the status text for
// HTML pages, the body's start otherwise.
func httpReason(r syncer.Reply) string {
	if strings.Contains(r.Header.Get("Content-Type"), "html") || bytes.HasPrefix(bytes.TrimSpace(r.Body), []byte("<")) {
		return http.StatusText(r.Status)
	}
	return syncer.Snippet(r.Body)
}

// login opens a new session and loads the user's context (company,
// employee, language), as Tryton's own clients do. Each of the two calls
// is safe to repeat (a lost login reply leaves an unused session on the
// server; the preferences are a read), so each is retried on its own with
// the client's policy: a lost preferences reply does not cost a new login,
// which is the costlier call (Tryton hashes the password).
func (c *client) login(ctx context.Context) error {
	type opened struct {
		auth string
		uid  int64
	}
	s, err := syncer.Retry(ctx, c.retry, func() (opened, error) {
		auth, uid, err := c.openSession(ctx)
		return opened{auth, uid}, err
	})
	if err != nil {
		return err
	}
	uctx, err := syncer.Retry(ctx, c.retry, func() (map[string]any, error) { return c.preferences(ctx, s.auth) })
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.auth, c.context, c.uid = s.auth, uctx, s.uid
	c.mu.Unlock()
	c.logins.Add(1)
	return nil
}

// openSession logs in and returns the Authorization header of the new
// session and the user's ID.
func (c *client) openSession(ctx context.Context) (auth string, uid int64, err error) {
	res, err := c.post(ctx, "", "common.db.login", []any{c.user, map[string]any{"password": c.password}, "en"})
	if err != nil {
		var re *rpcError
		switch {
		case errors.As(err, &re) && re.Kind == "" && strings.Contains(re.Message, "doesn't exist"):
			// SQLite: "Database '/path/NAME.sqlite' doesn't exist!"
			return "", 0, c.noDatabase()
		case errors.As(err, &re) && re.Kind == "":
			return "", 0, syncer.Transient(re, 0)
		case errors.As(err, &re):
			// LoginException (e.g. a second factor asked for) is a set-up
			// problem, not a lead problem.
			return "", 0, syncer.AuthError("Tryton refused the login: " + re.Message)
		}
		return "", 0, err
	}
	var pair []json.RawMessage
	if err := json.Unmarshal(res, &pair); err != nil || len(pair) != 2 {
		return "", 0, syncer.Transient(fmt.Errorf("Tryton: unexpected login reply %s: %w", syncer.Snippet(res), syncer.ErrOffline), 0)
	}
	var session string
	if json.Unmarshal(pair[0], &uid) != nil || json.Unmarshal(pair[1], &session) != nil {
		return "", 0, syncer.Transient(fmt.Errorf("Tryton: unexpected login reply %s: %w", syncer.Snippet(res), syncer.ErrOffline), 0)
	}
	return "Session " + base64.StdEncoding.EncodeToString([]byte(c.user+":"+strconv.FormatInt(uid, 10)+":"+session)), uid, nil
}

// preferences reads the user's context for the session auth, without the
// keys of related records ("company.rec_name" and the like).
func (c *client) preferences(ctx context.Context, auth string) (map[string]any, error) {
	res, err := c.post(ctx, auth, "model.res.user.get_preferences", []any{true, map[string]any{}})
	if err != nil {
		return nil, err
	}
	var prefs map[string]any
	if err := json.Unmarshal(res, &prefs); err != nil {
		return nil, syncer.Transient(fmt.Errorf("Tryton: unexpected preferences %s: %w", syncer.Snippet(res), syncer.ErrOffline), 0)
	}
	uctx := map[string]any{}
	for k, v := range prefs {
		if !strings.Contains(k, ".") {
			uctx[k] = v
		}
	}
	return uctx, nil
}

// userID returns the logged-in user's ID (0 before the first login).
func (c *client) userID() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.uid
}

// session returns the current Authorization header and user context,
// logging in first when there is no session.
func (c *client) session(ctx context.Context) (string, map[string]any, error) {
	c.mu.Lock()
	auth, uctx := c.auth, c.context
	c.mu.Unlock()
	if auth != "" {
		return auth, uctx, nil
	}
	c.loginMu.Lock()
	defer c.loginMu.Unlock()
	c.mu.Lock()
	auth, uctx = c.auth, c.context
	c.mu.Unlock()
	if auth != "" { // another call logged in meanwhile
		return auth, uctx, nil
	}
	if err := c.login(ctx); err != nil {
		return "", nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.auth, c.context, nil
}

// dropSession forgets auth unless another call already replaced it.
func (c *client) dropSession(auth string) {
	c.mu.Lock()
	if c.auth == auth {
		c.auth = ""
	}
	c.mu.Unlock()
}

// call invokes a model method, e.g. call(ctx, &ids, "model.party.party.search",
// domain, 0, nil, nil) — the user context is appended as the last
// parameter, merged with extra when given. A refused session is replaced
// by a new login once; the refused request never ran, so resending it is
// safe.
func (c *client) call(ctx context.Context, out any, extra map[string]any, method string, params ...any) error {
	for attempt := 0; ; attempt++ {
		auth, uctx, err := c.session(ctx)
		if err != nil {
			return err
		}
		cctx := uctx
		if len(extra) > 0 {
			cctx = make(map[string]any, len(uctx)+len(extra))
			for k, v := range uctx {
				cctx[k] = v
			}
			for k, v := range extra {
				cctx[k] = v
			}
		}
		res, err := c.post(ctx, auth, method, append(params, cctx))
		if errors.Is(err, errUnauthorized) && attempt == 0 {
			c.dropSession(auth)
			continue
		}
		if errors.Is(err, errUnauthorized) {
			return syncer.AuthError(fmt.Sprintf("Tryton refused the session of user %q right after logging in", c.user))
		}
		if err != nil {
			return err
		}
		if out == nil {
			return nil
		}
		if err := json.Unmarshal(res, out); err != nil {
			return syncer.Transient(fmt.Errorf("Tryton: unexpected reply to %s (%s): %w", method, syncer.Snippet(res), err), 0)
		}
		return nil
	}
}

// logout ends the session on the server (best effort).
func (c *client) logout(ctx context.Context) error {
	c.mu.Lock()
	auth := c.auth
	c.auth = ""
	c.mu.Unlock()
	if auth == "" {
		return nil
	}
	_, err := c.post(ctx, auth, "common.db.logout", nil)
	return err
}

// date is Tryton's JSON encoding of a datetime.date.
func date(t time.Time) map[string]any {
	return map[string]any{"__class__": "date", "year": t.Year(), "month": int(t.Month()), "day": t.Day()}
}
