package capture

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/internal/cardgen"
)

// Payloads of the image tests: every one carries umlauts, accents or ø, so
// that a photo read with the wrong character set fails the exact match.
const (
	vcardDE   = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Müller;Jürgen;;;\r\nFN:Jürgen Müller\r\nORG:Bäckerei Größl GmbH\r\nTEL;TYPE=CELL:+49 170 1234567\r\nEMAIL:j.mueller@example.de\r\nEND:VCARD\r\n"
	mecardDK  = "MECARD:N:Ørsted,Søren;ORG:Fjordværk ApS;TEL:+4520123456;EMAIL:soren@example.dk;;"
	badgeFR   = "A12345^Zoë^Lefèvre^zoe.lefevre@example.fr^Directrice^Café Société^Paris^^75001^+33612345678"
	urlFR     = "https://example.com/p/françois-dupont"
	latin1SE  = "MECARD:N:Åberg,Björn;ORG:Göteborgs Hamn AB;EMAIL:bjorn@example.se;;"
	vcardPLEu = "MECARD:N:Łukasiewicz,Zoë;ORG:Kraków Tech € Sp. z o.o.;EMAIL:zoe@example.pl;;"
)

// render draws a card photo and fails the test if the generator cannot.
func render(t testing.TB, s cardgen.Spec) *cardgen.Photo {
	t.Helper()
	if s.Width == 0 {
		s.Width, s.Height = 1920, 1080
	}
	ph, err := cardgen.Render(s)
	require.NoError(t, err)
	return ph
}

// TestDecodeBytesCardPhotos reads one generated fair photo per degradation
// and checks that the text comes out exactly as written, character set
// included, and that the code is reported where it was drawn.
func TestDecodeBytesCardPhotos(t *testing.T) {
	cases := []struct {
		name string
		spec cardgen.Spec
	}{
		{"clean card, JPEG", cardgen.Spec{Payload: vcardDE, Encoding: cardgen.UTF8ECI, Degradation: cardgen.Clean, Seed: 1}},
		{"clean card, PNG", cardgen.Spec{Payload: mecardDK, Encoding: cardgen.UTF8Raw, Degradation: cardgen.Clean, Seed: 2, Format: "png"}},
		{"clean card, 720p", cardgen.Spec{Payload: badgeFR, Encoding: cardgen.UTF8ECI, Degradation: cardgen.Clean, Seed: 3, Width: 1280, Height: 720}},
		{"small in a 1080p frame", cardgen.Spec{Payload: urlFR, Encoding: cardgen.UTF8ECI, Degradation: cardgen.Small, Seed: 4}},
		{"rotated 15°", cardgen.Spec{Payload: mecardDK, Encoding: cardgen.UTF8ECI, Degradation: cardgen.Rotate, Seed: 5, Rotation: 15}},
		{"rotated 45°", cardgen.Spec{Payload: badgeFR, Encoding: cardgen.UTF8Raw, Degradation: cardgen.Rotate, Seed: 6, Rotation: 45}},
		{"rotated 90°", cardgen.Spec{Payload: vcardDE, Encoding: cardgen.UTF8ECI, Degradation: cardgen.Rotate, Seed: 7, Rotation: 90}},
		{"rotated -60°", cardgen.Spec{Payload: urlFR, Encoding: cardgen.UTF8Raw, Degradation: cardgen.Rotate, Seed: 8, Rotation: -60}},
		{"perspective", cardgen.Spec{Payload: mecardDK, Encoding: cardgen.UTF8ECI, Degradation: cardgen.Perspective, Seed: 9}},
		{"out of focus", cardgen.Spec{Payload: badgeFR, Encoding: cardgen.UTF8ECI, Degradation: cardgen.Blur, Seed: 10}},
		{"motion blur", cardgen.Spec{Payload: urlFR, Encoding: cardgen.UTF8ECI, Degradation: cardgen.Motion, Seed: 11}},
		{"strong hand shake, 2.8 modules of streak", shakePhotos[0]},
		{"strong hand shake, ISO-8859-1", shakePhotos[1]},
		{"sensor noise", cardgen.Spec{Payload: vcardPLEu, Encoding: cardgen.UTF8ECI, Degradation: cardgen.Noise, Seed: 12}},
		{"dim hall corner", cardgen.Spec{Payload: mecardDK, Encoding: cardgen.UTF8Raw, Degradation: cardgen.Dim, Seed: 13}},
		{"glare", cardgen.Spec{Payload: badgeFR, Encoding: cardgen.UTF8ECI, Degradation: cardgen.Glare, Seed: 14}},
		{"heavy JPEG", cardgen.Spec{Payload: vcardDE, Encoding: cardgen.UTF8ECI, Degradation: cardgen.JPEG, Seed: 15}},
		{"mixed degradations", cardgen.Spec{Payload: urlFR, Encoding: cardgen.UTF8ECI, Degradation: cardgen.Mixed, Seed: 16}},
		{"ISO-8859-1 bytes without ECI (older badge printer)", cardgen.Spec{Payload: latin1SE, Encoding: cardgen.Latin1Raw, Degradation: cardgen.Clean, Seed: 17}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, d, _ := readOne(t, tc.spec)
			assert.Positive(t, d)
		})
	}
}

