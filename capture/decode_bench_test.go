package capture

import (
	"bytes"
	"fmt"
	"image"
	"testing"

	"leadcap/internal/cardgen"
)

// BenchmarkDecode measures DecodeImage on generated card photos that are
// already decoded to pixels (the camera preview case): a clean photo, where
// the cheap first read must be enough, and degraded ones, where the cascade
// works harder. Run with -benchmem for allocations.
func BenchmarkDecode(b *testing.B) {
	sizes := []struct {
		name string
		w, h int
	}{{"720p", 1280, 720}, {"1080p", 1920, 1080}}
	photos := []struct {
		name string
		spec cardgen.Spec
	}{
		{"clean", cardgen.Spec{Payload: vcardDE, Encoding: cardgen.UTF8ECI, Degradation: cardgen.Clean, Seed: 1}},
		{"rotated", cardgen.Spec{Payload: mecardDK, Encoding: cardgen.UTF8ECI, Degradation: cardgen.Rotate, Seed: 5, Rotation: 40}},
		{"perspective", cardgen.Spec{Payload: mecardDK, Encoding: cardgen.UTF8ECI, Degradation: cardgen.Perspective, Seed: 9}},
		{"blur", cardgen.Spec{Payload: badgeFR, Encoding: cardgen.UTF8ECI, Degradation: cardgen.Blur, Seed: 10}},
		{"jpeg", cardgen.Spec{Payload: vcardDE, Encoding: cardgen.UTF8ECI, Degradation: cardgen.JPEG, Seed: 15}},
	}
	for _, sz := range sizes {
		for _, p := range photos {
			b.Run(fmt.Sprintf("%s/%s", sz.name, p.name), func(b *testing.B) {
				s := p.spec
				s.Width, s.Height = sz.w, sz.h
				ph := render(b, s)
				img, _, err := image.Decode(bytes.NewReader(ph.Data))
				if err != nil {
					b.Fatal(err)
				}
				if codes, err := DecodeImage(img); err != nil || codes[0].Text != s.Payload {
					b.Fatalf("photo not read (%v): %s", err, ph.Desc)
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := DecodeImage(img); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/op")
			})
		}
	}
}
