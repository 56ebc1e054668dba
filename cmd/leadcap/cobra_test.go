package main

// In-process tests of the command tree: run() is called as main calls it,
// with buffers for the streams.

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/storage"
	"leadcap/workflow"
)

type inproc struct {
	stdout, stderr string
	code           int
}

// call runs leadcap in this process with --db db (when not empty).
func call(t *testing.T, db, stdin string, args ...string) inproc {
	t.Helper()
	if db != "" {
		args = append([]string{"--db", db}, args...)
	}
	// without LEADCAP_DB and LEADCAP_CRM_SECRET
	env := func(k string) (string, bool) {
		if k == "LEADCAP_DB" || k == workflow.SecretEnv {
			return "", true
		}
		return os.LookupEnv(k)
	}
	var out, errb bytes.Buffer
	code := runIn(context.Background(), args, strings.NewReader(stdin), &out, &errb, env, "")
	return inproc{out.String(), errb.String(), code}
}

// callOK runs a command that must succeed and returns its stdout.
func callOK(t *testing.T, db string, args ...string) string {
	t.Helper()
	r := call(t, db, "", args...)
	require.Equal(t, 0, r.code, "leadcap %v: %s", args, r.stderr)
	return r.stdout
}

// seeded is a database with an event "Hannover Messe 2026" (active) and
// two leads, and their IDs.
func seeded(t *testing.T) (db, event string, leads []string) {
	t.Helper()
	db = filepath.Join(t.TempDir(), "leadcap.db")
	event = strings.TrimSpace(callOK(t, db, "event", "create", "--name", "Hannover Messe 2026", "--use"))
	callOK(t, db, "event", "create", "--name", "it-sa 2026")
	for _, args := range [][]string{
		{"--name", "Jonas Weber", "--org", "Weber KG", "--email", "jonas@weber.example"},
		{"--name", "Lena Koch", "--email", "lena@koch.example"},
	} {
		leads = append(leads, strings.TrimSpace(callOK(t, db, append([]string{"add"}, args...)...)))
	}
	return db, event, leads
}

// walk calls fn for every command of the tree but the hidden ones.
func walk(cmd *cobra.Command, fn func(*cobra.Command)) {
	fn(cmd)
	for _, sub := range cmd.Commands() {
		if !sub.Hidden {
			walk(sub, fn)
		}
	}
}

// TestRunTwiceInOneProcess: run keeps nothing from one call to the next
// (flags, --db, the command tree).
func TestRunTwiceInOneProcess(t *testing.T) {
	t.Parallel()
	db, _, leads := seeded(t)
	other := filepath.Join(t.TempDir(), "other.db")
	callOK(t, other, "init")
	assert.Contains(t, callOK(t, db, "list", "--json"), leads[0])
	// --json and --db of the call before must not carry over.
	out := callOK(t, other, "list")
	assert.NotContains(t, out, leads[0])
	assert.True(t, strings.HasPrefix(out, "ID "), "a table, not JSON: %q", out)
}

func TestHelpOnEveryCommandHasExamples(t *testing.T) {
	t.Parallel()
	root := newRootCmd(&cli{})
	n := 0
	walk(root, func(cmd *cobra.Command) {
		path := strings.Fields(cmd.CommandPath())[1:]
		n++
		assert.NotEmpty(t, cmd.Short, "%q has a summary", cmd.CommandPath())
		assert.NotEmpty(t, cmd.Example, "%q has examples", cmd.CommandPath())
		r := call(t, "", "", append(path, "--help")...)
		require.Equal(t, 0, r.code, "%v --help: %s", path, r.stderr)
		assert.Empty(t, r.stderr)
		assert.Contains(t, r.stdout, "examples:\n  ", "%v --help", path)
		assert.Contains(t, r.stdout, "usage: "+strings.TrimSuffix("leadcap "+strings.Join(path, " "), " "), "%v --help", path)
		if len(path) > 0 {
			assert.Equal(t, r.stdout, callOK(t, "", append([]string{"help"}, path...)...), "help %v is %v --help", path, path)
		}
	})
	assert.Greater(t, n, 45, "every command and subcommand is walked")
}

func TestVersion(t *testing.T) {
	t.Parallel()
	out := callOK(t, "", "--version")
	assert.Regexp(t, `^leadcap \S+.*\n$`, out)

	info := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "leadcap", Version: "v1.2.3"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123"},
			{Key: "vcs.time", Value: "2026-12-01T10:00:00Z"},
			{Key: "vcs.modified", Value: "true"},
		}}
	assert.Equal(t, "v1.2.3 (revision 0123456789ab+modified, 2026-12-01T10:00:00Z, go1.26.8)", versionOf(info))
	assert.Equal(t, "(devel)", versionOf(&debug.BuildInfo{}))
}

