// Package icon draws leadcap's application icon: a visitor badge on a blue
// tile, carrying a QR-like code (three finder patterns and a fixed module
// pattern), with an amber "captured" tick in the lower right corner.
package icon

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"golang.org/x/image/vector"
)

// Size is the edge length of the icon in pixels.
const Size = 512

var (
	tileTop    = color.NRGBA{0x25, 0x63, 0xeb, 0xff} // blue 600
	tileBottom = color.NRGBA{0x1e, 0x3a, 0x8a, 0xff} // blue 900
	card       = color.NRGBA{0xff, 0xff, 0xff, 0xff}
	ink        = color.NRGBA{0x0f, 0x17, 0x2a, 0xff} // slate 900
	accent     = color.NRGBA{0xf5, 0x9e, 0x0b, 0xff} // amber 500
	clip       = color.NRGBA{0x93, 0xc5, 0xfd, 0xff} // blue 300
)

// Draw renders the icon. The result is the same on every run.
func Draw() *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, Size, Size))

	// The tile: a rounded square with a vertical gradient.
	grad := image.NewNRGBA(img.Bounds())
	for y := 0; y < Size; y++ {
		t := float64(y) / (Size - 1)
		c := mix(tileTop, tileBottom, t)
		for x := 0; x < Size; x++ {
			grad.SetNRGBA(x, y, c)
		}
	}
	fill(img, grad, roundRect(16, 16, 496, 496, 104))

	// The badge: a lanyard clip above a white card with a soft shadow.
	shadow := color.NRGBA{0, 0, 0, 0x40}
	fillColor(img, shadow, roundRect(104, 124, 416, 452, 40))
	fillColor(img, clip, roundRect(216, 64, 296, 132, 18))
	fillColor(img, card, roundRect(96, 108, 416, 440, 40))
	fillColor(img, tileBottom, roundRect(226, 84, 286, 100, 8)) // the slot in the clip

	// The code: a 21x21 grid like a version 1 QR code.
	const n, mod = 21, 12
	ox, oy := float32(256-n*mod/2), float32(274-n*mod/2)
	cell := func(cx, cy int) (float32, float32) { return ox + float32(cx*mod), oy + float32(cy*mod) }
	finder := func(cx, cy int) {
		x, y := cell(cx, cy)
		fillColor(img, ink, roundRect(x, y, x+7*mod, y+7*mod, 14))
		fillColor(img, card, roundRect(x+mod, y+mod, x+6*mod, y+6*mod, 9))
		fillColor(img, ink, roundRect(x+2*mod, y+2*mod, x+5*mod, y+5*mod, 7))
	}
	finder(0, 0)
	finder(n-7, 0)
	finder(0, n-7)
	for cy := 0; cy < n; cy++ {
		for cx := 0; cx < n; cx++ {
			inFinder := (cx < 8 && cy < 8) || (cx >= n-8 && cy < 8) || (cx < 8 && cy >= n-8)
			inTick := cx >= n-9 && cy >= n-9 // leave room for the tick
			if inFinder || inTick || !dark(cx, cy) {
				continue
			}
			x, y := cell(cx, cy)
			fillColor(img, ink, roundRect(x+1, y+1, x+mod-1, y+mod-1, 3))
		}
	}

	// The tick: an amber disc with a white check mark, overlapping the card.
	fillColor(img, card, circle(380, 404, 82))
	fillColor(img, accent, circle(380, 404, 70))
	for _, s := range stroke([][2]float32{{346, 404}, {370, 428}, {416, 378}}, 15) {
		fillColor(img, card, s)
	}
	return img
}

// dark decides, by a fixed hash of its position, whether a code module is set.
func dark(x, y int) bool {
	h := uint32(x)*0x9e3779b1 ^ uint32(y)*0x85ebca77 ^ 0x1eadca9
	h ^= h >> 15
	h *= 0x2c1b3c6d
	h ^= h >> 12
	h *= 0x297a2d39
	h ^= h >> 15
	return h&1 == 1
}

func mix(a, b color.NRGBA, t float64) color.NRGBA {
	l := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*(1-t) + float64(y)*t)) }
	return color.NRGBA{l(a.R, b.R), l(a.G, b.G), l(a.B, b.B), 0xff}
}

// shape adds a closed path to a rasterizer.
type shape func(r *vector.Rasterizer)

func fillColor(dst *image.NRGBA, c color.NRGBA, s shape) {
	fill(dst, image.NewUniform(c), s)
}

func fill(dst *image.NRGBA, src image.Image, s shape) {
	r := vector.NewRasterizer(Size, Size)
	r.DrawOp = draw.Over
	s(r)
	r.Draw(dst, dst.Bounds(), src, image.Point{})
}

// kappa places cubic control points so that a quarter circle is approximated.
const kappa = 0.5522847498

func roundRect(x0, y0, x1, y1, rad float32) shape {
	k := rad * kappa
	return func(r *vector.Rasterizer) {
		r.MoveTo(x0+rad, y0)
		r.LineTo(x1-rad, y0)
		r.CubeTo(x1-rad+k, y0, x1, y0+rad-k, x1, y0+rad)
		r.LineTo(x1, y1-rad)
		r.CubeTo(x1, y1-rad+k, x1-rad+k, y1, x1-rad, y1)
		r.LineTo(x0+rad, y1)
		r.CubeTo(x0+rad-k, y1, x0, y1-rad+k, x0, y1-rad)
		r.LineTo(x0, y0+rad)
		r.CubeTo(x0, y0+rad-k, x0+rad-k, y0, x0+rad, y0)
		r.ClosePath()
	}
}

func circle(cx, cy, rad float32) shape {
	return roundRect(cx-rad, cy-rad, cx+rad, cy+rad, rad)
}

// stroke outlines a polyline of the given width with round joins and caps,
// as discs and quads; each is filled on its own, because the rasterizer
// would cancel overlapping areas of opposite winding.
func stroke(pts [][2]float32, width float32) []shape {
	h := width / 2
	var out []shape
	for i, p := range pts {
		out = append(out, circle(p[0], p[1], h))
		if i == 0 {
			continue
		}
		q := pts[i-1]
		dx, dy := p[0]-q[0], p[1]-q[1]
		l := float32(math.Hypot(float64(dx), float64(dy)))
		nx, ny := -dy/l*h, dx/l*h
		out = append(out, func(r *vector.Rasterizer) {
			r.MoveTo(q[0]+nx, q[1]+ny)
			r.LineTo(p[0]+nx, p[1]+ny)
			r.LineTo(p[0]-nx, p[1]-ny)
			r.LineTo(q[0]-nx, q[1]-ny)
			r.ClosePath()
		})
	}
	return out
}
