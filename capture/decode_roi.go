package capture

import (
	"image"
	"math"
	"sort"
)

// roiBlock is the side in pixels of the cells of the texture map.
const roiBlock = 16

// candidateRegions is the cheap first pass: it cuts the frame into 16×16
// cells and keeps the cells that look like a QR code, i.e. have contrast and
// many dark/light transitions both across and along the rows (printed text
// bars and the edges of other objects change mostly in one direction).
// Neighbouring cells are joined; the biggest groups come first.
func candidateRegions(g *gray, maxRegions int) []image.Rectangle {
	bw, bh := g.w/roiBlock, g.h/roiBlock
	if bw < 2 || bh < 2 {
		return nil
	}
	hot := make([]bool, bw*bh)
	for by := 0; by < bh; by++ {
		for bx := 0; bx < bw; bx++ {
			x0, y0 := bx*roiBlock, by*roiBlock
			lo, hi, sum := 255, 0, 0
			for y := y0; y < y0+roiBlock; y++ {
				for _, p := range g.pix[y*g.w+x0 : y*g.w+x0+roiBlock] {
					v := int(p)
					lo, hi, sum = min(lo, v), max(hi, v), sum+v
				}
			}
			if hi-lo < 20 {
				continue
			}
			mean := uint8(sum / (roiBlock * roiBlock))
			var hc, vc int
			for y := y0; y < y0+roiBlock; y++ {
				row := g.pix[y*g.w+x0 : y*g.w+x0+roiBlock]
				for x := 1; x < roiBlock; x++ {
					if (row[x] > mean) != (row[x-1] > mean) {
						hc++
					}
				}
			}
			for x := x0; x < x0+roiBlock; x++ {
				for y := y0 + 1; y < y0+roiBlock; y++ {
					if (g.pix[y*g.w+x] > mean) != (g.pix[(y-1)*g.w+x] > mean) {
						vc++
					}
				}
			}
			hot[by*bw+bx] = hc >= 12 && vc >= 12
		}
	}
	// Connected groups, joining cells up to one cell apart.
	label := make([]int, bw*bh)
	type group struct {
		r     image.Rectangle
		cells int
	}
	var groups []group
	for i, h := range hot {
		if !h || label[i] != 0 {
			continue
		}
		id := len(groups) + 1
		gr := group{r: image.Rect(i%bw, i/bw, i%bw+1, i/bw+1)}
		stack := []int{i}
		label[i] = id
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			cx, cy := c%bw, c/bw
			gr.cells++
			gr.r = gr.r.Union(image.Rect(cx, cy, cx+1, cy+1))
			for dy := -2; dy <= 2; dy++ {
				for dx := -2; dx <= 2; dx++ {
					nx, ny := cx+dx, cy+dy
					if nx < 0 || ny < 0 || nx >= bw || ny >= bh {
						continue
					}
					n := ny*bw + nx
					if hot[n] && label[n] == 0 {
						label[n] = id
						stack = append(stack, n)
					}
				}
			}
		}
		groups = append(groups, gr)
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i].cells > groups[j].cells })
	var out []image.Rectangle
	for _, gr := range groups {
		if gr.cells < 4 || len(out) == maxRegions {
			break
		}
		r := gr.r
		// Widen by a quarter on each side: the quiet zone and the
		// code's edges where the transitions are fewer.
		dx, dy := (r.Dx()+3)/4, (r.Dy()+3)/4
		r = image.Rect(r.Min.X-dx, r.Min.Y-dy, r.Max.X+dx, r.Max.Y+dy)
		r = image.Rect(r.Min.X*roiBlock, r.Min.Y*roiBlock, r.Max.X*roiBlock, r.Max.Y*roiBlock)
		out = append(out, r.Intersect(image.Rect(0, 0, g.w, g.h)))
	}
	return out
}

// regions decodes the candidate regions one by one: cut out, enlarged so
// that small modules get a few pixels each, then read as they are, with
// local contrast evened out and sharpened, and with the finder retry.
func (r *reader) regions(g *gray) bool {
	for _, rect := range candidateRegions(g, 3) {
		long := max(rect.Dx(), rect.Dy())
		f := math.Min(4, 720/float64(long))
		if f < 1.25 {
			f = 1
		}
		w, h := int(float64(rect.Dx())*f), int(float64(rect.Dy())*f)
		if w < 21 || h < 21 {
			continue
		}
		crop := g.resize(rect, w, h)
		back := scaled(rect, w, h)
		if r.attempt(crop, hybrid, true, back) {
			return true
		}
		enh := crop.equalize(max(8, int(f*8))).sharpen()
		if r.attempt(enh, hybrid, true, back) {
			return true
		}
		if r.finderRetry(crop, hybrid, back) || r.finderRetry(enh, hybrid, back) {
			return true
		}
		if r.attempt(crop.boxBlur(1), hybrid, true, back) {
			return true
		}
	}
	return false
}

