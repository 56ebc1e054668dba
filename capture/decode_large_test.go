package capture

import (
	"errors"
	"testing"

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
