package capture

import (
	"image"
	"math"

	"github.com/makiuchi-d/gozxing"
)

// gozxing's Data Matrix detector walks out from the image centre to the
// symbol's extreme points and takes them for its corners, which holds only
// while the symbol's edges run (nearly) along the rows and columns: on the
// generated badge photos a crop read at 0° is missed when turned by more
// than about 10°, and tilted, skewed or blurred badges are read once their
// crop is turned back upright. So the matrix readers run on each candidate
// region as it is and turned by its grid's angle.

// gridAngle estimates the angle (radians, in (-π/4, π/4]) by which the
// strongest grid of edges in g is turned against the rows and columns, as
// g.rotate(angle) would turn an upright grid (so rotate(-angle) undoes it):
// each pixel's gradient direction, taken four times so that the four
// sides of a square module agree, averaged with the squared gradient
// magnitude as weight. It returns the angle and how strongly the edges
// agree (0 none, 1 all).
func gridAngle(g *gray) (angle, strength float64) {
	var c4, s4, sum float64
	for y := 1; y < g.h-1; y++ {
		row := g.pix[y*g.w:]
		up, down := g.pix[(y-1)*g.w:], g.pix[(y+1)*g.w:]
		for x := 1; x < g.w-1; x++ {
			// Sobel: central differences alone favour the diagonals.
			gx := float64(2*int(row[x+1])-2*int(row[x-1])+int(up[x+1])-int(up[x-1])+int(down[x+1])-int(down[x-1])) / 4
			gy := float64(2*int(down[x])-2*int(up[x])+int(down[x-1])-int(up[x-1])+int(down[x+1])-int(up[x+1])) / 4
			m2 := gx*gx + gy*gy
			if m2 < 400 { // flat: noise and JPEG ripple only
				continue
			}
			c2, s2 := gx*gx-gy*gy, 2*gx*gy // doubled angle, times m2
			c4 += (c2*c2 - s2*s2) / m2
			s4 += 2 * c2 * s2 / m2
			sum += m2
		}
	}
	if sum == 0 {
		return 0, 0
	}
	return math.Atan2(s4, c4) / 4, math.Hypot(c4, s4) / sum
}

// minDeskew is the smallest grid angle worth turning a region for: below
// it gozxing's detector reads the region as it is.
const minDeskew = 3 * math.Pi / 180

// matrixInRegions runs the Data Matrix and Aztec readers on each candidate
// region, as it is and turned upright by its grid's angle (then with both
// binarizers: the hybrid one breaks noisy modules into specks).
func (r *reader) matrixInRegions(g *gray) bool {
	for i := range r.rois(g) {
		c := &r.roiCache[i]
		bmp := c.bmp // regionsQuick's, when it ran
		if bmp == nil {
			bmp, _ = gozxing.NewBinaryBitmap(binarizer(c.crop, hybrid))
		}
		if bmp != nil && r.readOthers(bmp, false, true, c.back) {
			return true
		}
		angle, _ := gridAngle(c.crop)
		if math.Abs(angle) < minDeskew {
			continue
		}
		turned, m := c.crop.rotate(-angle)
		for _, bin := range [...]binarizerKind{hybrid, globalHistogram} {
			if bmp, err := gozxing.NewBinaryBitmap(binarizer(turned, bin)); err == nil && r.readOthers(bmp, false, true, compose(m, c.back)) {
				return true
			}
		}
	}
	return false
}

// minWarpStrength is the grid strength (gridAngle) from which
// matrixWarped works on a region: the Data Matrix regions of the generated
// badge photos measure 0.27–0.78, those it reads 0.6 and more.
const minWarpStrength = 0.5

// maxMatrixWarpPixels bounds the turned crop matrixWarped warps.
const maxMatrixWarpPixels = 300_000

// matrixWarped is the last look for Data Matrix and Aztec codes, in the
// regions with a strong grid: those matrixInRegions did not turn (less
// than minDeskew) with the global-histogram binarizer, then the one with
// the strongest grid, turned upright, through eight perspective warps (a
// badge seen at a slant, whose sides are no longer parallel after the
// turn). It runs when everything else has failed, so its cost is what an
// unreadable photo pays more: 8 warps of a crop of at most
// maxMatrixWarpPixels.
func (r *reader) matrixWarped(g *gray) bool {
	var best *gray
	var bestBack mapping
	bestStrength := minWarpStrength
	for _, c := range r.rois(g) {
		angle, strength := gridAngle(c.crop)
		if strength < minWarpStrength {
			continue
		}
		if math.Abs(angle) < minDeskew {
			if bmp, err := gozxing.NewBinaryBitmap(binarizer(c.crop, globalHistogram)); err == nil && r.readOthers(bmp, false, true, c.back) {
				return true
			}
		}
		if strength >= bestStrength {
			turned, m := c.crop.rotate(-angle)
			best, bestBack, bestStrength = turned, compose(m, c.back), strength
		}
	}
	if best == nil {
		return false
	}
	if n := best.w * best.h; n > maxMatrixWarpPixels {
		f := math.Sqrt(float64(maxMatrixWarpPixels) / float64(n))
		frame := image.Rect(0, 0, best.w, best.h)
		small := best.resize(frame, int(float64(best.w)*f), int(float64(best.h)*f))
		bestBack = compose(scaled(frame, small.w, small.h), bestBack)
		best = small
	}
	for i := range 8 {
		a := float64(i) * math.Pi / 4
		w, wm := best.project(math.Cos(a), math.Sin(a), perspK[1])
		if bmp, err := gozxing.NewBinaryBitmap(binarizer(w, hybrid)); err == nil && r.readOthers(bmp, false, true, compose(wm, bestBack)) {
			return true
		}
	}
	return false
}
