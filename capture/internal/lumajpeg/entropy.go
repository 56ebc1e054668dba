package lumajpeg

import (
	"bytes"
	"encoding/binary"
	"io"
)

// This file is the fast path for sequential (baseline and extended) scans,
// which is what cameras and phones write. Instead of image/jpeg's byte
// reader with a function call per byte and per symbol, the whole entropy-
// coded data is read into memory once, the 0xFF 0x00 byte stuffing removed
// and the restart markers noted; a 64-bit bit buffer is then refilled eight
// bytes at a time, Huffman codes up to fastBits long are looked up in one
// step, and most AC coefficients (code and extra bits together up to
// fastBits) come whole out of a second table, as in stb_image. Chroma
// blocks are only skipped over. Progressive scans keep image/jpeg's code.

// fastBits is the log-2 size of the sequential decoder's look-up tables.
const fastBits = 10

// decodeSequential decodes one scan of a sequential JPEG into d.img1 and
// leaves d ready to read the marker that follows the scan.
func (d *decoder) decodeSequential(scan []scanComp, mxx, myy int) error {
	for _, sc := range scan {
		if d.huff[dcTable][sc.td].nCodes == 0 || d.huff[acTable][sc.ta].nCodes == 0 {
			return FormatError("uninitialized Huffman table")
		}
	}
	data, err := d.remaining()
	if err != nil {
		return err
	}
	seg, bounds, end := unstuff(data)
	// The markers after the scan are read from what is left.
	d.r = bytes.NewReader(data[end:])
	d.bytes.i, d.bytes.j, d.bytes.nUnreadable = 0, 0, 0
	d.bits = bits{}

	r := bitReader{buf: seg}
	segment := 0
	limit := 8 * bounds[1] // bits available in the current segment
	var (
		b      block
		dc     int32 // the luma DC predictor; chroma's is not needed
		nx, ny int   // the next block of a non-interleaved scan
	)
	nComp := len(scan)
	mcu := 0
	for my := range myy {
		for mx := range mxx {
			for _, sc := range scan {
				ci := int(sc.compIndex)
				hi, vi := d.comp[ci].h, d.comp[ci].v
				dcH, acH := &d.huff[dcTable][sc.td], &d.huff[acTable][sc.ta]
				jx, jy := 0, 0 // the block in the MCU, counted without dividing
				for range hi * vi {
					var bx, by int
					if nComp != 1 {
						bx, by = hi*mx+jx, vi*my+jy
						if jx++; jx == hi {
							jx, jy = 0, jy+1
						}
					} else {
						// A non-interleaved scan has no data for the blocks
						// outside the image (see processSOS).
						bx, by = nx, ny
						if nx++; nx == mxx*hi {
							nx, ny = 0, ny+1
						}
						if bx*8 >= d.width || by*8 >= d.height {
							continue
						}
					}
					if ci != 0 {
						if err := r.skipBlock(dcH, acH); err != nil {
							return err
						}
					} else {
						b = block{}
						dcOnly, err := r.lumaBlock(&b, dcH, acH, &dc, &d.quant[d.comp[0].tq])
						if err != nil {
							return err
						}
						if dcOnly && d.shift == 0 {
							d.fillLuma(b[0], bx, by)
						} else {
							d.storeLuma(&b, bx, by)
						}
					}
					if r.consumed() > limit {
						return errShortHuffmanData
					}
				}
			}
			mcu++
			if d.ri > 0 && mcu%d.ri == 0 && mcu < mxx*myy {
				// The next restart interval starts at the next segment,
				// with the DC predictors reset (section F.2.1.3.1).
				segment++
				if segment+1 >= len(bounds) {
					return FormatError("missing RST marker")
				}
				r = bitReader{buf: seg, pos: bounds[segment]}
				limit = 8 * bounds[segment+1]
				dc = 0
			}
		}
	}
	return nil
}