// boxBlur averages each pixel with its neighbours within radius.
func (g *gray) boxBlur(radius int) *gray {
	tmp, out := newGray(g.w, g.h), newGray(g.w, g.h)
	n := uint32(2*radius + 1)
	for y := 0; y < g.h; y++ {
		row := g.pix[y*g.w : (y+1)*g.w]
		for x := 0; x < g.w; x++ {
			var s uint32
			for d := -radius; d <= radius; d++ {
				s += uint32(row[min(max(x+d, 0), g.w-1)])
			}
			tmp.pix[y*g.w+x] = uint8(s / n)
		}
	}
	for y := 0; y < g.h; y++ {
		for x := 0; x < g.w; x++ {
			var s uint32
			for d := -radius; d <= radius; d++ {
				s += uint32(tmp.pix[min(max(y+d, 0), g.h-1)*g.w+x])
			}
			out.pix[y*g.w+x] = uint8(s / n)
		}
	}
	return out
}

// equalize evens out local contrast (a CLAHE-like step): each pixel is
// stretched between the local minimum and maximum, estimated on tiles of
// the given size and interpolated bilinearly between tile centres, so glare
// and shadows no longer swallow the modules. Tiles with almost no contrast
// are left flat rather than having their noise amplified.
func (g *gray) equalize(tile int) *gray {
	tw, th := (g.w+tile-1)/tile, (g.h+tile-1)/tile
	tlo, thi := make([]int, tw*th), make([]int, tw*th)
	for i := range tlo {
		tlo[i] = 255
	}
	for y := 0; y < g.h; y++ {
		row := g.pix[y*g.w : (y+1)*g.w]
		t := (y / tile) * tw
		for x, p := range row {
			i := t + x/tile
			tlo[i], thi[i] = min(tlo[i], int(p)), max(thi[i], int(p))
		}
	}
	// Each tile looks at its 3×3 neighbourhood, so a tile inside a large
	// module still sees both colours.
	lo, hi := make([]float64, tw*th), make([]float64, tw*th)
	for ty := 0; ty < th; ty++ {
		for tx := 0; tx < tw; tx++ {
			l, h := 255, 0
			for y := max(0, ty-1); y <= min(th-1, ty+1); y++ {
				for x := max(0, tx-1); x <= min(tw-1, tx+1); x++ {
					l, h = min(l, tlo[y*tw+x]), max(h, thi[y*tw+x])
				}
			}
			if h-l < 16 {
				mid := (h + l) / 2
				l, h = mid-8, mid+8
			}
			lo[ty*tw+tx], hi[ty*tw+tx] = float64(l), float64(h)
		}
	}
	out := newGray(g.w, g.h)
	for y := 0; y < g.h; y++ {
		fy := min(max((float64(y)+0.5)/float64(tile)-0.5, 0), float64(th-1))
		y0 := int(fy)
		y1, ay := min(y0+1, th-1), fy-float64(y0)
		for x := 0; x < g.w; x++ {
			fx := min(max((float64(x)+0.5)/float64(tile)-0.5, 0), float64(tw-1))
			x0 := int(fx)
			x1, ax := min(x0+1, tw-1), fx-float64(x0)
			w00, w01, w10, w11 := (1-ax)*(1-ay), ax*(1-ay), (1-ax)*ay, ax*ay
			l := lo[y0*tw+x0]*w00 + lo[y0*tw+x1]*w01 + lo[y1*tw+x0]*w10 + lo[y1*tw+x1]*w11
			h := hi[y0*tw+x0]*w00 + hi[y0*tw+x1]*w01 + hi[y1*tw+x0]*w10 + hi[y1*tw+x1]*w11
			v := (float64(g.pix[y*g.w+x]) - l) * 255 / max(h-l, 1)
			out.pix[y*g.w+x] = uint8(min(max(v, 0), 255))
		}
	}
	return out
}

// sharpen is an unsharp mask: it adds back the difference from a 3×3
// average, restoring module edges softened by focus and motion.
func (g *gray) sharpen() *gray {
	b := g.boxBlur(1)
	out := newGray(g.w, g.h)
	for i, p := range g.pix {
		v := 2*int(p) - int(b.pix[i])
		out.pix[i] = uint8(min(max(v, 0), 255))
	}
	return out
}
