package main_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
	"leadcap/storage"
)

// trytonRPC is a minimal JSON-RPC client to Tryton for the test's own set-up
// and reads, logged in once.
type trytonRPC struct {
	t        *testing.T
	endpoint string
	auth     string
	hc       *http.Client
}

func newTrytonRPC(t *testing.T, baseURL, db, user, password string) *trytonRPC {
	t.Helper()
	c := &trytonRPC{t: t, endpoint: strings.TrimRight(baseURL, "/") + "/" + db + "/", hc: &http.Client{Timeout: 30 * time.Second}}
	var pair []any
	c.call(&pair, "common.db.login", user, map[string]any{"password": password}, "en")
	require.Len(t, pair, 2, "common.db.login")
	uid := strconv.FormatFloat(pair[0].(float64), 'f', -1, 64)
	c.auth = "Session " + base64.StdEncoding.EncodeToString([]byte(user+":"+uid+":"+pair[1].(string)))
	return c
}

// call runs method with params and decodes the result into out (may be nil).
func (c *trytonRPC) call(out any, method string, params ...any) {
	c.t.Helper()
	body, err := json.Marshal(map[string]any{"id": 1, "method": method, "params": params})
	require.NoError(c.t, err)
	req, err := http.NewRequest(http.MethodPost, c.endpoint, bytes.NewReader(body))
	require.NoError(c.t, err)
	req.Header.Set("Content-Type", "application/json")
	if c.auth != "" {
		req.Header.Set("Authorization", c.auth)
	}
	resp, err := c.hc.Do(req)
	require.NoError(c.t, err, method)
	defer resp.Body.Close()
	require.Equal(c.t, http.StatusOK, resp.StatusCode, method)
	var reply struct {
		Result json.RawMessage `json:"result"`
		Error  json.RawMessage `json:"error"`
	}
	require.NoError(c.t, json.NewDecoder(resp.Body).Decode(&reply), method)
	require.True(c.t, len(reply.Error) == 0 || string(reply.Error) == "null", "%s: Tryton answered %s", method, reply.Error)
	if out != nil {
		require.NoError(c.t, json.Unmarshal(reply.Result, out), method)
	}
}

// model calls model.<name>.<method> with the arguments and a context that
// also sees archived records.
func (c *trytonRPC) model(out any, name, method string, args ...any) {
	c.t.Helper()
	c.call(out, "model."+name+"."+method, append(args, map[string]any{"active_test": false})...)
}

// count counts the records of model matching domain, archived ones too.
func (c *trytonRPC) count(model string, domain []any) int {
	c.t.Helper()
	var n int
	c.model(&n, model, "search_count", domain)
	return n
}

// slowTryton is a reverse proxy in front of the real Tryton that holds
// every reply 20–60 ms more (a Tryton under load, with jitter) and counts
// the requests. The kills are placed by request number, not by time, and
// one sync sends one request at a time: a longer hold would change no
// state the test reaches, only its duration (with 100–300 ms, about 20 s
// of the test's 28 s were holds).
// When armed, it kills the sync process at the armed request: either before
// forwarding it (Tryton never sees it) or after Tryton answered and before
// the reply leaves (Tryton committed, the reply is lost).
type slowTryton struct {
	*httptest.Server
	proxy *httputil.ReverseProxy

	mu        sync.Mutex
	idle      *sync.Cond
	rng       *rand.Rand
	inflight  int
	arrived   int            // requests that reached the proxy
	forwarded int            // requests Tryton answered
	methods   map[string]int // JSON-RPC method -> requests forwarded
	// armed: kill at the request numbered at (by arrival), before or after
	// forwarding it.
	at           int
	afterForward bool
	kill         func(method string)
}

