package app

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/workflow"
)

// Fyne titles its file dialogs "Open File", in German "Öffnen Datei";
// each of ours says what it is for, in the user's language.
func TestFileDialogsSayWhatTheyAreFor(t *testing.T) {
	inGerman(t)
	u, s, _ := atBooth(t)
	c := u.win.Canvas()
	dialogTitle := func(open func()) []string {
		t.Helper()
		open()
		require.NotNil(t, c.Overlays().Top(), "a file dialog opened")
		texts, _ := overlayTexts(u)
		for c.Overlays().Top() != nil {
			c.Overlays().Remove(c.Overlays().Top())
		}
		return texts
	}
	check := func(texts []string, want string) {
		t.Helper()
		assert.Contains(t, texts, want)
		for _, x := range texts {
			assert.NotContains(t, x, "Datei", "no Fyne title: %q", x)
		}
	}

	check(dialogTitle(func() { test.Tap(s.home.openPhoto) }), "Foto einer Visitenkarte oder eines Ausweises öffnen")

	test.Tap(s.chip)
	check(dialogTitle(func() { test.Tap(s.event.attendees.button) }), "Teilnehmerliste öffnen")

	u.showLeads()
	var export *exportButton
	walkTree(u.leads.content, func(o fyne.CanvasObject) bool {
		if b, ok := o.(*exportButton); ok {
			export = b
		}
		return export == nil
	})
	require.NotNil(t, export)
	check(dialogTitle(func() {
		test.Tap(export)
		tapInOverlay(t, u, formatLabel(workflow.FormatCSV))
	}), "Leads exportieren")

	report := openReport(t, u)
	var save *widget.Button
	walkTree(report, func(o fyne.CanvasObject) bool {
		if b, ok := o.(*widget.Button); ok && strings.HasPrefix(b.Text, "Als HTML") {
			save = b
		}
		return save == nil
	})
	require.NotNil(t, save, "the report's save button")
	require.False(t, save.Disabled())
	texts := dialogTitle(func() { test.Tap(save) })
	check(texts, "Bericht speichern")
	assert.False(t, slices.Contains(texts, "Speichern Datei"))
}
