package assets

import (
	"embed"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
)

//go:generate go run ./internal/gen -o icon.png

//go:embed icon.png
var iconPNG []byte

// Icon is the application icon, a 512x512 PNG.
var Icon fyne.Resource = fyne.NewStaticResource("icon.png", iconPNG)

//go:embed translations/*.json
var translations embed.FS

// Languages lists the languages leadcap is translated into, English first
// (it is also the fallback).
var Languages = []string{"en", "de"}

// LoadTranslations adds the embedded translations to fyne's lang package,
// which then picks the one closest to the system language.
func LoadTranslations() error {
	if err := lang.AddTranslationsFS(translations, "translations"); err != nil {
		return fmt.Errorf("assets: load translations: %w", err)
	}
	return nil
}

// Translation returns the raw JSON translation file of a language, e.g.
// "de", for checks that every string the UI shows is translated.
func Translation(language string) ([]byte, error) {
	b, err := translations.ReadFile("translations/" + language + ".json")
	if err != nil {
		return nil, fmt.Errorf("assets: no translation for %q: %w", language, err)
	}
	return b, nil
}
