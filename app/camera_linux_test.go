//go:build linux && !mobile

package app

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"github.com/blackjack/webcam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/capture"
)

func TestYUYVToYCbCrExactPixels(t *testing.T) {
	// A 4×2 frame, rows padded to 12 bytes as some drivers do: each pair
	// of pixels is Y0 Cb Y1 Cr.
	buf := []byte{
		10, 100, 11, 200, 12, 101, 13, 201, 0xEE, 0xEE, 0xEE, 0xEE,
		20, 110, 21, 210, 22, 111, 23, 211, 0xEE, 0xEE, 0xEE, 0xEE,
	}
	m, err := yuyvToYCbCr(buf, 4, 2, 12)
	require.NoError(t, err)
	assert.Equal(t, image.Rect(0, 0, 4, 2), m.Rect)
	assert.Equal(t, image.YCbCrSubsampleRatio422, m.SubsampleRatio)
	assert.Equal(t, []uint8{10, 11, 12, 13, 20, 21, 22, 23}, m.Y)
	assert.Equal(t, []uint8{100, 101, 110, 111}, m.Cb)
	assert.Equal(t, []uint8{200, 201, 210, 211}, m.Cr)
	assert.Equal(t, [3]uint8{13, 101, 201}, ycc(m, 3, 0), "the second pair's second pixel")
	assert.Equal(t, [3]uint8{20, 110, 210}, ycc(m, 0, 1))
	assert.Equal(t, [3]uint8{21, 110, 210}, ycc(m, 1, 1), "a pair shares its chroma")

	// Unpadded rows.
	m, err = yuyvToYCbCr(buf[:8], 4, 1, 8)
	require.NoError(t, err)
	assert.Equal(t, []uint8{10, 11, 12, 13}, m.Y)
}

func ycc(m *image.YCbCr, x, y int) [3]uint8 {
	c := m.YCbCrAt(x, y)
	return [3]uint8{c.Y, c.Cb, c.Cr}
}

func TestYUYVToYCbCrRefusesBadFrames(t *testing.T) {
	for name, c := range map[string]struct {
		n, w, h, stride int
	}{
		"frame cut short":           {n: 4*2*2 - 1, w: 4, h: 2, stride: 8},
		"odd width":                 {n: 100, w: 3, h: 2, stride: 6},
		"stride shorter than a row": {n: 100, w: 4, h: 2, stride: 6},
		"no size":                   {n: 100, w: 0, h: 0, stride: 0},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := yuyvToYCbCr(make([]byte, c.n), c.w, c.h, c.stride)
			assert.ErrorIs(t, err, errShortFrame)
		})
	}
}

// yuyvOf packs a YCbCr 4:2:2 image as a camera sends it in YUYV.
func yuyvOf(m *image.YCbCr) []byte {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	buf := make([]byte, 0, 2*w*h)
	for y := range h {
		for i := range w / 2 {
			buf = append(buf, m.Y[y*m.YStride+2*i], m.Cb[y*m.CStride+i], m.Y[y*m.YStride+2*i+1], m.Cr[y*m.CStride+i])
		}
	}
	return buf
}

func TestYUYVFrameWithACardDecodes(t *testing.T) {
	frame := cameraFrame(t, jurgenCard, 1)
	m, err := yuyvToYCbCr(yuyvOf(frame), 1280, 720, 2560)
	require.NoError(t, err)
	assert.Equal(t, frame.Y, m.Y)
	assert.Equal(t, frame.Cb, m.Cb)
	assert.Equal(t, frame.Cr, m.Cr)
	res, ok := scanFrame(m, capture.Options{Region: "DE"})
	require.True(t, ok)
	require.NoError(t, res.err)
	assert.Equal(t, "Jürgen", res.parsed.Contact.GivenName)
}

// jpegOf encodes a frame as an MJPEG camera would.
func jpegOf(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, jpeg.Encode(&b, m, &jpeg.Options{Quality: 80}))
	return b.Bytes()
}

// withoutHuffman drops the DHT segments, as many webcams send MJPEG.
func withoutHuffman(buf []byte) []byte {
	var out []byte
	last := 0
	jpegSegments(buf, func(off int, marker byte) {
		if marker == 0xC4 {
			n := 2 + (int(buf[off+2])<<8 | int(buf[off+3]))
			out = append(out, buf[last:off]...)
			last = off + n
		}
	})
	return append(out, buf[last:]...)
}

func TestMJPEGFrameDecodes(t *testing.T) {
	data := jpegOf(t, cameraFrame(t, adaCard, 1))
	img, err := decodeMJPEG(data)
	require.NoError(t, err)
	assert.Equal(t, image.Rect(0, 0, 1280, 720), img.Bounds())
	codes, err := capture.DecodeImage(img)
	require.NoError(t, err)
	require.Len(t, codes, 1)
	assert.Equal(t, adaCard, codes[0].Text)
}

