package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
	leadstore "leadcap/storage"
	"leadcap/workflow"
)

// fairExports writes the bundles of two laptops of one fair into a new
// folder: Anna scanned Ada and Grace, Bob scanned Ada (on his own) and
// Alan; a note file lies beside them.
func fairExports(t *testing.T) string {
	t.Helper()
	ev := lead.Event{ID: lead.NewID(), Name: "Hannover Messe", Country: "DE"}
	person := func(name, email string, at time.Time, note string) *lead.Lead {
		l := lead.New(ev.ID, lead.MethodQRScan, at)
		l.Contact = lead.Contact{FullName: name, Organization: "ACME", Emails: []string{email}}
		l.Notes = []lead.Note{{ID: lead.NewID(), At: at, Author: "staff", Text: note}}
		return l
	}
	dir := t.TempDir()
	device := func(file string, people ...*lead.Lead) {
		st := newStore(t)
		e := ev
		require.NoError(t, st.CreateEvent(&e))
		for _, l := range people {
			require.NoError(t, st.AddLead(l))
		}
		var b bytes.Buffer
		_, err := workflow.Export(context.Background(), st, &b, workflow.FormatBundle, leadstore.Query{})
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, file), b.Bytes(), 0o600))
	}
	device("a-anna.jsonl", person("Ada Lovelace", "ada@lovelace.example", t0.Add(2*time.Hour), "Anna: wants a demo"),
		person("Grace Hopper", "grace@navy.example", t0, "Anna: compilers"))
	device("b-bob.bundle", person("Ada Lovelace", "ADA@lovelace.example", t0, "Bob: budget approved"),
		person("Alan Turing", "alan@npl.example", t0, "Bob: chess"))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "readme.txt"), []byte("not an export"), 0o600))
	return dir
}

// startImport taps Import on the Leads screen and chooses item from its
// menu; it returns the button, whose open dialog is on show.
func startImport(t *testing.T, u *UI, item string) *importButton {
	t.Helper()
	var btn *importButton
	walkTree(u.leads.content, func(o fyne.CanvasObject) bool {
		if b, ok := o.(*importButton); ok {
			btn = b
		}
		return btn == nil
	})
	require.NotNil(t, btn, "the Leads screen has an Import button")
	test.Tap(btn)
	tapInOverlay(t, u, item)
	require.NotNil(t, btn.dlg, "%s opens a dialog", item)
	return btn
}

// importFile picks the file named name (shown without its extension) in
// dir in the open dialog and imports it.
func importFile(t *testing.T, u *UI, btn *importButton, dir, name string) {
	t.Helper()
	loc, err := storage.ListerForURI(storage.NewFileURI(dir))
	require.NoError(t, err)
	btn.dlg.SetLocation(loc)
	tapInOverlay(t, u, strings.TrimSuffix(name, filepath.Ext(name)))
	tapInOverlay(t, u, "Import")
}

func leadNames(t *testing.T, st *leadstore.Store) []string {
	t.Helper()
	ls, err := st.Leads(leadstore.Query{})
	require.NoError(t, err)
	var out []string
	for _, l := range ls {
		out = append(out, l.Contact.Name())
	}
	return out
}

