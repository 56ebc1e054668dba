package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/internal/cardgen"
)

// cleanPhoto renders a clean 720p card photo carrying mecardDK.
func cleanPhoto(t testing.TB, format string) *cardgen.Photo {
	t.Helper()
	return render(t, cardgen.Spec{Payload: mecardDK, Encoding: cardgen.UTF8ECI, Degradation: cardgen.Clean,
		Seed: 31, Width: 1280, Height: 720, Format: format})
}

// TestDecodeBytesInvalid feeds inputs that must be refused with the right
// sentinel, never a panic.
func TestDecodeBytesInvalid(t *testing.T) {
	pngData := cleanPhoto(t, "png").Data
	jpegData := cleanPhoto(t, "jpeg").Data
	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"empty file", nil, ErrNotImage},
		{"text file", []byte("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jürgen Müller\r\nEND:VCARD\r\n"), ErrNotImage},
		{"PDF", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"), ErrNotImage},
		{"PNG cut in half", pngData[:len(pngData)/2], ErrTruncated},
		{"PNG signature only", pngData[:8], ErrTruncated},
		{"JPEG cut in half", jpegData[:len(jpegData)/2], ErrTruncated},
		{"JPEG headers only", jpegData[:200], ErrTruncated},
		{"PNG header claiming 0x0", pngHeader(0, 0), ErrTruncated},
		{"JPEG claiming 65000x65000 pixels", jpegClaiming(t, jpegData, 65000, 65000), ErrTooLarge},
		{"JPEG cut inside the entropy data of a large photo", jpegData[:len(jpegData)-len(jpegData)/10], ErrTruncated},
		{"image without a code", noCodePNG(t), ErrNoCode},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			codes, _, err := DecodeBytes(tc.data)
			require.ErrorIs(t, err, tc.want)
			assert.Empty(t, codes)
			// The whole sentence telling the user what to do reaches them.
			assert.Contains(t, err.Error(), tc.want.Error())
		})
	}
}

// jpegClaiming returns a copy of a baseline JPEG whose frame header
// announces w×h pixels.
func jpegClaiming(t *testing.T, data []byte, w, h uint16) []byte {
	t.Helper()
	out := append([]byte(nil), data...)
	i := bytes.Index(out, []byte{0xFF, 0xC0})
	require.Positive(t, i, "no SOF0 marker")
	binary.BigEndian.PutUint16(out[i+5:], h)
	binary.BigEndian.PutUint16(out[i+7:], w)
	return out
}

// TestDecodeBytesHugeHeader checks that a small file announcing an enormous
// image is refused from its header, before any pixel memory is allocated.
func TestDecodeBytesHugeHeader(t *testing.T) {
	data := pngHeader(10000, 10000)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, _, err := DecodeBytes(data)
	runtime.ReadMemStats(&after)
	require.ErrorIs(t, err, ErrTooLarge)
	assert.Contains(t, err.Error(), "10000x10000")
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), "bytes allocated to refuse the image")
}

func TestDecodeTooManyBytes(t *testing.T) {
	// The size is refused before the content is looked at: a valid PNG
	// padded past the limit is refused all the same.
	data := make([]byte, MaxFileBytes+1)
	copy(data, cleanPhoto(t, "png").Data)
	_, _, err := DecodeBytes(data)
	assert.ErrorIs(t, err, ErrTooLarge)

	path := filepath.Join(t.TempDir(), "huge.png")
	require.NoError(t, os.WriteFile(path, data[:1024], 0o644))
	require.NoError(t, os.Truncate(path, MaxFileBytes+1)) // sparse
	_, _, err = DecodeFile(path)
	require.ErrorIs(t, err, ErrTooLarge)
	assert.Contains(t, err.Error(), "huge.png")
}

