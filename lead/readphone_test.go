package lead_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
)

func TestReadPhone(t *testing.T) {
	tests := []struct {
		name, raw, region, want, err string
	}{
		{name: "valid with country code", raw: "+49 30 1234567", want: "+49301234567"},
		{name: "00 prefix", raw: "0033 1 42 68 53 00", want: "+33142685300"},
		{name: "(0) in an international number", raw: "+44 (0)20 7946 0958", want: "+442079460958"},
		{name: "national, valid in region", raw: "030 1234567", region: "DE", want: "+49301234567"},
		{name: "national, no region: as written", raw: "030  1234567", want: "030 1234567"},
		{name: "national, not valid in region: as written", raw: "917-364-2918", region: "FR", want: "917-364-2918"},
		{name: "invalid for its country code: as written, not E.164", raw: "+1-031-111-1111", region: "US", want: "+1-031-111-1111"},
		{name: "E.164-shaped but not possible: as written", raw: "+100000", want: "+100000"},
		{name: "extension", raw: "(0511) 123 456 ext. 12", want: "(0511) 123 456 ext. 12"},
		{name: "tel: URI", raw: "tel:+49-30-1234567", want: "+49301234567"},
		{name: "callto: URI", raw: "callto://+4930 1234567", want: "+49301234567"},
		{name: "facetime: URI", raw: "FaceTime:+14155550123", want: "+14155550123"},
		{name: "sip: URI with a number at a gateway", raw: "sip:+49-30-1234567:secret@pbx.example.com;user=phone", want: "+49301234567"},
		{name: "sip: URI with a name", raw: "sip:anna@pbx.example.com", err: "is not a phone number"},
		{name: "words", raw: "BusinessPhone", err: "is not a phone number"},
		{name: "letters in a number", raw: "1-800-FLOWERS", err: "is not a phone number"},
		{name: "one digit", raw: "7", err: "is not a phone number"},
		{name: "too many digits", raw: "1234567890123456789", err: "too few or too many digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := lead.ReadPhone(tt.raw, tt.region)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestNormalizeReadDropsOnlyWhatIsInvalid(t *testing.T) {
	c := lead.Contact{
		FullName: "Ute Brandt",
		Emails:   []string{"ute@brandt.example", "4711081512", "Ute@Brandt.example"},
		Phones:   []lead.Phone{{Raw: "BusinessPhone"}, {Raw: "030 1234567", Kind: "Work"}, {Raw: "917-364-2918"}},
	}
	dropped := c.NormalizeRead("DE")
	require.Len(t, dropped, 2)
	assert.Equal(t, "contact.emails[1]", dropped[0].Field)
	assert.Equal(t, "4711081512", dropped[0].Value)
	assert.Equal(t, "contact.phones[0]", dropped[1].Field)
	assert.Equal(t, []string{"ute@brandt.example"}, c.Emails)
	assert.Equal(t, []lead.Phone{{Number: "+49301234567", Raw: "030 1234567", Kind: "work"}, {Number: "+499173642918", Raw: "917-364-2918"}}, c.Phones)

	// What NormalizeRead kept passes Normalize unchanged: a number kept as
	// written stays as written when the lead is saved.
	c2 := lead.Contact{FullName: "Dana", Phones: []lead.Phone{{Raw: "917-364-2918"}}}
	require.Empty(t, c2.NormalizeRead(""))
	before := c2.Phones[0]
	require.NoError(t, c2.Normalize("US"))
	assert.Equal(t, before, c2.Phones[0])

	// The same for a number kept as written that looks like E.164 (a + and
	// digits) but is not a possible one: found by FuzzParse.
	c3 := lead.Contact{FullName: "Dana", Phones: []lead.Phone{{Raw: "+100000"}}}
	require.Empty(t, c3.NormalizeRead("DE"))
	require.Equal(t, "+100000", c3.Phones[0].Number)
	before = c3.Phones[0]
	require.NoError(t, c3.Normalize("DE"))
	assert.Equal(t, before, c3.Phones[0])

	// One that NormalizePhone would change (+82 drops a national 0).
	c4 := lead.Contact{FullName: "Dana", Phones: []lead.Phone{{Raw: "+82000000"}}}
	require.Empty(t, c4.NormalizeRead(""))
	before = c4.Phones[0]
	require.NoError(t, c4.Normalize(""))
	assert.Equal(t, before, c4.Phones[0])

	// Typed by a person, the same number is refused.
	typed := lead.Contact{FullName: "Dana", Phones: []lead.Phone{{Raw: "+100000"}}}
	require.Error(t, typed.Normalize("DE"))
}

func TestJoinName(t *testing.T) {
	assert.Equal(t, "Jan Kowalski", lead.JoinName("Jan", "Kowalski"))
	assert.Equal(t, "山田太郎", lead.JoinName("太郎", "山田"))
	assert.Equal(t, "김민준", lead.JoinName("민준", "김"))
	assert.Equal(t, "Taro 山田", lead.JoinName("Taro", "山田"), "mixed scripts keep the Western order")
	assert.Equal(t, "Kowalski", lead.JoinName("", "Kowalski"))
}

func TestBadgePattern(t *testing.T) {
	p := lead.BadgePattern{Prefix: "MUC-", Regexp: `MUC-[0-9]+`, Length: 8}
	require.NoError(t, p.Validate())
	assert.True(t, p.Match("MUC-1234"))
	assert.False(t, p.Match("MUC-12345"), "length")
	assert.False(t, p.Match("MUC-12a4"), "regexp")
	assert.False(t, p.Match("HAM-1234"), "prefix")
	assert.False(t, lead.BadgePattern{}.Match("anything"), "a zero pattern matches nothing")

	var fe *lead.FieldError
	require.ErrorAs(t, lead.BadgePattern{Regexp: "[0-9"}.Validate(), &fe)
	assert.Equal(t, "badge.regexp", fe.Field)
	require.ErrorAs(t, lead.BadgePattern{Length: -1}.Validate(), &fe)
	ev := lead.Event{Name: "Messe", Badge: lead.BadgePattern{Regexp: "("}}
	assert.Error(t, ev.Validate(), "an event with a broken pattern is refused")
}
