package cardgen

import (
	"fmt"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/datamatrix"
	"github.com/makiuchi-d/gozxing/oned"
)

// Symbology is the kind of code printed on the card.
type Symbology string

// The symbologies Render draws. Aztec has no writer in gozxing: its module
// matrix comes in Spec.Matrix (for instance one written by ZXing-C++).
const (
	QRCode     Symbology = "qr"
	Code128    Symbology = "code128"
	Code39     Symbology = "code39"
	DataMatrix Symbology = "datamatrix"
	Aztec      Symbology = "aztec"
)

// module is a code's module matrix with its quiet zone, one pixel per
// module, and the width of the quiet zone on the sides and on top/bottom.
type module struct {
	bm     *gozxing.BitMatrix
	mx, my int
}

// code writes the spec's payload in its symbology.
func code(s Spec) (module, error) {
	switch s.Symbology {
	case "", QRCode:
		bm, err := QR(s.Payload, s.Encoding)
		return module{bm, 4, 4}, err
	case Code128, Code39:
		return linear(s.Symbology, s.Payload)
	case DataMatrix:
		bm, err := datamatrix.NewDataMatrixWriter().Encode(s.Payload, gozxing.BarcodeFormat_DATA_MATRIX, 0, 0, nil)
		if err != nil {
			return module{}, err
		}
		return withMargin(bm, 2), nil
	case Aztec:
		if s.Matrix == nil {
			return module{}, fmt.Errorf("cardgen: an Aztec spec needs its Matrix")
		}
		return withMargin(s.Matrix, 2), nil
	}
	return module{}, fmt.Errorf("cardgen: unknown symbology %q", s.Symbology)
}

// linear writes a Code 128 or Code 39 barcode with bars a sixth of its
// length high (at least 20 modules) and a 10-module quiet zone on each side.
func linear(sym Symbology, payload string) (module, error) {
	var w gozxing.Writer
	format := gozxing.BarcodeFormat_CODE_128
	if sym == Code39 {
		w, format = oned.NewCode39Writer(), gozxing.BarcodeFormat_CODE_39
	} else {
		w = oned.NewCode128Writer()
	}
	row, err := w.Encode(payload, format, 0, 1, map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_MARGIN: 10})
	if err != nil {
		return module{}, err
	}
	width := row.GetWidth()
	h := max(20, width/6)
	bm, err := gozxing.NewBitMatrix(width, h)
	if err != nil {
		return module{}, err
	}
	for x := range width {
		if row.Get(x, 0) {
			bm.SetRegion(x, 0, 1, h)
		}
	}
	return module{bm, 10, 0}, nil
}

// withMargin copies bm into a matrix with a quiet zone of q modules.
func withMargin(bm *gozxing.BitMatrix, q int) module {
	out, _ := gozxing.NewBitMatrix(bm.GetWidth()+2*q, bm.GetHeight()+2*q)
	for y := range bm.GetHeight() {
		for x := range bm.GetWidth() {
			if bm.Get(x, y) {
				out.Set(x+q, y+q)
			}
		}
	}
	return module{out, q, q}
}

// BadgePayloads are what badge printers put in linear and Data Matrix
// codes: registration IDs (Code 39 takes upper case, digits and -.$/+%
// only) and an ASCII delimited record.
var BadgePayloads = []string{
	"EXPO26-000481",
	"REG-2026-55120",
	"A12345^Zoe^Lefevre^zoe.lefevre@example.fr^Directrice^Cafe Societe^Paris^^75001^+33612345678",
}

// BadgeSet returns n badge photo specs that cycle through Code 128,
// Code 39 and Data Matrix and through Degradations, seeded apart from Set's.
func BadgeSet(n, w, h int) []Spec {
	syms := []Symbology{Code128, Code39, DataMatrix}
	specs := make([]Spec, n)
	for i := range specs {
		sym := syms[i%len(syms)]
		p := BadgePayloads[(i/len(syms))%2]
		if sym == DataMatrix && i%2 == 0 {
			p = BadgePayloads[2]
		}
		d := Degradations[(i/len(syms))%len(Degradations)]
		specs[i] = Spec{Payload: p, Symbology: sym, Degradation: d, Width: w, Height: h, Seed: 500 + uint64(i)}
	}
	return specs
}
