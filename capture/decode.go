package capture

import (
	"fmt"
	"image"
	"math"
	"strconv"

	"github.com/makiuchi-d/gozxing"
	multiqr "github.com/makiuchi-d/gozxing/multi/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode"
	"golang.org/x/text/encoding/charmap"
)

// Code is one code found in an image.
type Code struct {
	// Text is the code's content. Byte segments are read by DecodeText:
	// the character set of an ECI marker when there is one, else UTF-8 when
	// the bytes are valid UTF-8, else ISO-8859-1.
	Text string
	// Symbology is QRCode, or the one a badge printer used.
	Symbology Symbology
	// Bounds is where the code is in the image, in the image's pixel
	// coordinates (after EXIF orientation for DecodeBytes and DecodeFile).
	Bounds image.Rectangle
}

// DecodeImage returns every code (QR, Data Matrix, Aztec, Code 128,
// Code 39) found in img, or an error wrapping ErrNoCode (ErrTooLarge past
// MaxPixels). It tries the cheap read first (the whole frame as it is,
// which is where clean photos end), and only when that fails works harder:
// the other formats on the same frame, regions of interest found by a cheap
// texture map and enlarged, a finder-pattern retry on them that samples
// neighbouring grid sizes, motion blur estimated and undone in the regions
// streaked by hand shake, the other binarizer, a smaller scale, the
// finder-pattern retry on the whole frame, then the regions with local
// contrast evened out, sharpened and smoothed, and warped for perspective,
// motion blur undone in the other regions, and last linear codes on more
// rows and upright. QR codes at any rotation are read by the first
// steps already. The work is bounded: frames above 16
// megapixels are scaled down first, and regions and warps are capped in
// size.
func DecodeImage(img image.Image) ([]Code, error) {
	b := img.Bounds()
	if int64(b.Dx())*int64(b.Dy()) > MaxPixels {
		return nil, ErrTooLarge
	}
	return decodeGray(toGray(img))
}

// mapping turns a point of an attempt's frame back into the original
// frame's coordinates.
type mapping func(x, y float64) (float64, float64)

func identity(x, y float64) (float64, float64) { return x, y }

// scaled maps back from a frame made of rect r of the original resized to
// w×h.
func scaled(r image.Rectangle, w, h int) mapping {
	sx, sy := float64(r.Dx())/float64(w), float64(r.Dy())/float64(h)
	return func(x, y float64) (float64, float64) {
		return float64(r.Min.X) + x*sx, float64(r.Min.Y) + y*sy
	}
}

type binarizerKind int

const (
	hybrid binarizerKind = iota
	globalHistogram
)

// reader holds the gozxing readers; they keep no state between calls but
// are not documented as safe for concurrent use, so each decode makes one.
type reader struct {
	single gozxing.Reader
	multi  interface {
		DecodeMultiple(*gozxing.BinaryBitmap, map[gozxing.DecodeHintType]any) ([]*gozxing.Result, error)
	}
	others others
	codes  []Code
	// frameBmp is the whole frame's hybrid bitmap and frameBits its black
	// matrix, kept from the first read for the other formats and
	// finderRetry.
	frameBmp  *gozxing.BinaryBitmap
	frameBits *gozxing.BitMatrix
	// Candidate regions, computed once per decode by rois.
	roiCache []roi
	roisDone bool
}

func newReader() *reader {
	return &reader{
		single: qrcode.NewQRCodeReader(),
		multi:  multiqr.NewQRCodeMultiReader().(*multiqr.QRCodeMultiReader),
		others: newOthers(),
	}
}

// attempt runs gozxing on g and records the codes found; it reports
// whether any was.
func (r *reader) attempt(g *gray, bin binarizerKind, tryHarder bool, back mapping) bool {
	bmp, err := gozxing.NewBinaryBitmap(binarizer(g, bin))
	if err != nil {
		return false
	}
	return r.read(bmp, tryHarder, back)
}

