package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// colorNameSynced is the colour of the Synced badge and of the status chip
// when the CRM is online: a teal that tells it apart from the green of a
// prospect.
const colorNameSynced fyne.ThemeColorName = "leadcap.synced"

// leadcapTheme is fyne's default theme with the status colours darkened
// (light variant) or lightened (dark variant) until text on them and text
// in them reaches WCAG AA contrast (4.5:1; see TestThemeContrast), and
// with colorNameSynced. variant, when set, fixes light or dark whatever
// the system prefers.
type leadcapTheme struct {
	fyne.Theme
	variant *fyne.ThemeVariant
}

func newTheme(variant *fyne.ThemeVariant) *leadcapTheme {
	return &leadcapTheme{Theme: theme.DefaultTheme(), variant: variant}
}

// themeColors are the colours leadcap changes, per variant.
var themeColors = map[fyne.ThemeVariant]map[fyne.ThemeColorName]color.Color{
	theme.VariantLight: {
		theme.ColorNamePrimary:   color.NRGBA{R: 0x15, G: 0x65, B: 0xc0, A: 0xff},
		theme.ColorNameHyperlink: color.NRGBA{R: 0x15, G: 0x65, B: 0xc0, A: 0xff},
		theme.ColorNameSuccess:   color.NRGBA{R: 0x2e, G: 0x7d, B: 0x32, A: 0xff},
		theme.ColorNameWarning:   color.NRGBA{R: 0x9a, G: 0x55, B: 0x00, A: 0xff},
		theme.ColorNameError:     color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff},
		// Text darker than fyne's #565656, so that the grey of secondary
		// and disabled text can meet 4.5:1 and still look apart from it.
		theme.ColorNameForeground:          color.NRGBA{R: 0x21, G: 0x21, B: 0x21, A: 0xff},
		theme.ColorNameDisabled:            color.NRGBA{R: 0x73, G: 0x73, B: 0x73, A: 0xff},
		theme.ColorNamePlaceHolder:         color.NRGBA{R: 0x73, G: 0x73, B: 0x73, A: 0xff},
		theme.ColorNameForegroundOnPrimary: color.White,
		theme.ColorNameForegroundOnSuccess: color.White,
		theme.ColorNameForegroundOnWarning: color.White,
		theme.ColorNameForegroundOnError:   color.White,
		colorNameSynced:                    color.NRGBA{R: 0x00, G: 0x69, B: 0x7c, A: 0xff},
	},
	theme.VariantDark: {
		theme.ColorNamePrimary:             color.NRGBA{R: 0x64, G: 0xb5, B: 0xf6, A: 0xff},
		theme.ColorNameHyperlink:           color.NRGBA{R: 0x64, G: 0xb5, B: 0xf6, A: 0xff},
		theme.ColorNameSuccess:             color.NRGBA{R: 0x66, G: 0xbb, B: 0x6a, A: 0xff},
		theme.ColorNameWarning:             color.NRGBA{R: 0xff, G: 0xa7, B: 0x26, A: 0xff},
		theme.ColorNameError:               color.NRGBA{R: 0xef, G: 0x73, B: 0x73, A: 0xff},
		theme.ColorNameDisabled:            color.NRGBA{R: 0x8a, G: 0x8a, B: 0x8a, A: 0xff},
		theme.ColorNamePlaceHolder:         color.NRGBA{R: 0xa8, G: 0xa8, B: 0xa8, A: 0xff},
		theme.ColorNameForegroundOnPrimary: color.NRGBA{R: 0x17, G: 0x17, B: 0x18, A: 0xff},
		theme.ColorNameForegroundOnSuccess: color.NRGBA{R: 0x17, G: 0x17, B: 0x18, A: 0xff},
		theme.ColorNameForegroundOnWarning: color.NRGBA{R: 0x17, G: 0x17, B: 0x18, A: 0xff},
		theme.ColorNameForegroundOnError:   color.NRGBA{R: 0x17, G: 0x17, B: 0x18, A: 0xff},
		colorNameSynced:                    color.NRGBA{R: 0x4d, G: 0xd0, B: 0xe1, A: 0xff},
	},
}

func (t *leadcapTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.variant != nil {
		v = *t.variant
	}
	if c, ok := themeColors[v][n]; ok {
		return c
	}
	if n == colorNameSynced { // a variant leadcap does not know
		n = theme.ColorNamePrimary
	}
	return t.Theme.Color(n, v)
}
