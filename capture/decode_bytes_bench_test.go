package capture

import (
	"fmt"
	"testing"

	"leadcap/internal/cardgen"
)

// BenchmarkDecodeBytes measures the whole path from a file's bytes to the
// codes (JPEG decoding included), for a 1080p frame and a 12-megapixel
// phone photo: clean, mild motion, and strong hand shake (the worst case,
// read only by undoing the motion blur).
func BenchmarkDecodeBytes(b *testing.B) {
	for _, sz := range []struct {
		name string
		w, h int
	}{{"1080p", 1920, 1080}, {"12MP", 4000, 3000}} {
		for _, p := range []struct {
			d    cardgen.Degradation
			seed uint64
		}{{cardgen.Clean, 1}, {cardgen.Motion, 1}, {cardgen.Shake, 12}} {
			b.Run(fmt.Sprintf("%s/%s", sz.name, p.d), func(b *testing.B) {
				s := cardgen.Spec{Payload: vcardDE, Encoding: cardgen.UTF8ECI, Degradation: p.d, Seed: p.seed, Width: sz.w, Height: sz.h}
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
			})
		}
	}
}
