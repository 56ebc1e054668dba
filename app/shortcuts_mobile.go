//go:build mobile || android || ios

package app

// addShortcuts does nothing on a phone: there is no keyboard to bind.
func (u *UI) addShortcuts() {}
