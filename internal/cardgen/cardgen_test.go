package cardgen

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRenderDeterministic(t *testing.T) {
	s := Spec{Payload: Payloads[1], Encoding: UTF8ECI, Degradation: Mixed, Width: 640, Height: 360, Seed: 7}
	a, err := Render(s)
	require.NoError(t, err)
	b, err := Render(s)
	require.NoError(t, err)
	assert.Equal(t, a.Data, b.Data)
	assert.Equal(t, ".jpg", a.Ext)
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(a.Data))
	require.NoError(t, err)
	assert.Equal(t, image.Pt(640, 360), image.Pt(cfg.Width, cfg.Height))
	for _, c := range a.QR {
		assert.True(t, image.Pt(int(c[0]), int(c[1])).In(image.Rect(0, 0, 640, 360)), "code corner %v outside the frame", c)
	}

	s.Seed = 8
	c, err := Render(s)
	require.NoError(t, err)
	assert.NotEqual(t, a.Data, c.Data, "another seed draws another photo")
}

func TestRenderRotation(t *testing.T) {
	s := Spec{Payload: Payloads[5], Encoding: UTF8Raw, Degradation: Clean, Width: 640, Height: 360, Seed: 3, Format: "png", Rotation: 90}
	ph, err := Render(s)
	require.NoError(t, err)
	assert.Equal(t, ".png", ph.Ext)
	assert.Contains(t, ph.Desc, "rot=90°")
	// Turned by 90°, the code's top edge runs downwards.
	top := [2]float64{ph.QR[1][0] - ph.QR[0][0], ph.QR[1][1] - ph.QR[0][1]}
	assert.Greater(t, top[1], 10*abs(top[0]))
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestQREncodings(t *testing.T) {
	_, err := QR("Kraków €", Latin1Raw)
	assert.Error(t, err, "€ and ó… do not fit ISO-8859-1")
	_, err = QR("\xff\xfe", UTF8ECI)
	assert.Error(t, err)
	for _, enc := range []Encoding{UTF8ECI, UTF8Raw, Latin1Raw} {
		bm, err := QR("Søren Ørsted", enc)
		require.NoError(t, err, enc.String())
		// 17+4·version modules and a 4-module quiet zone on each side.
		assert.Zero(t, (bm.GetWidth()-8-17)%4, enc.String())
		assert.True(t, bm.Get(4, 4), "top-left finder pattern (%s)", enc)
		assert.False(t, bm.Get(3, 3), "quiet zone (%s)", enc)
	}
	assert.Len(t, Set(33, 640, 360), 33)
}

func TestPNG(t *testing.T) {
	qr, err := QR("Søren Ørsted", UTF8ECI)
	require.NoError(t, err)
	data, err := PNG("Søren Ørsted", UTF8ECI, 3)
	require.NoError(t, err)
	img, err := png.Decode(bytes.NewReader(data))
	require.NoError(t, err)
	require.Equal(t, image.Rect(0, 0, 3*qr.GetWidth(), 3*qr.GetHeight()), img.Bounds())
	for y := range img.Bounds().Dy() {
		for x := range img.Bounds().Dx() {
			r, _, _, _ := img.At(x, y).RGBA()
			require.Equal(t, qr.Get(x/3, y/3), r == 0, "pixel (%d,%d)", x, y)
		}
	}
	_, err = PNG("Kraków €", Latin1Raw, 3)
	assert.Error(t, err, "QR's errors come through")
}
