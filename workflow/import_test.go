package workflow_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/emersion/go-vcard"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
	"leadcap/storage"
	"leadcap/workflow"
)

// filler is n bytes of 'x' without a line break, made on the fly.
type filler struct{ n int64 }

func (f *filler) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, io.EOF
	}
	k := min(int64(len(p)), f.n)
	for i := range k {
		p[i] = 'x'
	}
	f.n -= k
	return int(k), nil
}

// A huge line is refused with a clear reason and is never held in memory
// (it used to take twice its size); the lines after it are imported.
func TestImportLongLine(t *testing.T) {
	src := openStore(t)
	seed(t, src)
	lines := strings.Split(strings.TrimSpace(string(exportJSONL(t, src))), "\n")

	const huge = 64 << 20
	rest := "\n" + strings.Join(lines[1:], "\n") + "\n"
	allocs := func(in io.Reader) (uint64, workflow.ImportResult, error) {
		dst := openStore(t)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		res, err := workflow.Import(context.Background(), dst, in)
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc, res, err
	}
	// What the same import costs with a short bad line instead: the store's
	// own work (record compression buffers and the like) is not the line's.
	base, _, _ := allocs(io.MultiReader(strings.NewReader(lines[0]+"\n"), &filler{n: 16}, strings.NewReader(rest)))
	used, res, err := allocs(io.MultiReader(strings.NewReader(lines[0]+"\n"), &filler{n: huge}, strings.NewReader(rest)))

	var ie *workflow.ImportError
	require.ErrorAs(t, err, &ie)
	require.Len(t, ie.Lines, 1)
	assert.Equal(t, 2, ie.Lines[0].Line)
	require.ErrorIs(t, err, workflow.ErrLineTooLong)
	assert.Contains(t, err.Error(), "64.0 MiB")
	assert.Equal(t, 4, res.Created, "the other lines are imported")
	assert.Equal(t, 1, res.Failed)
	assert.Less(t, used, base+uint64(huge/2), "the long line is not buffered (it took twice its size)")
}

// Two lines with the same lead ID and version but other content: the
// second is a conflict, not "unchanged"; an impossible version is refused.
func TestImportConflictAndBadVersion(t *testing.T) {
	src := openStore(t)
	seed(t, src)
	first := strings.SplitN(string(exportJSONL(t, src)), "\n", 2)[0]
	var rec, other, huge workflow.Record
	require.NoError(t, json.Unmarshal([]byte(first), &rec))
	require.NoError(t, json.Unmarshal([]byte(first), &other))
	require.NoError(t, json.Unmarshal([]byte(first), &huge))
	other.Contact.Title = "Managing Director"
	huge.Version = math.MaxInt64

	dst := openStore(t)
	in := jsonOf(t, rec) + "\n" + jsonOf(t, other) + "\n" + jsonOf(t, huge) + "\n"
	res, err := workflow.Import(context.Background(), dst, strings.NewReader(in))
	var ie *workflow.ImportError
	require.ErrorAs(t, err, &ie)
	require.Len(t, ie.Lines, 2)
	assert.Equal(t, 2, ie.Lines[0].Line)
	require.ErrorIs(t, ie.Lines[0], storage.ErrConflict)
	assert.Equal(t, 3, ie.Lines[1].Line)
	require.ErrorIs(t, ie.Lines[1], storage.ErrBadVersion)
	assert.Equal(t, workflow.ImportResult{Created: 1, Failed: 2, Conflicts: 1, Events: 1}, res)

	got, err := dst.Lead(rec.ID)
	require.NoError(t, err)
	assert.Equal(t, rec.Contact.Title, got.Contact.Title, "the first line is kept")
	assert.Equal(t, rec.Version, got.Version)
}

// A CR in a note (alone or not) cannot end the NOTE line and forge
// properties or a second card; a semicolon stays escaped in N and ADR.
func TestVCardNoteCannotForgeCards(t *testing.T) {
	l := lead.Lead{
		ID: uuid.MustParse("01930000-0001-7000-8000-00000000000a"),
		Contact: lead.Contact{GivenName: "Ada;Augusta", FamilyName: "Lovelace", Emails: []string{"ada@example.com"},
			Address: lead.Address{Street: "1 St James's Sq; Flat 2", City: "London", Country: "GB"}},
		Notes: []lead.Note{{Text: "fine\rEND:VCARD\rBEGIN:VCARD\rVERSION:4.0\rFN:Mallory\rEMAIL:m@evil.example\r\nok\x1b[2J"}},
	}
	var b bytes.Buffer
	require.NoError(t, workflow.Encode(context.Background(), &b, workflow.FormatVCard, []lead.Lead{l}, nil))
	out := b.String()
	assert.Equal(t, 1, strings.Count("\r\n"+out, "\r\nBEGIN:VCARD\r\n"), "one card: %q", out)
	assert.Equal(t, strings.Count(out, "\r"), strings.Count(out, "\r\n"), "no CR but at line ends")
	assert.NotContains(t, out, "\x1b")
	assert.Contains(t, out, `N:Lovelace;Ada\;Augusta;;;`)
	assert.Contains(t, out, `ADR:;;1 St James's Sq\; Flat 2;London;;;GB`)

	dec := vcard.NewDecoder(strings.NewReader(out))
	card, err := dec.Decode()
	require.NoError(t, err)
	assert.Equal(t, []string{"ada@example.com"}, card.Values(vcard.FieldEmail), "no forged EMAIL")
	assert.Contains(t, card.Value(vcard.FieldNote), "FN:Mallory", "the forged lines stay inside the note")
	_, err = dec.Decode()
	assert.ErrorIs(t, err, io.EOF, "one card")
}