func newSlowTryton(t *testing.T, target string, rng *rand.Rand) *slowTryton {
	u, err := url.Parse(target)
	require.NoError(t, err)
	p := &slowTryton{proxy: httputil.NewSingleHostReverseProxy(u), rng: rng, methods: map[string]int{}}
	p.idle = sync.NewCond(&p.mu)
	p.Server = httptest.NewServer(p)
	t.Cleanup(p.Close)
	return p
}

// arm makes the proxy call kill at request number at (counted from the
// proxy's start), before or after forwarding it.
func (p *slowTryton) arm(at int, afterForward bool, kill func(method string)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.at, p.afterForward, p.kill = at, afterForward, kill
}

func (p *slowTryton) disarm() { p.arm(0, false, nil) }

// counts returns the requests arrived and forwarded so far.
func (p *slowTryton) counts() (arrived, forwarded int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.arrived, p.forwarded
}

// waitIdle returns when no request is on its way through the proxy: what a
// killed process left behind has reached Tryton, or not, for good.
func (p *slowTryton) waitIdle() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.inflight > 0 {
		p.idle.Wait()
	}
}

func (p *slowTryton) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	var req struct {
		Method string `json:"method"`
	}
	_ = json.Unmarshal(body, &req)
	r.Body = io.NopCloser(bytes.NewReader(body))

	p.mu.Lock()
	p.arrived++
	n := p.arrived
	p.inflight++
	delay := time.Duration(20+p.rng.IntN(41)) * time.Millisecond
	var kill func(string)
	if p.kill != nil && n == p.at {
		kill = p.kill
	}
	after := p.afterForward
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.inflight--
		p.idle.Broadcast()
		p.mu.Unlock()
	}()

	if kill != nil && !after {
		kill(req.Method) // on its way: Tryton never sees this request
		hangUp(w)
		return
	}
	// Tryton gets the whole request even when the client is gone.
	rec := httptest.NewRecorder()
	p.proxy.ServeHTTP(rec, r.WithContext(context.WithoutCancel(r.Context())))
	p.mu.Lock()
	p.forwarded++
	p.methods[req.Method]++
	p.mu.Unlock()
	time.Sleep(delay) // a slow Tryton: fault injection, not a wait for anything
	if kill != nil {
		kill(req.Method) // Tryton committed; the reply is lost
		hangUp(w)
		return
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// hangUp closes the connection without a reply, so that not even an empty
// 200 reaches a client that is not quite dead yet.
func hangUp(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		conn.Close()
	}
}

