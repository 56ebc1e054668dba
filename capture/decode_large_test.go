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
		"perspective, 5 MP": {Payload: urlFR, Encoding: cardgen.UTF8ECI, Degradation: cardgen.Perspective, Seed: 36, Width: 2600, Height: 1950},
	} {
		t.Run(name, func(t *testing.T) {
			ph := render(t, spec)
			half, err := jpegLuma(ph.Data, 1)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := newRun(half).until(quickSteps); !errors.Is(err, ErrNoCode) {
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
			codes, err := newRun(half).until(quickSteps)
			require.NoError(t, err, "photo: %s", ph.Desc)
			require.Len(t, codes, 1)
			assert.Equal(t, s.Payload, codes[0].Text)
			readOne(t, s)
		})
	}
}