// Two laptops' exports imported one after the other: Ada, scanned on
// both, becomes one lead with both notes; the summary says per file what
// was created and merged, and the list shows the three people.
func TestImportDeviceExportsOneAfterAnother(t *testing.T) {
	dir := fairExports(t)
	st := newStore(t)
	u := newTestUI(t, st)

	btn := startImport(t, u, "Export files, one after another…")
	importFile(t, u, btn, dir, "a-anna.jsonl")
	require.NotNil(t, btn.summary, "the summary shows")
	assert.Contains(t, dialogTexts(u), "a-anna.jsonl: created 2, merged 0, updated 0, unchanged 0, events created 1.")
	assert.Len(t, rowsOf(t, u), 2, "the list shows what came in")

	tapInOverlay(t, u, "Import another file…")
	require.NotNil(t, btn.dlg, "the next file is asked for")
	importFile(t, u, btn, dir, "b-bob.bundle")
	texts := dialogTexts(u)
	assert.Contains(t, texts, "a-anna.jsonl: created 2, merged 0, updated 0, unchanged 0, events created 1.")
	assert.Contains(t, texts, "b-bob.bundle: created 1, merged 1, updated 0, unchanged 0.")
	tapInOverlay(t, u, "Close")
	assert.Nil(t, btn.summary)

	assert.ElementsMatch(t, []string{"Ada Lovelace", "Grace Hopper", "Alan Turing"}, leadNames(t, st))
	assert.Len(t, rowsOf(t, u), 3)
	ls, err := st.Leads(leadstore.Query{})
	require.NoError(t, err)
	var notes []string
	for _, l := range ls {
		if l.Contact.Name() == "Ada Lovelace" {
			for _, n := range l.Notes {
				notes = append(notes, n.Text)
			}
			assert.True(t, l.CapturedAt.Equal(t0), "the earlier capture time")
		}
	}
	assert.ElementsMatch(t, []string{"Anna: wants a demo", "Bob: budget approved"}, notes, "both laptops' notes")
}

// Every export of a folder in one go (the note file beside them is left
// alone); importing the folder again changes nothing.
func TestImportEveryExportInAFolder(t *testing.T) {
	dir := fairExports(t)
	st := newStore(t)
	u := newTestUI(t, st)

	btn := startImport(t, u, "Every export in a folder…")
	loc, err := storage.ListerForURI(storage.NewFileURI(dir))
	require.NoError(t, err)
	btn.dlg.SetLocation(loc)
	tapInOverlay(t, u, "Import")
	texts := dialogTexts(u)
	assert.Contains(t, texts, "a-anna.jsonl: created 2, merged 0, updated 0, unchanged 0, events created 1.")
	assert.Contains(t, texts, "b-bob.bundle: created 1, merged 1, updated 0, unchanged 0.")
	assert.Len(t, btn.lines.Objects, 2, "a line a file; readme.txt is no export")
	tapInOverlay(t, u, "Close")
	assert.ElementsMatch(t, []string{"Ada Lovelace", "Grace Hopper", "Alan Turing"}, leadNames(t, st))

	btn = startImport(t, u, "Every export in a folder…")
	btn.dlg.SetLocation(loc)
	tapInOverlay(t, u, "Import")
	texts = dialogTexts(u)
	assert.Contains(t, texts, "a-anna.jsonl: created 0, merged 0, updated 0, unchanged 2.")
	assert.Contains(t, texts, "b-bob.bundle: created 0, merged 0, updated 0, unchanged 2.")
	assert.Len(t, leadNames(t, st), 3, "no duplicates")
}

// A file with a bad line: the good lines come in, and the summary names
// the bad line and says what to do.
func TestImportNamesTheBadLines(t *testing.T) {
	dir := fairExports(t)
	data, err := os.ReadFile(filepath.Join(dir, "a-anna.jsonl"))
	require.NoError(t, err)
	bad := filepath.Join(dir, "c-broken.jsonl")
	require.NoError(t, os.WriteFile(bad, append(data, []byte("{\"not\": \"a lead\"}\n")...), 0o600))
	st := newStore(t)
	u := newTestUI(t, st)

	btn := startImport(t, u, "Export files, one after another…")
	importFile(t, u, btn, dir, "c-broken.jsonl")
	var line string
	for _, s := range dialogTexts(u) {
		if strings.HasPrefix(s, "c-broken.jsonl: ") && len(s) > len(line) { // the label, not a wrapped row of it
			line = s
		}
	}
	assert.Contains(t, line, "created 2, merged 0")
	assert.Contains(t, line, "1 line was not imported (line 4: ")
	assert.Contains(t, line, "fix it and import the file again")
	assert.Len(t, leadNames(t, st), 2)
}
