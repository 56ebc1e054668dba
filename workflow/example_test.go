package workflow_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/emersion/go-vcard"
	"github.com/google/uuid"

	"leadcap/lead"
	"leadcap/workflow"
)

// A lead as a vCard 4.0 for an address book: phones as tel: URIs and the
// lead's ID as UID, so a second import updates the card instead of adding
// another.
func ExampleCard() {
	l := lead.Lead{
		ID: uuid.MustParse("01930000-0001-7000-8000-00000000000a"),
		Contact: lead.Contact{
			GivenName: "Ada", FamilyName: "Lovelace", FullName: "Ada Lovelace", Organization: "Analytical Engines",
			Emails: []string{"ada@example.com"}, Phones: []lead.Phone{{Number: "+442079460958", Kind: "mobile"}},
		},
		UpdatedAt: time.Date(2026, 4, 20, 9, 30, 0, 0, time.UTC),
	}
	card := workflow.Card(&l, lead.Event{Name: "Hannover Messe"})
	var b strings.Builder
	if err := vcard.NewEncoder(&b).Encode(card); err != nil {
		fmt.Println(err)
	}
	fmt.Print(strings.ReplaceAll(b.String(), "\r\n", "\n")) // vCard lines end in CRLF
	// Output:
	// BEGIN:VCARD
	// VERSION:4.0
	// CATEGORIES:Hannover Messe
	// EMAIL;PREF=1:ada@example.com
	// FN:Ada Lovelace
	// KIND:individual
	// N:Lovelace;Ada;;;
	// ORG:Analytical Engines
	// REV:20260420T093000Z
	// TEL;PREF=1;TYPE=cell;VALUE=uri:tel:+442079460958
	// UID:urn:uuid:01930000-0001-7000-8000-00000000000a
	// END:VCARD
}