// attemptKeep is attempt with the hybrid binarizer that also returns the
// black matrix gozxing read (nil if binarizing failed), so that a
// finderRetry on the same frame does not binarize it again.
func (r *reader) attemptKeep(g *gray, tryHarder bool, back mapping) (bool, *gozxing.BitMatrix) {
	found, bmp := r.attemptBitmap(g, tryHarder, back)
	if bmp == nil {
		return false, nil
	}
	bits, _ := bmp.GetBlackMatrix() // cached by the bitmap: no second pass
	return found, bits
}

// attemptBitmap is attemptKeep returning the bitmap, whose black matrix
// other readers then share.
func (r *reader) attemptBitmap(g *gray, tryHarder bool, back mapping) (bool, *gozxing.BinaryBitmap) {
	bmp, err := gozxing.NewBinaryBitmap(binarizer(g, hybrid))
	if err != nil {
		return false, nil
	}
	return r.read(bmp, tryHarder, back), bmp
}

// read runs gozxing's readers on bmp and records the codes found; it
// reports whether any was.
func (r *reader) read(bmp *gozxing.BinaryBitmap, tryHarder bool, back mapping) bool {
	hints := map[gozxing.DecodeHintType]any{
		// Read byte segments 1:1 so that toText sees the raw bytes.
		gozxing.DecodeHintType_CHARACTER_SET: charmap.ISO8859_1,
	}
	if tryHarder {
		hints[gozxing.DecodeHintType_TRY_HARDER] = true
	}
	results, _ := r.multi.DecodeMultiple(bmp, hints)
	if len(results) == 0 {
		if res, err := r.single.Decode(bmp, hints); err == nil {
			results = append(results, res)
		}
	}
	found := false
	for _, res := range results {
		if r.add(res, back) {
			found = true
		}
	}
	return found
}

// binarizer wraps g, which NewPlanarYUVLuminanceSource takes without
// copying, in the binarizer of the given kind. The source cannot fail: g's
// frame is the whole buffer.
func binarizer(g *gray, bin binarizerKind) gozxing.Binarizer {
	src, _ := gozxing.NewPlanarYUVLuminanceSource(g.pix, g.w, g.h, 0, 0, g.w, g.h, false)
	if bin == globalHistogram {
		return gozxing.NewGlobalHistgramBinarizer(src)
	}
	return newHybridBinarizer(src, g)
}

// add records res unless the same code was already found there.
func (r *reader) add(res *gozxing.Result, back mapping) bool {
	c := Code{Text: toText(res), Symbology: symbologyOf(res.GetBarcodeFormat()), Bounds: bounds(res.GetResultPoints(), back)}
	for _, o := range r.codes {
		if o.Text == c.Text && o.Bounds.Overlaps(c.Bounds) {
			return false
		}
	}
	r.codes = append(r.codes, c)
	return true
}

// toText recovers the code's text. The reader ran with ISO-8859-1 as the
// default character set, so without an ECI marker every byte of a byte
// segment is one rune ≤ U+00FF and the original bytes can be taken back for
// DecodeText. With an ECI marker gozxing already decoded the bytes in the
// announced character set (through the same table DecodeText uses).
func toText(res *gozxing.Result) string {
	text := res.GetText()
	if res.GetBarcodeFormat() != gozxing.BarcodeFormat_QR_CODE {
		// Data Matrix and Aztec bytes come as ISO-8859-1 too (or in the
		// ECI's character set, taken back the same way); Code 128 and
		// Code 39 are ASCII.
		return latin1Text(text)
	}
	if eci, ok := leadingECI(res.GetRawBytes()); ok {
		if segs, ok := res.GetResultMetadata()[gozxing.ResultMetadataType_BYTE_SEGMENTS].([][]byte); ok && len(segs) == 1 {
			// One byte segment behind the ECI: hand its bytes over as they are.
			if onlyByteMode(res.GetRawBytes()) {
				return DecodeText(segs[0], strconv.Itoa(eci))
			}
		}
		return text
	}
	return latin1Text(text)
}

// latin1Text takes back the bytes of text read as ISO-8859-1 and decodes
// them with DecodeText; text with runes past U+00FF was already decoded
// (a Kanji segment, an ECI) and is kept.
func latin1Text(text string) string {
	raw := make([]byte, 0, len(text))
	for _, r := range text {
		if r > 0xFF {
			return text
		}
		raw = append(raw, byte(r))
	}
	return DecodeText(raw, "")
}