// TestSyncSurvivesSIGKILLAgainstTryton is the crash test of the sync issue
// against the real Tryton: "leadcap sync --batch 5" processes are killed
// with SIGKILL in the middle of a batch (at a random request, before Tryton
// got it or after Tryton committed it and before the reply arrived) and
// started again until one exits 0, while the booth adds notes and
// qualifications between the runs. In the end every lead has exactly one
// party and exactly one opportunity in Tryton, in the right state and with
// its latest note, and the store has nothing pending and nothing dead.
func TestSyncSurvivesSIGKILLAgainstTryton(t *testing.T) {
	t.Parallel() // the syncs run in the binary; the booth's commands in-process, in their own directory and environment
	const (
		leads    = 40
		kills    = 6
		attached = 2 // leads whose person is already a party in Tryton under another code
	)
	trytonURL, db, user, password := trytonEnvironment(t)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed>>1))
	tagBytes := make([]byte, 5)
	for i := range tagBytes {
		tagBytes[i] = byte(rng.UintN(256))
	}
	tag := hex.EncodeToString(tagBytes) // this run's records in the shared Tryton
	cl := newTrytonRPC(t, trytonURL, db, user, password)

	// The same person scanned on another device already has a party, under
	// that device's lead ID: the lead attaches to it by email.
	emailOf := func(i int) string { return fmt.Sprintf("crash-%s-%02d@leadcap-test.example", tag, i) }
	var existing []int64
	var vlist []map[string]any
	for i := range attached {
		vlist = append(vlist, map[string]any{
			"name":               fmt.Sprintf("Crash Test %s other device %d", tag, i),
			"code":               "other-device-" + tag + "-" + strconv.Itoa(i),
			"contact_mechanisms": []any{[]any{"create", []any{map[string]any{"type": "email", "value": emailOf(i)}}}},
		})
	}
	cl.model(&existing, "party.party", "create", vlist)
	require.Len(t, existing, attached)

	proxy := newSlowTryton(t, trytonURL, rand.New(rand.NewPCG(seed>>1, seed))) // its own: used by its goroutines
	e := newCRMEnv(t, password)
	e.okCRM("crm", "set", "tryton", "--url", proxy.URL, "--database", db, "--user", user)
	ids := e.seed(leads, func(i int, l *lead.Lead) {
		l.Contact.Emails = []string{emailOf(i)}
		l.Contact.Organization = "Crash Test " + tag
		if i%4 == 3 {
			l.Qualification = lead.Qualification{Fit: lead.Yes, Budget: lead.Yes, Authority: lead.Yes, Interest: lead.Yes}
		}
		if i%3 == 0 {
			_, err := l.AddNote(fmt.Sprintf("seeded note %d, run %s", i, tag), "Anna", time.Now(), time.Time{})
			require.NoError(t, err)
		}
	})
	index := map[string]int{}
	for i, id := range ids {
		index[id.String()] = i
	}

	start := time.Now()
	rounds, killed, killedBefore, noted, qualified, updates := 0, 0, 0, 0, 0, 0
	var killMethods []string
	var final result
	for {
		rounds++
		require.LessOrEqual(t, rounds, 30, "the sync never finished")
		arrived0, _ := proxy.counts()
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
		cmd := exec.CommandContext(ctx, leadcapBinary(t), "--db", e.db, "sync", "--batch", "5", "--timeout", "45s")
		cmd.Env = append(os.Environ(), "LEADCAP_DB=", "LEADCAP_CRM_SECRET="+password)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		require.NoError(t, cmd.Start())
		planned := killed < kills
		var killedAt, killedMethod string
		if planned {
			// Requests 1 and 2 of a run are the probe (login, preferences);
			// from request 3 on, a claimed batch is on its way.
			k := 3 + rng.IntN(14)
			after := rng.IntN(3) > 0
			proc := cmd.Process
			proxy.arm(arrived0+k, after, func(method string) {
				killedMethod = method
				killedAt = fmt.Sprintf("request %d of the run (%s), ", k, method)
				if after {
					killedAt += "after Tryton committed it, before the reply"
				} else {
					killedAt += "before Tryton got it"
				}
				_ = proc.Signal(syscall.SIGKILL)
			})
		}
		err := cmd.Wait()
		hung := ctx.Err()
		cancel()
		proxy.disarm()
		proxy.waitIdle() // what the dead process left on the wire is settled; orders killedAt
		require.NoError(t, hung, "round %d: leadcap sync hung: stdout %q stderr %q", rounds, out.String(), errb.String())
		var ee *exec.ExitError
		code := 0
		signaled := false
		switch {
		case errors.As(err, &ee) && ee.Sys().(syscall.WaitStatus).Signaled():
			signaled = true
		case errors.As(err, &ee):
			code = ee.ExitCode()
		default:
			require.NoError(t, err)
		}
		if !planned {
			final = result{out.String(), errb.String(), code}
			if code == 0 {
				break
			}
			require.Equal(t, 3, code, "round %d: stdout %q stderr %q", rounds, final.stdout, final.stderr)
			t.Logf("round %d: exit 3 (%s), again", rounds, strings.TrimSpace(final.stderr))
			continue
		}
		if signaled {
			require.NotEmpty(t, killedAt, "round %d: killed, but not by the test", rounds)
			killed++
			if !strings.Contains(killedAt, "after") {
				killedBefore++
			}
			killMethods = append(killMethods, killedMethod)
			assert.NotContains(t, []string{"common.db.login", "model.res.user.get_preferences"}, killedMethod, "round %d: the kill lands in a batch, not in the probe", rounds)
			t.Logf("round %d: SIGKILL at %s", rounds, killedAt)
		} else {
			require.Contains(t, []int{0, 3}, code, "round %d: stdout %q stderr %q", rounds, out.String(), errb.String())
			t.Logf("round %d: the sync ended (exit %d) before the kill: %q", rounds, code, strings.TrimSpace(out.String()))
		}
		// The booth keeps working between the runs: notes on two leads and
		// a qualification of one, preferably leads Tryton already has, so
		// that updates of existing records are killed and replayed too.
		var synced, open []int
		for _, o := range jsonLines(t, e.ok("list", "--json")) {
			i := index[o["id"].(string)]
			if o["sync"].(map[string]any)["status"] == "synced" {
				synced = append(synced, i)
			}
			if o["stage"] != "prospect" {
				open = append(open, i)
			}
		}
		rng.Shuffle(len(synced), func(a, b int) { synced[a], synced[b] = synced[b], synced[a] })
		isSynced := map[int]bool{}
		for _, i := range synced {
			isSynced[i] = true
		}
		for n, i := range append(synced, rng.Perm(leads)...)[:2] {
			e.ok("note", ids[i].String(), fmt.Sprintf("round %d note %d for lead %d, run %s", rounds, n, i, tag))
			noted++
			if isSynced[i] {
				updates++
			}
		}
		sort.Slice(open, func(a, b int) bool { return isSynced[open[a]] && !isSynced[open[b]] })
		if len(open) > 0 {
			i := open[0]
			assert.Equal(t, "prospect\n", e.ok("qualify", ids[i].String(), "--fit", "yes", "--budget", "yes", "--authority", "yes", "--interest", "yes"))
			qualified++
			if isSynced[i] {
				updates++
			}
		}
	}
	took := time.Since(start)
	assert.Regexp(t, `^synced \d+, failed 0, dead 0, pending 0$`, lastLine(final.stdout))
	assert.Empty(t, final.stderr)
	require.Equal(t, kills, killed, "every planned kill landed")

	// The store: nothing pending, nothing dead, every lead synced at its
	// latest version.
	s := e.store()
	st, err := s.Stats()
	require.NoError(t, err)
	assert.Zero(t, st.OutboxPending, "nothing pending")
	assert.Zero(t, st.Dead, "nothing dead")
	stored := make([]lead.Lead, leads)
	remote := map[string]string{}
	for i, id := range ids {
		l, err := s.Lead(id)
		require.NoError(t, err)
		stored[i] = l
		info, err := s.SyncInfo(id)
		require.NoError(t, err)
		assert.Equal(t, storage.SyncSynced, info.Status, "lead %d", i)
		assert.Equal(t, l.Version, info.SyncedVersion, "lead %d: synced at its latest version", i)
		remote[id.String()] = info.RemoteID
	}

	// Tryton: exactly one opportunity per lead, in the right state, with
	// the latest note.
	refs := make([]string, leads)
	for i, id := range ids {
		refs[i] = id.String()
	}
	var opps []struct {
		ID          int64   `json:"id"`
		Reference   string  `json:"reference"`
		State       string  `json:"state"`
		Party       int64   `json:"party"`
		Description *string `json:"description"`
		Comment     *string `json:"comment"`
	}
	cl.model(&opps, "sale.opportunity", "search_read", []any{[]any{"reference", "in", refs}}, 0, nil, nil,
		[]string{"reference", "state", "party", "description", "comment"})
	perLead := map[string]int{}
	for _, o := range opps {
		perLead[o.Reference]++
	}
	var parties []struct {
		ID   int64  `json:"id"`
		Code string `json:"code"`
	}
	cl.model(&parties, "party.party", "search_read", []any{[]any{"code", "in", refs}}, 0, nil, nil, []string{"code"})
	partyOf := map[string][]int64{}
	for _, p := range parties {
		partyOf[p.Code] = append(partyOf[p.Code], p.ID)
	}
	emails := make([]string, leads)
	for i := range emails {
		emails[i] = emailOf(i)
	}
	var mechs []struct {
		Party int64  `json:"party"`
		Value string `json:"value"`
	}
	cl.model(&mechs, "party.contact_mechanism", "search_read", []any{[]any{"type", "=", "email"}, []any{"value", "in", emails}}, 0, nil, nil,
		[]string{"party", "value"})
	partiesWithEmail := map[string]map[int64]bool{}
	for _, m := range mechs {
		if partiesWithEmail[m.Value] == nil {
			partiesWithEmail[m.Value] = map[int64]bool{}
		}
		partiesWithEmail[m.Value][m.Party] = true
	}

	for _, o := range opps {
		i := index[o.Reference]
		l := stored[i]
		if perLead[o.Reference] != 1 {
			continue // reported below
		}
		wantState := "lead"
		if l.Stage() == lead.StageProspect {
			wantState = "opportunity"
		}
		assert.Equal(t, wantState, o.State, "lead %d (%s): state", i, l.Stage())
		assert.Equal(t, fmt.Sprintf("sale.opportunity,%d", o.ID), remote[o.Reference], "lead %d: the store knows its opportunity", i)
		desc, comment := deref(o.Description), deref(o.Comment)
		assert.Contains(t, desc, "Hannover Messe 2026", "lead %d: description", i)
		assert.Contains(t, desc, string(l.Stage()), "lead %d: description has the stage", i)
		switch n := len(l.Notes); n {
		case 0:
			assert.NotContains(t, desc, "note", "lead %d: no notes", i)
		default:
			want := fmt.Sprintf("%d notes", n)
			if n == 1 {
				want = "1 note"
			}
			assert.Contains(t, desc, want, "lead %d: description counts its notes", i)
			assert.Contains(t, comment, l.Notes[n-1].Text, "lead %d: its latest note is in the opportunity", i)
		}
		if i < attached {
			assert.Equal(t, existing[i], o.Party, "lead %d: attached by email to the party from the other device", i)
			assert.Empty(t, partyOf[o.Reference], "lead %d: no second party under its own code", i)
		} else {
			require.Len(t, partyOf[o.Reference], 1, "lead %d: exactly one party with its code", i)
			assert.Equal(t, partyOf[o.Reference][0], o.Party, "lead %d: the opportunity is on its party", i)
		}
		assert.Equal(t, map[int64]bool{o.Party: true}, partiesWithEmail[emailOf(i)], "lead %d: exactly one party has its email", i)
	}
	for i, ref := range refs {
		assert.Equal(t, 1, perLead[ref], "lead %d: exactly one opportunity", i)
	}
	assert.Len(t, opps, leads)
	assert.Len(t, parties, leads-attached, "one party per lead, but for the ones attached by email")

	arrived, forwarded := proxy.counts()
	proxy.mu.Lock()
	methods := fmt.Sprint(proxy.methods)
	proxy.mu.Unlock()
	prospects := 0
	for _, l := range stored {
		if l.Stage() == lead.StageProspect {
			prospects++
		}
	}
	sort.Strings(killMethods)
	t.Logf("%d rounds, %d SIGKILLs mid-batch (%d before Tryton got the request, %d after it committed; at %v), %d notes and %d qualifications between runs (%d of them to leads Tryton had); "+
		"%d requests to the proxy, %d forwarded to Tryton (%s); %d leads (%d prospects): %d opportunities, %d parties by code, %d attached by email; %v",
		rounds, killed, killedBefore, killed-killedBefore, killMethods, noted, qualified, updates, arrived, forwarded, methods,
		leads, prospects, len(opps), len(parties), attached, took.Round(100*time.Millisecond))
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