func TestDecodeFile(t *testing.T) {
	dir := t.TempDir()
	ph := cleanPhoto(t, "jpeg")
	path := filepath.Join(dir, "card.jpg")
	require.NoError(t, os.WriteFile(path, ph.Data, 0o644))
	codes, d, err := DecodeFile(path)
	require.NoError(t, err)
	require.Len(t, codes, 1)
	assert.Equal(t, mecardDK, codes[0].Text)
	assert.Positive(t, d)

	_, _, err = DecodeFile(filepath.Join(dir, "missing.jpg"))
	assert.ErrorIs(t, err, os.ErrNotExist)

	notes := filepath.Join(dir, "notes.txt")
	require.NoError(t, os.WriteFile(notes, []byte("call back on Monday"), 0o644))
	_, _, err = DecodeFile(notes)
	require.ErrorIs(t, err, ErrNotImage)
	assert.Contains(t, err.Error(), "notes.txt")
}

// statReader is a reader with a Stat method, as an *os.File or a Fyne
// file URI reader has, that must not be read.
type statReader struct {
	t    *testing.T
	size int64
}

func (r statReader) Read([]byte) (int, error) {
	r.t.Error("a file larger than MaxFileBytes was read")
	return 0, io.EOF
}

func (r statReader) Stat() (fs.FileInfo, error) { return sizedInfo(r.size), nil }

type sizedInfo int64

func (s sizedInfo) Name() string       { return "huge.jpg" }
func (s sizedInfo) Size() int64        { return int64(s) }
func (s sizedInfo) Mode() fs.FileMode  { return 0o644 }
func (s sizedInfo) ModTime() time.Time { return time.Time{} }
func (s sizedInfo) IsDir() bool        { return false }
func (s sizedInfo) Sys() any           { return nil }

func TestDecodeReader(t *testing.T) {
	ph := cleanPhoto(t, "jpeg")
	// A content provider's stream: no file, no size known in advance.
	codes, d, err := DecodeReader(iotest.OneByteReader(bytes.NewReader(ph.Data)))
	require.NoError(t, err)
	require.Len(t, codes, 1)
	assert.Equal(t, mecardDK, codes[0].Text)
	assert.Positive(t, d)

	// A stream longer than MaxFileBytes is refused after MaxFileBytes+1
	// bytes, whatever it starts with.
	long := io.MultiReader(bytes.NewReader(ph.Data), io.LimitReader(zeros{}, MaxFileBytes))
	_, _, err = DecodeReader(long)
	assert.ErrorIs(t, err, ErrTooLarge)
	_, _, err = DecodeReader(io.LimitReader(zeros{}, MaxFileBytes))
	assert.ErrorIs(t, err, ErrNotImage, "exactly MaxFileBytes is read and looked at")

	// A file that says it is too large is refused before it is read.
	_, _, err = DecodeReader(statReader{t: t, size: MaxFileBytes + 1})
	require.ErrorIs(t, err, ErrTooLarge)
	assert.Contains(t, err.Error(), "30 MB")

	boom := errors.New("the document provider went away")
	_, _, err = DecodeReader(iotest.ErrReader(boom))
	assert.ErrorIs(t, err, boom)
}

// zeros reads zero bytes forever.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestDecodeFileWebP(t *testing.T) {
	codes, _, err := DecodeFile(filepath.Join("testdata", "images", "mecard-utf8.webp"))
	require.NoError(t, err)
	require.Len(t, codes, 1)
	assert.Equal(t, "MECARD:N:Ørsted,Søren;ORG:Fjordværk ApS;EMAIL:soren@example.dk;;", codes[0].Text)
}

func TestDecodeBytesGIF(t *testing.T) {
	ph := cleanPhoto(t, "png")
	pal := make(color.Palette, 256)
	for i := range pal {
		pal[i] = color.Gray{Y: uint8(i)}
	}
	b := ph.Image.Bounds()
	p := image.NewPaletted(b, pal)
	for i := range p.Pix {
		p.Pix[i] = ph.Image.Pix[4*i+1] // green is close enough to luminance
	}
	var buf bytes.Buffer
	require.NoError(t, gif.Encode(&buf, p, nil))
	codes, _, err := DecodeBytes(buf.Bytes())
	require.NoError(t, err)
	require.Len(t, codes, 1)
	assert.Equal(t, mecardDK, codes[0].Text)
}

