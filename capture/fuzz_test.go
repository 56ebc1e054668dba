package capture

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
)

func FuzzParse(f *testing.F) {
	for _, tc := range slices.Concat(parseCases, formatCases, realWorldCases, callURICases, delimitedBadgeCases, jsonAttendeeCases) {
		f.Add(tc.payload, tc.region)
	}
	// Text in Windows-1251 and GBK without a CHARSET (charset_guess.go).
	f.Add("BEGIN:VCARD\r\nVERSION:2.1\r\nN:\xcf\xe5\xf2\xf0\xee\xe2;\xc8\xe2\xe0\xed\r\nTEL:+79161234567\r\nEND:VCARD\r\n", "RU")
	f.Add("\xd5\xc5\xce\xb0\nzhang@example.cn\n+86 10 1234 5678", "CN")
	for _, tc := range notTakenCases {
		f.Add(tc.payload, tc.region)
	}
	for _, tc := range invalidCases {
		if len(tc.payload) < 2<<10 { // keep the corpus small enough to mutate
			f.Add(tc.payload, tc.region)
		}
	}
	// A number kept as written that looks like E.164 (found by fuzzing).
	f.Add("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Al Bo\r\nTEL:+100000\r\nEND:VCARD", "")
	formats := []Format{FormatVCard, FormatMECARD, FormatBizcard, FormatMailto, FormatTel, FormatURL, FormatBadge, FormatKDDI, FormatPlain}
	f.Fuzz(func(t *testing.T, payload, region string) {
		p, err := Parse(payload, region)
		require.Equal(t, payload, p.Payload)
		var nc *NotAContactError
		switch {
		case errors.As(err, &nc):
			require.ErrorIs(t, err, ErrNotAContact)
			require.Equal(t, payload, nc.Raw)
			require.Equal(t, lead.Contact{}, p.Contact, "a contact invented from something that is not one")
		case err != nil:
			var fe *lead.FieldError
			require.ErrorAs(t, err, &fe, "only field errors besides NotAContactError: %v", err)
			require.Contains(t, formats, p.Format)
		default:
			require.Contains(t, formats, p.Format)
			require.Contains(t, []lead.Method{lead.MethodQRScan, lead.MethodBadgeScan}, p.Method)
			if p.Format != FormatBadge {
				require.False(t, contactEmpty(&p.Contact), "an empty contact that is not a badge")
			}
			for _, nt := range p.NotTaken {
				require.NotEmpty(t, nt.Field)
				require.NotEmpty(t, nt.Reason)
			}
			for _, v := range []string{p.Contact.FullName, p.Contact.GivenName, p.Contact.FamilyName, p.Contact.Organization, p.Contact.Title, p.Contact.Address.Street} {
				require.False(t, strings.ContainsFunc(v, unicode.IsControl), "control character in %q", v)
			}
			// The contact is normalized: normalizing again changes nothing.
			c := p.Contact
			c.Emails, c.URLs, c.Phones = slices.Clone(c.Emails), slices.Clone(c.URLs), slices.Clone(c.Phones)
			require.NoError(t, c.Normalize(region))
			if len(c.Emails) == 0 {
				c.Emails = nil
			}
			if len(c.URLs) == 0 {
				c.URLs = nil
			}
			require.Equal(t, p.Contact, c)
		}
	})
}

// visibleKeys keeps what an Assembler must never lose: everything but white
// space and control characters.
func visibleKeys(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

func FuzzAssembler(f *testing.F) {
	for _, tc := range assemblerCases {
		f.Add(tc.keys, uint8(3), uint16(200))
	}
	for _, tc := range parseCases {
		f.Add(tc.payload+"\n", uint8(2), uint16(150))
	}
	for _, tc := range invalidCases {
		if len(tc.payload) < 2<<10 {
			f.Add(tc.payload+"\r\n", uint8(1), uint16(50))
		}
	}
	f.Fuzz(func(t *testing.T, keys string, stepMS uint8, pauseMS uint16) {
		pause := time.Duration(pauseMS) * time.Millisecond
		step := time.Duration(stepMS) * time.Millisecond
		a := NewAssembler(pause)
		var got []string
		at := scanStart
		for _, r := range keys {
			got = append(got, a.Key(r, at)...)
			at = at.Add(step)
		}
		got = append(got, a.Flush(at.Add(time.Hour))...)
		assert.False(t, a.Pending())
		for _, p := range got {
			require.NotEmpty(t, strings.TrimSpace(p))
			require.LessOrEqual(t, len(p), MaxPayload)
			_, _ = Parse(p, "DE") // must not panic on anything an Assembler makes
		}
		require.Equal(t, visibleKeys(keys), visibleKeys(strings.Join(got, "")), "keys lost or invented")
	})
}
