// Package translations holds leadcap's translation files (go-i18n's flat
// JSON, as fyne's lang package reads them) without importing Fyne, so the
// command line can put its HTML report into the user's language too.
package translations

import (
	"embed"
	"fmt"
)

// FS holds one file per language, e.g. de.json, and fyne.de.json with
// Fyne's own texts.
//
//go:embed *.json
var FS embed.FS

// File returns the translation file of a language, e.g. "de".
func File(language string) ([]byte, error) {
	b, err := FS.ReadFile(language + ".json")
	if err != nil {
		return nil, fmt.Errorf("translations: no translation for %q: %w", language, err)
	}
	return b, nil
}
