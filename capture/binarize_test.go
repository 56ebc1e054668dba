package capture

import (
	"bytes"
	"image"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"leadcap/internal/cardgen"
)

// TestHybridBinarizerSameAsGozxing checks that the faster binarizer gives
// gozxing's HybridBinarizer's black matrix bit for bit: on card photos
// (flat backgrounds, where the neighbour rule applies, and edges), on noise,
// on sizes that are not multiples of 8 (overlapping edge blocks) and on
// frames too small for blocks (the global histogram fallback).
func TestHybridBinarizerSameAsGozxing(t *testing.T) {
	var frames []*gray
	for i, d := range []cardgen.Degradation{cardgen.Clean, cardgen.Dim, cardgen.Glare, cardgen.Noise} {
		sizes := [][2]int{{1920, 1080}, {1001, 757}, {643, 1203}}
		sz := sizes[i%len(sizes)]
		ph := render(t, cardgen.Spec{Payload: vcardDE, Degradation: d, Seed: uint64(i + 1), Width: sz[0], Height: sz[1]})
		img, _, err := image.Decode(bytes.NewReader(ph.Data))
		if err != nil {
			t.Fatal(err)
		}
		frames = append(frames, toGray(img))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, sz := range [][2]int{{40, 40}, {41, 47}, {95, 33}, {39, 200}, {333, 111}} {
		g := newGray(sz[0], sz[1])
		for i := range g.pix {
			// Runs of flat light and dark with noise, and some contrast.
			g.pix[i] = uint8(120 + rng.IntN(40))
			if (i/7)%5 == 0 {
				g.pix[i] = uint8(rng.IntN(60))
			}
		}
		frames = append(frames, g)
	}
	for _, g := range frames {
		src, err := gozxing.NewPlanarYUVLuminanceSource(g.pix, g.w, g.h, 0, 0, g.w, g.h, false)
		if err != nil {
			t.Fatal(err)
		}
		want, werr := gozxing.NewHybridBinarizer(src).GetBlackMatrix()
		got, gerr := newHybridBinarizer(src, g).GetBlackMatrix()
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("%dx%d: error %v, gozxing %v", g.w, g.h, gerr, werr)
		}
		if werr != nil {
			continue
		}
		diff, black := 0, 0
		for y := range g.h {
			for x := range g.w {
				if got.Get(x, y) != want.Get(x, y) {
					diff++
				}
				if want.Get(x, y) {
					black++
				}
			}
		}
		if diff != 0 || black == 0 || black == g.w*g.h {
			t.Errorf("%dx%d: %d pixels differ from gozxing's (%d black)", g.w, g.h, diff, black)
		}
	}
}

// BenchmarkHybridBinarizer compares gozxing's binarizer with ours on a
// 1080p card photo.
func BenchmarkHybridBinarizer(b *testing.B) {
	ph := render(b, cardgen.Spec{Payload: vcardDE, Degradation: cardgen.Clean, Seed: 1})
	img, _, err := image.Decode(bytes.NewReader(ph.Data))
	if err != nil {
		b.Fatal(err)
	}
	g := toGray(img)
	src, _ := gozxing.NewPlanarYUVLuminanceSource(g.pix, g.w, g.h, 0, 0, g.w, g.h, false)
	b.Run("gozxing", func(b *testing.B) {
		for b.Loop() {
			_, _ = gozxing.NewHybridBinarizer(src).GetBlackMatrix()
		}
	})
	b.Run("leadcap", func(b *testing.B) {
		for b.Loop() {
			_, _ = newHybridBinarizer(src, g).GetBlackMatrix()
		}
	})
}
