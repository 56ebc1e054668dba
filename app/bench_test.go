package app

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"leadcap/lead"
	"leadcap/storage"
)

// bigStore fills a store in a temporary directory with n leads at two
// events, 1,000 per transaction, and returns it open.
func bigStore(b *testing.B, n int) *storage.Store {
	b.Helper()
	st, err := storage.Open(filepath.Join(b.TempDir(), "big.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	evs := []lead.Event{{Name: "Hannover Messe", Country: "DE"}, {Name: "IFA Berlin", Country: "DE"}}
	for i := range evs {
		if err := st.CreateEvent(&evs[i]); err != nil {
			b.Fatal(err)
		}
	}
	batch := make([]lead.Lead, 0, 1000)
	for i := 0; i < n; i++ {
		l := lead.New(evs[i%2].ID, lead.MethodQRScan, t0.Add(time.Duration(i)*time.Second))
		l.Contact = lead.Contact{
			GivenName: fmt.Sprintf("Given%d", i), FamilyName: fmt.Sprintf("Family%d", i),
			Organization: fmt.Sprintf("Org %d GmbH", i%997), Emails: []string{fmt.Sprintf("person%d@example.com", i)},
		}
		if i%10 == 0 {
			l.Qualification = lead.Qualification{Fit: lead.Yes, Budget: lead.Yes, Authority: lead.Yes, Interest: lead.Yes}
		}
		batch = append(batch, *l)
		if len(batch) == cap(batch) || i == n-1 {
			res, err := st.PutLeads(batch)
			if err != nil {
				b.Fatal(err)
			}
			for _, r := range res {
				if r.Err != nil {
					b.Fatal(r.Err)
				}
			}
			batch = batch[:0]
		}
	}
	return st
}

// BenchmarkStartup100k measures building the main window over 100,000
// leads until the list shows them (the load runs inline here).
func BenchmarkStartup100k(b *testing.B) {
	st := bigStore(b, 100_000)
	a := test.NewTempApp(b)
	b.ResetTimer()
	for b.Loop() {
		u := New(a, st, Options{run: inline, do: inline})
		u.win.Resize(fyne.NewSize(900, 640))
		if u.leads.list.Length() != 100_000 {
			b.Fatalf("%d rows", u.leads.list.Length())
		}
		u.win.Close()
	}
}

// BenchmarkSearchKeystroke100k measures one keystroke in the search box over
// 100,000 leads, from the key to the refreshed list.
func BenchmarkSearchKeystroke100k(b *testing.B) {
	st := bigStore(b, 100_000)
	test.NewTempApp(b)
	u := New(fyne.CurrentApp(), st, Options{run: inline, do: inline})
	u.win.Resize(fyne.NewSize(900, 640))
	b.Cleanup(u.win.Close)
	texts := []string{"family4242", "org 17", "person9999"}
	b.ResetTimer()
	i := 0
	for b.Loop() {
		u.leads.search.SetText(texts[i%len(texts)])
		i++
		if u.leads.list.Length() == 0 {
			b.Fatal("no match")
		}
	}
}

// BenchmarkFilterProspects100k measures choosing the stage filter over
// 100,000 leads, 10,000 of them prospects.
func BenchmarkFilterProspects100k(b *testing.B) {
	st := bigStore(b, 100_000)
	test.NewTempApp(b)
	u := New(fyne.CurrentApp(), st, Options{run: inline, do: inline})
	u.win.Resize(fyne.NewSize(900, 640))
	b.Cleanup(u.win.Close)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		u.leads.stage.SetSelectedIndex(1 + i%2) // lead, prospect
		if u.leads.list.Length() == 0 {
			b.Fatal("no match")
		}
	}
}