// TestDecodeBytesEXIFOrientation stores a photo rotated on its side with the
// EXIF orientation that turns it upright, as phones do: the code must be
// reported where it is in the upright photo.
func TestDecodeBytesEXIFOrientation(t *testing.T) {
	ph := cleanPhoto(t, "jpeg")
	src := ph.Image
	W, H := src.Bounds().Dx(), src.Bounds().Dy()
	cx, cy := quadCentre(ph.QR)
	for _, tc := range []struct {
		orientation int
		order       binary.ByteOrder
		// stored returns which upright pixel goes to stored pixel (x, y);
		// the stored image is H wide and W high.
		stored func(x, y int) (int, int)
	}{
		// 6: the camera was turned clockwise; the stored image needs a
		// 90° clockwise turn to be upright.
		{6, binary.BigEndian, func(x, y int) (int, int) { return W - 1 - y, x }},
		// 8: the stored image needs a 90° counter-clockwise turn.
		{8, binary.LittleEndian, func(x, y int) (int, int) { return y, H - 1 - x }},
	} {
		t.Run(string(rune('0'+tc.orientation)), func(t *testing.T) {
			rot := image.NewRGBA(image.Rect(0, 0, H, W))
			for y := range W {
				for x := range H {
					ux, uy := tc.stored(x, y)
					copy(rot.Pix[rot.PixOffset(x, y):][:4], src.Pix[src.PixOffset(ux, uy):][:4])
				}
			}
			var buf bytes.Buffer
			require.NoError(t, jpeg.Encode(&buf, rot, &jpeg.Options{Quality: 90}))
			data := withEXIFOrientation(buf.Bytes(), tc.order, tc.orientation)
			require.Equal(t, tc.orientation, exifOrientation(data))

			codes, _, err := DecodeBytes(data)
			require.NoError(t, err)
			require.Len(t, codes, 1)
			assert.Equal(t, mecardDK, codes[0].Text)
			assert.True(t, image.Pt(cx, cy).In(codes[0].Bounds),
				"code drawn around (%d,%d) upright, reported at %v", cx, cy, codes[0].Bounds)
		})
	}
}

func TestEXIFOrientationMalformed(t *testing.T) {
	jpegData := cleanPhoto(t, "jpeg").Data
	for name, data := range map[string][]byte{
		"no EXIF":             jpegData,
		"not a JPEG":          []byte("GIF89a"),
		"EXIF cut short":      withEXIFOrientation(jpegData, binary.BigEndian, 6)[:30],
		"orientation 9":       withEXIFOrientation(jpegData, binary.BigEndian, 9),
		"bad TIFF byte order": []byte(strings.Replace(string(withEXIFOrientation(jpegData, binary.BigEndian, 6)), "MM", "XX", 1)),
	} {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, 1, exifOrientation(data))
		})
	}
}

// withEXIFOrientation inserts an APP1 EXIF segment whose IFD0 holds only
// the orientation tag right after the JPEG's SOI marker.
func withEXIFOrientation(jpegData []byte, order binary.ByteOrder, orientation int) []byte {
	bo := order.(binary.AppendByteOrder)
	var tiff []byte
	if order == binary.BigEndian {
		tiff = append(tiff, "MM"...)
	} else {
		tiff = append(tiff, "II"...)
	}
	tiff = bo.AppendUint16(tiff, 42)
	tiff = bo.AppendUint32(tiff, 8) // IFD0 offset
	tiff = bo.AppendUint16(tiff, 1) // one entry
	tiff = bo.AppendUint16(tiff, 0x0112)
	tiff = bo.AppendUint16(tiff, 3) // SHORT
	tiff = bo.AppendUint32(tiff, 1)
	tiff = bo.AppendUint16(tiff, uint16(orientation))
	tiff = bo.AppendUint16(tiff, 0)
	tiff = bo.AppendUint32(tiff, 0) // no next IFD
	seg := append([]byte("Exif\x00\x00"), tiff...)
	out := append([]byte{}, jpegData[:2]...)
	out = append(out, 0xFF, 0xE1)
	out = binary.BigEndian.AppendUint16(out, uint16(len(seg)+2))
	out = append(out, seg...)
	return append(out, jpegData[2:]...)
}