// bitReader reads the QR data bit stream most significant bit first.
type bitReader struct {
	b   []byte
	pos int
}

func (br *bitReader) read(n int) (int, bool) {
	if br.pos+n > 8*len(br.b) {
		return 0, false
	}
	v := 0
	for range n {
		v = v<<1 | int(br.b[br.pos/8]>>(7-br.pos%8)&1)
		br.pos++
	}
	return v, true
}

// leadingECI reports the ECI value when the data stream starts with an ECI
// segment (after structured-append or FNC1 headers), where every encoder
// puts it.
func leadingECI(raw []byte) (int, bool) {
	br := &bitReader{b: raw}
	for {
		mode, ok := br.read(4)
		if !ok {
			return 0, false
		}
		switch mode {
		case 0x3: // structured append: sequence and parity
			if _, ok := br.read(16); !ok {
				return 0, false
			}
		case 0x5: // FNC1 first position
		case 0x9: // FNC1 second position: application indicator
			if _, ok := br.read(8); !ok {
				return 0, false
			}
		case 0x7:
			first, ok := br.read(8)
			if !ok {
				return 0, false
			}
			switch {
			case first&0x80 == 0:
				return first, true
			case first&0xC0 == 0x80:
				second, ok := br.read(8)
				return (first&0x3F)<<8 | second, ok
			case first&0xE0 == 0xC0:
				rest, ok := br.read(16)
				return (first&0x1F)<<16 | rest, ok
			}
			return 0, false
		default:
			return 0, false
		}
	}
}

// onlyByteMode reports whether the segment after a leading ECI is a byte
// segment that is followed by nothing but the terminator or padding, i.e.
// the byte segment is the whole text.
func onlyByteMode(raw []byte) bool {
	br := &bitReader{b: raw}
	for {
		mode, ok := br.read(4)
		if !ok {
			return false
		}
		switch mode {
		case 0x3:
			br.read(16)
		case 0x5:
		case 0x9:
			br.read(8)
		case 0x7:
			first, _ := br.read(8)
			switch {
			case first&0xC0 == 0x80:
				br.read(8)
			case first&0xE0 == 0xC0:
				br.read(16)
			}
		case 0x4: // byte mode
			// The count's width depends on the version: 8 bits up to
			// version 9, else 16. Try both; one of them lands on a
			// terminator (or the end) after the data.
			for _, bits := range []int{8, 16} {
				c := *br
				n, ok := c.read(bits)
				if !ok || c.pos+8*n > 8*len(raw) {
					continue
				}
				c.pos += 8 * n
				next, ok := c.read(4)
				if !ok || next == 0 {
					return true
				}
			}
			return false
		default:
			return false
		}
	}
}

// bounds turns the finder (and alignment) pattern centres into the code's
// bounding box in the original frame. The centres lie about 3.5 modules
// inside the corners, so the box is widened around its centre.
func bounds(pts []gozxing.ResultPoint, back mapping) image.Rectangle {
	if len(pts) == 0 {
		return image.Rectangle{}
	}
	var xs, ys []float64
	for _, p := range pts {
		x, y := back(p.GetX(), p.GetY())
		xs, ys = append(xs, x), append(ys, y)
	}
	if len(pts) == 2 {
		// A linear code's reader gives the two ends of the row it read:
		// widen the line into a box a fifth of its length high.
		dx, dy := (ys[0]-ys[1])/10, (xs[1]-xs[0])/10
		xs, ys = append(xs, xs[0]+dx, xs[0]-dx), append(ys, ys[0]+dy, ys[0]-dy)
	}
	if len(pts) >= 3 {
		// Fourth corner of the parallelogram bottom-left, top-left, top-right.
		x, y := back(pts[0].GetX()+pts[2].GetX()-pts[1].GetX(), pts[0].GetY()+pts[2].GetY()-pts[1].GetY())
		xs, ys = append(xs, x), append(ys, y)
	}
	var cx, cy float64
	for i := range xs {
		cx += xs[i] / float64(len(xs))
		cy += ys[i] / float64(len(ys))
	}
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for i := range xs {
		x, y := cx+(xs[i]-cx)*1.3, cy+(ys[i]-cy)*1.3
		x0, x1 = math.Min(x0, x), math.Max(x1, x)
		y0, y1 = math.Min(y0, y), math.Max(y1, y)
	}
	return image.Rect(int(math.Floor(x0)), int(math.Floor(y0)), int(math.Ceil(x1)), int(math.Ceil(y1)))
}

