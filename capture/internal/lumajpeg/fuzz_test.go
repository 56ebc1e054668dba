package lumajpeg

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecodeGray feeds the decoder damaged JPEGs (seeded with the testdata
// files of every layout): it must return an error or a plane of the size
// the header declares, scaled, and never panic.
func FuzzDecodeGray(f *testing.F) {
	files, err := filepath.Glob("testdata/*.jpg")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, uint8(0))
		f.Add(data, uint8(1))
	}
	f.Add(photo(f, 40, 24), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, shift uint8) {
		s := int(shift % 4)
		img, err := DecodeGray(bytes.NewReader(data), s)
		if err != nil {
			return
		}
		var d decoder
		if _, err := d.decode(bytes.NewReader(data), true); err != nil {
			t.Fatalf("decoded, but the header alone gives %v", err)
		}
		f := 1 << s
		if w, h := (d.width+f-1)/f, (d.height+f-1)/f; img.Rect.Dx() != w || img.Rect.Dy() != h {
			t.Fatalf("plane %v for a %dx%d JPEG at 1/%d", img.Rect, d.width, d.height, f)
		}
	})
}
