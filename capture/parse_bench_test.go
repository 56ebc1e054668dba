package capture

import (
	"strings"
	"testing"
	"time"
)

func BenchmarkParse(b *testing.B) {
	byName := map[string]string{}
	for _, tc := range parseCases {
		byName[tc.name] = tc.payload
	}
	cases := []struct{ name, payload string }{
		{"iPhone vCard 3.0", byName["iPhone contact share, vCard 3.0"]},
		{"Outlook vCard 2.1 QP", byName["Outlook 2016 export, vCard 2.1 quoted-printable"]},
		{"vCard without line breaks", byName["Handheld scanner without line breaks, vCard 3.0"]},
		{"MECARD", byName["QR Code Generator web, MECARD"]},
		{"Cvent caret badge", byName["Cvent badge, caret-delimited"]},
		{"opaque badge", byName["Eventbrite badge, opaque ID"]},
		// worst cases a fuzzer found slow before the look-ahead was bounded
		{"adversarial no-break params 6KB", "BEGIN:VCARD" + strings.Repeat("TEL;TYPE=", 700)},
		{"adversarial no-break X- params 6KB", "BEGIN:VCARD" + strings.Repeat("N;X-A=", 1000)},
		{"adversarial no-break 8KB", "BEGIN:VCARD" + strings.Repeat("N;X-A=", MaxPayload/6-2)},
		{"adversarial no-break with colons 8KB", "BEGIN:VCARD" + strings.Repeat(strings.Repeat("N;X-A=", 40)+":", MaxPayload/242)},
		{"adversarial X- chains 8KB", "BEGIN:VCARD" + strings.Repeat(strings.Repeat("X-", 30)+":", MaxPayload/61-1)},
		{"adversarial folded lines 8KB", "BEGIN:VCARD\nNOTE:" + strings.Repeat("\n x", MaxPayload/3-8)},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.payload)))
			for b.Loop() {
				_, _ = Parse(c.payload, "DE")
			}
		})
	}
}

func BenchmarkAssembler(b *testing.B) {
	keys := vcardLF + "\n"
	b.SetBytes(int64(len(keys)))
	for b.Loop() {
		a := NewAssembler(AssemblerPause)
		at := scanStart
		for _, r := range keys {
			a.Key(r, at)
			at = at.Add(time.Millisecond)
		}
	}
}
