// Package app is leadcap's Fyne user interface: one file per screen, each an
// unexported struct that holds its widgets and the store, built by a
// newXxxScreen function, with its handlers as methods.
//
// The store is never read or written on the UI goroutine. A screen hands the
// work to [UI.background], which runs it on a goroutine of its own and applies
// the plain values it returns to the widgets inside fyne.Do; nothing else
// touches a widget from outside the UI goroutine.
//
// It is the only package besides main and assets that imports Fyne, and it
// does not import fyne.io/fyne/v2/app, so its tests run on fyne's test driver
// without cgo or a display.
package app
