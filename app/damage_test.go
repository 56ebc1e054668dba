package app

import (
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
	"leadcap/storage"
	"leadcap/storage/storagetest"
)

// damagedStore is a store with three leads, one of whose records no
// longer decodes, and the damage noted by a check (as 'leadcap check' or a
// read of that lead notes it).
func damagedStore(t *testing.T) *storage.Store {
	t.Helper()
	st, _ := corruptStore(t)
	require.ErrorIs(t, st.Check(), storage.ErrDamaged)
	stats, err := st.Stats()
	require.NoError(t, err)
	require.NotNil(t, stats.Damage, "the check noted the damage")
	return st
}

// corruptStore is a store of three leads whose second lead's record no
// longer decodes; nothing has noticed yet.
func corruptStore(t *testing.T) (*storage.Store, lead.Lead) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "leads.db")
	c := &clock{t: t0.Add(time.Hour)}
	st, err := storage.Open(path, &storage.Options{Now: c.now})
	require.NoError(t, err)
	leads := someLeads(t, st, 3)
	require.NoError(t, st.Close())
	require.NoError(t, storagetest.CorruptLead(path, leads[1].ID))
	st, err = storage.Open(path, &storage.Options{Now: c.now})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, st.Close()) })
	return st, leads[1]
}

// A store with damage noted says so where its counts are shown: a warning
// above the Leads list and on the Sync screen, and the always-visible
// status chip, each saying what to do.
func TestDamagedStoreIsShownWithWhatToDo(t *testing.T) {
	st := damagedStore(t)
	u := newTestUI(t, st)

	banner := u.leads.damage
	require.True(t, banner.box.Visible(), "the Leads screen warns of the damage")
	assert.Contains(t, banner.text.Text, "The lead database was found damaged on ")
	assert.Contains(t, banner.text.Text, "'leadcap check'")
	assert.Contains(t, banner.text.Text, "'leadcap salvage'")
	assert.Contains(t, banner.text.Text, "restore it from a backup")
	assert.Equal(t, 3, u.leads.list.Length(), "the leads that can be read are still listed")
	assert.True(t, u.leads.damage.box.Visible())

	chip := u.office.sync.chip
	assert.Equal(t, "Database damaged", chip.text)
	assert.Equal(t, theme.ColorNameError, chip.color)
	test.Tap(chip)
	assert.True(t, u.office.sync.damage.box.Visible(), "the Sync screen, which the chip opens, says it too")
	assert.Equal(t, banner.text.Text, u.office.sync.damage.text.Text)
}

func TestDamagedStoreWarningInGerman(t *testing.T) {
	inGerman(t)
	st := damagedStore(t)
	u := newTestUI(t, st)
	assert.Contains(t, u.leads.damage.text.Text, "Die Lead-Datenbank wurde am ")
	assert.Contains(t, u.leads.damage.text.Text, "„leadcap salvage“")
	assert.Equal(t, "Datenbank beschädigt", u.office.sync.chip.text)
}

func TestSoundStoreShowsNoDamage(t *testing.T) {
	st := newStore(t)
	someLeads(t, st, 3)
	require.NoError(t, st.Check())
	u := newTestUI(t, st)
	assert.False(t, u.leads.damage.box.Visible())
	assert.False(t, u.office.sync.damage.box.Visible())
	assert.Equal(t, "No CRM · 3 waiting", u.office.sync.chip.text)
}

// Damage found by a read (opening the lead whose record is damaged) shows
// at once, not only at the next reload of the list.
func TestDamageFoundByOpeningALeadShowsAtOnce(t *testing.T) {
	st, bad := corruptStore(t)
	u := newTestUI(t, st)
	require.False(t, u.leads.damage.box.Visible(), "nothing has read the damaged lead yet")
	assert.NotEqual(t, "Database damaged", u.office.sync.chip.text)

	u.openLead(bad.ID)
	assert.Contains(t, u.lead.message.Text, "damaged")
	assert.True(t, u.leads.damage.box.Visible())
	assert.Contains(t, u.leads.damage.text.Text, "'leadcap salvage'")
	assert.Equal(t, "Database damaged", u.office.sync.chip.text)
}
