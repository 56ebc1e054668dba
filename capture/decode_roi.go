package capture

import (
	"image"
	"math"
	"sort"

	"github.com/makiuchi-d/gozxing"
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
	// First pass: the range of every cell. Most cells are background, so
	// the median range measures the frame's noise (sensor noise, JPEG
	// ringing); a cell must stand well above it, or on a noisy photo every
	// cell looks like a code and the region becomes the whole frame.
	lo, hi, mean := make([]uint8, bw*bh), make([]uint8, bw*bh), make([]uint8, bw*bh)
	hist := make([]int, 256)
	for by := 0; by < bh; by++ {
		for bx := 0; bx < bw; bx++ {
			x0, y0 := bx*roiBlock, by*roiBlock
			l, h, sum := 255, 0, 0
			for y := y0; y < y0+roiBlock; y++ {
				for _, p := range g.pix[y*g.w+x0 : y*g.w+x0+roiBlock] {
					v := int(p)
					l, h, sum = min(l, v), max(h, v), sum+v
				}
			}
			i := by*bw + bx
			lo[i], hi[i], mean[i] = uint8(l), uint8(h), uint8(sum/(roiBlock*roiBlock))
			hist[h-l]++
		}
	}
	median, seen := 0, 0
	for r, n := range hist {
		if seen += n; 2*seen >= bw*bh {
			median = r
			break
		}
	}
	minRange := max(20, median*3/2)
	hot := make([]bool, bw*bh)
	for by := 0; by < bh; by++ {
		for bx := 0; bx < bw; bx++ {
			i := by*bw + bx
			rng := int(hi[i]) - int(lo[i])
			if rng < minRange {
				continue
			}
			// Transitions with hysteresis: a pixel switches sides only
			// when it passes the mean by an eighth of the range, so
			// noise around a flat level does not count.
			m, band := int(mean[i]), max(rng/8, 3)
			x0, y0 := bx*roiBlock, by*roiBlock
			var hc, vc int
			for y := y0; y < y0+roiBlock; y++ {
				row := g.pix[y*g.w+x0 : y*g.w+x0+roiBlock]
				dark := int(row[0]) < m
				for _, p := range row[1:] {
					if v := int(p); dark && v > m+band || !dark && v < m-band {
						dark = !dark
						hc++
					}
				}
			}
			for x := x0; x < x0+roiBlock; x++ {
				dark := int(g.pix[y0*g.w+x]) < m
				for y := y0 + 1; y < y0+roiBlock; y++ {
					if v := int(g.pix[y*g.w+x]); dark && v > m+band || !dark && v < m-band {
						dark = !dark
						vc++
					}
				}
			}
			hot[i] = hc >= 12 && vc >= 12
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
		r = r.Intersect(image.Rect(0, 0, g.w, g.h))
		// A code seen at an angle or under glare can fall apart into
		// neighbouring groups: join the regions that overlap.
		merged := false
		for i, o := range out {
			if o.Overlaps(r) {
				out[i], merged = o.Union(r), true
				break
			}
		}
		if !merged {
			out = append(out, r)
		}
	}
	return out
}

// roi is a candidate region cut out of the working frame and enlarged so
// that small modules get a few pixels each.
type roi struct {
	rect image.Rectangle
	f    float64 // enlargement
	crop *gray
	back mapping
	// bits is crop's hybrid black matrix, kept by regionsQuick (which
	// reads every region first) for regionsFinder, and bmp
	// the bitmap holding it, for matrixInRegions.
	bits *gozxing.BitMatrix
	bmp  *gozxing.BinaryBitmap
	// enhBits is the black matrix of the crop enhanced by
	// regionsEnhanced, for regionsFourth.
	enhBits *gozxing.BitMatrix
	// streak is the coherence of crop's gradients (streakiness), once
	// streakKnown.
	streak      float64
	streakKnown bool
}

// rois returns the candidate regions of g, computed on first use and kept
// for the later steps of the same decode.
func (r *reader) rois(g *gray) []roi {
	if r.roisDone {
		return r.roiCache
	}
	r.roisDone = true
	for _, rect := range candidateRegions(g, 3) {
		long := max(rect.Dx(), rect.Dy())
		f := math.Min(4, 720/float64(long))
		if f < 1.25 {
			f = 1
		}
		if a := float64(rect.Dx()) * float64(rect.Dy()) * f * f; a > maxRegionPixels {
			f = math.Sqrt(maxRegionPixels / float64(rect.Dx()*rect.Dy()))
		}
		w, h := int(float64(rect.Dx())*f), int(float64(rect.Dy())*f)
		if w < 21 || h < 21 {
			continue
		}
		r.roiCache = append(r.roiCache, roi{rect: rect, f: f, crop: g.resize(rect, w, h), back: scaled(rect, w, h)})
	}
	return r.roiCache
}

// regionsQuick reads each candidate region as it is: one gozxing pass on a
// small crop, cheap enough to come right after the whole-frame read, and
// enough for most small codes and busy backgrounds.
func (r *reader) regionsQuick(g *gray) bool {
	r.rois(g)
	for i := range r.roiCache {
		c := &r.roiCache[i]
		var found bool
		if found, c.bmp = r.attemptBitmap(c.crop, true, c.back); c.bmp != nil {
			c.bits, _ = c.bmp.GetBlackMatrix() // cached by the bitmap: no second pass
		}
		if found {
			return true
		}
	}
	return false
}

// The regions' harder attempts (regionsQuick has read each as it is) are
// four kinds, each a step over every region for a large photo, so that it
// can take the cheap and likely ones before its full-size look and the
// costly ones after (largeCascade), and one step region by region for a
// photo of camera size (regions), whose costlier attempts on the first
// region come before the cheaper ones on the others.

// regionsFinder runs the finder retry on each region's black matrix from
// regionsQuick, without its search for a fourth control point
// (regionFourth does that): a few milliseconds, and it reads codes seen
// at an angle whose finder patterns gozxing found but whose size it
// guessed wrong.
func (r *reader) regionsFinder(g *gray) bool {
	for _, c := range r.rois(g) {
		if r.finderRetry(c.bits, c.back, finderGrid) {
			return true
		}
	}
	return false
}

// regions works hard on each region in turn: enhanced, sharpened, the rest
// of the finder retry, warped.
func (r *reader) regions(g *gray) bool {
	for i := range r.rois(g) {
		c := &r.roiCache[i]
		if r.regionEnhanced(g, c) || r.regionSharpened(c) || r.regionFourth(c) || r.regionWarped(c) {
			return true
		}
	}
	return false
}

// eachRegion runs try on each candidate region of g until it reads a code.
func (r *reader) eachRegion(g *gray, try func(*roi) bool) bool {
	for i := range r.rois(g) {
		if try(&r.roiCache[i]) {
			return true
		}
	}
	return false
}

func (r *reader) regionsEnhanced(g *gray) bool {
	return r.eachRegion(g, func(c *roi) bool { return r.regionEnhanced(g, c) })
}
func (r *reader) regionsSharpened(g *gray) bool { return r.eachRegion(g, r.regionSharpened) }
func (r *reader) regionsFourth(g *gray) bool    { return r.eachRegion(g, r.regionFourth) }
func (r *reader) regionsWarped(g *gray) bool    { return r.eachRegion(g, r.regionWarped) }

// regionEnhanced reads region c with its local contrast evened out and
// sharpened (glare, shadows), with regionsFinder's finder retry on the
// result, and a small code at another scale first.
func (r *reader) regionEnhanced(g *gray, c *roi) bool {
	crop, back, f, rect := c.crop, c.back, c.f, c.rect
	if f >= 2.5 {
		// Another sampling of a small code: the module-size estimate and
		// the binarizer's blocks fall differently.
		mid := g.resize(rect, crop.w*3/5, crop.h*3/5)
		if r.attempt(mid, hybrid, true, scaled(rect, mid.w, mid.h)) {
			return true
		}
	}
	enh := crop.equalize(max(8, int(f*8))).sharpen()
	var found bool
	found, c.enhBits = r.attemptKeep(enh, true, back)
	return found || r.finderRetry(c.enhBits, back, finderGrid)
}

// regionFourth is the rest of the finder retry on region c as it is and
// enhanced: the search for a small code's fourth control point.
func (r *reader) regionFourth(c *roi) bool {
	return r.finderRetry(c.bits, c.back, finderFourth) || r.finderRetry(c.enhBits, c.back, finderFourth)
}

// regionSharpened reads region c sharpened for blur, at a few scales for
// the module sizes a crop can have (without the contrast step, which
// amplifies the noise the sharpening then picks up), band-passed (smooth,
// then sharpen coarsely) for blur under noise, and smoothed.
func (r *reader) regionSharpened(c *roi) bool {
	crop, back := c.crop, c.back
	for _, u := range [...]struct {
		radius int
		amount float64
	}{{1, 2}, {2, 3}, {3, 2}} {
		if r.attempt(crop.unsharp(u.radius, u.amount), hybrid, true, back) {
			return true
		}
	}
	return r.attempt(crop.boxBlur(2).unsharp(4, 2), hybrid, true, back) ||
		r.attempt(crop.boxBlur(1), hybrid, true, back)
}

// regionWarped reads region c through perspective warps.
func (r *reader) regionWarped(c *roi) bool { return r.perspectiveRetry(c.crop, c.back) }

// perspK are the strengths of the perspective warps: the magnified side
// comes out 1.5, 2.3 and 4 times as large as the opposite one.
var perspK = [...]float64{0.2, 0.4, 0.6}

// maxWarpPixels bounds the crops that perspectiveRetry warps, and
// maxRegionPixels the crops that regions works on.
const (
	maxWarpPixels   = 600_000
	maxRegionPixels = 2_500_000
)

// compose returns the mapping that applies first and then second.
func compose(first, second mapping) mapping {
	return func(x, y float64) (float64, float64) { return second(first(x, y)) }
}

// perspectiveRetry undoes strong foreshortening. gozxing samples the grid
// from three finder patterns (an affine fit) and, in larger codes, one
// alignment pattern; when a card is seen at a steep angle the far side's
// modules are half the size of the near side's and the fit misses. Any
// perspective is a similarity and an affine map (which gozxing handles)
// after a purely projective one, so it is enough to try a few projective
// warps that magnify one side of the crop, in eight directions.
func (r *reader) perspectiveRetry(crop *gray, back mapping) bool {
	if n := crop.w * crop.h; n > maxWarpPixels {
		// Bound the cost of the 24 warps on a large region.
		f := math.Sqrt(float64(maxWarpPixels) / float64(n))
		small := crop.resize(image.Rect(0, 0, crop.w, crop.h), int(float64(crop.w)*f), int(float64(crop.h)*f))
		back = compose(scaled(image.Rect(0, 0, crop.w, crop.h), small.w, small.h), back)
		crop = small
	}
	for _, k := range perspK {
		for i := range 8 {
			a := float64(i) * math.Pi / 4
			w, m := crop.project(math.Cos(a), math.Sin(a), k)
			if r.attempt(w, hybrid, true, compose(m, back)) {
				return true
			}
		}
	}
	return false
}

// project warps g with the homography that keeps the edge in direction
// (dx, dy) and shrinks the frame towards the opposite edge, so the side in
// direction (dx, dy) comes out (1+k)/(1-k) times larger than the opposite
// side. It returns the warped frame and the map from it back to g.
func (g *gray) project(dx, dy, k float64) (*gray, mapping) {
	cx, cy := float64(g.w)/2, float64(g.h)/2
	l := (math.Abs(dx)*float64(g.w) + math.Abs(dy)*float64(g.h)) / 2
	m := func(x, y float64) (float64, float64) {
		u := (dx*(x-cx) + dy*(y-cy)) / l
		f := (1 + k) / (1 + k*u)
		return cx + (x-cx)*f, cy + (y-cy)*f
	}
	out := newGray(g.w, g.h)
	for y := 0; y < g.h; y++ {
		for x := 0; x < g.w; x++ {
			sx, sy := m(float64(x)+0.5, float64(y)+0.5)
			out.pix[y*g.w+x] = g.bilinear(sx-0.5, sy-0.5)
		}
	}
	return out, m
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

// unsharp adds amount times the difference from the box average of the
// given radius.
func (g *gray) unsharp(radius int, amount float64) *gray {
	b := g.boxBlur(radius)
	out := newGray(g.w, g.h)
	for i, p := range g.pix {
		v := float64(p) + amount*(float64(p)-float64(b.pix[i]))
		out.pix[i] = uint8(min(max(v, 0), 255))
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