// maxWorkPixels caps the frame the cascade works on; larger frames are
// scaled down first, which bounds the time any input can take.
const maxWorkPixels = 16_000_000

// decodeGray runs the cascade on g: each step is tried only when the cheaper
// ones before it found nothing.
func decodeGray(g *gray) ([]Code, error) { return newRun(g, cascade).until(len(cascade)) }

// A run is a cascade of steps on one frame, which may stop after some
// steps (to look at another frame first) and go on later where it stopped.
type run struct {
	r     *reader
	g     *gray           // the frame the steps work on
	orig  image.Rectangle // the frame given, when g is a reduced copy
	steps []namedStep
	next  int // the next step
	// readBy names the step that found the codes, for tests.
	readBy string
}

func newRun(g *gray, steps []namedStep) *run {
	orig := image.Rect(0, 0, g.w, g.h)
	if g.w*g.h > maxWorkPixels {
		// Past phone-camera sizes more pixels only cost time: a code too
		// small to read at 16 megapixels is too small to print.
		f := math.Sqrt(float64(maxWorkPixels) / float64(g.w*g.h))
		g = g.resize(orig, int(float64(g.w)*f), int(float64(g.h)*f))
	}
	return &run{r: newReader(), g: g, orig: orig, steps: steps}
}

// until runs the steps up to (not including) step end, stopping at the
// first that finds a code.
func (c *run) until(end int) (codes []Code, err error) {
	defer func() {
		// gozxing is not written for hostile input; a panic deep in it
		// must not take the app down with the photo.
		if p := recover(); p != nil {
			c.next = len(c.steps)
			codes, err = nil, fmt.Errorf("%w (decoder failure: %v)", ErrNoCode, p)
		}
	}()
	g, r := c.g, c.r
	if g.w < 21 || g.h < 21 {
		return nil, ErrNoCode
	}
	for ; c.next < end; c.next++ {
		if !c.steps[c.next].do(r, g) {
			continue
		}
		c.readBy = c.steps[c.next].name
		c.next = len(c.steps)
		if g.w != c.orig.Dx() {
			back := scaled(c.orig, g.w, g.h)
			for i, code := range r.codes {
				x0, y0 := back(float64(code.Bounds.Min.X), float64(code.Bounds.Min.Y))
				x1, y1 := back(float64(code.Bounds.Max.X), float64(code.Bounds.Max.Y))
				r.codes[i].Bounds = image.Rect(int(x0), int(y0), int(math.Ceil(x1)), int(math.Ceil(y1)))
			}
		}
		return r.codes, nil
	}
	return nil, ErrNoCode
}

// A step is one rung of the cascade; it reports whether it found a code.
type step func(r *reader, g *gray) bool

// A namedStep is a step with the name tests and profiles know it by.
type namedStep struct {
	name string
	do   step
}

