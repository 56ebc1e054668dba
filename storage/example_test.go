package storage_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"leadcap/lead"
	"leadcap/storage"
)

func Example() {
	dir, err := os.MkdirTemp("", "leadcap-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	s, err := storage.Open(filepath.Join(dir, "leadcap.db"), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	ev := lead.Event{Name: "Hannover Messe", Country: "DE"}
	if err := s.CreateEvent(&ev); err != nil {
		log.Fatal(err)
	}
	l := &lead.Lead{EventID: ev.ID, Contact: lead.Contact{
		GivenName: "Jürgen", FamilyName: "Müller", Organization: "ACME GmbH",
		Emails: []string{"J.Mueller@ACME.example"}, Phones: []lead.Phone{{Raw: "0511 123456"}},
	}}
	if err := s.AddLead(l); err != nil {
		log.Fatal(err)
	}
	fmt.Println(l.Contact.Phones[0].Number, l.Version)

	rows, err := s.List(storage.Query{EventID: ev.ID, Text: "muller"})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range rows {
		fmt.Println(r.Name, "|", r.Organization, "|", r.Email, "|", r.Stage, "|", r.Sync)
	}
	// Output:
	// +49511123456 1
	// Jürgen Müller | ACME GmbH | j.mueller@acme.example | lead | pending
}

// The sync engine's side: claim what is due, deliver, confirm.
func ExampleStore_ClaimDue() {
	dir, err := os.MkdirTemp("", "leadcap-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	s, err := storage.Open(filepath.Join(dir, "leadcap.db"), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	ev := lead.Event{Name: "Hannover Messe", Country: "DE"}
	if err := s.CreateEvent(&ev); err != nil {
		log.Fatal(err)
	}
	if err := s.SetActiveEvent(ev.ID); err != nil {
		log.Fatal(err)
	}
	l := &lead.Lead{Contact: lead.Contact{FullName: "Ada Lovelace", Emails: []string{"ada@example.com"}}}
	if err := s.AddLead(l); err != nil {
		log.Fatal(err)
	}

	batch, err := s.ClaimDue(time.Now(), 50, 2*time.Minute)
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range batch {
		// ... push e.Lead to the CRM, which answers with its record ID ...
		if err := s.MarkDone(e.Lead.ID, e.Lead.Version, "crm-0042"); err != nil {
			log.Fatal(err)
		}
	}
	info, err := s.SyncInfo(l.ID)
	if err != nil {
		log.Fatal(err)
	}
	n, err := s.PendingCount()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(batch), info.Status, info.RemoteID, n)
	// Output:
	// 1 synced crm-0042 0
}
