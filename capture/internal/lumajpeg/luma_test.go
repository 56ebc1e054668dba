package lumajpeg

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"os"
	"testing"

	"leadcap/internal/cardgen"
)

// photo is a 4:2:0 JPEG as Go's encoder (and most cameras) writes it, with
// a size that is not a multiple of the 16-pixel MCU.
func photo(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x * y) % 251), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// stdLuma is the Y plane image/jpeg decodes, as the reference.
func stdLuma(t testing.TB, data []byte) *image.Gray {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	g := image.NewGray(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			switch m := img.(type) {
			case *image.YCbCr:
				g.Pix[g.PixOffset(x, y)] = m.Y[m.YOffset(x, y)]
			case *image.Gray:
				g.Pix[g.PixOffset(x, y)] = m.GrayAt(x, y).Y
			default:
				t.Fatalf("unexpected %T", img)
			}
		}
	}
	return g
}

// testJPEGs are JPEGs of many layouts, each decoded exactly as image/jpeg
// decodes its Y plane: the files in testdata were written by libjpeg
// (ImageMagick, libjpeg-turbo) with other chroma subsamplings, sizes that
// are not a multiple of the MCU, restart markers, one component and a
// progressive scan script.
func testJPEGs(t testing.TB) map[string][]byte {
	t.Helper()
	files := map[string]string{
		"progressive 4:2:0, 130x90":           "progressive-130x90.jpg",
		"restart markers every 3 MCUs":        "restart-150x75.jpg",
		"4:4:4, 97x61":                        "444-97x61.jpg",
		"4:2:2, 97x61":                        "422-97x61.jpg",
		"4:4:0, 97x61":                        "440-97x61.jpg",
		"4:1:1, 97x61":                        "411-97x61.jpg",
		"grey by libjpeg, 97x61":              "grey-97x61.jpg",
		"4:2:0, 1603x9, rows of partial MCUs": "420-1603x9.jpg",
	}
	out := map[string][]byte{}
	for name, f := range files {
		data, err := os.ReadFile("testdata/" + f)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = data
	}
	out["baseline 4:2:0 by Go, 203x117"] = photo(t, 203, 117)
	var grayJPEG bytes.Buffer
	if err := jpeg.Encode(&grayJPEG, stdLuma(t, photo(t, 77, 41)), nil); err != nil {
		t.Fatal(err)
	}
	out["grey by Go, one component, 77x41"] = grayJPEG.Bytes()
	ph, err := cardgen.Render(cardgen.Spec{Payload: cardgen.Payloads[0], Degradation: cardgen.Glare, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	out["1080p card photo with glare"] = ph.Data
	return out
}

func TestDecodeGrayFullSizeMatchesImageJPEG(t *testing.T) {
	for name, data := range testJPEGs(t) {
		t.Run(name, func(t *testing.T) {
			got, err := DecodeGray(bytes.NewReader(data), 0)
			if err != nil {
				t.Fatal(err)
			}
			want := stdLuma(t, data)
			if got.Rect != want.Rect {
				t.Fatalf("bounds %v, want %v", got.Rect, want.Rect)
			}
			for y := range want.Rect.Dy() {
				for x := range want.Rect.Dx() {
					if a, b := got.GrayAt(x, y).Y, want.GrayAt(x, y).Y; a != b {
						t.Fatalf("pixel (%d,%d) = %d, image/jpeg has %d", x, y, a, b)
					}
				}
			}
		})
	}
}

// TestDecodeGrayScaled checks the reduced inverse DCT against the full
// plane averaged over the same blocks: small differences only (the reduced
// transform drops the highest frequencies, not the level).
func TestDecodeGrayScaled(t *testing.T) {
	for name, data := range testJPEGs(t) {
		full := stdLuma(t, data)
		w, h := full.Rect.Dx(), full.Rect.Dy()
		for shift := 1; shift <= 3; shift++ {
			got, err := DecodeGray(bytes.NewReader(data), shift)
			if err != nil {
				t.Fatal(err)
			}
			f := 1 << shift
			if sw, sh := (w+f-1)/f, (h+f-1)/f; got.Rect.Dx() != sw || got.Rect.Dy() != sh {
				t.Fatalf("%s, shift %d: size %v, want %dx%d", name, shift, got.Rect.Size(), sw, sh)
			}
			var sumErr float64
			n := 0
			for y := 0; y+f <= h; y += f {
				for x := 0; x+f <= w; x += f {
					var s float64
					for j := range f {
						for i := range f {
							s += float64(full.GrayAt(x+i, y+j).Y)
						}
					}
					sumErr += math.Abs(s/float64(f*f) - float64(got.GrayAt(x/f, y/f).Y))
					n++
				}
			}
			if n == 0 {
				continue
			}
			if mean := sumErr / float64(n); mean > 3 {
				t.Errorf("%s, shift %d: mean difference from the averaged plane %.2f grey levels", name, shift, mean)
			}
		}
	}
}

// TestDecodeGrayNotLuma: a file whose components are R, G and B (no JFIF
// marker, component ids 'R' 'G' 'B') is refused so that the caller
// converts colour.
func TestDecodeGrayNotLuma(t *testing.T) {
	data := photo(t, 32, 32)
	i := bytes.Index(data, []byte{0xFF, 0xC0})
	if i < 0 {
		t.Fatal("no SOF0 in Go's JPEG")
	}
	n := int(binary.BigEndian.Uint16(data[i+2:]))
	sof := data[i+4 : i+2+n] // precision, height, width, count, then 3 bytes per component
	for c, id := range []byte("RGB") {
		sof[6+3*c] = id
	}
	for j := i + 2 + n; j+4 < len(data); j++ { // the SOS names the components by id too
		if data[j] == 0xFF && data[j+1] == 0xDA {
			for c, id := range []byte("RGB") {
				data[j+5+2*c] = id
			}
			break
		}
	}
	if _, err := DecodeGray(bytes.NewReader(data), 0); !errors.Is(err, ErrNotLuma) {
		t.Fatalf("err = %v, want ErrNotLuma", err)
	}
}

func TestDecodeGrayTruncated(t *testing.T) {
	data := photo(t, 64, 64)
	for _, n := range []int{0, 2, 100, len(data) / 2} {
		if _, err := DecodeGray(bytes.NewReader(data[:n]), 0); err == nil {
			t.Errorf("%d of %d bytes: no error", n, len(data))
		}
	}
}

// BenchmarkDecodeGray compares the luma-only decoder with image/jpeg on a
// generated 1080p card photo (and, under 720p/, on a 720p one).
func BenchmarkDecodeGray(b *testing.B) {
	ph720, err := cardgen.Render(cardgen.Spec{Payload: cardgen.Payloads[0], Degradation: cardgen.Clean, Seed: 1, Width: 1280, Height: 720})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("720p/image/jpeg", func(b *testing.B) {
		for b.Loop() {
			if _, err := jpeg.Decode(bytes.NewReader(ph720.Data)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("720p/lumajpeg/shift=0", func(b *testing.B) {
		for b.Loop() {
			if _, err := DecodeGray(bytes.NewReader(ph720.Data), 0); err != nil {
				b.Fatal(err)
			}
		}
	})
	ph, err := cardgen.Render(cardgen.Spec{Payload: cardgen.Payloads[0], Degradation: cardgen.Clean, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	data := ph.Data
	b.Run("image/jpeg", func(b *testing.B) {
		for b.Loop() {
			if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
				b.Fatal(err)
			}
		}
	})
	for shift := range 3 {
		b.Run("lumajpeg/shift="+string(rune('0'+shift)), func(b *testing.B) {
			for b.Loop() {
				if _, err := DecodeGray(bytes.NewReader(data), shift); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
