package capture

import (
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/aztec"
	"github.com/makiuchi-d/gozxing/datamatrix"
	"github.com/makiuchi-d/gozxing/oned"
	"golang.org/x/text/encoding/charmap"
)

// Symbology is the kind of code a text was read from. Whatever it is, the
// code's text is a payload for Parse, as a handheld scanner would type it.
type Symbology string

// The formats DecodeImage reads. Badge systems print Code 128, Code 39,
// Data Matrix or Aztec where business cards carry QR codes.
const (
	QRCode     Symbology = "QR Code"
	Code128    Symbology = "Code 128"
	Code39     Symbology = "Code 39"
	DataMatrix Symbology = "Data Matrix"
	Aztec      Symbology = "Aztec"
)

// symbologyOf names gozxing's format.
func symbologyOf(f gozxing.BarcodeFormat) Symbology {
	switch f {
	case gozxing.BarcodeFormat_CODE_128:
		return Code128
	case gozxing.BarcodeFormat_CODE_39:
		return Code39
	case gozxing.BarcodeFormat_DATA_MATRIX:
		return DataMatrix
	case gozxing.BarcodeFormat_AZTEC:
		return Aztec
	}
	return QRCode
}

// others are the readers of the formats besides QR. gozxing's readers keep
// no state between calls.
type others struct {
	matrix []gozxing.Reader // Data Matrix, Aztec
	linear []gozxing.Reader // Code 128, Code 39
}

func newOthers() others {
	return others{
		matrix: []gozxing.Reader{datamatrix.NewDataMatrixReader(), aztec.NewAztecReader()},
		linear: []gozxing.Reader{oned.NewCode128Reader(), oned.NewCode39Reader()},
	}
}

// readOthers runs the Data Matrix and Aztec readers on bmp and, when
// linear is set, the Code 128 and Code 39 readers; it records the codes
// found and reports whether any was. The linear readers look at rows only:
// with tryHarder at every fourth row of the frame, else at 15 rows across
// its middle half.
func (r *reader) readOthers(bmp *gozxing.BinaryBitmap, linear, tryHarder bool, back mapping) bool {
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_CHARACTER_SET: charmap.ISO8859_1}
	if tryHarder {
		hints[gozxing.DecodeHintType_TRY_HARDER] = true
	}
	readers := r.others.matrix
	if linear {
		readers = append(readers[:len(readers):len(readers)], r.others.linear...)
	}
	found := false
	for _, rd := range readers {
		if res, err := rd.Decode(bmp, hints); err == nil && r.add(res, back) {
			found = true
		}
	}
	return found
}

// othersOnFrame is the cheap look for other formats: the whole frame's
// black matrix, already computed by the first QR read, and a few rows.
func (r *reader) othersOnFrame(g *gray) bool {
	if r.frameBmp == nil {
		return false
	}
	return r.readOthers(r.frameBmp, true, false, identity)
}

// othersHarder looks for linear codes on every fourth row of the frame,
// then of the frame turned by 90° (a badge photographed upright), and,
// last, for Data Matrix and Aztec codes in the regions turned upright and
// warped (matrixWarped).
func (r *reader) othersHarder(g *gray) bool {
	if r.frameBmp != nil && r.readOthers(r.frameBmp, true, true, identity) {
		return true
	}
	swap := func(x, y float64) (float64, float64) { return y, x }
	t := g.transpose()
	if r.linearOn(t, swap) {
		return true
	}
	// Noise and dim light: average along the bars (seven rows), which
	// keeps their edges, for a horizontal and an upright code.
	return r.linearOn(g.smoothColumns(3), identity) || r.linearOn(t.smoothColumns(3), swap) || r.matrixWarped(g)
}

// linearOn reads g with every reader, linear ones on every fourth row.
func (r *reader) linearOn(g *gray, back mapping) bool {
	bmp, err := gozxing.NewBinaryBitmap(binarizer(g, hybrid))
	return err == nil && r.readOthers(bmp, true, true, back)
}

// smoothColumns averages each pixel with the radius pixels above and below
// it.
func (g *gray) smoothColumns(radius int) *gray {
	out := newGray(g.w, g.h)
	sum := make([]uint32, g.w)
	n := uint32(2*radius + 1)
	row := func(y int) []byte { y = min(max(y, 0), g.h-1); return g.pix[y*g.w : (y+1)*g.w] }
	for y := -radius; y <= radius; y++ {
		for x, p := range row(y) {
			sum[x] += uint32(p)
		}
	}
	for y := 0; y < g.h; y++ {
		dst := out.pix[y*g.w : (y+1)*g.w]
		for x := range dst {
			dst[x] = uint8(sum[x] / n)
		}
		add, sub := row(y+radius+1), row(y-radius)
		for x := range sum {
			sum[x] += uint32(add[x]) - uint32(sub[x])
		}
	}
	return out
}

// transpose mirrors g along its diagonal: rows become columns.
func (g *gray) transpose() *gray {
	out := newGray(g.h, g.w)
	const tile = 32 // stay within cache lines on both sides
	for y0 := 0; y0 < g.h; y0 += tile {
		for x0 := 0; x0 < g.w; x0 += tile {
			for y := y0; y < min(y0+tile, g.h); y++ {
				row := g.pix[y*g.w:]
				for x := x0; x < min(x0+tile, g.w); x++ {
					out.pix[x*g.h+y] = row[x]
				}
			}
		}
	}
	return out
}
