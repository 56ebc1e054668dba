package capture

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/internal/cardgen"
)

// TestDataMatrixTilted reads Data Matrix badges whose symbol is turned
// against the photo's rows, which gozxing's detector misses as they are: a
// skewed badge at 25° and a tilted, blurred one at 7° (read once the region
// is turned upright by its grid's angle), a noisy one at 6° (turned, with
// the global-histogram binarizer) and a slanted, glared one at 11° (turned
// and warped, at the end of the cascade). The specs are those of `cardgen -badges 36` (files 511,
// 514, 520 and 532).
func TestDataMatrixTilted(t *testing.T) {
	specs := cardgen.BadgeSet(36, 1920, 1080)
	for _, i := range []int{11, 14, 20, 32} {
		s := specs[i]
		require.Equal(t, cardgen.DataMatrix, s.Symbology)
		t.Run(string(s.Degradation), func(t *testing.T) {
			code, _, _ := readOne(t, s)
			assert.Equal(t, DataMatrix, code.Symbology)
		})
	}
}

// TestDataMatrixQuick: a Data Matrix badge in a busy photo is read among
// the quick steps (the candidate regions, as they are and turned upright,
// the noisy one with the global-histogram binarizer), not after every QR
// retry has failed, which took 200–650 ms per photo.
func TestDataMatrixQuick(t *testing.T) {
	for _, i := range []int{2, 8, 11, 14, 20, 23, 26} { // clean, rotate, perspective, blur, noise, dim, glare
		s := cardgen.BadgeSet(36, 1920, 1080)[i]
		t.Run(string(s.Degradation), func(t *testing.T) {
			ph := render(t, s)
			g, err := jpegLuma(ph.Data, 0)
			require.NoError(t, err)
			codes, err := newRun(g, cascade).until(quickSteps)
			require.NoError(t, err)
			require.Len(t, codes, 1)
			assert.Equal(t, s.Payload, codes[0].Text)
			assert.Equal(t, DataMatrix, codes[0].Symbology)
		})
	}
}

// TestGridAngle: the angle of a square grid's edges comes out within a
// degree, folded into (-45°, 45°], whichever way the grid is turned.
func TestGridAngle(t *testing.T) {
	const n = 200
	grid := newGray(n, n)
	for y := range n {
		for x := range n {
			// 10-pixel modules in a pseudo-random pattern, white border.
			mx, my := x/10, y/10
			if x >= 20 && y >= 20 && x < n-20 && y < n-20 && (mx*7+my*13+mx*my)%3 == 0 {
				continue
			}
			grid.pix[y*n+x] = 255
		}
	}
	for _, deg := range []float64{0, 7, -12, 25, 40, 70, -80} {
		turned, _ := grid.rotate(deg * math.Pi / 180)
		angle, strength := gridAngle(turned)
		want := math.Remainder(deg, 90)
		assert.InDelta(t, want, angle*180/math.Pi, 1, "turned by %v°", deg)
		assert.Greater(t, strength, 0.3, "turned by %v°", deg)
	}
	flat := newGray(50, 50)
	_, strength := gridAngle(flat)
	assert.Zero(t, strength)
}
