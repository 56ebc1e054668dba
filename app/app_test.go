package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/assets"
	"leadcap/lead"
	"leadcap/storage"
)

func TestMain(m *testing.M) {
	// Times render in local time; make the goldens independent of the
	// machine's zone and language.
	time.Local = time.UTC
	os.Setenv("LANGUAGE", "en")
	os.Setenv("LANG", "en_US.UTF-8")
	if err := assets.LoadTranslations(); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

// t0 is when the first test lead was captured.
var t0 = time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)

// clock is a fake time that moves a minute on every reading.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { c.t = c.t.Add(time.Minute); return c.t }

// newStore opens a real store in a temporary directory.
func newStore(t *testing.T) *storage.Store {
	t.Helper()
	c := &clock{t: t0.Add(time.Hour)}
	st, err := storage.Open(filepath.Join(t.TempDir(), "leads.db"), &storage.Options{Now: c.now})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, st.Close()) })
	return st
}

func inline(f func()) { f() }

// newTestUI builds the UI on fyne's test app, with background work run
// synchronously so that a test sees the result of every load right away.
func newTestUI(t *testing.T, st *storage.Store) *UI {
	t.Helper()
	test.NewTempApp(t)
	c := &clock{t: t0.Add(2 * time.Hour)}
	u := New(fyne.CurrentApp(), st, Options{Staff: "Anna", Now: c.now, run: inline, do: inline})
	if fyne.CurrentDevice().IsMobile() {
		u.win.Resize(fyne.NewSize(400, 760))
	} else {
		u.win.Resize(fyne.NewSize(900, 640))
	}
	t.Cleanup(u.win.Close)
	u.showLeads() // the tests of the list start on its tab
	return u
}

func addEvent(t *testing.T, st *storage.Store, name, country string) lead.Event {
	t.Helper()
	ev := lead.Event{Name: name, Country: country, City: "Hannover"}
	require.NoError(t, st.CreateEvent(&ev))
	return ev
}

// addLead stores a lead captured i minutes after t0.
func addLead(t *testing.T, st *storage.Store, ev lead.Event, i int, given, family, org, email string) lead.Lead {
	t.Helper()
	l := lead.New(ev.ID, lead.MethodManual, t0.Add(time.Duration(i)*time.Minute))
	l.Contact = lead.Contact{GivenName: given, FamilyName: family, Organization: org}
	if email != "" {
		l.Contact.Emails = []string{email}
	}
	require.NoError(t, st.AddLead(l))
	return *l
}

// golden names a markup master under testdata/: the phone layout (tests
// run with -tags mobile) has its own under testdata/mobile/.
func golden(name string) string {
	if fyne.CurrentDevice().IsMobile() {
		return "mobile/" + name
	}
	return name
}

// walkTree visits o and, while visit returns true for an object, the
// objects inside it: a container's and, through its renderer, a widget's.
func walkTree(o fyne.CanvasObject, visit func(fyne.CanvasObject) (descend bool)) {
	if !visit(o) {
		return
	}
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walkTree(c, visit)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			walkTree(c, visit)
		}
	}
}

// isContainer is a walkTree answer that descends into containers only.
func isContainer(o fyne.CanvasObject) bool {
	_, ok := o.(*fyne.Container)
	return ok
}

// rowsOf returns the list rows that are on screen, top to bottom.
func rowsOf(t *testing.T, u *UI) []*leadRow {
	t.Helper()
	var out []*leadRow
	walkTree(u.leads.list, func(o fyne.CanvasObject) bool {
		if r, ok := o.(*leadRow); ok && o.Visible() {
			out = append(out, r)
			return false
		}
		return o.Visible()
	})
	d := fyne.CurrentApp().Driver()
	sort.Slice(out, func(i, j int) bool {
		return d.AbsolutePositionForObject(out[i]).Y < d.AbsolutePositionForObject(out[j]).Y
	})
	return out
}

