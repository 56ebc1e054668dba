package capture

import (
	"fmt"
	"testing"

	"leadcap/internal/cardgen"
)

// BenchmarkDecodeBytes measures the whole path from a file's bytes to the
// codes (JPEG decoding included), for a 1080p frame and a 12-megapixel
// phone photo: clean, mild motion, and strong hand shake (read only by
// undoing the motion blur); and the 12-megapixel glared card that is the
// slowest read of `cardgen -n 48 -size 4000x3000` (021-glare: quick steps,
// full-size look, then contrast step and warps).
func BenchmarkDecodeBytes(b *testing.B) {
	for _, sz := range []struct {
		name string
		w, h int
	}{{"1080p", 1920, 1080}, {"12MP", 4000, 3000}} {
		for _, p := range []struct {
			d    cardgen.Degradation
			seed uint64
		}{{cardgen.Clean, 1}, {cardgen.Motion, 1}, {cardgen.Shake, 12}} {
			s := cardgen.Spec{Payload: vcardDE, Encoding: cardgen.UTF8ECI, Degradation: p.d, Seed: p.seed, Width: sz.w, Height: sz.h}
			b.Run(fmt.Sprintf("%s/%s", sz.name, p.d), func(b *testing.B) { benchDecodeBytes(b, s) })
		}
	}
	b.Run("12MP/glare-021", func(b *testing.B) { benchDecodeBytes(b, cardgen.Set(48, 4000, 3000)[20]) })
}

func benchDecodeBytes(b *testing.B, s cardgen.Spec) {
	ph := render(b, s)
	if codes, _, err := DecodeBytes(ph.Data); err != nil || codes[0].Text != s.Payload {
		b.Fatalf("photo not read (%v): %s", err, ph.Desc)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := DecodeBytes(ph.Data); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/op")
}
