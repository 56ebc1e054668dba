package app

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"leadcap/internal/cardgen"
	"leadcap/lead"
	leadstore "leadcap/storage"
)

// BenchmarkScanToForm measures a clean photo of a business card, from the
// file on disk to the lead form pre-filled for review: reading the file,
// decoding the QR code, parsing the vCard and building the form. The
// background work runs inline, so one iteration is the whole latency.
func BenchmarkScanToForm(b *testing.B) {
	for _, size := range [][2]int{{1280, 720}, {1920, 1080}, {4032, 3024}} {
		b.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(b *testing.B) {
			photo, err := cardgen.Render(cardgen.Spec{Payload: adaCard, Degradation: cardgen.Clean,
				Width: size[0], Height: size[1], Seed: 1, Format: "jpeg"})
			if err != nil {
				b.Fatal(err)
			}
			path := filepath.Join(b.TempDir(), "card"+photo.Ext)
			if err := os.WriteFile(path, photo.Data, 0o600); err != nil {
				b.Fatal(err)
			}
			st, err := leadstore.Open(filepath.Join(b.TempDir(), "leads.db"), nil)
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			ev := lead.Event{Name: "Hannover Messe", Country: "DE"}
			if err := st.CreateEvent(&ev); err != nil {
				b.Fatal(err)
			}
			if err := st.SetActiveEvent(ev.ID); err != nil {
				b.Fatal(err)
			}
			test.NewTempApp(b)
			u := New(fyne.CurrentApp(), st, Options{Staff: "Anna", run: inline, do: inline})
			defer u.win.Close()
			u.win.Resize(fyne.NewSize(900, 640))
			uri := storage.NewFileURI(path)
			b.ResetTimer()
			for b.Loop() {
				u.capture.openURI(uri)
				if u.capture.rev.form == nil || u.capture.rev.form.email.Text != "ada@example.com" {
					b.Fatalf("no form: %s", u.capture.home.status.Text)
				}
			}
		})
	}
}
