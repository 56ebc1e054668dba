package main_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	leadcap "leadcap/cmd/leadcap"
	"leadcap/storage"
)

// The tests call leadcap in-process, through runIn as main does through
// run: a command takes milliseconds instead of a process start.
// LEADCAP_TEST_BINARY=1 runs every one of them in the real binary instead,
// so the same contract can be checked both ways. What only a process shows
// (the exit status of main, a lock held by another process, SIGKILL,
// signals, a terminal) always runs in the binary: see leadcapBinary and
// env.binary.
//
// An in-process call gets its own environment (this process's with the
// call's variables over it) and working directory, and changes neither of
// the process's: so the tests run in parallel (t.Parallel). Serial are only
// the tests that use the keyring (the Secret Service is reached through
// the process's DBUS_SESSION_BUS_ADDRESS, which credentialstest.Session
// and inProcess set with t.Setenv, and t.Setenv refuses a parallel test).
var useBinary = os.Getenv("LEADCAP_TEST_BINARY") == "1"

// pkgDir is this package's directory, where go test starts.
var pkgDir string

// buildLeadcap builds the leadcap binary with CGO_ENABLED=0, once: for
// the first test that needs it, or from TestMain while the in-process tests
// run.
var buildLeadcap = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "leadcap-cli-test-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "leadcap")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = pkgDir
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		return bin, fmt.Errorf("building leadcap with CGO_ENABLED=0: %v\n%s", err, out)
	}
	return bin, nil
})

// binaryBuilt is set when buildLeadcap was called: TestMain waits for it
// and removes the binary.
var binaryBuilt atomic.Bool

// minParallel is how many tests run at a time at least, unless -parallel
// says otherwise (see TestMain).
const minParallel = 4

// TestMain starts building the binary at once when every test runs (no
// -run): the process tests need it and the serial keyring tests, which run
// first, do not. LANG=C is set in the process's environment, which the
// in-process calls see under their own variables and the binaries inherit.
func TestMain(m *testing.M) {
	var err error
	if pkgDir, err = os.Getwd(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	flag.Parse()
	// The tests expect the command line's English: a machine whose locale
	// is German (report -o follows it) would fail them. A test of another
	// language sets it for its own call.
	for _, k := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES"} {
		os.Unsetenv(k)
	}
	os.Setenv("LANG", "C")
	// Most tests are parallel, and the longest wait more than they compute
	// (on sync processes they kill, on Tryton, on a lock's timeout): with
	// as many at a time as cores (go test's default, 2 on a small machine)
	// the long ones queue behind each other. Four at a time keep two cores
	// busy; -parallel N still decides.
	parallelSet := false
	flag.Visit(func(f *flag.Flag) { parallelSet = parallelSet || f.Name == "test.parallel" })
	if !parallelSet && runtime.GOMAXPROCS(0) < minParallel {
		flag.Set("test.parallel", strconv.Itoa(minParallel))
	}
	if flag.Lookup("test.run").Value.String() == "" {
		binaryBuilt.Store(true)
		go buildLeadcap()
	}
	code := m.Run()
	if binaryBuilt.Load() {
		if bin, _ := buildLeadcap(); bin != "" {
			os.RemoveAll(filepath.Dir(bin))
		}
	}
	os.Exit(code)
}

// leadcapBinary returns the leadcap binary.
func leadcapBinary(t testing.TB) string {
	t.Helper()
	binaryBuilt.Store(true)
	bin, err := buildLeadcap()
	require.NoError(t, err)
	return bin
}

type result struct {
	stdout, stderr string
	code           int
}

// leadcapIn runs leadcap in dir with args and stdin, without LEADCAP_DB
// and LEADCAP_CRM_SECRET from the environment.
func leadcapIn(t *testing.T, dir, stdin string, args ...string) result {
	t.Helper()
	return leadcapEnvIn(t, dir, stdin, nil, args...)
}

