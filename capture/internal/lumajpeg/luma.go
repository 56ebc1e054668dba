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
				s += m[x*n+u] * float32(f)
			}
			tmp[v*n+x] = s
		}
	}
	for y := range n {
		out := dst[y*stride : y*stride+n]
		for x := range out {
			var s float32
			for v := range n {
				s += m[y*n+v] * tmp[v*n+x]
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
