package app

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"

	"leadcap/syncer"
	"leadcap/workflow"
)

// chipState is the CRM connection as the status chip tells it.
type chipState int

const (
	chipConnecting chipState = iota // not known yet
	chipOnline
	chipOffline
	chipNoCRM // no CRM, no secret or refused credentials: Settings
)

// chipStateOf reads the relay's status.
func chipStateOf(st syncer.Status) chipState {
	switch {
	case st.Online:
		return chipOnline
	case errors.Is(st.Err, workflow.ErrNoCRM), errors.Is(st.Err, workflow.ErrNoSecret), errors.Is(st.Err, syncer.ErrAuth):
		return chipNoCRM
	}
	return chipOffline
}

// statusChip is the small always-visible chip with the sync state: online
// or offline and how many leads wait, e.g. "Offline · 12 waiting". Tapping
// it opens the Sync screen.
type statusChip struct {
	badge
	onTapped func()

	// Only touched on the UI goroutine.
	state   chipState
	waiting int
	damage  bool // the store has damage noted: that comes first
}

func newStatusChip(tapped func()) *statusChip {
	c := &statusChip{onTapped: tapped}
	c.ExtendBaseWidget(c)
	c.update()
	return c
}

// Tapped opens the Sync screen.
func (c *statusChip) Tapped(*fyne.PointEvent) {
	if c.onTapped != nil {
		c.onTapped()
	}
}

// show takes the number of leads waiting for the CRM.
func (c *statusChip) show(waiting int) {
	c.waiting = waiting
	c.update()
}

// damaged takes whether the store has damage noted (storage.Stats.Damage).
func (c *statusChip) damaged(d bool) {
	c.damage = d
	c.update()
}

// status takes the connection state.
func (c *statusChip) status(s chipState) {
	c.state = s
	c.update()
}

func (c *statusChip) update() {
	n := map[string]any{"Count": thousands(c.waiting)}
	var text string
	var color fyne.ThemeColorName
	switch {
	case c.damage:
		text, color = lang.L("Database damaged"), theme.ColorNameError
	case c.state == chipOnline:
		text, color = lang.L("Online · {{.Count}} waiting", n), colorNameSynced
		if c.waiting == 0 {
			text = lang.L("Online · all synced")
		}
	case c.state == chipOffline:
		text, color = lang.L("Offline · {{.Count}} waiting", n), theme.ColorNameWarning
	case c.state == chipNoCRM:
		text, color = lang.L("No CRM · {{.Count}} waiting", n), theme.ColorNameError
	default:
		text, color = lang.L("{{.Count}} waiting", n), theme.ColorNameDisabled
	}
	c.set(text, color)
}