// pngHeader is a PNG signature and an IHDR chunk (8-bit RGB) for a w×h
// image, with no pixel data.
func pngHeader(w, h uint32) []byte {
	ihdr := []byte("IHDR")
	ihdr = binary.BigEndian.AppendUint32(ihdr, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 2, 0, 0, 0)
	out := []byte("\x89PNG\r\n\x1a\n")
	out = binary.BigEndian.AppendUint32(out, 13)
	out = append(out, ihdr...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(ihdr))
}

// noCodePNG is a desk photo without a code: a lighting gradient, a card with
// lines of text, and a striped leaflet.
func noCodePNG(t testing.TB) []byte {
	img := image.NewGray(image.Rect(0, 0, 800, 600))
	for y := range 600 {
		for x := range 800 {
			v := 90 + x/8 + y/12
			if x > 100 && x < 400 && y > 100 && y < 280 {
				v = 235
				if (y/12)%2 == 1 && x < 320 {
					v = 40
				}
			}
			if x > 500 && y > 300 && (x/6)%2 == 0 {
				v = 20
			}
			img.Pix[y*800+x] = uint8(v)
		}
	}
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return buf.Bytes()
}

// FuzzDecodeBytes checks that no input makes DecodeBytes panic or return
// something other than codes or one of its sentinel errors.
func FuzzDecodeBytes(f *testing.F) {
	webp, err := os.ReadFile(filepath.Join("testdata", "images", "mecard-utf8.webp"))
	require.NoError(f, err)
	img, err := cardgen.Image(mecardDK, cardgen.UTF8ECI, 2)
	require.NoError(f, err)
	var pngBuf, jpegBuf, gifBuf bytes.Buffer
	require.NoError(f, png.Encode(&pngBuf, img))
	require.NoError(f, jpeg.Encode(&jpegBuf, img, &jpeg.Options{Quality: 75}))
	require.NoError(f, gif.Encode(&gifBuf, img, nil))
	for _, seed := range [][]byte{webp, pngBuf.Bytes(), jpegBuf.Bytes(), gifBuf.Bytes(),
		withEXIFOrientation(jpegBuf.Bytes(), binary.BigEndian, 6), pngHeader(10000, 10000), []byte("hello")} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		codes, _, err := DecodeBytes(data)
		if err == nil {
			require.NotEmpty(t, codes)
			return
		}
		for _, want := range []error{ErrNotImage, ErrTruncated, ErrTooLarge, ErrNoCode} {
			if errors.Is(err, want) {
				return
			}
		}
		t.Fatalf("unexpected error %v", err)
	})
}

// TestResizeSameSize checks that a region resized to its own size is the
// region's pixels, as bilinear sampling at the pixel centres gives them.
func TestResizeSameSize(t *testing.T) {
	g := newGray(9, 7)
	for i := range g.pix {
		g.pix[i] = uint8(i * 37)
	}
	r := image.Rect(2, 1, 7, 6)
	out := g.resize(r, r.Dx(), r.Dy())
	require.Equal(t, [2]int{r.Dx(), r.Dy()}, [2]int{out.w, out.h})
	for y := range out.h {
		for x := range out.w {
			sx, sy := r.Min.X+x, r.Min.Y+y
			require.Equal(t, g.pix[sy*g.w+sx], out.pix[y*out.w+x], "pixel (%d,%d)", x, y)
			require.Equal(t, g.bilinear(float64(sx), float64(sy)), out.pix[y*out.w+x], "pixel (%d,%d)", x, y)
		}
	}
}
