package capture

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/internal/cardgen"
)

// TestDecodeBytesLargePhotos reads large photos (5 megapixels, decoded at
// half size like a 12-megapixel one, and quicker to render) whose code the
// half-size frame's quick steps miss: a small code and a tilted card, read
// by the look at the full-size frame's regions or the later steps, and
// reported where they were drawn, in full-size coordinates.
func TestDecodeBytesLargePhotos(t *testing.T) {
	for name, spec := range map[string]cardgen.Spec{
		"small code, 5 MP":  {Payload: urlFR, Encoding: cardgen.UTF8ECI, Degradation: cardgen.Small, Seed: 33, Width: 2600, Height: 1950},
		"perspective, 5 MP": {Payload: urlFR, Encoding: cardgen.UTF8ECI, Degradation: cardgen.Perspective, Seed: 38, Width: 2600, Height: 1950},
	} {
		t.Run(name, func(t *testing.T) {
			ph := render(t, spec)
			half, err := jpegLuma(ph.Data, 1)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := newRun(half, largeCascade).until(quickSteps); !errors.Is(err, ErrNoCode) {
				t.Fatalf("the half-size frame's quick steps read the code (err %v): the photo does not test the full-size look", err)
			}
			readOne(t, spec)
		})
	}
}

// TestDecodeBytesLargeShake: a 12-megapixel hand-shake photo is read by
// the half-size frame's quick steps, which include undoing the motion blur
// of streaked regions, without the full-size decode that cannot help it.
func TestDecodeBytesLargeShake(t *testing.T) {
	for _, seed := range []uint64{12} {
		s := cardgen.Spec{Payload: vcardDE, Encoding: cardgen.UTF8ECI, Degradation: cardgen.Shake, Seed: seed, Width: 4000, Height: 3000}
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			ph := render(t, s)
			half, err := jpegLuma(ph.Data, 1)
			require.NoError(t, err)
			codes, err := newRun(half, largeCascade).until(quickSteps)
			require.NoError(t, err, "photo: %s", ph.Desc)
			require.Len(t, codes, 1)
			assert.Equal(t, s.Payload, codes[0].Text)
			readOne(t, s)
		})
	}
}

// TestDecodeBytesLargeTilted: 12-megapixel photos of tilted and glared
// cards, which the half-size frame reads only with the regions' harder
// steps, are read by the step largeCascade puts early for them: the
// regions' finder retry among the quick steps (before the full-size
// decode), the contrast step and the warps right after the full-size look
// and before the whole-frame retries, which cost 20–80 ms on such photos
// and read none of them.
func TestDecodeBytesLargeTilted(t *testing.T) {
	set := cardgen.Set(48, 4000, 3000) // `cardgen -out DIR -n 48 -size 4000x3000`
	for _, tc := range []struct {
		file  int // 1-based, as the file names
		quick bool
		step  string
	}{
		{16, true, "regionsFinder"},    // perspective
		{45, false, "regionsEnhanced"}, // glare
		{21, false, "regionsWarped"},   // glare
	} {
		s := set[tc.file-1]
		t.Run(s.Name(), func(t *testing.T) {
			ph := render(t, s)
			half, err := jpegLuma(ph.Data, 1)
			require.NoError(t, err)
			run := newRun(half, largeCascade)
			codes, err := run.until(quickSteps)
			if !tc.quick {
				require.ErrorIs(t, err, ErrNoCode, "the quick steps read the photo (by %s): it does not test the order after them", run.readBy)
				full, ferr := jpegLuma(ph.Data, 0)
				require.NoError(t, ferr)
				require.Empty(t, regionsAtFullSize(full), "the full-size look read the photo")
				codes, err = run.until(len(largeCascade))
			}
			require.NoError(t, err, "photo: %s", ph.Desc)
			require.Len(t, codes, 1)
			assert.Equal(t, s.Payload, codes[0].Text)
			assert.Equal(t, tc.step, run.readBy)
			assert.Less(t, stepIndex(t, largeCascade, tc.step), stepIndex(t, largeCascade, "globalHistogram"),
				"the step that reads tilted cards comes before the whole-frame retries")
			readOne(t, s)
		})
	}
}

func stepIndex(t *testing.T, steps []namedStep, name string) int {
	t.Helper()
	for i, s := range steps {
		if s.name == name {
			return i
		}
	}
	t.Fatalf("no step %q", name)
	return -1
}
