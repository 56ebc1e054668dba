package app

import (
	"fmt"
	"os"
	"testing"

	"fyne.io/fyne/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/assets"
)

// boundsOf is where o is in the window.
func boundsOf(o fyne.CanvasObject) (pos fyne.Position, size fyne.Size) {
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(o), o.Size()
}

func overlaps(a, b fyne.CanvasObject) bool {
	ap, as := boundsOf(a)
	bp, bs := boundsOf(b)
	return ap.X < bp.X+bs.Width && bp.X < ap.X+as.Width && ap.Y < bp.Y+bs.Height && bp.Y < ap.Y+as.Height
}

func TestStatusChipIsAlwaysVisible(t *testing.T) {
	st := newStore(t)
	someLeads(t, st, 3)
	u := newTestUI(t, st)
	chip := u.office.sync.chip
	assert.Equal(t, "No CRM · 3 waiting", chip.text)
	win := u.win.Canvas().Size()
	for i := range u.tabs.Items {
		u.tabs.SelectIndex(i)
		var found bool
		var tabs []fyne.CanvasObject
		walkTree(u.win.Content(), func(o fyne.CanvasObject) bool {
			if o == chip {
				found = true
			}
			if fmt.Sprintf("%T", o) == "*container.tabButton" {
				tabs = append(tabs, o)
			}
			return o.Visible()
		})
		require.True(t, found, "tab %d shows the chip", i)
		pos, size := boundsOf(chip)
		assert.Positive(t, size.Width)
		assert.True(t, pos.X >= 0 && pos.Y >= 0 && pos.X+size.Width <= win.Width && pos.Y+size.Height <= win.Height, "tab %d: the chip is inside the window", i)
		require.GreaterOrEqual(t, len(tabs), len(u.tabs.Items), "every tab button (and those of a tab's own pages)")
		for _, b := range tabs {
			assert.False(t, overlaps(chip, b), "tab %d: the chip covers no tab", i)
		}
	}
}

// inGerman switches the UI to German for one test.
func inGerman(t *testing.T) {
	t.Helper()
	t.Cleanup(func() {
		os.Setenv("LANGUAGE", "en")
		require.NoError(t, assets.LoadTranslations())
	})
	t.Setenv("LANGUAGE", "de")
	require.NoError(t, assets.LoadTranslations())
}
