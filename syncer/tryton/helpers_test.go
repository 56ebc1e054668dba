package tryton

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"leadcap/lead"
)

// trytonEnv is where scripts/tryton.sh started Tryton.
type trytonEnv struct{ URL, DB, User, Password string }

const notRunning = "Tryton is not running for the tests: run scripts/tryton.sh start (from the repository root), then run the tests again"

// liveTryton reads LEADCAP_TRYTON_* from the environment, or else from the
// env file that scripts/tryton.sh writes (LEADCAP_TRYTON_ENV, default
// <repo>/.cache/tryton/env), and checks that Tryton answers. Without a
// running Tryton the test fails: a run without Tryton is not a green run.
func liveTryton(t testing.TB) trytonEnv {
	t.Helper()
	vars := map[string]string{}
	path := os.Getenv("LEADCAP_TRYTON_ENV")
	if path == "" {
		path = filepath.Join(repoRoot(t), ".cache", "tryton", "env")
	}
	if f, err := os.Open(path); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := strings.TrimPrefix(strings.TrimSpace(sc.Text()), "export ")
			if k, v, ok := strings.Cut(line, "="); ok {
				vars[k] = strings.Trim(v, `"'`)
			}
		}
		f.Close()
	}
	for _, k := range []string{"LEADCAP_TRYTON_URL", "LEADCAP_TRYTON_DB", "LEADCAP_TRYTON_USER", "LEADCAP_TRYTON_PASSWORD"} {
		if v := os.Getenv(k); v != "" {
			vars[k] = v
		}
		if vars[k] == "" {
			t.Fatalf("%s (%s is not set and %s has no value for it)", notRunning, k, path)
		}
	}
	env := trytonEnv{URL: vars["LEADCAP_TRYTON_URL"], DB: vars["LEADCAP_TRYTON_DB"], User: vars["LEADCAP_TRYTON_USER"], Password: vars["LEADCAP_TRYTON_PASSWORD"]}
	hc := &http.Client{Timeout: 5 * time.Second}
	resp, err := hc.Post(env.URL, "application/json", bytes.NewReader([]byte(`{"id":0,"method":"common.server.version","params":[]}`)))
	if err != nil {
		t.Fatalf("%s (%s does not answer: %v)", notRunning, env.URL, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s (%s answered %s)", notRunning, env.URL, resp.Status)
	}
	return env
}

func repoRoot(t testing.TB) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("cannot find the repository root (go.mod) above the test's directory")
		}
		dir = parent
	}
}

// newConnector returns a connector for env with the given options.
func newConnector(t testing.TB, env trytonEnv, mod func(*Config)) *Connector {
	t.Helper()
	cfg := Config{URL: env.URL, Database: env.DB, User: env.User, Password: env.Password, Timeout: 30 * time.Second}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	return c
}

// admin is a direct JSON-RPC client to Tryton for the tests' own reads.
func admin(t testing.TB, env trytonEnv) *client {
	t.Helper()
	return newClient(&http.Client{Timeout: 60 * time.Second}, env.URL, env.DB, env.User, env.Password)
}

func rpc(t testing.TB, cl *client, out any, method string, params ...any) {
	t.Helper()
	if err := cl.call(context.Background(), out, map[string]any{"active_test": false}, method, params...); err != nil {
		t.Fatalf("%s: %v", method, err)
	}
}

func count(t testing.TB, cl *client, model string, domain ...any) int {
	t.Helper()
	var n int
	if domain == nil {
		domain = []any{}
	}
	rpc(t, cl, &n, "model."+model+".search_count", domain)
	return n
}

// randPassword returns a password that passes Tryton's checks (length,
// no repeated characters).
func randPassword() string {
	alphabet := []byte("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
	b := make([]byte, len(alphabet))
	_, _ = rand.Read(b)
	for i := len(alphabet) - 1; i > 0; i-- { // Fisher-Yates with random bytes
		j := int(b[i]) % (i + 1)
		alphabet[i], alphabet[j] = alphabet[j], alphabet[i]
	}
	return string(alphabet[:20])
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

var testEvent = lead.Event{
	ID: uuid.MustParse("0190c1a2-0000-7000-8000-000000000001"), Name: "Hannover Messe 2026", Venue: "Messegelände",
	City: "Hannover", Country: "DE", Booth: "H12-C34",
	Questions: []lead.Question{{ID: "volume", Text: "Units per year"}},
}

// newEntry returns an outbox entry for a fresh lead at testEvent with a
// unique email; mod changes the lead.
func newEntry(t testing.TB, mod func(*lead.Lead)) lead.OutboxEntry {
	t.Helper()
	now := time.Date(2026, 4, 21, 10, 30, 0, 0, time.UTC)
	l := lead.New(testEvent.ID, lead.MethodQRScan, now)
	l.Contact = lead.Contact{
		FullName: "Erika Mustermann", Organization: "Muster GmbH", Title: "Head of Purchasing",
		Emails:  []string{fmt.Sprintf("erika.%s@muster.example", randHex(6))},
		Phones:  []lead.Phone{{Number: "+4930123456", Kind: "work"}, {Number: "+4915123456789", Kind: "mobile"}},
		URLs:    []string{"https://muster.example"},
		Address: lead.Address{Street: "Hauptstraße 1", City: "Berlin", PostalCode: "10115", Country: "DE"},
	}
	l.CapturedBy = "Anna"
	l.Rating = lead.RatingWarm
	if _, err := l.AddNote("Wants a quote for 200 units", "Anna", now.Add(5*time.Minute), now.AddDate(0, 0, 7)); err != nil {
		t.Fatal(err)
	}
	l.Version = 1
	if mod != nil {
		mod(l)
	}
	return lead.OutboxEntry{Lead: *l, Event: testEvent}
}

func prospect(l *lead.Lead) {
	l.Qualification.Fit, l.Qualification.Budget, l.Qualification.Authority, l.Qualification.Interest = lead.Yes, lead.Yes, lead.Yes, lead.Yes
}

// opportunity is what the tests read back of a sale.opportunity.
type opportunity struct {
	ID          int64  `json:"id"`
	Reference   string `json:"reference"`
	State       string `json:"state"`
	Party       int64  `json:"party"`
	Description string `json:"description"`
	Comment     string `json:"comment"`
	Number      string `json:"number"`
}

func opportunities(t testing.TB, cl *client, ref string) []opportunity {
	t.Helper()
	var o []opportunity
	rpc(t, cl, &o, "model.sale.opportunity.search_read", []any{[]any{"reference", "=", ref}}, 0, nil, nil,
		[]string{"reference", "state", "party", "description", "comment", "number"})
	return o
}

// onlyOpportunity reads the one opportunity of ref, failing when there is
// not exactly one.
func onlyOpportunity(t testing.TB, cl *client, ref string) opportunity {
	t.Helper()
	o := opportunities(t, cl, ref)
	if len(o) != 1 {
		t.Fatalf("%d opportunities with reference %s, want exactly 1", len(o), ref)
	}
	return o[0]
}

func partyIDs(t testing.TB, cl *client, code string) []int64 {
	t.Helper()
	var ids []int64
	rpc(t, cl, &ids, "model.party.party.search", []any{[]any{"code", "=", code}}, 0, nil, nil)
	return ids
}
