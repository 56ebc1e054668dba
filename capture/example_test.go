package capture_test

import (
	"errors"
	"fmt"
	"time"

	"leadcap/capture"
	"leadcap/lead"
)

func ExampleParse() {
	payload := "BEGIN:VCARD\r\n" +
		"VERSION:2.1\r\n" +
		"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen\r\n" +
		"TEL;CELL:0171 2345678\r\n" +
		"EMAIL;PREF;INTERNET:Juergen.Mueller@example.de\r\n" +
		"END:VCARD\r\n"
	p, err := capture.Parse(payload, "DE")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Format, p.Method)
	fmt.Println(p.Contact.FullName)
	fmt.Println(p.Contact.Emails[0])
	fmt.Println(p.Contact.Phones[0].Number, p.Contact.Phones[0].Kind)
	// Output:
	// vcard qr-scan
	// Jürgen Müller
	// juergen.mueller@example.de
	// +491712345678 mobile
}

func ExampleParse_badge() {
	p, err := capture.Parse("MECARD:N:Lindqvist,Åsa;ORG:Svensk Mätteknik AB;EMAIL:asa@matteknik.se;CONF:7GJ4KX2P;;", "SE")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Format, p.Method, p.BadgeID)
	fmt.Println(p.Contact.FullName, "/", p.Contact.Organization)

	// An opaque badge ID is a valid scan without a reachable contact.
	p, _ = capture.Parse("114532890217386234001", "DE")
	fmt.Println(p.Format, p.BadgeID, p.Reachable())
	// Output:
	// badge badge-scan 7GJ4KX2P
	// Åsa Lindqvist / Svensk Mätteknik AB
	// badge 114532890217386234001 false
}

func ExampleParse_notTaken() {
	payload := "BEGIN:VCARD\nVERSION:2.1\nFN:Ute Brandt\nEMAIL;PREF;INTERNET:ute@brandt.example\n" +
		"EMAIL;TLX:4711081512\nTEL;WORK;VOICE:BusinessPhone\nEND:VCARD"
	p, err := capture.Parse(payload, "DE")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Contact.FullName, p.Contact.Emails)
	for _, nt := range p.NotTaken {
		fmt.Println("not taken over:", nt.Field, nt.Value)
	}
	// Output:
	// Ute Brandt [ute@brandt.example]
	// not taken over: EMAIL 4711081512
	// not taken over: TEL BusinessPhone
}

func ExampleParseWith() {
	// The event's badges are "MUC26-" and six digits; an EAN on a product
	// or another event's badge is then never taken for one.
	o := capture.Options{Region: "DE", Badge: lead.BadgePattern{Prefix: "MUC26-", Regexp: `MUC26-[0-9]{6}`}}
	p, err := capture.ParseWith("MUC26-004711", o)
	fmt.Println(p.Format, p.BadgeID, err)
	_, err = capture.ParseWith("CV8X2K9Q", o)
	fmt.Println(errors.Is(err, capture.ErrNotAContact))
	// Output:
	// badge MUC26-004711 <nil>
	// true
}

func ExampleParse_notAContact() {
	_, err := capture.Parse("WIFI:T:WPA;S:Messe-Gast;P:Willkommen2026!;;", "DE")
	var nc *capture.NotAContactError
	if errors.As(err, &nc) {
		fmt.Println(errors.Is(err, capture.ErrNotAContact), nc.Kind)
		fmt.Println(err)
	}
	// Output:
	// true wifi
	// the code holds Wi-Fi network settings: save it as a note, or scan the person's badge or card instead
}

func ExampleDecodeText() {
	fmt.Println(capture.DecodeText([]byte("S\xf8ren \xd8deg\xe5rd"), ""))             // ISO-8859-1, no ECI
	fmt.Println(capture.DecodeText([]byte("S\xc3\xb8ren \xc3\x98deg\xc3\xa5rd"), "")) // UTF-8, no ECI
	fmt.Println(capture.DecodeText([]byte("\x93\x8c\x8b\x9e"), "20"))                 // ECI 20: Shift_JIS
	// Output:
	// Søren Ødegård
	// Søren Ødegård
	// 東京
}

func ExampleAssembler() {
	a := capture.NewAssembler(200 * time.Millisecond)
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	// A scanner types a vCard with Enter for line breaks, then a badge ID
	// without any suffix.
	for _, r := range "BEGIN:VCARD\nVERSION:3.0\nFN:Søren Ødegård\nEMAIL:soren@fjord.example\nEND:VCARD\n114532890217386234001" {
		for _, payload := range a.Key(r, at) {
			fmt.Printf("%q\n", payload)
		}
		at = at.Add(5 * time.Millisecond)
	}
	fmt.Println(len(a.Flush(at.Add(100*time.Millisecond))), "before the pause")
	fmt.Println(a.Flush(at.Add(300 * time.Millisecond)))
	// Output:
	// "BEGIN:VCARD\nVERSION:3.0\nFN:Søren Ødegård\nEMAIL:soren@fjord.example\nEND:VCARD"
	// 0 before the pause
	// [114532890217386234001]
}
