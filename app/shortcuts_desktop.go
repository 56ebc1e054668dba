//go:build !mobile && !android && !ios

package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// addShortcuts binds the keyboard shortcuts of a desktop: Ctrl+F (Cmd+F on
// macOS) searches the leads, Ctrl+S saves the lead on show.
func (u *UI) addShortcuts() {
	c := u.win.Canvas()
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) {
		u.onSearchShortcut()
	})
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) {
		u.onSaveShortcut()
	})
}