func TestMJPEGFrameWithoutHuffmanTablesDecodes(t *testing.T) {
	data := jpegOf(t, cameraFrame(t, adaCard, 1))
	bare := withoutHuffman(data)
	require.Less(t, len(bare), len(data))
	require.False(t, hasHuffmanTables(bare))
	_, err := jpeg.Decode(bytes.NewReader(bare))
	require.Error(t, err, "image/jpeg alone cannot read it")

	img, err := decodeMJPEG(bare)
	require.NoError(t, err)
	want, err := jpeg.Decode(bytes.NewReader(data))
	require.NoError(t, err)
	assert.Equal(t, want.(*image.YCbCr).Y, img.(*image.YCbCr).Y, "the standard tables are the ones it was written with")
}

func TestMJPEGDamagedFrameIsAnError(t *testing.T) {
	data := jpegOf(t, cameraFrame(t, "", 1))
	_, err := decodeMJPEG(data[:len(data)/3])
	assert.Error(t, err)
	_, err = decodeMJPEG([]byte("not a jpeg"))
	assert.Error(t, err)
}

func TestChooseFormatPrefersMJPEG(t *testing.T) {
	f, ok := chooseFormat(map[webcam.PixelFormat]string{pixYUYV: "YUYV 4:2:2", pixMJPEG: "Motion-JPEG"})
	require.True(t, ok)
	assert.Equal(t, pixMJPEG, f)
	f, ok = chooseFormat(map[webcam.PixelFormat]string{pixYUYV: "YUYV 4:2:2"})
	require.True(t, ok)
	assert.Equal(t, pixYUYV, f)
	_, ok = chooseFormat(map[webcam.PixelFormat]string{webcam.PixelFormat(0x3231564e): "NV12"})
	assert.False(t, ok)
	assert.Equal(t, "MJPG", fourcc(pixMJPEG))
	assert.Equal(t, "YUYV", fourcc(pixYUYV))
}

func fourcc(f webcam.PixelFormat) string {
	return string([]byte{byte(f), byte(f >> 8), byte(f >> 16), byte(f >> 24)})
}

func TestChooseSizeNear720p(t *testing.T) {
	discrete := func(sizes ...[2]uint32) []webcam.FrameSize {
		var out []webcam.FrameSize
		for _, s := range sizes {
			out = append(out, webcam.FrameSize{MinWidth: s[0], MaxWidth: s[0], MinHeight: s[1], MaxHeight: s[1]})
		}
		return out
	}
	for name, c := range map[string]struct {
		sizes []webcam.FrameSize
		w, h  uint32
	}{
		"a typical UVC webcam":  {discrete([2]uint32{640, 480}, [2]uint32{1280, 720}, [2]uint32{1920, 1080}), 1280, 720},
		"no 720p: the nearest":  {discrete([2]uint32{640, 480}, [2]uint32{800, 600}, [2]uint32{1920, 1080}), 800, 600},
		"only 1080p":            {discrete([2]uint32{1920, 1080}), 1920, 1080},
		"stepwise, 720p inside": {[]webcam.FrameSize{{MinWidth: 160, MaxWidth: 1920, StepWidth: 16, MinHeight: 120, MaxHeight: 1080, StepHeight: 8}}, 1280, 720},
		"stepwise, smaller":     {[]webcam.FrameSize{{MinWidth: 160, MaxWidth: 640, StepWidth: 2, MinHeight: 120, MaxHeight: 480, StepHeight: 2}}, 640, 480},
		"stepwise, odd steps":   {[]webcam.FrameSize{{MinWidth: 100, MaxWidth: 2000, StepWidth: 300, MinHeight: 100, MaxHeight: 2000, StepHeight: 300}}, 1000, 700},
	} {
		t.Run(name, func(t *testing.T) {
			w, h, ok := chooseSize(c.sizes, 1280, 720)
			require.True(t, ok)
			assert.Equal(t, [2]uint32{c.w, c.h}, [2]uint32{w, h})
		})
	}
	_, _, ok := chooseSize(nil, 1280, 720)
	assert.False(t, ok, "the driver listed nothing")
}

func TestFindCameraWithoutOne(t *testing.T) {
	dir := t.TempDir()
	_, ok := findCameraIn(dir)
	assert.False(t, ok, "no video device")

	// A file named like a camera that is not a V4L2 device.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "video0"), []byte("not a camera"), 0o600))
	_, ok = findCameraIn(dir)
	assert.False(t, ok, "a node that is not a capture device is skipped")

	_, err := openV4L2(filepath.Join(dir, "video0"))
	assert.Error(t, err)
	_, err = openV4L2(filepath.Join(dir, "video9"))
	assert.True(t, errors.Is(err, os.ErrNotExist), "%v", err)
}

func BenchmarkYUYVToYCbCr720p(b *testing.B) {
	buf := yuyvOf(cameraFrame(b, adaCard, 1))
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		if _, err := yuyvToYCbCr(buf, 1280, 720, 2560); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMJPEGDecode720p(b *testing.B) {
	data := jpegOf(b, cameraFrame(b, adaCard, 1))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := decodeMJPEG(data); err != nil {
			b.Fatal(err)
		}
	}
}
