package lumajpeg

import (
	"errors"
	"image"
	"io"
	"math"
)

// ErrNotLuma means the JPEG's first component is not luma (an RGB, CMYK or
// YCCK file): decode it with image/jpeg instead.
var ErrNotLuma = errors.New("lumajpeg: first component is not luma")

// A FormatError reports that the input is not a valid JPEG.
type FormatError string

func (e FormatError) Error() string { return "invalid JPEG format: " + string(e) }

// An UnsupportedError reports that the input uses a valid but unimplemented JPEG feature.
type UnsupportedError string

func (e UnsupportedError) Error() string { return "unsupported JPEG feature: " + string(e) }

// DecodeGray reads a JPEG from r and returns its luma plane scaled down by
// 1<<shift (shift 0 to 3; the size is rounded up), without colour
// conversion.
func DecodeGray(r io.Reader, shift int) (*image.Gray, error) {
	d := decoder{shift: min(max(shift, 0), 3)}
	img, err := d.decode(r, false)
	if err != nil {
		return nil, err
	}
	return img.(*image.Gray), nil
}

// reducedCos holds, for output sizes 1, 2 and 4, the n×n inverse-DCT basis
// scaled so that the lowest n×n coefficients of an 8×8 block give the
// block's samples averaged over (8/n)×(8/n) pixels:
// f(X) = ½ Σu C(u) F(u) cos((2X+1)uπ / 2n), C(0) = 1/√2.
var reducedCos = func() (t [5][16]float32) {
	for _, n := range []int{1, 2, 4} {
		for x := range n {
			for u := range n {
				c := 1.0
				if u == 0 {
					c = 1 / math.Sqrt2
				}
				t[n][x*n+u] = float32(0.5 * c * math.Cos(float64((2*x+1)*u)*math.Pi/float64(2*n)))
			}
		}
	}
	return t
}()

// lowZig lists, for output sizes 1, 2 and 4, the zig-zag indices of the
// coefficients in the top-left n×n corner of a block: the only ones the
// reduced transform reads, so the only ones dequantized.
var lowZig = func() (t [5][]int) {
	for _, n := range []int{1, 2, 4} {
		for z, u := range unzig {
			if u%8 < n && u/8 < n {
				t[n] = append(t[n], z)
			}
		}
	}
	return t
}()

// reducedIDCT writes the n×n (n = 1, 2 or 4) output of the dequantized
// block b (natural order) to dst, level-shifted and clamped.
func reducedIDCT(b *block, n int, dst []byte, stride int) {
	if n == 4 {
		reducedIDCT4(b, dst, stride)
		return
	}
	reducedIDCTN(b, n, dst, stride)
}

// reducedIDCT4 is reducedIDCTN for n = 4 (the half-size plane of large
// photos) unrolled, with the same float32 operations in the same order
// (TestReducedIDCT4); the conversions of the products keep compilers from
// fusing multiplications and additions in one and not the other.
func reducedIDCT4(b *block, dst []byte, stride int) {
	m := &reducedCos[4]
	var tmp [16]float32
	for v := range 4 {
		f0, f1, f2, f3 := float32(b[v*8]), float32(b[v*8+1]), float32(b[v*8+2]), float32(b[v*8+3])
		t := (*[4]float32)(tmp[v*4:])
		t[0] = float32(m[0]*f0) + float32(m[1]*f1) + float32(m[2]*f2) + float32(m[3]*f3)
		t[1] = float32(m[4]*f0) + float32(m[5]*f1) + float32(m[6]*f2) + float32(m[7]*f3)
		t[2] = float32(m[8]*f0) + float32(m[9]*f1) + float32(m[10]*f2) + float32(m[11]*f3)
		t[3] = float32(m[12]*f0) + float32(m[13]*f1) + float32(m[14]*f2) + float32(m[15]*f3)
	}
	_ = dst[3*stride+3]
	for y := range 4 {
		m0, m1, m2, m3 := m[y*4], m[y*4+1], m[y*4+2], m[y*4+3]
		out := (*[4]byte)(dst[y*stride:])
		for x := range 4 {
			out[x] = clamp(float32(m0*tmp[x]) + float32(m1*tmp[4+x]) + float32(m2*tmp[8+x]) + float32(m3*tmp[12+x]) + 128)
		}
	}
}

// reducedIDCTN writes the n×n output as reducedIDCT does.
func reducedIDCTN(b *block, n int, dst []byte, stride int) {
	if n == 1 {
		dst[0] = clamp(float32(b[0])/8 + 128)
		return
	}
	m := &reducedCos[n]
	// tmp[v][x] = Σu m[x][u]·F(v,u) over the rows v < n, then columns.
	var tmp [16]float32
	for v := range n {
		row := b[v*8 : v*8+n]
		for x := range n {
			var s float32
			for u, f := range row {
				s += float32(m[x*n+u] * float32(f))
			}
			tmp[v*n+x] = s
		}
	}
	for y := range n {
		out := dst[y*stride : y*stride+n]
		for x := range out {
			var s float32
			for v := range n {
				s += float32(m[y*n+v] * tmp[v*n+x])
			}
			out[x] = clamp(s + 128)
		}
	}
}

func clamp(v float32) uint8 {
	if v <= 0 {
		return 0
	}
	if v >= 255 {
		return 255
	}
	return uint8(v + 0.5)
}
