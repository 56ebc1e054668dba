package capture

import (
	"image"
	"image/png"
	"os"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/internal/cardgen"
)

// aztecMECARD is the payload of testdata/aztec-mecard.png, an Aztec code
// written by ZXing-C++ 1.4 (gozxing has no Aztec writer), one pixel per
// module, no quiet zone.
const aztecMECARD = "MECARD:N:Lefèvre,Zoë;ORG:Café Société;EMAIL:zoe.lefevre@example.fr;;"

// aztecMatrix reads testdata/aztec-mecard.png as a module matrix.
func aztecMatrix(t testing.TB) *gozxing.BitMatrix {
	t.Helper()
	f, err := os.Open("testdata/aztec-mecard.png")
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err)
	g := img.(*image.Gray)
	bm, err := gozxing.NewBitMatrix(g.Rect.Dx(), g.Rect.Dy())
	require.NoError(t, err)
	for y := range g.Rect.Dy() {
		for x := range g.Rect.Dx() {
			if g.GrayAt(x, y).Y < 128 {
				bm.Set(x, y)
			}
		}
	}
	return bm
}

// TestDecodeBytesBadgeSymbologies reads badge photos printed with the
// other symbologies fairs use: the text comes out exactly, the symbology is
// named, and the code is reported where it was drawn.
func TestDecodeBytesBadgeSymbologies(t *testing.T) {
	const badgeID = "EXPO26-000481"
	// ASCII: gozxing's Data Matrix writer loses text after a non-ASCII
	// character (its reader is fine: see the Aztec cases).
	dm := "A12345^Zoe^Lefevre^zoe.lefevre@example.fr^Directrice^Cafe Societe^Paris^^75001^+33612345678"
	cases := []struct {
		name string
		spec cardgen.Spec
		want Symbology
	}{
		{"Code 128 badge, clean", cardgen.Spec{Payload: "C128-" + badgeID, Symbology: cardgen.Code128, Degradation: cardgen.Clean, Seed: 41}, Code128},
		{"Code 128 badge, upright (rotated 90°)", cardgen.Spec{Payload: badgeID, Symbology: cardgen.Code128, Degradation: cardgen.Clean, Seed: 42, Rotation: 90}, Code128},
		{"Code 128 badge, noisy", cardgen.Spec{Payload: badgeID, Symbology: cardgen.Code128, Degradation: cardgen.Noise, Seed: 43}, Code128},
		{"Code 39 badge, clean", cardgen.Spec{Payload: badgeID, Symbology: cardgen.Code39, Degradation: cardgen.Clean, Seed: 44}, Code39},
		{"Code 39 badge, dim hall", cardgen.Spec{Payload: badgeID, Symbology: cardgen.Code39, Degradation: cardgen.Dim, Seed: 45}, Code39},
		// Matrix codes on photos are where gozxing's detectors are weakest
		// (ZXing-C++'s too, see docs/benchmarks.md): these are photos both
		// symbologies are expected to read.
		{"Data Matrix badge record, clean", cardgen.Spec{Payload: dm, Symbology: cardgen.DataMatrix, Degradation: cardgen.Clean, Seed: 62}, DataMatrix},
		{"Data Matrix badge record, another card", cardgen.Spec{Payload: dm, Symbology: cardgen.DataMatrix, Degradation: cardgen.Clean, Seed: 69}, DataMatrix},
		{"Data Matrix badge ID", cardgen.Spec{Payload: badgeID, Symbology: cardgen.DataMatrix, Degradation: cardgen.Clean, Seed: 60}, DataMatrix},
		{"Aztec MECARD (ZXing-C++), clean", cardgen.Spec{Payload: aztecMECARD, Symbology: cardgen.Aztec, Matrix: aztecMatrix(t), Degradation: cardgen.Clean, Seed: 62}, Aztec},
		{"Aztec MECARD (ZXing-C++), another card", cardgen.Spec{Payload: aztecMECARD, Symbology: cardgen.Aztec, Matrix: aztecMatrix(t), Degradation: cardgen.Clean, Seed: 70}, Aztec},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, _ := readOne(t, tc.spec)
			assert.Equal(t, tc.want, code.Symbology)
		})
	}
}

// TestBadgeSymbologyToContact: the text of a Data Matrix or Aztec badge
// goes through Parse like a QR payload.
func TestBadgeSymbologyToContact(t *testing.T) {
	code, _, _ := readOne(t, cardgen.Spec{Payload: aztecMECARD, Symbology: cardgen.Aztec, Matrix: aztecMatrix(t), Degradation: cardgen.Clean, Seed: 66})
	p, err := Parse(code.Text, "FR")
	require.NoError(t, err)
	assert.Equal(t, []string{"zoe.lefevre@example.fr"}, p.Contact.Emails)
	assert.Equal(t, "Café Société", p.Contact.Organization)
}

// TestDecodeQRSymbology: a QR code says so.
func TestDecodeQRSymbology(t *testing.T) {
	codes, _, err := DecodeBytes(cleanPhoto(t, "jpeg").Data)
	require.NoError(t, err)
	require.Len(t, codes, 1)
	assert.Equal(t, QRCode, codes[0].Symbology)
}
