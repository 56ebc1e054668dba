package capture

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var scanStart = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// typeKeys feeds s to a one key every step starting at start, and returns
// the payloads completed along the way and the time of the last key.
func typeKeys(a *Assembler, s string, start time.Time, step time.Duration) ([]string, time.Time) {
	var out []string
	at := start
	for _, r := range s {
		out = append(out, a.Key(r, at)...)
		at = at.Add(step)
	}
	return out, at.Add(-step)
}

const vcardLF = "BEGIN:VCARD\nVERSION:3.0\nN:Ødegård;Søren;;;\nFN:Søren Ødegård\nTEL;TYPE=CELL:+47 912 34 567\nEMAIL:soren@fjord.example\nEND:VCARD"

type assemblerCase struct {
	name  string
	keys  string        // what the scanner types; \n = Enter, \t = Tab
	flush time.Duration // a Flush this long after the last key, if > 0
	want  []string
	// name of the person Parse must find in the first payload, if any
	person string
}

var assemblerCases = []assemblerCase{
	{
		name: "Honeywell Xenon, vCard with Enter for line breaks and Enter suffix",
		keys: vcardLF + "\n", want: []string{vcardLF}, person: "Søren Ødegård",
	},
	{
		name: "Zebra DS2208, vCard with CR LF sent as two Enter keys",
		keys: strings.ReplaceAll(vcardLF, "\n", "\r\n") + "\r\n",
		want: []string{strings.ReplaceAll(vcardLF, "\n", "\n\n")}, person: "Søren Ødegård",
	},
	{
		name: "Datalogic, vCard with Tab for line breaks and no suffix",
		keys: strings.ReplaceAll(vcardLF, "\n", "\t"), want: []string{vcardLF}, person: "Søren Ødegård",
	},
	{
		name:   "scanner configured to drop line breaks, vCard completes at END:VCARD",
		keys:   strings.ReplaceAll(vcardLF, "\n", ""),
		want:   []string{strings.ReplaceAll(vcardLF, "\n", "")},
		person: "Søren Ødegård",
	},
	{
		name: "vCard cut short by the scanner, completed after ten pauses",
		keys: "BEGIN:VCARD\nVERSION:3.0\nFN:Søren Ødegård\nEMAIL:soren@fjord.example", flush: 2 * time.Second,
		want: []string{"BEGIN:VCARD\nVERSION:3.0\nFN:Søren Ødegård\nEMAIL:soren@fjord.example"}, person: "Søren Ødegård",
	},
	{
		name: "MECARD without Enter suffix completes at ;;",
		keys: "MECARD:N:Núñez,José;EMAIL:jose@example.es;;",
		want: []string{"MECARD:N:Núñez,José;EMAIL:jose@example.es;;"}, person: "José Núñez",
	},
	{
		name: "MECARD with Enter suffix: the Enter after ;; adds nothing",
		keys: "MECARD:N:Núñez,José;EMAIL:jose@example.es;;\n",
		want: []string{"MECARD:N:Núñez,José;EMAIL:jose@example.es;;"}, person: "José Núñez",
	},
	{
		name: "MECARD whose value ends in an escaped ; is not cut there",
		keys: `MECARD:N:Núñez,José;ORG:A\;;EMAIL:jose@example.es;;`,
		want: []string{`MECARD:N:Núñez,José;ORG:A\;;EMAIL:jose@example.es;;`}, person: "José Núñez",
	},
	{
		name: "MECARD without the closing ;; completes at Enter",
		keys: "MECARD:N:Núñez,José;EMAIL:jose@example.es;\n",
		want: []string{"MECARD:N:Núñez,José;EMAIL:jose@example.es;"}, person: "José Núñez",
	},
	{
		name: "one-line badge with Enter suffix",
		keys: "RG8C2XQ^Björn^Þórsson^bjorn@marel.example^^^^^^\n",
		want: []string{"RG8C2XQ^Björn^Þórsson^bjorn@marel.example^^^^^^"}, person: "Björn Þórsson",
	},
	{
		name: "one-line badge ID without suffix, completed after the pause",
		keys: "114532890217386234001", flush: 250 * time.Millisecond,
		want: []string{"114532890217386234001"},
	},
	{
		name: "one-line badge ID with Tab suffix",
		keys: "114532890217386234001\t",
		want: []string{"114532890217386234001"},
	},
	{
		name: "two badges in a row, each with Enter",
		keys: "1001\n1002\n",
		want: []string{"1001", "1002"},
	},
	{
		name: "scanner control characters are dropped",
		keys: "\x1b1001\x1d2\n",
		want: []string{"10012"},
	},
	{
		name: "stray Enter keys give nothing",
		keys: "\n\r\n\t",
	},
}

func TestAssembler(t *testing.T) {
	for _, tc := range assemblerCases {
		t.Run(tc.name, func(t *testing.T) {
			a := NewAssembler(200 * time.Millisecond)
			got, last := typeKeys(a, tc.keys, scanStart, 3*time.Millisecond)
			assert.Empty(t, a.Flush(last.Add(199*time.Millisecond)), "nothing completes before the pause")
			if tc.flush > 0 {
				got = append(got, a.Flush(last.Add(tc.flush))...)
			}
			require.Equal(t, tc.want, got)
			assert.False(t, a.Pending(), "nothing left over")
			if tc.person != "" {
				p, err := Parse(got[0], "DE")
				require.NoError(t, err)
				assert.Equal(t, tc.person, p.Contact.FullName)
			}
		})
	}
}

func TestAssemblerNextScanAfterPauseCompletesThePreviousOne(t *testing.T) {
	a := NewAssembler(100 * time.Millisecond)
	got, last := typeKeys(a, "1001", scanStart, 2*time.Millisecond)
	assert.Empty(t, got)
	assert.True(t, a.Pending())
	got, _ = typeKeys(a, "1002\n", last.Add(time.Second), 2*time.Millisecond)
	assert.Equal(t, []string{"1001", "1002"}, got)
}

func TestAssemblerWaitsOutAStallInsideAVCard(t *testing.T) {
	a := NewAssembler(200 * time.Millisecond)
	half := len(vcardLF) / 2
	got, last := typeKeys(a, vcardLF[:half], scanStart, 3*time.Millisecond)
	assert.Empty(t, got)
	assert.Empty(t, a.Flush(last.Add(500*time.Millisecond)), "a Bluetooth scanner stalls for half a second")
	got, last = typeKeys(a, vcardLF[half:]+"\n", last.Add(600*time.Millisecond), 3*time.Millisecond)
	assert.Equal(t, []string{vcardLF}, got)
	assert.Empty(t, a.Flush(last.Add(time.Hour)))
}

func TestAssemblerDefaultPause(t *testing.T) {
	a := NewAssembler(0)
	_, last := typeKeys(a, "1001", scanStart, time.Millisecond)
	assert.Empty(t, a.Flush(last.Add(AssemblerPause-time.Millisecond)))
	assert.Equal(t, []string{"1001"}, a.Flush(last.Add(AssemblerPause)))
}

func TestAssemblerBoundsAPayload(t *testing.T) {
	a := NewAssembler(time.Second)
	got, _ := typeKeys(a, strings.Repeat("ø", MaxPayload), scanStart, time.Microsecond)
	require.NotEmpty(t, got)
	for _, p := range got {
		assert.LessOrEqual(t, len(p), MaxPayload)
		_, err := Parse(p, "DE")
		var nc *NotAContactError
		require.ErrorAs(t, err, &nc)
		assert.Equal(t, "text", nc.Kind, "cut to a size Parse reads")
	}
	assert.True(t, a.Pending())
}
