// Package assets embeds leadcap's application icon and its translations.
//
// The icon is drawn by the generator in internal/gen (run `go generate
// ./assets/`) and committed as icon.png; FyneApp.toml points at the same
// file, so packaging and the running app show one icon. The translations are
// go-i18n JSON files, one per language, loaded into fyne's lang package by
// [LoadTranslations].
package assets