// readOne renders s, decodes the photo's bytes and checks that exactly one
// code comes back, with the payload's text, reported where it was drawn.
func readOne(t *testing.T, s cardgen.Spec) (Code, time.Duration, *cardgen.Photo) {
	t.Helper()
	ph := render(t, s)
	codes, d, err := DecodeBytes(ph.Data)
	require.NoError(t, err, "photo: %s", ph.Desc)
	require.Len(t, codes, 1, "photo: %s", ph.Desc)
	assert.Equal(t, s.Payload, codes[0].Text)
	cx, cy := quadCentre(ph.QR)
	assert.True(t, image.Pt(cx, cy).In(codes[0].Bounds),
		"code drawn around (%d,%d), reported at %v", cx, cy, codes[0].Bounds)
	return codes[0], d, ph
}

func quadCentre(q [4][2]float64) (int, int) {
	var x, y float64
	for _, c := range q {
		x, y = x+c[0]/4, y+c[1]/4
	}
	return int(math.Round(x)), int(math.Round(y))
}

// TestDecodeImageTwoCodes puts two cards side by side in one frame: both
// codes must come back, each where it was drawn.
func TestDecodeImageTwoCodes(t *testing.T) {
	left := render(t, cardgen.Spec{Payload: vcardDE, Encoding: cardgen.UTF8ECI, Degradation: cardgen.Clean, Seed: 21, Width: 960, Height: 1080})
	right := render(t, cardgen.Spec{Payload: mecardDK, Encoding: cardgen.UTF8Raw, Degradation: cardgen.Clean, Seed: 22, Width: 960, Height: 1080})
	frame := image.NewRGBA(image.Rect(0, 0, 1920, 1080))
	draw.Draw(frame, image.Rect(0, 0, 960, 1080), left.Image, image.Point{}, draw.Src)
	draw.Draw(frame, image.Rect(960, 0, 1920, 1080), right.Image, image.Point{}, draw.Src)
	var buf bytes.Buffer
	require.NoError(t, jpeg.Encode(&buf, frame, &jpeg.Options{Quality: 85}))

	codes, _, err := DecodeBytes(buf.Bytes())
	require.NoError(t, err)
	got := map[string]image.Rectangle{}
	for _, c := range codes {
		got[c.Text] = c.Bounds
	}
	require.Len(t, got, 2, "codes: %+v", codes)
	require.Contains(t, got, vcardDE)
	require.Contains(t, got, mecardDK)
	lx, ly := quadCentre(left.QR)
	rx, ry := quadCentre(right.QR)
	assert.True(t, image.Pt(lx, ly).In(got[vcardDE]), "left code at %v", got[vcardDE])
	assert.True(t, image.Pt(rx+960, ry).In(got[mecardDK]), "right code at %v", got[mecardDK])
}

