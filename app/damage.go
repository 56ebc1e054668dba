package app

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"leadcap/storage"
)

// damageBanner is the warning the Leads and Sync screens show while the
// store has damage noted (storage.Stats.Damage: found by a check or by a
// read). Until the leads are salvaged, the store refuses new leads and
// edits, so the banner says so and what to do. It is hidden otherwise.
type damageBanner struct {
	text *widget.Label
	box  *fyne.Container
}

func newDamageBanner() *damageBanner {
	b := &damageBanner{text: widget.NewLabel("")}
	b.text.Importance = widget.DangerImportance
	b.text.Wrapping = fyne.TextWrapWord
	icon := widget.NewIcon(theme.NewErrorThemedResource(theme.WarningIcon()))
	b.box = container.NewBorder(nil, nil, container.NewVBox(icon), nil, b.text)
	b.box.Hide()
	return b
}

// show takes the damage noted in the store, nil when there is none.
func (b *damageBanner) show(d *storage.Damage) {
	if d == nil {
		b.box.Hide()
		return
	}
	b.text.SetText(damageText(d))
	b.box.Show()
}

// damageText says that the store is damaged, since when, and what to do:
// the same advice as the window shown when the store does not open.
func damageText(d *storage.Damage) string {
	return lang.L("The lead database was found damaged on {{.Time}}. New leads and changes are not saved. Close leadcap and run 'leadcap check' to see what is wrong; then salvage the leads that can still be read ('leadcap salvage'), or restore it from a backup.",
		map[string]any{"Time": formatDateTime(d.At)})
}

// damageFound shows the damage the store noted when err says a read found
// some (storage.ErrDamaged): the banners and the chip follow at once, not
// only at the next reload of the list.
func (u *UI) damageFound(err error) {
	if !errors.Is(err, storage.ErrDamaged) {
		return
	}
	st := u.st
	u.background(func() func() {
		stats, err := st.Stats()
		if err != nil {
			return nil
		}
		return func() {
			u.leads.damage.show(stats.Damage)
			u.office.sync.damage.show(stats.Damage)
			u.office.sync.chip.damaged(stats.Damage != nil)
		}
	})
}
