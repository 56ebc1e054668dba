package capture

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/internal/cardgen"
)

// shakePhotos are strong hand-shake photos (streaks of 2.5–3 modules) that
// gozxing alone cannot read, in every region the texture map finds.
var shakePhotos = []cardgen.Spec{
	{Payload: cardgen.Payloads[4], Encoding: cardgen.UTF8ECI, Degradation: cardgen.Shake, Seed: 12},
	{Payload: cardgen.Payloads[3], Encoding: cardgen.Latin1Raw, Degradation: cardgen.Shake, Seed: 24},
}

// TestDeblurRetry: undoing the estimated motion blur is what reads these
// photos; gozxing's reads of the same regions, plain or sharpened, do not.
func TestDeblurRetry(t *testing.T) {
	for _, s := range shakePhotos {
		t.Run(fmt.Sprint(s.Seed), func(t *testing.T) {
			ph := render(t, s)
			g, err := jpegLuma(ph.Data, 0)
			require.NoError(t, err)
			r := newReader()
			rois := r.rois(g)
			require.NotEmpty(t, rois, "photo: %s", ph.Desc)
			for _, c := range rois {
				assert.False(t, r.attempt(c.crop, hybrid, true, c.back), "plain read of %v", c.rect)
				assert.False(t, r.attempt(c.crop.unsharp(2, 3), hybrid, true, c.back), "sharpened read of %v", c.rect)
			}
			require.True(t, r.deblurStreaked(g), "photo: %s", ph.Desc)
			require.Len(t, r.codes, 1)
			assert.Equal(t, s.Payload, r.codes[0].Text)
			cx, cy := quadCentre(ph.QR)
			assert.True(t, r.codes[0].Bounds.Min.X <= cx && cx <= r.codes[0].Bounds.Max.X &&
				r.codes[0].Bounds.Min.Y <= cy && cy <= r.codes[0].Bounds.Max.Y,
				"code drawn around (%d,%d), reported at %v", cx, cy, r.codes[0].Bounds)
		})
	}
}

// TestEstimateMotion checks the streak estimate on a pattern of random
// 4-pixel modules smeared by a known streak.
func TestEstimateMotion(t *testing.T) {
	for _, tc := range []struct{ degrees, length float64 }{{30, 12}, {100, 16}, {165, 10}} {
		t.Run(fmt.Sprint(tc), func(t *testing.T) {
			const n = 200
			sharp := newGray(n, n)
			seed := uint32(7)
			for y := range n / 4 {
				for x := range n / 4 {
					seed = seed*1664525 + 1013904223
					v := byte(230)
					if seed>>31 == 1 {
						v = 25
					}
					for j := range 4 {
						for i := range 4 {
							sharp.pix[(4*y+j)*n+4*x+i] = v
						}
					}
				}
			}
			a := tc.degrees * math.Pi / 180
			blurred := newGray(n, n)
			const taps = 33
			for y := range n {
				for x := range n {
					var s float64
					for k := range taps {
						d := (float64(k)/(taps-1) - 0.5) * tc.length
						s += float64(sharp.bilinear(float64(x)+d*math.Cos(a), float64(y)+d*math.Sin(a)))
					}
					blurred.pix[y*n+x] = uint8(s / taps)
				}
			}
			guesses := estimateMotion(blurred)
			require.NotEmpty(t, guesses)
			m := guesses[0]
			assert.InDelta(t, 0, math.Remainder(m.angle-a, math.Pi)*180/math.Pi, 6, "angle %.1f°", m.angle*180/math.Pi)
			require.NotEmpty(t, m.lengths)
			assert.InEpsilon(t, tc.length, m.lengths[0], 0.2, "length")
		})
	}
}

func TestFFTRoundTrip(t *testing.T) {
	a := make([]complex128, 16)
	for i := range a {
		a[i] = complex(float64(i*i%7), 0)
	}
	b := append([]complex128(nil), a...)
	fft(b, false)
	// The DC term is the sum.
	var sum float64
	for _, v := range a {
		sum += real(v)
	}
	assert.InDelta(t, sum, real(b[0]), 1e-9)
	fft(b, true)
	for i := range a {
		assert.InDelta(t, real(a[i]), real(b[i]), 1e-9)
		assert.InDelta(t, 0, imag(b[i]), 1e-9)
	}
}

// TestStreakiness: the regions of hand-shake photos count as streaked (so
// deblurStreaked tries them early), those of sharp, tilted or glared codes
// do not (so they skip the deblurring until the enhancements had a go).
func TestStreakiness(t *testing.T) {
	sharp := []cardgen.Spec{
		{Payload: cardgen.Payloads[1], Encoding: cardgen.UTF8ECI, Degradation: cardgen.Clean, Seed: 1},
		{Payload: cardgen.Payloads[2], Encoding: cardgen.UTF8ECI, Degradation: cardgen.Perspective, Seed: 4},
		{Payload: cardgen.Payloads[3], Encoding: cardgen.UTF8ECI, Degradation: cardgen.Glare, Seed: 9},
		{Payload: cardgen.Payloads[0], Encoding: cardgen.UTF8ECI, Degradation: cardgen.Blur, Seed: 5},
	}
	for _, tc := range []struct {
		specs    []cardgen.Spec
		streaked bool
	}{{shakePhotos, true}, {sharp, false}} {
		for _, s := range tc.specs {
			t.Run(fmt.Sprint(s.Degradation, s.Seed), func(t *testing.T) {
				ph := render(t, s)
				g, err := jpegLuma(ph.Data, 0)
				require.NoError(t, err)
				rois := newReader().rois(g)
				require.NotEmpty(t, rois, "photo: %s", ph.Desc)
				// The region holding the code comes first (the most cells).
				c := &rois[0]
				assert.Equal(t, tc.streaked, c.streakiness() >= minStreakiness,
					"streakiness %.2f of %v, photo: %s", c.streakiness(), c.rect, ph.Desc)
			})
		}
	}
}