// rowTexts is what the visible rows say: name line, detail line and badges.
func rowTexts(t *testing.T, u *UI) []string {
	t.Helper()
	var out []string
	for _, r := range rowsOf(t, u) {
		detail := r.detail.Text
		if r.when.Text != "" { // on a phone, on the badges' line
			detail += " · " + r.when.Text
		}
		out = append(out, strings.Join([]string{r.name.Text, detail, r.stage.text, r.sync.text}, " | "))
	}
	return out
}

// TestEveryStringIsTranslated reads this package's source and checks that
// every string literal passed to lang.L or lang.N has an English and a
// German translation, and that the translations hold no stale strings.
func TestEveryStringIsTranslated(t *testing.T) {
	used := map[string]bool{}
	inspectSource(t, func(fset *token.FileSet, n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "lang" {
			return true
		}
		lit, ok := call.Args[0].(*ast.BasicLit)
		require.Truef(t, ok, "%s: lang.%s needs a string literal so it can be checked", fset.Position(call.Pos()), sel.Sel.Name)
		s, err := strconv.Unquote(lit.Value)
		require.NoError(t, err)
		used[s] = true
		return true
	})
	require.Greater(t, len(used), 50, "the parser found too few strings")
	for _, language := range assets.Languages {
		raw, err := assets.Translation(language)
		require.NoError(t, err)
		var tr map[string]any
		require.NoError(t, json.Unmarshal(raw, &tr), language)
		var missing, stale []string
		for s := range used {
			if _, ok := tr[s]; !ok {
				missing = append(missing, s)
			}
		}
		for s := range tr {
			if !used[s] {
				stale = append(stale, s)
			}
		}
		slices.Sort(missing)
		slices.Sort(stale)
		assert.Emptyf(t, missing, "strings without a %s translation", language)
		assert.Emptyf(t, stale, "%s translations no code uses", language)
	}
}

func TestErrorMessagesTellWhatToDo(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("storage: open /x: %w", storage.ErrLocked), "The lead database is in use by another leadcap window or command. Close it and try again."},
		{fmt.Errorf("storage: open /x: %w (bad magic)", storage.ErrDamaged), "The lead database is damaged or is not a leadcap database. Salvage the leads that can still be read, or restore it from a backup."},
		{fmt.Errorf("storage: open /x: %w", storage.ErrNewerSchema), "The lead database was written by a newer leadcap. Update leadcap to open it."},
		{fmt.Errorf("storage: lead 1: %w", storage.ErrNotFound), "This lead no longer exists. It may have been merged or restored from a backup."},
		{&storage.DuplicateError{Key: "email:ada@example.com"}, "This person is already a lead at this event."},
		{&lead.FieldError{Field: "contact.emails[0]", Value: "ada@", Reason: "is not an email address"}, "The email address ada@ is not valid: check it for typos."},
		{errors.New("disk full"), "Something went wrong: disk full"},
	} {
		assert.Equal(t, c.want, ErrorMessage(c.err))
	}
}

func TestOpenFailedWindowExplainsAndQuits(t *testing.T) {
	a := test.NewTempApp(t)
	w := NewOpenFailedWindow(a, "/home/anna/leadcap.db", fmt.Errorf("storage: open: %w", storage.ErrLocked))
	t.Cleanup(w.Close)
	var texts []string
	var quit *widget.Button
	walkTree(w.Content(), func(o fyne.CanvasObject) bool {
		switch x := o.(type) {
		case *widget.Label:
			texts = append(texts, x.Text)
		case *widget.Button:
			quit = x
		}
		return isContainer(o)
	})
	assert.Equal(t, []string{
		"leadcap cannot open the lead database",
		"The lead database is in use by another leadcap window or command. Close it and try again.",
		"/home/anna/leadcap.db",
	}, texts)
	require.NotNil(t, quit)
	assert.Equal(t, "Quit", quit.Text)
}
