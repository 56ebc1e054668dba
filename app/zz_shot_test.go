package app

import (
	"image/png"
	"os"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/google/uuid"

	"leadcap/storage"
)

func TestZZShot(t *testing.T) {
	if os.Getenv("SHOT") == "" {
		t.Skip()
	}
	st := newStore(t)
	someLeads(t, st, 5)
	hook := newCRMHook(t)
	hook.refuse[someLeadsIDs(t, st)[1]] = "company size is required"
	u := newTestUI(t, st)
	setUpWebhook(t, u, hook.srv.URL)
	f, _ := os.Create("/tmp/office/settings.png")
	png.Encode(f, u.win.Canvas().Capture())
	f.Close()
	selectTab(t, u, "Sync")
	test_tap(u)
	f, _ = os.Create("/tmp/office/sync.png")
	png.Encode(f, u.win.Canvas().Capture())
	f.Close()
}

func someLeadsIDs(t *testing.T, st *storage.Store) []uuid.UUID {
	sums, _ := st.List(storage.Query{})
	var ids []uuid.UUID
	for _, s := range sums {
		ids = append(ids, s.ID)
	}
	return ids
}

func test_tap(u *UI) { test.Tap(u.office.sync.syncNow) }
