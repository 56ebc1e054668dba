package app

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"sync"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"leadcap/capture"
	"leadcap/internal/cardgen"
)

// cardgenFrame renders a 1280×720 card photo with a degradation, as an
// MJPEG camera delivers it (decoded from its JPEG: YCbCr).
func cardgenFrame(b *testing.B, d cardgen.Degradation) image.Image {
	b.Helper()
	p, err := cardgen.Render(cardgen.Spec{Payload: adaCard, Degradation: d, Width: 1280, Height: 720, Seed: 3, Format: "jpeg"})
	if err != nil {
		b.Fatal(err)
	}
	img, err := jpeg.Decode(bytes.NewReader(p.Data))
	if err != nil {
		b.Fatal(err)
	}
	return img
}

// BenchmarkCameraDecode720p is the decoder's side of the camera loop: one
// frame read for codes and parsed, as scanFrame does it on the decoder's
// goroutine. frames/s is how many frames a second the loop can decode.
func BenchmarkCameraDecode720p(b *testing.B) {
	cases := []struct {
		name  string
		frame func(b *testing.B) image.Image
		code  bool
	}{
		{"card", func(b *testing.B) image.Image { return cameraFrame(b, adaCard, 1) }, true},
		{"no-code", func(b *testing.B) image.Image { return cameraFrame(b, "", 1) }, false},
		{"cardgen-clean", func(b *testing.B) image.Image { return cardgenFrame(b, cardgen.Clean) }, true},
		{"cardgen-small", func(b *testing.B) image.Image { return cardgenFrame(b, cardgen.Small) }, true},
		{"cardgen-motion", func(b *testing.B) image.Image { return cardgenFrame(b, cardgen.Motion) }, true},
		{"cardgen-noise", func(b *testing.B) image.Image { return cardgenFrame(b, cardgen.Noise) }, true},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			img := c.frame(b)
			_, found := scanFrame(img, capture.Options{Region: "DE"})
			if c.code && !found {
				b.Logf("%s: no code read in this frame", c.name)
			}
			for b.Loop() {
				scanFrame(img, capture.Options{Region: "DE"})
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
		})
	}
}

// endlessCamera hands over frames as fast as they are taken, in turn.
type endlessCamera struct {
	frames []image.Image
	taken  atomic.Int64
	wg     sync.WaitGroup
}

func (e *endlessCamera) Frames(ctx context.Context) <-chan image.Image {
	out := make(chan image.Image)
	e.wg.Go(func() {
		defer close(out)
		for i := 0; ; i++ {
			select {
			case out <- e.frames[i%len(e.frames)]:
				e.taken.Add(1)
			case <-ctx.Done():
				return
			}
		}
	})
	return out
}

func (e *endlessCamera) Close() error { e.wg.Wait(); return nil }

// BenchmarkCameraLoop720p runs the camera's loop with real goroutines on a
// camera that never makes it wait (frames with and without a card, in
// turn), until the decoder has read b.N frames. decoded/s is the loop's
// decode rate; frames/s how many frames it took meanwhile (the others
// were skipped while a decode ran); ns/op is per decoded frame. The UI
// side drops what it is sent.
func BenchmarkCameraLoop720p(b *testing.B) {
	test.NewTempApp(b)
	cam := &endlessCamera{frames: []image.Image{cameraFrame(b, adaCard, 1), cameraFrame(b, "", 2), cameraFrame(b, adaCard, 3), cameraFrame(b, "", 4)}}
	var decoded atomic.Int64
	enough := make(chan struct{})
	n := int64(b.N)
	s := &captureScreen{ui: &UI{opts: Options{
		run: func(f func()) {
			go func() {
				f()
				if decoded.Add(1) == n {
					close(enough)
				}
			}()
		},
		do: func(func()) {},
	}}}
	s.main = container.NewStack()
	c := newCameraView(s, container.NewStack())
	c.dev = cameraDevice{name: "endless", open: func() (frameSource, error) { return cam, nil }}
	c.found, c.on = true, true
	b.ResetTimer()
	c.resume()
	run := c.live
	<-enough
	c.pause()
	run.wg.Wait()
	b.StopTimer()
	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(decoded.Load())/secs, "decoded/s")
	b.ReportMetric(float64(cam.taken.Load())/secs, "frames/s")
}