// The steps, cheapest and likeliest first in the order cascade runs them.
var (
	// The whole frame, as it is: clean photos end here.
	frameStep = namedStep{"frame", func(r *reader, g *gray) (found bool) {
		found, r.frameBmp = r.attemptBitmap(g, false, identity)
		if r.frameBmp != nil {
			r.frameBits, _ = r.frameBmp.GetBlackMatrix()
		}
		return found
	}}
	// The other formats on the same black matrix, and a few rows for
	// Code 128 and Code 39.
	othersStep = namedStep{"others", (*reader).othersOnFrame}
	// Regions of interest from a cheap texture map, enlarged, read once
	// each: small codes and codes among clutter.
	regionsQuickStep = namedStep{"regionsQuick", (*reader).regionsQuick}
	// The finder retry on the regions' black matrices: codes seen at an
	// angle, almost free.
	regionsFinderStep = namedStep{"regionsFinder", (*reader).regionsFinder}
	// Motion blur undone in the regions whose gradients run one way, as
	// hand shake leaves them: direction and streak length estimated, then
	// a Wiener filter along the streaks. Hand-shake photos are read here
	// or not at all; other photos skip it for the cost of one pass over
	// each region.
	deblurStreakedStep = namedStep{"deblurStreaked", (*reader).deblurStreaked}
	// Data Matrix and Aztec in the same regions, as they are and turned
	// upright: badges print these where cards carry QR codes, and
	// gozxing's detectors need the symbol centred and square to the rows.
	matrixStep = namedStep{"matrixInRegions", (*reader).matrixInRegions}
	// The other binarizer: flat lighting, fine modules.
	globalHistogramStep = namedStep{"globalHistogram", func(r *reader, g *gray) bool {
		return r.attempt(g, globalHistogram, false, identity)
	}}
	// A smaller scale: a different module-size estimate, and averaging
	// cleans noise and JPEG blocks.
	smallerStep = namedStep{"smaller", func(r *reader, g *gray) bool { return r.scaledAttempt(g, 0.75) }}
	// gozxing found finder patterns in the whole frame but guessed the
	// size wrong.
	frameFinderStep = namedStep{"frameFinder", func(r *reader, g *gray) bool { return r.finderRetry(r.frameBits, identity, finderAll) }}
	// The regions again, one by one: local contrast evened out,
	// sharpened, smoothed, the finder retry's fourth-corner search,
	// warped (regions); or each of those over every region in turn:
	// local contrast evened out (glare, shadows).
	regionsStep         = namedStep{"regions", (*reader).regions}
	regionsEnhancedStep = namedStep{"regionsEnhanced", (*reader).regionsEnhanced}
	// Sharpened and smoothed (blur, noise).
	regionsSharpenedStep = namedStep{"regionsSharpened", (*reader).regionsSharpened}
	// The finder retry's search for a small code's fourth corner.
	regionsFourthStep = namedStep{"regionsFourth", (*reader).regionsFourth}
	// Warped (strong perspective).
	regionsWarpedStep = namedStep{"regionsWarped", (*reader).regionsWarped}
	// Motion blur undone in the other regions too: the streaks may cross
	// printed text that evens out the gradients.
	deblurOthersStep = namedStep{"deblurOthers", (*reader).deblurOthers}
	// Linear codes on more rows and upright.
	othersHarderStep = namedStep{"othersHarder", (*reader).othersHarder}
)

// cascade is the order of the steps for a frame of camera size.
var cascade = []namedStep{
	frameStep, othersStep, regionsQuickStep, regionsFinderStep, deblurStreakedStep, matrixStep,
	globalHistogramStep, smallerStep, frameFinderStep,
	regionsStep, deblurOthersStep, othersHarderStep,
}

// quickSteps is how many steps of the cascade (and of largeCascade) a large
// photo's reduced frame runs before the look at full size (decodeJPEG).
const quickSteps = 6

// largeCascade is the order for the reduced frame of a large photo, whose
// quick steps are followed by a look at the full-size frame: after it the
// regions' contrast step and warps, which read tilted and glared cards,
// come before the whole-frame retries (the frame finder retry first among
// those: cheap unless the frame is full of finder-like patterns).
var largeCascade = []namedStep{
	frameStep, othersStep, regionsQuickStep, regionsFinderStep, deblurStreakedStep, matrixStep,
	regionsEnhancedStep, frameFinderStep, regionsWarpedStep, globalHistogramStep, smallerStep,
	regionsSharpenedStep, regionsFourthStep, deblurOthersStep, othersHarderStep,
}

func (r *reader) scaledAttempt(g *gray, f float64) bool {
	w, h := int(float64(g.w)*f), int(float64(g.h)*f)
	if w < 21 || h < 21 {
		return false
	}
	frame := image.Rect(0, 0, g.w, g.h)
	return r.attempt(g.resize(frame, w, h), hybrid, false, scaled(frame, w, h))
}