// TestDecodeImageGeneratedCodes reads plain codes straight from gozxing's
// writer, with every kind of image DecodeImage converts itself.
func TestDecodeImageGeneratedCodes(t *testing.T) {
	bm, err := cardgen.QR(vcardPLEu, cardgen.UTF8ECI)
	require.NoError(t, err)
	const scale = 4
	w, h := bm.GetWidth()*scale, bm.GetHeight()*scale
	module := func(x, y int) bool { return bm.Get(x/scale, y/scale) }
	grayImg := image.NewGray(image.Rect(0, 0, w, h))
	nrgba := image.NewNRGBA(image.Rect(0, 0, w, h)) // black on transparent
	cmyk := image.NewCMYK(image.Rect(0, 0, w, h))   // read through img.At
	for y := range h {
		for x := range w {
			v := uint8(255)
			if module(x, y) {
				v = 0
				nrgba.Pix[nrgba.PixOffset(x, y)+3] = 255
			}
			grayImg.Pix[grayImg.PixOffset(x, y)] = v
			cmyk.Pix[cmyk.PixOffset(x, y)+3] = 255 - v
		}
	}
	// A sub-image whose bounds do not start at the origin.
	framed := image.NewGray(image.Rect(0, 0, w+100, h+60))
	for i := range framed.Pix {
		framed.Pix[i] = 255
	}
	draw.Draw(framed, image.Rect(70, 30, 70+w, 30+h), grayImg, image.Point{}, draw.Src)
	sub := framed.SubImage(image.Rect(50, 20, w+90, h+50))

	for name, img := range map[string]image.Image{"gray": grayImg, "nrgba transparent": nrgba, "cmyk": cmyk, "sub-image": sub} {
		t.Run(name, func(t *testing.T) {
			codes, err := DecodeImage(img)
			require.NoError(t, err)
			require.Len(t, codes, 1)
			assert.Equal(t, vcardPLEu, codes[0].Text)
		})
	}
}

func TestDecodeImageTooSmallOrEmpty(t *testing.T) {
	for _, r := range []image.Rectangle{image.Rect(0, 0, 0, 0), image.Rect(0, 0, 10, 300), image.Rect(0, 0, 400, 300)} {
		t.Run(fmt.Sprint(r), func(t *testing.T) {
			img := image.NewGray(r)
			for i := range img.Pix {
				img.Pix[i] = 200
			}
			_, err := DecodeImage(img)
			assert.ErrorIs(t, err, ErrNoCode)
		})
	}
}

func TestDecodeImageTooLarge(t *testing.T) {
	// An image whose bounds claim more than MaxPixels; its pixels are never
	// read, so a uniform image stands in for it.
	img := image.NewUniform(image.White)
	_, err := DecodeImage(bigImage{img, image.Rect(0, 0, 10000, 5001)})
	assert.ErrorIs(t, err, ErrTooLarge)
}

type bigImage struct {
	*image.Uniform
	r image.Rectangle
}

func (b bigImage) Bounds() image.Rectangle { return b.r }

// TestDecodeBytesLargePhoto covers the reduced decoding of large JPEGs: a
// 5-megapixel photo is read from its luma at half size, with the code
// reported in full-size coordinates; a code too small for the half-size
// frame is found by the second look at full size.
func TestDecodeBytesLargePhoto(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec cardgen.Spec
	}{
		{"card filling a 5 MP frame", cardgen.Spec{Payload: vcardDE, Encoding: cardgen.UTF8ECI, Degradation: cardgen.Clean, Seed: 61, Width: 2592, Height: 1944}},
		{"small code in a 5 MP frame", cardgen.Spec{Payload: urlFR, Encoding: cardgen.UTF8ECI, Degradation: cardgen.Small, Seed: 62, Width: 2592, Height: 1944}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, ph := readOne(t, tc.spec)
			// The code must cover a plausible share of the reported box:
			// bounds left at half scale would be a quarter of the area.
			q := ph.QR
			side := math.Hypot(q[1][0]-q[0][0], q[1][1]-q[0][1])
			assert.Greater(t, float64(code.Bounds.Dx()), side*0.8, "reported %v for a code %.0f pixels wide", code.Bounds, side)
		})
	}
}
