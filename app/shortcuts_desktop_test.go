//go:build !mobile && !android && !ios

package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"

	"leadcap/lead"
)

func typeShortcut(u *UI, key fyne.KeyName) {
	u.win.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault})
}

func TestShortcutsSaveAndSearch(t *testing.T) {
	u, s, l := openAda(t, "DE")
	test.Tap(s.disqualify)
	typeShortcut(u, fyne.KeyS)
	assert.Equal(t, lead.StageDisqualified, stored(t, u, l).Qualification.Stage(), "Ctrl+S saves")

	typeShortcut(u, fyne.KeyF)
	assert.True(t, u.leads.content.Visible(), "Ctrl+F goes back to the list")
	assert.Equal(t, u.leads.search, u.win.Canvas().Focused())
	test.Type(u.leads.search, "zzz")
	assert.Zero(t, u.leads.list.Length())

	typeShortcut(u, fyne.KeyS) // nothing to save on the list
	assert.Equal(t, int64(2), stored(t, u, l).Version)
}