// remaining returns the rest of the input: the buffered bytes and all that
// the reader still holds, in one allocation when the reader tells its
// length (bytes.Reader, as DecodeGray's callers pass).
func (d *decoder) remaining() ([]byte, error) {
	pending := d.bytes.buf[d.bytes.i:d.bytes.j]
	d.bytes.i = d.bytes.j
	if lr, ok := d.r.(interface{ Len() int }); ok {
		data := make([]byte, len(pending)+lr.Len())
		copy(data, pending)
		if _, err := io.ReadFull(d.r, data[len(pending):]); err != nil {
			return nil, err
		}
		return data, nil
	}
	var buf bytes.Buffer
	buf.Write(pending)
	if _, err := buf.ReadFrom(d.r); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// unstuff removes, in place, the byte stuffing (0xFF 0x00 is 0xFF) and
// fill bytes of the entropy-coded data at the start of data, split at the
// restart markers. seg is the result, a prefix of data with no capacity
// beyond its length (the bit reader reads zeros past it); bounds holds the
// start of every segment in seg and, last, len(seg); end is where the
// marker that ends the scan starts in data (len(data) when the data is cut
// short), untouched.
func unstuff(data []byte) (seg []byte, bounds []int, end int) {
	w := 0 // bytes of seg written, never past i
	bounds = []int{0}
	i := 0
scan:
	for {
		j := bytes.IndexByte(data[i:], 0xff)
		if j < 0 {
			w += copy(data[w:], data[i:])
			i = len(data)
			break
		}
		w += copy(data[w:], data[i:i+j])
		i += j
		if i+1 >= len(data) {
			i = len(data)
			break
		}
		switch m := data[i+1]; {
		case m == 0x00:
			data[w] = 0xff
			w++
			i += 2
		case m == 0xff: // a fill byte before a marker
			i++
		case rst0Marker <= m && m <= rst7Marker:
			bounds = append(bounds, w)
			i += 2
		default:
			break scan
		}
	}
	bounds = append(bounds, w)
	return data[:w:w], bounds, i
}

// bitReader reads the unstuffed entropy-coded data most significant bit
// first. acc holds n unread bits at its top; past the end of buf it reads
// zeros.
type bitReader struct {
	buf []byte
	pos int // bytes of buf moved into acc
	acc uint64
	n   uint
}

// consumed is the number of bits read from buf.
func (r *bitReader) consumed() int { return 8*r.pos - int(r.n) }

// refillSlow tops acc up to at least 56 bits, byte by byte; the hot loops
// instead load eight bytes at once while they are in buf's capacity (only
// whole bytes are counted as read: the bits of a part byte beyond n are
// loaded again, unchanged, by the next load).
func refillSlow(buf []byte, pos int, acc uint64, n uint) (int, uint64, uint) {
	for n <= 56 {
		var c byte
		if pos < len(buf) {
			c = buf[pos]
		}
		acc |= uint64(c) << (56 - n)
		pos++
		n += 8
	}
	return pos, acc, n
}

// decodeLong decodes a Huffman code longer than fastBits at the top of
// acc, returning its value and length (0 for an invalid code).
func decodeLong(h *huffman, acc uint64) (uint8, uint) {
	for l := uint(fastBits + 1); l <= maxCodeLength; l++ {
		code := int32(acc >> (64 - l))
		if code <= h.maxCodes[l-1] {
			return h.vals[h.valsIndices[l-1]+code-h.minCodes[l-1]], l
		}
	}
	return 0, 0
}

// extend is RECEIVE and EXTEND (section F.2.2.1) of the size bits at the
// top of acc; size is 1 to 16.
func extend(acc uint64, size uint) int32 {
	v := int32(acc >> (64 - size))
	if v < 1<<(size-1) {
		v += -1<<size + 1
	}
	return v
}

var errBadCode = FormatError("bad Huffman code")

// lumaBlock decodes one luma block into b, dequantized, in natural order,
// and reports whether it has no AC coefficients; dc is the DC predictor and
// qt the quantization table (zig-zag order).
func (r *bitReader) lumaBlock(b *block, dcH, acH *huffman, dc *int32, qt *block) (dcOnly bool, err error) {
	buf, pos, acc, n := r.buf, r.pos, r.acc, r.n
	if n < 32 {
		if pos+8 <= cap(buf) { // refill, inlined: eight bytes at once
			acc |= binary.BigEndian.Uint64(buf[pos:pos+8]) >> n
			pos += int((63 - n) >> 3)
			n |= 56
		} else {
			pos, acc, n = refillSlow(buf, pos, acc, n)
		}
	}
	// DC: a code, then that many bits of difference.
	size, l := uint8(dcH.fast[acc>>(64-fastBits)]>>8), uint(dcH.fast[acc>>(64-fastBits)]&0xff)
	if l == 0 {
		if size, l = decodeLong(dcH, acc); l == 0 {
			return false, errBadCode
		}
	}
	acc <<= l
	n -= l
	if size > 16 {
		return false, UnsupportedError("excessive DC component")
	}
	if size != 0 {
		*dc += extend(acc, uint(size))
		acc <<= size
		n -= uint(size)
	}
	b[0] = *dc * qt[0]
	// AC, in zig-zag order.
	dcOnly = true
	for k := 1; k < blockSize; {
		if n < 32 {
			if pos+8 <= cap(buf) { // refill, inlined: eight bytes at once
				acc |= binary.BigEndian.Uint64(buf[pos:pos+8]) >> n
				pos += int((63 - n) >> 3)
				n |= 56
			} else {
				pos, acc, n = refillSlow(buf, pos, acc, n)
			}
		}
		i := acc >> (64 - fastBits)
		if e := acH.fastAC[i]; e != 0 {
			k += int(e >> 8 & 0xff)
			l := uint(e & 0xff)
			acc <<= l
			n -= l
			if k >= blockSize {
				break
			}
			b[unzig[k&63]] = e >> 16 * qt[k&63]
			dcOnly = false
			k++
			continue
		}
		v, l := uint8(acH.fast[i]>>8), uint(acH.fast[i]&0xff)
		if l == 0 {
			if v, l = decodeLong(acH, acc); l == 0 {
				return false, errBadCode
			}
		}
		acc <<= l
		n -= l
		run, size := int(v>>4), uint(v&0x0f)
		if size == 0 {
			if run != 0x0f { // end of block
				break
			}
			k += 16
			continue
		}
		k += run
		if k >= blockSize {
			break
		}
		b[unzig[k&63]] = extend(acc, size) * qt[k&63]
		dcOnly = false
		acc <<= size
		n -= size
		k++
	}
	r.pos, r.acc, r.n = pos, acc, n
	return dcOnly, nil
}

// skipBlock reads past one chroma block.
func (r *bitReader) skipBlock(dcH, acH *huffman) error {
	buf, pos, acc, n := r.buf, r.pos, r.acc, r.n
	if n < 32 {
		if pos+8 <= cap(buf) { // refill, inlined: eight bytes at once
			acc |= binary.BigEndian.Uint64(buf[pos:pos+8]) >> n
			pos += int((63 - n) >> 3)
			n |= 56
		} else {
			pos, acc, n = refillSlow(buf, pos, acc, n)
		}
	}
	size, l := uint8(dcH.fast[acc>>(64-fastBits)]>>8), uint(dcH.fast[acc>>(64-fastBits)]&0xff)
	if l == 0 {
		if size, l = decodeLong(dcH, acc); l == 0 {
			return errBadCode
		}
	}
	if size > 16 {
		return UnsupportedError("excessive DC component")
	}
	acc <<= l + uint(size)
	n -= l + uint(size)
	for k := 1; k < blockSize; {
		if n < 32 {
			if pos+8 <= cap(buf) { // refill, inlined: eight bytes at once
				acc |= binary.BigEndian.Uint64(buf[pos:pos+8]) >> n
				pos += int((63 - n) >> 3)
				n |= 56
			} else {
				pos, acc, n = refillSlow(buf, pos, acc, n)
			}
		}
		i := acc >> (64 - fastBits)
		if e := acH.fastAC[i]; e != 0 {
			k += int(e>>8&0xff) + 1
			acc <<= uint(e & 0xff)
			n -= uint(e & 0xff)
			continue
		}
		v, l := uint8(acH.fast[i]>>8), uint(acH.fast[i]&0xff)
		if l == 0 {
			if v, l = decodeLong(acH, acc); l == 0 {
				return errBadCode
			}
		}
		run, size := int(v>>4), uint(v&0x0f)
		acc <<= l + size
		n -= l + size
		if size == 0 && run != 0x0f {
			break
		}
		k += run + 1
	}
	r.pos, r.acc, r.n = pos, acc, n
	return nil
}