// leadcapEnvIn is leadcapIn with extra environment variables (later ones
// win), e.g. LEADCAP_CRM_SECRET.
func leadcapEnvIn(t *testing.T, dir, stdin string, extra []string, args ...string) result {
	t.Helper()
	env := append([]string{"LEADCAP_DB=", "LEADCAP_CRM_SECRET="}, extra...)
	if useBinary {
		return inBinary(t, dir, stdin, env, args...)
	}
	return inProcess(t, dir, stdin, env, args...)
}

// inBinary runs the leadcap binary in dir with stdin (a pipe) and this
// process's environment plus env.
func inBinary(t *testing.T, dir, stdin string, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, leadcapBinary(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	require.NoError(t, ctx.Err(), "leadcap %v hung", args)
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return result{out.String(), errb.String(), code}
}

// keyringVars are the variables the keyring library reads from the
// process's environment itself (go-keyring through godbus): a call that
// sets one sets it for the process (t.Setenv: the test must be serial).
var keyringVars = []string{"DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"}

// inProcess runs leadcap through runIn in this process, as main does
// through run: in dir and with this process's environment plus env (later
// ones win) as the call's own, so that calls in parallel tests do not
// meet. Only the keyring's variables (keyringVars) are set in the process,
// for the test.
func inProcess(t *testing.T, dir, stdin string, env []string, args ...string) result {
	t.Helper()
	vars := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	for _, k := range keyringVars {
		if v, ok := vars[k]; ok {
			t.Setenv(k, v)
		}
	}
	lookup := func(k string) (string, bool) {
		if v, ok := vars[k]; ok {
			return v, true
		}
		return os.LookupEnv(k)
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(pkgDir, dir)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out, errb bytes.Buffer
	code := leadcap.RunIn(ctx, args, strings.NewReader(stdin), &out, &errb, lookup, dir)
	require.NoError(t, ctx.Err(), "leadcap %v hung", args)
	return result{out.String(), errb.String(), code}
}

// env is a temporary directory with a database path.
type env struct {
	t   *testing.T
	dir string
	db  string
	// binary runs the commands in the leadcap binary, also without
	// LEADCAP_TEST_BINARY: for what only a process shows.
	binary bool
}

func newEnv(t *testing.T) *env {
	dir := t.TempDir()
	return &env{t: t, dir: dir, db: filepath.Join(dir, "leadcap.db")}
}

// run runs leadcap --db <db> args.
func (e *env) run(args ...string) result {
	e.t.Helper()
	return e.runEnv("", nil, args...)
}

// runEnv runs leadcap --db <db> args with stdin and extra environment
// variables, in the binary when e.binary is set.
func (e *env) runEnv(stdin string, extra []string, args ...string) result {
	e.t.Helper()
	args = append([]string{"--db", e.db}, args...)
	if e.binary {
		return inBinary(e.t, e.dir, stdin, append([]string{"LEADCAP_DB=", "LEADCAP_CRM_SECRET="}, extra...), args...)
	}
	return leadcapEnvIn(e.t, e.dir, stdin, extra, args...)
}

// ok runs a command that must succeed and returns its stdout.
func (e *env) ok(args ...string) string {
	e.t.Helper()
	r := e.run(args...)
	require.Equal(e.t, 0, r.code, "leadcap %v: stderr %q", args, r.stderr)
	assert.Empty(e.t, r.stderr, "leadcap %v writes nothing to stderr on success", args)
	return r.stdout
}

// fails runs a command that must fail with code and one sentence on stderr
// that contains every want.
func (e *env) fails(code int, args []string, want ...string) result {
	e.t.Helper()
	r := e.run(args...)
	require.Equal(e.t, code, r.code, "leadcap %v: stdout %q stderr %q", args, r.stdout, r.stderr)
	require.NotEmpty(e.t, r.stderr)
	for _, w := range want {
		assert.Contains(e.t, r.stderr, w, "leadcap %v", args)
	}
	if code == 1 {
		assert.Equal(e.t, 1, strings.Count(strings.TrimSpace(r.stderr), "\n")+1, "one line on stderr: %q", r.stderr)
		assert.True(e.t, strings.HasPrefix(r.stderr, "leadcap: "), "stderr %q", r.stderr)
	}
	return r
}

var uuidLine = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\n$`)

// id checks that out is one time-ordered UUID on a line and returns it.
func id(t *testing.T, out string) string {
	t.Helper()
	require.Regexp(t, uuidLine, out)
	return strings.TrimSpace(out)
}

// withEvent creates an active event and returns its ID.
func (e *env) withEvent() string {
	e.t.Helper()
	ev := id(e.t, e.ok("event", "create", "--name", "Hannover Messe 2026", "--country", "DE", "--city", "Hannover",
		"--booth", "Hall 7 C12", "--start", "2026-04-20", "--end", "2026-04-24"))
	assert.Equal(e.t, "active event: Hannover Messe 2026 ("+ev+")\n", e.ok("event", "use", "hannover messe 2026"))
	return ev
}

func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var objs []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var m map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &m), "line %q", sc.Text())
		objs = append(objs, m)
	}
	return objs
}

func keys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func TestUsageErrorsExit2(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "usage: leadcap"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"add", "--bogus"}, "flag provided but not defined"},
		{[]string{"add", "stray"}, "too many arguments"},
		{[]string{"show"}, "usage: leadcap show ID"},
		{[]string{"qualify", "01a21d2c", "--fit", "maybe"}, `"maybe" is not an answer`},
		{[]string{"qualify", "01a21d2c"}, "nothing to record"},
		{[]string{"list", "--stage", "hot"}, "is not a stage"},
		{[]string{"export"}, "--format is required"},
		{[]string{"export", "--format", "xlsx"}, "use csv, vcf, jsonl or bundle"},
		{[]string{"consent", "01a21d2c", "--basis", "consent"}, "give both --basis and --status"},
		{[]string{"note", "01a21d2c", "--follow-up", "next week", "call"}, "is not a date"},
		{[]string{"event"}, "missing subcommand"},
		{[]string{"event", "create"}, "--name is required"},
		{[]string{"import"}, "missing arguments"},
	} {
		r := e.run(tc.args...)
		assert.Equal(t, 2, r.code, "leadcap %v: %s", tc.args, r.stderr)
		assert.Contains(t, r.stderr, tc.want, "leadcap %v", tc.args)
	}
	_, err := os.Stat(e.db)
	assert.ErrorIs(t, err, os.ErrNotExist, "wrong usage never touches the database")
}

func TestHelp(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	out := e.ok("help")
	for _, cmd := range []string{"event", "add", "list", "show", "edit", "qualify", "note", "consent", "export", "import",
		"decode", "scan", "parse", "crm", "sync", "dead", "status", "backup", "restore", "help"} {
		assert.Regexp(t, "(?m)^  "+cmd+" ", out)
	}
	out = e.ok("help", "add")
	assert.Contains(t, out, "usage: leadcap add [--event ID]")
	assert.Contains(t, out, "--email EMAIL")
	assert.Equal(t, out, e.ok("add", "--help"))
	assert.Contains(t, e.ok("help", "event"), "leadcap event use ID|NAME")
	assert.Contains(t, e.ok("help", "help"), "usage: leadcap help [COMMAND]")
	assert.Equal(t, e.ok("help", "help"), e.ok("help", "--help"))
}

func TestAddNeedsAnEvent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.fails(1, []string{"add", "--email", "a@example.com"}, "no active event", "leadcap event create", "leadcap event use")
	e.ok("event", "create", "--name", "Salon")
	e.fails(1, []string{"add", "--email", "a@example.com"}, "no active event")
	e.fails(1, []string{"add", "--event", "Nope", "--email", "a@example.com"}, `no event has the ID, ID prefix or name "Nope"`, "leadcap event list")
	id(t, e.ok("add", "--event", "salon", "--email", "a@example.com"))
	e.fails(1, []string{"event", "use", "Expo 2030"}, `no event has the ID, ID prefix or name "Expo 2030"`)

	r := leadcapIn(t, e.dir, "", "list", "--json", "--db", e.db)
	require.Equal(t, 0, r.code, "--db is also accepted after the command: %s", r.stderr)
	assert.Len(t, jsonLines(t, r.stdout), 1)
}

func TestLeadLifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ev := e.withEvent()

	evs := jsonLines(t, e.ok("event", "list", "--json"))
	require.Len(t, evs, 1)
	assert.Equal(t, ev, evs[0]["id"])
	assert.Equal(t, true, evs[0]["active"])
	assert.Equal(t, "2026-04-20", evs[0]["start"])
	assert.Regexp(t, `(?m)^\*\s+`+ev+`\s+Hannover Messe 2026\s+2026-04-20 – 2026-04-24\s+Hannover, DE\s+Hall 7 C12`, e.ok("event", "list"))

	l := id(t, e.ok("add", "--given", "Jürgen", "--family", "Müller", "--org", "Müller GmbH", "--title", "CTO",
		"--email", "Juergen.Mueller@Example.DE", "--email", "jm@example.com", "--phone", "030 1234567",
		"--url", "https://example.de", "--note", "wants a demo", "--staff", "Anna"))
	other := id(t, e.ok("add", "--name", "Marie Curie", "--org", "Institut du Radium"))

	e.fails(1, []string{"add", "--email", "juergen.mueller@example.de"}, "already a lead at this event", l)
	e.fails(1, []string{"add", "--email", "not-an-email"}, `contact.emails[0] "not-an-email" is not an email address`)
	e.fails(1, []string{"add", "--name", "Nobody"}, "needs an email, a phone number or a web address")

	table := e.ok("list")
	lines := strings.Split(strings.TrimSpace(table), "\n")
	require.Len(t, lines, 3)
	assert.Regexp(t, `^ID\s+NAME\s+ORGANIZATION\s+EMAIL\s+STAGE\s+RATING\s+CAPTURED\s+SYNC$`, lines[0])
	assert.Regexp(t, `^`+l+`\s+Jürgen Müller\s+Müller GmbH\s+juergen.mueller@example.de\s+lead\s+unrated\s+\S+ \S+\s+pending$`, lines[2], "newest first")
	nameCol := strings.Index(lines[0], "NAME")
	assert.Equal(t, nameCol, strings.Index(lines[2], "Jürgen"), "columns are aligned")

	objs := jsonLines(t, e.ok("list", "--json", "--search", "MULLER"))
	require.Len(t, objs, 1, "search ignores case and accents")
	o := objs[0]
	assert.Equal(t, []string{"captured_at", "captured_by", "consent", "contact", "event_id", "id", "notes", "qualification",
		"rating", "source", "stage", "sync", "updated_at", "version"}, keys(o))
	assert.Equal(t, l, o["id"])
	assert.Equal(t, ev, o["event_id"])
	assert.Equal(t, "lead", o["stage"])
	assert.Equal(t, "unrated", o["rating"])
	assert.Equal(t, map[string]any{"channel": "offline", "method": "manual"}, o["source"])
	ct := o["contact"].(map[string]any)
	assert.Equal(t, []string{"emails", "family_name", "full_name", "given_name", "organization", "phones", "title", "urls"}, keys(ct))
	assert.Equal(t, "Jürgen Müller", ct["full_name"])
	assert.Equal(t, []any{"juergen.mueller@example.de", "jm@example.com"}, ct["emails"])
	assert.Equal(t, "+49301234567", ct["phones"].([]any)[0].(map[string]any)["number"], "the event's country completes the number")
	assert.Equal(t, map[string]any{"status": "pending", "attempts": float64(0), "last_error": ""}, o["sync"])
	assert.Equal(t, "wants a demo", o["notes"].([]any)[0].(map[string]any)["text"])
	_, err := time.Parse(time.RFC3339, o["captured_at"].(string))
	assert.NoError(t, err)

	assert.Len(t, jsonLines(t, e.ok("list", "--json", "--event", ev)), 2)
	assert.Empty(t, jsonLines(t, e.ok("list", "--json", "--stage", "prospect")))

	// qualify with an ID prefix, flags after the ID.
	assert.Equal(t, "lead\n", e.ok("qualify", l[:13], "--fit", "yes", "--budget", "yes", "--rating", "hot"))
	assert.Equal(t, "prospect\n", e.ok("qualify", l, "--authority", "yes", "--interest", "yes"))
	assert.Equal(t, "disqualified\n", e.ok("qualify", other, "--disqualify"))
	assert.Equal(t, "lead\n", e.ok("qualify", other, "--disqualify=false"))
	assert.Equal(t, "disqualified\n", e.ok("qualify", other, "--disqualify"))

	note := id(t, e.ok("note", l, "called,", "demo", "booked", "--follow-up", "2026-05-04", "--author", "Bob"))
	assert.Equal(t, "consent active (wording v3)\n", e.ok("consent", l, "--basis", "consent", "--status", "active", "--wording", "v3"))

	var shown map[string]any
	require.NoError(t, json.Unmarshal([]byte(e.ok("show", l, "--json")), &shown))
	assert.Equal(t, "prospect", shown["stage"])
	assert.Equal(t, "hot", shown["rating"])
	assert.Equal(t, map[string]any{"fit": "yes", "budget": "yes", "authority": "yes", "interest": "yes"}, shown["qualification"])
	cs := shown["consent"].(map[string]any)
	assert.Equal(t, "consent", cs["basis"])
	assert.Equal(t, "active", cs["status"])
	assert.Equal(t, "v3", cs["wording_version"])
	notes := shown["notes"].([]any)
	require.Len(t, notes, 2)
	n2 := notes[1].(map[string]any)
	assert.Equal(t, note, n2["id"])
	assert.Equal(t, "called, demo booked", n2["text"])
	assert.Equal(t, "Bob", n2["author"])
	assert.Equal(t, "2026-05-04T00:00:00Z", n2["follow_up"])
	assert.Equal(t, float64(5), shown["version"], "add, two qualify, note and consent")

	text := e.ok("show", l)
	for _, want := range []string{"Stage:          prospect", "Email:          juergen.mueller@example.de, jm@example.com",
		"Consent:        consent active (wording v3)", "Sync:           pending", "Bob: called, demo booked (follow up 2026-05-04)"} {
		assert.Contains(t, text, want)
	}

	st := jsonLines(t, e.ok("status", "--json"))
	require.Len(t, st, 1)
	assert.Equal(t, float64(2), st[0]["leads"])
	assert.Equal(t, map[string]any{"lead": float64(0), "prospect": float64(1), "disqualified": float64(1)}, st[0]["by_stage"])
	assert.Equal(t, map[string]any{"pending": float64(2), "synced": float64(0), "failed": float64(0), "dead": float64(0), "waiting": float64(0)}, st[0]["by_sync"])
	assert.Equal(t, float64(2), st[0]["outbox_pending"], "one outbox entry per lead, however often it changed")
	assert.Equal(t, float64(0), st[0]["dead"])
	assert.Regexp(t, `(?m)^  prospect:\s+1$`, e.ok("status"))
	assert.Regexp(t, `(?m)^checked:\s+never \('leadcap check' reads every lead\)$`, e.ok("status"), "status does not vouch for what nobody checked")
	assert.Nil(t, st[0]["checked_at"])
}

func TestUnknownLeadExits1(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.withEvent()
	l := id(t, e.ok("add", "--email", "a@example.com"))
	unknown := "00000000-0000-7000-8000-000000000000"
	e.fails(1, []string{"show", unknown}, `no lead has the ID or ID prefix "`+unknown+`"`, "leadcap list")
	e.fails(1, []string{"qualify", "ffffffff", "--fit", "yes"}, "no lead has the ID", "leadcap list")
	e.fails(1, []string{"note", "0123", "hello"}, "too short for a lead ID")
	e.fails(1, []string{"consent", "zzzzzzzzz", "--basis", "none", "--status", "revoked"}, "is not a lead ID")
	e.fails(1, []string{"show", l[:8] + "-ffff"}, "no lead has the ID")
}

func TestExportAndImport(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.withEvent()
	a := id(t, e.ok("add", "--given", "Ada", "--family", "Lovelace", "--org", "Analytical Engines", "--email", "ada@example.com",
		"--phone", "+44 20 7946 0958", "--note", "asked for a quote"))
	e.ok("qualify", a, "--fit", "yes", "--rating", "warm")
	e.ok("add", "--name", "Grace Hopper", "--org", "US Navy", "--url", "https://navy.example")

	out := e.ok("export", "--format", "csv", "-o", "leads.csv")
	assert.Equal(t, "exported 2 leads to leads.csv\n", out)
	f, err := os.Open(filepath.Join(e.dir, "leads.csv"))
	require.NoError(t, err)
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	require.NoError(t, err)
	require.Len(t, rows, 3)
	assert.Equal(t, []string{"First Name", "Last Name", "Email", "Phone Number", "Mobile Phone Number", "Company", "Job Title",
		"Website URL", "Street Address", "City", "State/Region", "Postal Code", "Country/Region", "Lead Status", "Rating",
		"Event", "Notes", "Lead ID"}, rows[0][:18])
	assert.Equal(t, []string{"Ada", "Lovelace", "ada@example.com", "+442079460958"}, rows[2][:4])
	assert.Equal(t, "Warm", rows[2][14])
	assert.Equal(t, "Hannover Messe 2026", rows[2][15])
	assert.Equal(t, a, rows[2][17])

	vcf := e.ok("export", "--format", "vcf")
	assert.Equal(t, 2, strings.Count(vcf, "BEGIN:VCARD\r\nVERSION:4.0\r\n"))
	assert.Contains(t, vcf, "UID:urn:uuid:"+a+"\r\n")
	assert.Contains(t, vcf, "TEL;PREF=1;VALUE=uri:tel:+442079460958\r\n")

	jsonl := e.ok("export", "--format", "jsonl", "--event", "Hannover Messe 2026")
	assert.Len(t, jsonLines(t, jsonl), 2)
	require.NoError(t, os.WriteFile(filepath.Join(e.dir, "leads.jsonl"), []byte(jsonl), 0o644))

	fresh := &env{t: t, dir: e.dir, db: filepath.Join(e.dir, "fresh.db")}
	assert.Equal(t, "created 2, merged 0, updated 0, unchanged 0 (1 events created)\n", fresh.ok("import", "leads.jsonl"))
	assert.Equal(t, "created 0, merged 0, updated 0, unchanged 2\n", fresh.ok("import", "leads.jsonl"), "idempotent")
	r := leadcapIn(t, e.dir, jsonl, "--db", fresh.db, "import", "-")
	assert.Equal(t, "created 0, merged 0, updated 0, unchanged 2\n", r.stdout, "standard input")
	assert.Equal(t, e.ok("list", "--json"), fresh.ok("list", "--json"), "the same leads, field for field")
	assert.Equal(t, jsonl, fresh.ok("export", "--format", "jsonl"))
	e.ok("note", a, "sent the quote")
	require.NoError(t, os.WriteFile(filepath.Join(e.dir, "leads.jsonl"), []byte(e.ok("export", "--format", "jsonl")), 0o644))
	assert.Equal(t, "created 0, merged 0, updated 1, unchanged 1\n", fresh.ok("import", "leads.jsonl"), "the newer version of Ada replaces the older")

	bad := strings.SplitN(jsonl, "\n", 2)[0] + "\n{\"id\": 42}\n"
	require.NoError(t, os.WriteFile(filepath.Join(e.dir, "bad.jsonl"), []byte(bad), 0o644))
	third := &env{t: t, dir: e.dir, db: filepath.Join(e.dir, "third.db")}
	res := third.fails(1, []string{"import", "bad.jsonl"}, "1 lines of bad.jsonl were not imported", "line 2: not a leadcap lead record", "import the file again")
	assert.Equal(t, "created 1, merged 0, updated 0, unchanged 0, failed 1 (1 events created)\n", res.stdout)
	e.fails(1, []string{"import", "missing.jsonl"}, "there is no file missing.jsonl")
}

func TestLockedDatabaseFailsFast(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.withEvent()
	e.binary = true  // the lock is held by this process, the commands run in another
	leadcapBinary(t) // built before the clock starts
	s, err := storage.Open(e.db, nil)
	require.NoError(t, err)
	defer s.Close()

	for _, args := range [][]string{{"list"}, {"add", "--email", "a@example.com"}, {"status", "--json"}} {
		start := time.Now()
		r := e.run(args...)
		took := time.Since(start)
		t.Logf("leadcap %v on a locked database failed after %v", args, took.Round(time.Millisecond))
		assert.Equal(t, 1, r.code, "leadcap %v: %s", args, r.stderr)
		assert.Equal(t, "leadcap: the database "+e.db+" is in use by another leadcap process: close it (or wait until it is done) and try again.\n", r.stderr)
		assert.Less(t, took, 5*time.Second, "a locked database must fail, not hang")
	}
	backup := filepath.Join(e.dir, "b.db")
	require.NoError(t, s.BackupFile(backup))
	e.fails(1, []string{"restore", backup}, "is in use by another leadcap process")
}

func TestBackupAndRestore(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.withEvent()
	a := id(t, e.ok("add", "--email", "a@example.com"))
	assert.Equal(t, "backed up "+e.db+" to b.db\n", e.ok("backup", "b.db"))
	b := id(t, e.ok("add", "--email", "b@example.com"))

	out := e.ok("restore", "b.db")
	assert.Contains(t, out, "restored "+e.db+" from b.db\n")
	assert.Contains(t, out, "the previous database is kept as "+e.db+".before-restore-")
	ids := jsonLines(t, e.ok("list", "--json"))
	require.Len(t, ids, 1)
	assert.Equal(t, a, ids[0]["id"])

	kept := strings.TrimSpace(strings.SplitN(out, "kept as ", 2)[1])
	older := &env{t: t, dir: e.dir, db: kept}
	assert.Len(t, jsonLines(t, older.ok("list", "--json")), 2, "the replaced database still has %s", b)

	require.NoError(t, os.WriteFile(filepath.Join(e.dir, "junk.db"), bytes.Repeat([]byte("junk"), 4096), 0o644))
	e.fails(1, []string{"restore", "junk.db"}, "junk.db is not a leadcap backup or is damaged", "was not changed")
	assert.Len(t, jsonLines(t, e.ok("list", "--json")), 1)
	e.fails(1, []string{"restore", "nothing.db"}, "there is no backup file nothing.db")
}

func TestDamagedDatabase(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	require.NoError(t, os.WriteFile(e.db, []byte("this is a spreadsheet, not a database\n"), 0o644))
	e.fails(1, []string{"list"}, "is not a leadcap database or is damaged", "leadcap restore FILE")
}

func TestDefaultDatabaseFromEnvironment(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "nested", "from-env.db")
	r := leadcapEnvIn(t, dir, "", []string{"LEADCAP_DB=" + db}, "event", "create", "--name", "Env Fair")
	require.Equal(t, 0, r.code, "stderr %q", r.stderr)
	id(t, r.stdout)
	_, err := os.Stat(db)
	assert.NoError(t, err, "LEADCAP_DB names the database when --db is not given")
}

// Every invocation has its own working directory and environment: relative
// paths (--db, LEADCAP_DB, files read and written) are read from the
// invocation's directory, messages show them as they were typed, and the
// default database follows the invocation's XDG_DATA_HOME. In-process,
// nothing may land in the test process's own directory. Two invocations
// with different directories and environments run at the same time.
func TestInvocationHasItsOwnDirectoryAndEnvironment(t *testing.T) {
	t.Parallel()
	a, b, data := t.TempDir(), t.TempDir(), t.TempDir()
	ok := func(dir string, extra []string, args ...string) string {
		t.Helper()
		r := leadcapEnvIn(t, dir, "", extra, args...)
		require.Equal(t, 0, r.code, "leadcap %v in %s: stderr %q", args, dir, r.stderr)
		assert.Empty(t, r.stderr)
		return r.stdout
	}
	var wg sync.WaitGroup
	for _, dir := range []string{a, b} {
		wg.Go(func() {
			ok(dir, nil, "--db", "rel.db", "event", "create", "--name", "Fair in "+filepath.Base(dir), "--use")
			ok(dir, nil, "--db", "rel.db", "add", "--email", "ada@example.com")
		})
	}
	wg.Wait()
	for _, dir := range []string{a, b} {
		assert.FileExists(t, filepath.Join(dir, "rel.db"))
		out := ok(dir, nil, "--db", "rel.db", "event", "list")
		assert.Contains(t, out, "Fair in "+filepath.Base(dir), "each directory has its own database")
	}
	assert.NoFileExists(t, filepath.Join(pkgDir, "rel.db"))

	assert.Equal(t, "backed up rel.db to copy.db\n", ok(a, nil, "--db", "rel.db", "backup", "copy.db"))
	assert.FileExists(t, filepath.Join(a, "copy.db"))
	assert.Equal(t, "exported 1 leads to out.csv\n", ok(a, nil, "--db", "rel.db", "export", "--format", "csv", "-o", "out.csv"))
	assert.FileExists(t, filepath.Join(a, "out.csv"))
	ok(a, nil, "--db", "rel.db", "export", "--format", "jsonl", "-o", "leads.jsonl")
	assert.Equal(t, "created 1, merged 0, updated 0, unchanged 0 (1 events created)\n", ok(a, nil, "--db", "other.db", "import", "leads.jsonl"))
	out := ok(a, nil, "--db", "rel.db", "restore", "copy.db")
	assert.Contains(t, out, "restored rel.db from copy.db\n")
	assert.Contains(t, out, "the previous database is kept as rel.db.before-restore-", "named as typed")
	assert.Contains(t, ok(a, nil, "--db", "rel.db", "salvage", "rel.db", "-o", "saved.db"), "into saved.db")
	assert.FileExists(t, filepath.Join(a, "saved.db"))

	// LEADCAP_DB relative: read from the invocation's directory, shown as set.
	ok(b, []string{"LEADCAP_DB=env.db"}, "event", "create", "--name", "From the environment")
	assert.FileExists(t, filepath.Join(b, "env.db"))
	var st map[string]any
	require.NoError(t, json.Unmarshal([]byte(ok(b, []string{"LEADCAP_DB=env.db"}, "status", "--json")), &st))
	assert.Equal(t, "env.db", st["database"])

	// No LEADCAP_DB: the default under this invocation's XDG_DATA_HOME.
	ok(b, []string{"XDG_DATA_HOME=" + data}, "event", "create", "--name", "Default")
	assert.FileExists(t, filepath.Join(data, "leadcap", "leadcap.db"))
	require.NoError(t, json.Unmarshal([]byte(ok(b, []string{"XDG_DATA_HOME=" + data}, "status", "--json")), &st))
	assert.Equal(t, filepath.Join(data, "leadcap", "leadcap.db"), st["database"])
}
