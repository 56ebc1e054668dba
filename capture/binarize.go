package capture

import (
	"encoding/binary"

	"github.com/makiuchi-d/gozxing"
)

// hybridBinarizer is gozxing's HybridBinarizer with a faster GetBlackMatrix
// that gives the same matrix bit for bit (TestHybridBinarizerSameAsGozxing):
// the black points are computed without the per-pixel bounds checks and
// masks, and the bits of a row are assembled in words instead of set one by
// one through BitMatrix.Set. On a 1080p frame the binarizer was a third of
// the code reading's CPU time. Rows for linear codes (GetBlackRow), crops and
// rotations are gozxing's own.
type hybridBinarizer struct {
	gozxing.Binarizer // *gozxing.HybridBinarizer over the same source
	g                 *gray
	matrix            *gozxing.BitMatrix
}

func newHybridBinarizer(src gozxing.LuminanceSource, g *gray) gozxing.Binarizer {
	return &hybridBinarizer{Binarizer: gozxing.NewHybridBinarizer(src), g: g}
}

// The constants of gozxing's HybridBinarizer.
const (
	hbBlockPower = gozxing.BLOCK_SIZE_POWER
	hbBlock      = gozxing.BLOCK_SIZE
	hbMinDim     = gozxing.MINIMUM_DIMENSION
	hbMinRange   = gozxing.MIN_DYNAMIC_RANGE
)

func (b *hybridBinarizer) GetBlackMatrix() (*gozxing.BitMatrix, error) {
	if b.matrix != nil {
		return b.matrix, nil
	}
	w, h := b.g.w, b.g.h
	if w < hbMinDim || h < hbMinDim {
		m, err := b.Binarizer.GetBlackMatrix() // gozxing's global histogram fallback
		b.matrix = m
		return m, err
	}
	subW := (w + hbBlock - 1) >> hbBlockPower
	subH := (h + hbBlock - 1) >> hbBlockPower
	black := blackPoints(b.g.pix, subW, subH, w, h)
	rowSize := (w + 31) / 32
	words := make([]uint32, rowSize*h)
	thresholdBlocks(b.g.pix, subW, subH, w, h, black, words, rowSize)
	m, err := gozxing.NewBitMatrix(w, h)
	if err != nil {
		return nil, err
	}
	row := gozxing.NewBitArray(w)
	rb := row.GetBitArray()
	for y := range h {
		copy(rb, words[y*rowSize:(y+1)*rowSize])
		m.SetRow(y, row)
	}
	b.matrix = m
	return m, nil
}

// The black points and thresholds work on eight pixels at once (SWAR): a
// row of a block is one little-endian uint64, split into its even and its
// odd bytes, four 16-bit lanes each with a value below 256, so that lanes
// can be added and compared without carrying into each other.
const (
	lanes   = 0x00ff00ff00ff00ff // the low byte of each 16-bit lane
	lane1   = 0x0001000100010001 // 1 in each lane
	laneBit = 0x0100010001000100 // bit 8 of each lane
	// gather moves bit 0 of lanes 0..3 to bits 48, 50, 52, 54 (no two
	// partial products meet, so nothing carries).
	gather = 1<<48 | 1<<34 | 1<<20 | 1<<6
)

// ge is 1 in each lane where a >= b, else 0 (a, b below 256 per lane).
func ge(a, b uint64) uint64 { return (((a | laneBit) - b) >> 8) & lane1 }

// minMax is the lane-wise minimum and maximum of a and b.
func minMax(a, b uint64) (lo, hi uint64) {
	m := ge(a, b) * 0xff
	return b&m | a&^m, a&m | b&^m
}

// blackPoints is HybridBinarizer.calculateBlackPoints. gozxing stops
// tracking the minimum and maximum of a block once they differ by more than
// the minimum dynamic range; tracking them to the end gives the same
// decision and the same minimum where it is used, so this does not stop.
func blackPoints(pix []byte, subW, subH, w, h int) []int {
	maxY, maxX := h-hbBlock, w-hbBlock
	bp := make([]int, subW*subH)
	for y := range subH {
		yoff := min(y<<hbBlockPower, maxY)
		for x := range subW {
			xoff := min(x<<hbBlockPower, maxX)
			off := yoff*w + xoff
			v := binary.LittleEndian.Uint64(pix[off:])
			e, o := v&lanes, (v>>8)&lanes
			acc := e + o
			loE, hiE, loO, hiO := e, e, o, o
			for range hbBlock - 1 {
				off += w
				v := binary.LittleEndian.Uint64(pix[off:])
				e, o := v&lanes, (v>>8)&lanes
				acc += e + o
				loE, hiE = min2(loE, hiE, e)
				loO, hiO = min2(loO, hiO, o)
			}
			sum := int((acc * lane1) >> 48) // at most 64·255: no lane overflows
			lo, _ := minMax(loE, loO)
			_, hi := minMax(hiE, hiO)
			lo, _ = minMax(lo, lo>>32)
			lo, _ = minMax(lo, lo>>16)
			_, hi = minMax(hi, hi>>32)
			_, hi = minMax(hi, hi>>16)
			lo8, hi8 := int(lo&0xff), int(hi&0xff)
			avg := sum >> (2 * hbBlockPower)
			if hi8-lo8 <= hbMinRange {
				// A flat block: light background unless its neighbours say
				// otherwise (see gozxing).
				avg = lo8 / 2
				if y > 0 && x > 0 {
					nb := (bp[(y-1)*subW+x] + 2*bp[y*subW+x-1] + bp[(y-1)*subW+x-1]) / 4
					if lo8 < nb {
						avg = nb
					}
				}
			}
			bp[y*subW+x] = avg
		}
	}
	return bp
}

// min2 widens the lane-wise range [lo, hi] by v.
func min2(lo, hi, v uint64) (uint64, uint64) {
	lo, _ = minMax(lo, v)
	_, hi = minMax(hi, v)
	return lo, hi
}

// thresholdBlocks is HybridBinarizer.calculateThresholdForBlock writing the
// bits into words (rowSize words a row, bit x%32 of word x/32 as BitMatrix
// keeps them). Blocks at the right and bottom edges overlap their
// neighbours when the size is not a multiple of 8; as in gozxing, a pixel
// is black if any block covering it says so.
func thresholdBlocks(pix []byte, subW, subH, w, h int, bp []int, words []uint32, rowSize int) {
	maxY, maxX := h-hbBlock, w-hbBlock
	for y := range subH {
		yoff := min(y<<hbBlockPower, maxY)
		top := min(max(y, 2), subH-3)
		for x := range subW {
			xoff := min(x<<hbBlockPower, maxX)
			left := min(max(x, 2), subW-3)
			sum := 0
			for z := -2; z <= 2; z++ {
				r := bp[(top+z)*subW+left-2:][:5:5]
				sum += r[0] + r[1] + r[2] + r[3] + r[4]
			}
			// Black where the pixel <= t, i.e. t >= pixel.
			t := uint64(sum/25) * lane1
			word, shift := xoff>>5, uint(xoff&31)
			off := yoff*w + xoff
			for yy := range hbBlock {
				v := binary.LittleEndian.Uint64(pix[off+yy*w:])
				bits := (ge(t, v&lanes)*gather)>>48 | (ge(t, (v>>8)&lanes)*(gather<<1))>>48
				if bits == 0 {
					continue
				}
				bits <<= shift
				o := (yoff+yy)*rowSize + word
				words[o] |= uint32(bits)
				if hi := uint32(bits >> 32); hi != 0 {
					words[o+1] |= hi
				}
			}
		}
	}
}