func TestTypoSuggestsTheNearestCommand(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"lsit"}, "did you mean 'leadcap list'?"},
		{[]string{"exprot"}, "did you mean 'leadcap export'?"},
		{[]string{"event", "lsit"}, "did you mean 'leadcap event list'?"},
		{[]string{"crm", "shwo"}, "did you mean 'leadcap crm show'?"},
		{[]string{"help", "sohw"}, "did you mean 'leadcap show'?"},
		{[]string{"imprt"}, "did you mean 'leadcap import'?"},
		{[]string{"sta"}, "did you mean 'leadcap status'?"},
		{[]string{"event", "add", "--name", "Fair"}, "unknown subcommand \"add\": use create, list or use: did you mean 'leadcap event create'?"},
		{[]string{"rm", "0190"}, "did you mean 'leadcap delete'?"},
		{[]string{"ls"}, "did you mean 'leadcap list'?"},
		{[]string{"attendees", "add", "list.csv"}, "did you mean 'leadcap attendees import'?"},
	} {
		r := call(t, "", "", tc.args...)
		assert.Equal(t, 2, r.code, "%v", tc.args)
		assert.Contains(t, r.stderr, tc.want, "%v", tc.args)
		assert.Empty(t, r.stdout)
	}
	for _, args := range [][]string{{"frobnicate"}, {"event", "questions", "foo"}} {
		r := call(t, "", "", args...)
		assert.Equal(t, 2, r.code, "%v", args)
		assert.NotContains(t, r.stderr, "did you mean", "nothing is near %v", args)
	}
}

func TestCompletionScripts(t *testing.T) {
	t.Parallel()
	for shell, want := range map[string]string{
		"bash":       "__start_leadcap",
		"zsh":        "#compdef leadcap",
		"fish":       "complete -c leadcap",
		"powershell": "Register-ArgumentCompleter",
	} {
		out := callOK(t, "", "completion", shell)
		assert.Contains(t, out, want, shell)
		assert.Contains(t, out, "__complete", "%s asks leadcap for dynamic completions", shell)
	}
	r := call(t, "", "", "completion", "tcsh")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, `unknown shell "tcsh"`)
}

// complete runs leadcap's hidden __complete command as the shell scripts
// do and returns the candidates (without descriptions) and the directive.
func complete(t *testing.T, db string, args ...string) ([]string, string) {
	t.Helper()
	out := callOK(t, "", append([]string{"__complete", "--db", db}, args...)...)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.NotEmpty(t, lines)
	var words []string
	for _, l := range lines[:len(lines)-1] {
		w, _, _ := strings.Cut(l, "\t")
		words = append(words, w)
	}
	return words, lines[len(lines)-1]
}

func TestCompletionOfEventsAndLeadIDs(t *testing.T) {
	t.Parallel()
	db, event, leads := seeded(t)

	words, directive := complete(t, db, "list", "--event", "")
	assert.ElementsMatch(t, []string{"Hannover Messe 2026", "it-sa 2026"}, words)
	assert.Equal(t, ":4", directive, "no file names")
	words, _ = complete(t, db, "add", "--event", "han")
	assert.Equal(t, []string{"Hannover Messe 2026"}, words, "names match ignoring case")
	words, _ = complete(t, db, "report", "--event", event[:30])
	assert.Equal(t, []string{event}, words, "IDs match by prefix")
	words, _ = complete(t, db, "event", "use", "it")
	assert.Equal(t, []string{"it-sa 2026"}, words)

	words, _ = complete(t, db, "show", "")
	assert.ElementsMatch(t, leads, words)
	for _, cmd := range [][]string{{"edit"}, {"qualify"}, {"note"}, {"consent"}, {"delete"}, {"erase"}, {"followups", "done"}, {"dead", "retry"}} {
		words, _ = complete(t, db, append(cmd, leads[1][:30])...)
		assert.Equal(t, []string{leads[1]}, words, "%v completes a lead ID prefix", cmd)
	}
	words, _ = complete(t, db, "note", leads[0], "")
	assert.Empty(t, words, "the note's text is not a lead ID")
	out := callOK(t, "", "__complete", "--db", db, "show", "")
	assert.Contains(t, out, "Jonas Weber, Weber KG", "described by name and organization")

	words, _ = complete(t, filepath.Join(t.TempDir(), "none.db"), "show", "")
	assert.Empty(t, words)
	assert.NoFileExists(t, filepath.Join(t.TempDir(), "none.db"), "completion never creates a database")
}

// A database another process holds (here: this one, read-write) does not
// make the completion wait: no candidates, at once.
func TestCompletionDoesNotWaitForALockedDatabase(t *testing.T) {
	t.Parallel()
	db, _, _ := seeded(t)
	s, err := storage.Open(db, nil)
	require.NoError(t, err)
	defer s.Close()
	start := time.Now()
	words, _ := complete(t, db, "show", "")
	assert.Empty(t, words)
	assert.Less(t, time.Since(start), 2*time.Second)
}

