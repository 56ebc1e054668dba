package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // register GIF
	"image/jpeg"
	_ "image/png" // register PNG
	"io"
	"io/fs"
	"os"
	"time"

	_ "golang.org/x/image/webp" // register WebP

	"leadcap/capture/internal/lumajpeg"
)

// Limits on the images DecodeBytes, DecodeReader and DecodeFile accept.
// They bound the memory a single photo can take (a 50-megapixel frame is
// 50 MB of grey pixels plus its decoded colour form).
const (
	MaxPixels    = 50_000_000
	MaxFileBytes = 30 << 20
)

// ErrNotImage means the data is not a PNG, JPEG, GIF or WebP image.
var ErrNotImage = errors.New("the file is not a PNG, JPEG, GIF or WebP image: export the photo in one of these formats and try again")

// ErrTooLarge means the file is larger than MaxFileBytes or the image has
// more than MaxPixels pixels.
var ErrTooLarge = errors.New("the image is too large (over 50 megapixels or 30 MB): take the photo at a lower resolution or crop it around the code")

// ErrTruncated means the file starts like an image but is cut short or
// damaged, for example by an interrupted copy.
var ErrTruncated = errors.New("the image file is truncated or damaged: copy it again from the camera or phone")

// ErrNoCode means the image was read but no code (QR, Data Matrix, Aztec,
// Code 128, Code 39) could be decoded in it.
var ErrNoCode = errors.New("no QR code or barcode found in the image: hold the code flat, fill more of the frame with it and avoid reflections, then try again")

// DecodeFile reads the image at path and decodes every QR code in it, as
// DecodeReader does. The duration is the decode time, file reading
// excluded.
func DecodeFile(path string) ([]Code, time.Duration, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("capture: %w", err)
	}
	defer f.Close()
	codes, d, err := DecodeReader(f)
	if err != nil {
		return nil, d, fmt.Errorf("capture: %s: %w", path, err)
	}
	return codes, d, nil
}

// DecodeReader reads an encoded image from r, at most MaxFileBytes of it,
// and decodes every QR code in it with DecodeBytes: for images that are not
// files, such as a document provider's content. A reader with a Stat method
// (an *os.File) that says the file is larger than MaxFileBytes is refused
// before it is read. The duration is the decode time, reading excluded.
//
// Errors are DecodeBytes' (ErrTooLarge for more than MaxFileBytes) or the
// reader's.
func DecodeReader(r io.Reader) ([]Code, time.Duration, error) {
	if f, ok := r.(interface{ Stat() (fs.FileInfo, error) }); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > MaxFileBytes {
			return nil, 0, fmt.Errorf("%d MB: %w", fi.Size()>>20, ErrTooLarge)
		}
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, 0, fmt.Errorf("read: %w", err)
	}
	return DecodeBytes(data)
}

// DecodeBytes decodes every QR code in an encoded PNG, JPEG, GIF or WebP
// image. The image's size is checked from its header before its pixels are
// decoded; a JPEG's EXIF orientation is applied, so Code.Bounds are in the
// image as it is meant to be shown. The duration covers format decoding and
// code decoding.
//
// Errors wrap ErrNotImage, ErrTruncated, ErrTooLarge or ErrNoCode.
func DecodeBytes(data []byte) ([]Code, time.Duration, error) {
	start := time.Now()
	if len(data) > MaxFileBytes {
		return nil, time.Since(start), ErrTooLarge
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	switch {
	case errors.Is(err, image.ErrFormat):
		return nil, time.Since(start), ErrNotImage
	case err != nil:
		return nil, time.Since(start), fmt.Errorf("%w (%v)", ErrTruncated, err)
	case cfg.Width <= 0 || cfg.Height <= 0:
		return nil, time.Since(start), ErrTruncated
	case int64(cfg.Width)*int64(cfg.Height) > MaxPixels:
		return nil, time.Since(start), fmt.Errorf("%dx%d pixels: %w", cfg.Width, cfg.Height, ErrTooLarge)
	}
	if format == "jpeg" {
		codes, err := decodeJPEG(data, cfg)
		return codes, time.Since(start), err
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, time.Since(start), fmt.Errorf("%w (%v)", ErrTruncated, err)
	}
	if b := img.Bounds(); int64(b.Dx())*int64(b.Dy()) > MaxPixels {
		// A decoder that disagrees with its own header: do not trust it.
		return nil, time.Since(start), ErrTooLarge
	}
	codes, err := decodeGray(toGray(img))
	return codes, time.Since(start), err
}

// jpegLuma decodes a JPEG's luma plane scaled down by 1<<shift; JPEGs
// stored as RGB or CMYK are decoded in colour and converted.
func jpegLuma(data []byte, shift int) (*gray, error) {
	y, err := lumajpeg.DecodeGray(bytes.NewReader(data), shift)
	if errors.Is(err, lumajpeg.ErrNotLuma) {
		img, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%w (%v)", ErrTruncated, err)
		}
		g := toGray(img)
		for range shift {
			g = g.resize(image.Rect(0, 0, g.w, g.h), (g.w+1)/2, (g.h+1)/2)
		}
		return g, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrTruncated, err)
	}
	if w := y.Rect.Dx(); y.Stride == w {
		// The decoder's own plane, already compact: no copy.
		return &gray{w, y.Rect.Dy(), y.Pix[:w*y.Rect.Dy()]}, nil
	}
	return toGray(y), nil
}

// exifOrientation returns the EXIF orientation (1–8) of a JPEG, 1 when it
// has none or the EXIF block is malformed.
func exifOrientation(data []byte) int {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return 1
	}
	p := 2
	for p+4 <= len(data) {
		if data[p] != 0xFF {
			return 1
		}
		marker := data[p+1]
		if marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01 || marker == 0xFF {
			p++
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // start of scan or end: no EXIF before the pixels
			return 1
		}
		n := int(binary.BigEndian.Uint16(data[p+2:]))
		if n < 2 || p+2+n > len(data) {
			return 1
		}
		seg := data[p+4 : p+2+n]
		if marker == 0xE1 && len(seg) > 6 && string(seg[:6]) == "Exif\x00\x00" {
			return tiffOrientation(seg[6:])
		}
		p += 2 + n
	}
	return 1
}

// tiffOrientation reads tag 0x0112 from IFD0 of a TIFF block.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	ifd := int(bo.Uint32(t[4:]))
	if ifd < 8 || ifd+2 > len(t) {
		return 1
	}
	count := int(bo.Uint16(t[ifd:]))
	for i := range count {
		e := ifd + 2 + 12*i
		if e+12 > len(t) {
			return 1
		}
		if bo.Uint16(t[e:]) != 0x0112 {
			continue
		}
		if typ := bo.Uint16(t[e+2:]); typ != 3 { // SHORT
			return 1
		}
		if o := int(bo.Uint16(t[e+8:])); o >= 1 && o <= 8 {
			return o
		}
		return 1
	}
	return 1
}
