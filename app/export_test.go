package app

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
	leadstore "leadcap/storage"
	"leadcap/workflow"
)

// tapInOverlay taps the innermost tappable object on top of the window
// that shows the text label (a menu item, a dialog's button).
func tapInOverlay(t *testing.T, u *UI, label string) {
	t.Helper()
	top := u.win.Canvas().Overlays().Top()
	require.NotNil(t, top, "nothing is shown over the window")
	hit := tappableWith(top, label)
	require.NotNil(t, hit, "no %q on top of the window", label)
	test.Tap(hit)
}

// tappableWith returns the innermost tappable object in o that shows label.
func tappableWith(o fyne.CanvasObject, label string) fyne.Tappable {
	var inner fyne.Tappable
	shows := false
	walkTree(o, func(c fyne.CanvasObject) bool {
		if c == o {
			return true
		}
		if inner != nil {
			return false
		}
		if tx, ok := c.(*canvas.Text); ok && tx.Text == label {
			shows = true
		}
		if _, ok := c.(fyne.Tappable); ok {
			inner = tappableWith(c, label)
			return false
		}
		return true
	})
	if inner != nil {
		return inner
	}
	if tp, ok := o.(fyne.Tappable); ok && (shows || textOf(o) == label) {
		return tp
	}
	return nil
}

func textOf(o fyne.CanvasObject) string {
	if b, ok := o.(*widget.Button); ok {
		return b.Text
	}
	return ""
}

// exportFiltered drives the Export button of the Leads screen: the format
// from its menu, then the save dialog into dir as name.
func exportFiltered(t *testing.T, u *UI, f workflow.Format, dir, name string) string {
	t.Helper()
	var btn *exportButton
	walkTree(u.leads.content, func(o fyne.CanvasObject) bool {
		if b, ok := o.(*exportButton); ok {
			btn = b
		}
		return btn == nil
	})
	require.NotNil(t, btn, "the Leads screen has an Export button")
	test.Tap(btn)
	tapInOverlay(t, u, formatLabel(f))
	require.NotNil(t, btn.dlg, "the format opens the save dialog")
	loc, err := storage.ListerForURI(storage.NewFileURI(dir))
	require.NoError(t, err)
	btn.dlg.SetLocation(loc)
	btn.dlg.SetFileName(name)
	tapInOverlay(t, u, "Save")
	return filepath.Join(dir, name)
}

func TestExportWritesTheFilteredLeads(t *testing.T) {
	st := newStore(t)
	hannover := addEvent(t, st, "Hannover Messe", "DE")
	salon := addEvent(t, st, "Salon", "FR")
	want := []string{
		addLead(t, st, hannover, 1, "Jürgen", "Müller", "Müller GmbH", "jm@example.de").ID.String(),
		addLead(t, st, hannover, 2, "Anna", "Müller-Lüdenscheidt", "Acme", "anna@example.com").ID.String(),
	}
	addLead(t, st, hannover, 3, "Bob", "Smith", "Müller Logistik", "bob@example.com") // the name is searched, and the organization
	addLead(t, st, hannover, 4, "Carla", "Rossi", "Rossi Srl", "carla@example.it")
	addLead(t, st, salon, 5, "Marc", "Müller", "Ateliers", "marc@example.fr")

	u := newTestUI(t, st)
	u.leads.event.SetSelected("Hannover Messe")
	u.leads.search.SetText("müller")
	require.Len(t, u.leads.rows, 3, "the list shows what the export must hold")
	var shown []string
	for _, r := range u.leads.rows {
		shown = append(shown, r.ID.String())
	}

	dir := t.TempDir()
	path := exportFiltered(t, u, workflow.FormatJSONL, dir, "filtered.jsonl")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var got []string
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l lead.Lead
		require.NoError(t, json.Unmarshal(sc.Bytes(), &l), sc.Text())
		assert.Equal(t, hannover.ID, l.EventID)
		got = append(got, l.ID.String())
	}
	slices.Sort(got)
	slices.Sort(shown)
	assert.Equal(t, shown, got, "exactly the leads of the list")
	assert.Subset(t, got, want)

	path = exportFiltered(t, u, workflow.FormatCSV, dir, "filtered.csv")
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	assert.Len(t, rows, 1+len(shown), "a header and one row per lead of the list")
	assert.Equal(t, workflow.CSVHeader(), rows[0])
}

// Choosing the lead database (or a link to it, or a copy restore kept)
// as the export's file in the save dialog, and confirming Overwrite, is
// refused with a sentence; the database is untouched and opens with every
// lead. An export to another file is written through a temporary file.
func TestExportOntoTheDatabaseIsRefused(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "leads.db")
	st, err := leadstore.Open(path, nil)
	require.NoError(t, err)
	ev := addEvent(t, st, "Hannover Messe", "DE")
	for i, name := range []string{"Jürgen", "Anna", "Bob"} {
		addLead(t, st, ev, i, name, "Müller", "Müller GmbH", strings.ToLower(name)+"@example.de")
	}
	require.NoError(t, os.Symlink(path, filepath.Join(dir, "leads-link.jsonl")))
	kept := path + ".before-restore-20261203T100000Z"
	require.NoError(t, os.WriteFile(kept, []byte("an older database"), 0o600))
	before, err := os.ReadFile(path)
	require.NoError(t, err)

	u := newTestUI(t, st)
	for _, name := range []string{"leads.db", "leads-link.jsonl", filepath.Base(kept)} {
		exportFiltered(t, u, workflow.FormatJSONL, dir, name)
		tapInOverlay(t, u, "Yes") // Overwrite?
		assert.Contains(t, dialogTexts(u), "That file is the lead database or a copy of it kept by restore: nothing was written. Choose another file.", name)
		tapInOverlay(t, u, "OK")
		after, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Equal(t, before, after, "%s: the database is untouched", name)
	}
	old, err := os.ReadFile(kept)
	require.NoError(t, err)
	assert.Equal(t, "an older database", string(old))

	// Another file is written completely, with no temporary file left.
	out := exportFiltered(t, u, workflow.FormatJSONL, dir, "leads.jsonl")
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, 3, strings.Count(string(data), "\n"))
	tmp, err := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	require.NoError(t, err)
	assert.Empty(t, tmp)

	require.NoError(t, st.Close())
	st, err = leadstore.Open(path, nil)
	require.NoError(t, err)
	defer st.Close()
	require.NoError(t, st.Check())
	ls, err := st.Leads(leadstore.Query{})
	require.NoError(t, err)
	assert.Len(t, ls, 3, "every lead is still there")
}

// dialogTexts returns the texts of what is shown over the window.
func dialogTexts(u *UI) []string {
	var out []string
	top := u.win.Canvas().Overlays().Top()
	if top == nil {
		return nil
	}
	walkTree(top, func(o fyne.CanvasObject) bool {
		switch x := o.(type) {
		case *canvas.Text:
			out = append(out, x.Text)
		case *widget.Label:
			out = append(out, x.Text)
		case *widget.RichText:
			out = append(out, x.String())
		}
		return true
	})
	return out
}
