package app

import (
	"fmt"
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"

	"leadcap/lead"
	"leadcap/storage"
)

// luminance is the WCAG relative luminance of an opaque colour.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is the WCAG contrast ratio of two opaque colours.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// tint is c at alpha a (0–255) over an opaque background, as a badge
// paints its fill.
func tint(c color.Color, a uint8, bg color.Color) color.Color {
	r, g, b, _ := c.RGBA()
	br, bgG, bb, _ := bg.RGBA()
	mix := func(f, b uint32) uint8 { return uint8((f*uint32(a) + b*uint32(255-a)) / 255 >> 8) }
	return color.NRGBA{R: mix(r, br), G: mix(g, bgG), B: mix(b, bb), A: 0xff}
}

// buttonColors are the fill and text colours fyne's button uses for an
// importance.
func buttonColors(imp widget.Importance) (bg, fg fyne.ThemeColorName) {
	switch imp {
	case widget.HighImportance:
		return theme.ColorNamePrimary, theme.ColorNameForegroundOnPrimary
	case widget.SuccessImportance:
		return theme.ColorNameSuccess, theme.ColorNameForegroundOnSuccess
	case widget.WarningImportance:
		return theme.ColorNameWarning, theme.ColorNameForegroundOnWarning
	case widget.DangerImportance:
		return theme.ColorNameError, theme.ColorNameForegroundOnError
	case widget.LowImportance:
		return theme.ColorNameBackground, theme.ColorNameForeground
	}
	return theme.ColorNameButton, theme.ColorNameForeground
}

// labelColor is the text colour fyne's label uses for an importance.
func labelColor(imp widget.Importance) fyne.ThemeColorName {
	switch imp {
	case widget.LowImportance:
		return theme.ColorNameDisabled
	case widget.HighImportance:
		return theme.ColorNamePrimary
	case widget.DangerImportance:
		return theme.ColorNameError
	case widget.WarningImportance:
		return theme.ColorNameWarning
	case widget.SuccessImportance:
		return theme.ColorNameSuccess
	}
	return theme.ColorNameForeground
}

// TestThemeContrast checks WCAG AA (4.5:1 for text) for the colours the
// screens use, read from the widgets themselves, in leadcap's light and
// dark theme: the Yes/No/Unknown and rating buttons selected, Save, the
// counts line and the other message lines, and every badge.
func TestThemeContrast(t *testing.T) {
	u, s, _ := openAda(t, "DE")
	buttons := map[string]widget.Importance{"Save": s.save.Importance}
	for i, k := range s.fit.kinds {
		buttons[s.fit.buttons[i].Text+" (selected)"] = k
	}
	for i, k := range s.rating.kinds {
		buttons[s.rating.buttons[i].Text+" (selected)"] = k
	}
	buttons["option not selected"] = widget.LowImportance
	labels := map[string]widget.Importance{
		"leads counts line": u.leads.counts.Importance,
		"what is missing":   s.missing.Importance,
	}
	for _, imp := range []widget.Importance{widget.SuccessImportance, widget.WarningImportance, widget.DangerImportance} {
		labels[fmt.Sprintf("sync result %v", imp)] = imp // the Sync screen's result line
	}
	var badges []fyne.ThemeColorName
	for _, st := range lead.Stages {
		badges = append(badges, stageColor(st))
	}
	for _, st := range storage.SyncStatuses {
		badges = append(badges, syncColor(st))
	}

	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		th := newTheme(&v)
		c := func(n fyne.ThemeColorName) color.Color { return th.Color(n, v) }
		bg := c(theme.ColorNameBackground)
		for name, imp := range buttons {
			b, f := buttonColors(imp)
			assert.GreaterOrEqual(t, contrast(c(f), c(b)), 4.5, "variant %d: button %s", v, name)
		}
		for name, imp := range labels {
			assert.GreaterOrEqual(t, contrast(c(labelColor(imp)), bg), 4.5, "variant %d: %s", v, name)
		}
		for _, n := range badges {
			fill := tint(c(n), 0x40, bg)
			assert.GreaterOrEqual(t, contrast(c(theme.ColorNameForeground), fill), 4.5, "variant %d: badge %s", v, n)
			assert.GreaterOrEqual(t, contrast(c(n), bg), 3.0, "variant %d: badge %s's border against the background", v, n)
		}
		assert.GreaterOrEqual(t, contrast(c(theme.ColorNameForeground), c(theme.ColorNameDisabled)), 3.0,
			"variant %d: a disabled arrow looks apart from an enabled one", v)
		prospect, synced := c(stageColor(lead.StageProspect)), c(syncColor(storage.SyncSynced))
		assert.Greater(t, hueDistance(prospect, synced), 40.0, "variant %d: Prospect and Synced badges tell apart", v)
	}
}

// hueDistance is how far apart two colours' hues are, in degrees.
func hueDistance(a, b color.Color) float64 {
	d := math.Abs(hue(a) - hue(b))
	return min(d, 360-d)
}

func hue(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	rf, gf, bf := float64(r), float64(g), float64(b)
	mx, mn := max(rf, gf, bf), min(rf, gf, bf)
	if mx == mn {
		return 0
	}
	var h float64
	switch mx {
	case rf:
		h = math.Mod((gf-bf)/(mx-mn), 6)
	case gf:
		h = (bf-rf)/(mx-mn) + 2
	default:
		h = (rf-gf)/(mx-mn) + 4
	}
	h *= 60
	if h < 0 {
		h += 360
	}
	return h
}

// TestDefaultThemeFailedContrast shows the test above can fail: fyne's own
// light theme puts white on a bright green.
func TestDefaultThemeFailedContrast(t *testing.T) {
	v := theme.VariantLight
	d := theme.DefaultTheme()
	assert.Less(t, contrast(d.Color(theme.ColorNameForegroundOnSuccess, v), d.Color(theme.ColorNameSuccess, v)), 4.5)
	th := newTheme(&v)
	assert.GreaterOrEqual(t, contrast(th.Color(theme.ColorNameForegroundOnSuccess, v), th.Color(theme.ColorNameSuccess, v)), 4.5)
}
