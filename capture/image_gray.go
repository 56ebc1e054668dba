package capture

import (
	"image"
	"image/color"
)

// gray is an 8-bit luminance frame, the form gozxing reads through
// NewPlanarYUVLuminanceSource. Converting once and working on bytes is about
// six times faster than letting gozxing read pixels through image.At.
type gray struct {
	w, h int
	pix  []byte
}

func newGray(w, h int) *gray { return &gray{w, h, make([]byte, w*h)} }

// toGray converts img to luminance (BT.601 weights, as JPEG's Y channel).
// Transparent pixels are composited over white: generated QR images often
// draw black modules on a transparent background.
func toGray(img image.Image) *gray {
	b := img.Bounds()
	g := newGray(b.Dx(), b.Dy())
	switch m := img.(type) {
	case *image.Gray:
		for y := 0; y < g.h; y++ {
			off := m.PixOffset(b.Min.X, b.Min.Y+y)
			copy(g.pix[y*g.w:(y+1)*g.w], m.Pix[off:off+g.w])
		}
	case *image.YCbCr:
		for y := 0; y < g.h; y++ {
			off := m.YOffset(b.Min.X, b.Min.Y+y)
			copy(g.pix[y*g.w:(y+1)*g.w], m.Y[off:off+g.w])
		}
	case *image.RGBA:
		for y := 0; y < g.h; y++ {
			off := m.PixOffset(b.Min.X, b.Min.Y+y)
			row := m.Pix[off : off+4*g.w]
			dst := g.pix[y*g.w : (y+1)*g.w]
			for x := range dst {
				// Premultiplied: over white adds 255-a.
				r, gr, bl, a := uint32(row[0]), uint32(row[1]), uint32(row[2]), uint32(row[3])
				dst[x] = uint8((19595*r+38470*gr+7471*bl+1<<15)>>16 + 255 - a)
				row = row[4:]
			}
		}
	case *image.NRGBA:
		for y := 0; y < g.h; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			dst := g.pix[y*g.w : (y+1)*g.w]
			for x := range dst {
				p := row[4*x : 4*x+4 : 4*x+4]
				a := uint32(p[3])
				dst[x] = uint8((luma(uint32(p[0]), uint32(p[1]), uint32(p[2]))*a + 255*(255-a) + 127) / 255)
			}
		}
	case *image.Paletted:
		lut := make([]byte, 256)
		for i, c := range m.Palette {
			lut[i] = grayOverWhite(c)
		}
		for y := 0; y < g.h; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			dst := g.pix[y*g.w : (y+1)*g.w]
			for x := range dst {
				dst[x] = lut[row[x]]
			}
		}
	default:
		for y := 0; y < g.h; y++ {
			for x := 0; x < g.w; x++ {
				g.pix[y*g.w+x] = grayOverWhite(img.At(b.Min.X+x, b.Min.Y+y))
			}
		}
	}
	return g
}

func luma(r, g, b uint32) uint32 { return (19595*r + 38470*g + 7471*b + 1<<15) >> 16 }

func grayOverWhite(c color.Color) byte {
	r, g, b, a := c.RGBA() // premultiplied, 16 bit
	return uint8((luma(r, g, b) + 0xffff - a) >> 8)
}

// orient applies an EXIF orientation (1–8) so the frame is as it is meant
// to be shown.
func (g *gray) orient(o int) *gray {
	if o <= 1 || o > 8 {
		return g
	}
	w, h := g.w, g.h
	var out *gray
	if o >= 5 {
		out = newGray(h, w)
	} else {
		out = newGray(w, h)
	}
	for Y := 0; Y < out.h; Y++ {
		for X := 0; X < out.w; X++ {
			var sx, sy int
			switch o {
			case 2:
				sx, sy = w-1-X, Y
			case 3:
				sx, sy = w-1-X, h-1-Y
			case 4:
				sx, sy = X, h-1-Y
			case 5:
				sx, sy = Y, X
			case 6:
				sx, sy = Y, h-1-X
			case 7:
				sx, sy = w-1-Y, h-1-X
			case 8:
				sx, sy = w-1-Y, X
			}
			out.pix[Y*out.w+X] = g.pix[sy*w+sx]
		}
	}
	return out
}

// resize scales the rectangle r of g to w×h: bilinear when enlarging,
// box-averaged when shrinking, so that scaling down also averages noise.
func (g *gray) resize(r image.Rectangle, w, h int) *gray {
	out := newGray(w, h)
	if r.Dx() == w && r.Dy() == h {
		// Same size (a region that needs no enlargement): bilinear
		// sampling at the pixel centres would copy each pixel, slowly.
		for y := 0; y < h; y++ {
			off := (r.Min.Y+y)*g.w + r.Min.X
			copy(out.pix[y*w:(y+1)*w], g.pix[off:off+w])
		}
		return out
	}
	sx := float64(r.Dx()) / float64(w)
	sy := float64(r.Dy()) / float64(h)
	if sx > 1.2 || sy > 1.2 {
		// Box filter: average every source pixel whose centre falls in the
		// destination pixel's footprint. Column spans are the same on
		// every row, so they are computed once.
		xs := make([]int, w+1)
		for x := range xs {
			xs[x] = min(r.Min.X+int(float64(x)*sx), g.w)
		}
		for y := 0; y < h; y++ {
			y0 := r.Min.Y + int(float64(y)*sy)
			y1 := min(max(y0+1, r.Min.Y+int(float64(y+1)*sy)), g.h)
			dst := out.pix[y*w : (y+1)*w]
			for x := range dst {
				x0, x1 := xs[x], max(xs[x]+1, xs[x+1])
				x1 = min(x1, g.w)
				var sum, n uint32
				for yy := y0; yy < y1; yy++ {
					for _, p := range g.pix[yy*g.w+x0 : yy*g.w+x1] {
						sum += uint32(p)
					}
					n += uint32(x1 - x0)
				}
				if n > 0 {
					dst[x] = uint8((sum + n/2) / n)
				}
			}
		}
		return out
	}
	for y := 0; y < h; y++ {
		fy := (float64(y)+0.5)*sy - 0.5 + float64(r.Min.Y)
		for x := 0; x < w; x++ {
			fx := (float64(x)+0.5)*sx - 0.5 + float64(r.Min.X)
			out.pix[y*w+x] = g.bilinear(fx, fy)
		}
	}
	return out
}

// bilinear samples g at (x, y); outside the frame it repeats the edge.
// Weights are in 1/256 steps, which is finer than the 8-bit values need.
func (g *gray) bilinear(x, y float64) uint8 {
	if x < 0 {
		x = 0
	} else if mx := float64(g.w - 1); x > mx {
		x = mx
	}
	if y < 0 {
		y = 0
	} else if my := float64(g.h - 1); y > my {
		y = my
	}
	x0, y0 := int(x), int(y)
	fx, fy := int((x-float64(x0))*256), int((y-float64(y0))*256)
	x1, y1 := x0+1, y0+1
	if x1 >= g.w {
		x1 = x0
	}
	if y1 >= g.h {
		y1 = y0
	}
	r0, r1 := g.pix[y0*g.w:], g.pix[y1*g.w:]
	a := int(r0[x0])*(256-fx) + int(r0[x1])*fx
	b := int(r1[x0])*(256-fx) + int(r1[x1])*fx
	return uint8((a*(256-fy) + b*fy + 1<<15) >> 16)
}