// TestJSONOnDataCommands: every command that prints data has --json and
// prints valid JSON with it.
func TestJSONOnDataCommands(t *testing.T) {
	t.Parallel()
	db, _, leads := seeded(t)
	callOK(t, db, "note", leads[0], "call back", "--follow-up", "2026-12-01")
	for _, args := range [][]string{
		{"list"}, {"show", leads[0]}, {"status"}, {"event", "list"}, {"event", "questions", "list"},
		{"followups"}, {"dead", "list"}, {"report"}, {"crm", "show"},
		{"add", "--name", "Mia Roth", "--email", "mia@roth.example"},
		{"qualify", leads[1], "--fit", "yes"},
	} {
		out := callOK(t, db, append(args, "--json")...)
		dec := json.NewDecoder(strings.NewReader(out))
		for dec.More() {
			var v any
			require.NoError(t, dec.Decode(&v), "%v --json: %q", args, out)
		}
	}
	var crm map[string]any
	require.NoError(t, json.Unmarshal([]byte(callOK(t, db, "crm", "show", "--json")), &crm))
	assert.Equal(t, map[string]any{"connector": ""}, crm, "no CRM set up")
	var lead map[string]any
	require.NoError(t, json.Unmarshal([]byte(callOK(t, db, "qualify", leads[1], "--budget", "yes", "--json")), &lead))
	assert.Equal(t, leads[1], lead["id"])

	var chk map[string]any
	require.NoError(t, json.Unmarshal([]byte(callOK(t, db, "check", "--json")), &chk))
	assert.Equal(t, map[string]any{"database": db, "damaged": false, "leads": 3.0}, chk)

	export := filepath.Join(t.TempDir(), "leads.jsonl")
	callOK(t, db, "export", "--format", "jsonl", "-o", export)
	other := filepath.Join(t.TempDir(), "other.db")
	var imp map[string]any
	require.NoError(t, json.Unmarshal([]byte(callOK(t, other, "import", "--json", export)), &imp))
	assert.Equal(t, export, imp["file"])
	assert.Equal(t, 3.0, imp["created"])
	assert.Equal(t, 0.0, imp["failed"])

	notImage := filepath.Join(t.TempDir(), "notes.png")
	require.NoError(t, os.WriteFile(notImage, []byte("hello"), 0o644))
	r := call(t, db, "", "scan", "--json", notImage)
	assert.Equal(t, 1, r.code, "a file that failed: %s", r.stderr)
	var scan map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &scan), "only JSON on stdout: %q", r.stdout)
	assert.Equal(t, "failed", scan["status"])
	assert.Equal(t, filepath.ToSlash(notImage), scan["file"])
	assert.NotEmpty(t, scan["reason"])

	root := newRootCmd(&cli{})
	for _, path := range [][]string{{"import"}, {"scan"}, {"check"}, {"list"}, {"show"}, {"status"}, {"event", "list"}, {"event", "questions", "list"}, {"followups"},
		{"dead", "list"}, {"report"}, {"crm", "show"}, {"decode"}, {"parse"}, {"attendees", "import"}, {"sync"}, {"add"}, {"qualify"}} {
		cmd, _, err := root.Find(path)
		require.NoError(t, err)
		assert.NotNil(t, cmd.Flags().Lookup("json"), "%v has --json", path)
	}
}

// TestDocsAreCurrent fails when docs/man or docs/cli differ from what
// 'make docs' writes from the command definitions: run 'make docs'.
func TestDocsAreCurrent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	man, md := filepath.Join(dir, "man"), filepath.Join(dir, "cli")
	require.NoError(t, genDocs(newRootCmd(&cli{}), man, md))
	for gen, committed := range map[string]string{man: "../../docs/man", md: "../../docs/cli"} {
		want, err := filepath.Glob(filepath.Join(gen, "*"))
		require.NoError(t, err)
		have, err := filepath.Glob(filepath.Join(committed, "*"))
		require.NoError(t, err)
		require.NotEmpty(t, want)
		assert.Equal(t, names(want), names(have), "%s has a page for every command and no other: run 'make docs'", committed)
		for _, f := range want {
			a, err := os.ReadFile(f)
			require.NoError(t, err)
			b, err := os.ReadFile(filepath.Join(committed, filepath.Base(f)))
			if assert.NoError(t, err) {
				assert.Equal(t, string(a), string(b), "%s is stale: run 'make docs'", filepath.Base(f))
			}
		}
	}
}

func names(paths []string) []string {
	var n []string
	for _, p := range paths {
		n = append(n, filepath.Base(p))
	}
	return n
}

// BenchmarkRunStatus is one in-process "leadcap status" on a small
// database: the tree built anew, the store opened read-only and closed.
func BenchmarkRunStatus(b *testing.B) {
	db := filepath.Join(b.TempDir(), "leadcap.db")
	var out, errb bytes.Buffer
	require.Equal(b, 0, run(context.Background(), []string{"--db", db, "init"}, strings.NewReader(""), &out, &errb))
	for b.Loop() {
		out.Reset()
		if code := run(context.Background(), []string{"--db", db, "status"}, strings.NewReader(""), &out, &errb); code != 0 {
			b.Fatalf("status: %d %s", code, errb.String())
		}
	}
}

// BenchmarkNewRootCmd is the cost of building the command tree, which
// run() does on every call.
func BenchmarkNewRootCmd(b *testing.B) {
	c := &cli{}
	for b.Loop() {
		newRootCmd(c)
	}
}
