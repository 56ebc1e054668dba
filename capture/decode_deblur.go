package capture

import (
	"image"
	"math"
	"math/cmplx"
	"sort"
)

// Motion blur from a shaking hand smears every point into a short line:
// the picture is the sharp one convolved with a box along the direction of
// motion. Along that direction the derivative is anticorrelated with
// itself at the streak's length (each edge leaves a rising and a falling
// step one streak apart), which gives both the direction and the length.
// deblurRetry then turns the crop so the motion runs along the rows and
// undoes the box row by row with a Wiener filter.

// maxStreak is the longest streak, in pixels of the crop, that is tried.
const maxStreak = 64

// minStreakiness is the gradient coherence (see weakestGradient) above
// which a region counts as streaked by motion. On generated card photos
// the regions of strong hand shake come out at 0.39–0.77, those of sharp,
// tilted, glared or out-of-focus codes at 0.01–0.35 (mild motion spans
// both).
const minStreakiness = 0.36

// deblurStreaked runs deblurRetry on the candidate regions that look
// streaked by motion: cheap to skip elsewhere, and on hand-shake photos
// the step that reads them, so it comes right after the regions' quick
// read.
func (r *reader) deblurStreaked(g *gray) bool {
	return r.deblurRegions(g, func(c *roi) bool { return c.streakiness() >= minStreakiness })
}

// deblurOthers runs deblurRetry on the regions deblurStreaked left out,
// after the costlier enhancements that read most of them.
func (r *reader) deblurOthers(g *gray) bool {
	return r.deblurRegions(g, func(c *roi) bool { return c.streakiness() < minStreakiness })
}

// deblurRegions runs deblurRetry on each candidate region of g for which
// take is true.
func (r *reader) deblurRegions(g *gray, take func(*roi) bool) bool {
	r.rois(g)
	for i := range r.roiCache {
		if c := &r.roiCache[i]; take(c) && r.deblurRetry(c.crop, c.back) {
			return true
		}
	}
	return false
}

// streakiness is the coherence of c's gradients, computed on first use.
func (c *roi) streakiness() float64 {
	if !c.streakKnown {
		_, c.streak = weakestGradient(c.crop)
		c.streakKnown = true
	}
	return c.streak
}

// deblurRetry reads crop after undoing an estimated motion blur, for each
// of the likeliest streak lengths.
func (r *reader) deblurRetry(crop *gray, back mapping) bool {
	for _, mo := range estimateMotion(crop) {
		rot, m := crop.rotate(-mo.angle)
		back := compose(m, back)
		for _, l := range mo.lengths[:min(2, len(mo.lengths))] {
			sharp := rot.deconvolveRows(l, 0.01)
			if found, bits := r.attemptKeep(sharp, true, back); found || r.finderRetry(bits, back, finderAll) {
				return true
			}
		}
	}
	return false
}

// motion is one guess of the streaks' direction (radians) and likeliest
// lengths (pixels).
type motion struct {
	angle   float64
	lengths []float64
	depth   float64 // the deepest dip relative to lag 0 (negative)
}

// estimateMotion guesses the streaks on a copy of g at most 256 pixels
// wide. The first guess is the direction where gradients are weakest (the
// structure tensor's, right when the code dominates the region); card
// edges and printed text pull it aside, so the second guess is the
// direction, among twelve and then finer around the best, where the row
// derivative's autocorrelation dips deepest once the copy is turned so
// that direction runs along the rows. The lengths are the lags of the
// dips.
func estimateMotion(g *gray) []motion {
	f := math.Min(1, 256/float64(max(g.w, g.h)))
	small := g
	if f < 1 {
		small = g.resize(image.Rect(0, 0, g.w, g.h), max(int(float64(g.w)*f), 1), max(int(float64(g.h)*f), 1))
	}
	measure := func(a float64) ([]float64, float64) {
		rot, _ := small.rotate(-a)
		return streakLengths(rot)
	}
	// search keeps the deepest dip among the given directions, then looks
	// 5° and 2.5° to either side of it.
	search := func(angles ...float64) (motion, float64) {
		best, depth := motion{}, 0.0
		try := func(a float64) {
			if l, d := measure(a); d < depth {
				best, depth = motion{a, l, d}, d
			}
		}
		for _, a := range angles {
			try(a)
		}
		for _, step := range []float64{math.Pi / 36, math.Pi / 72} {
			c := best.angle
			try(c - step)
			try(c + step)
		}
		return best, depth
	}
	var coarse []float64
	for i := range 12 {
		coarse = append(coarse, float64(i)*math.Pi/12)
	}
	var out []motion
	a, _ := weakestGradient(g) // on the full crop: the copy loses thin streaks' angle
	if l, d := measure(a); d < 0 {
		out = append(out, motion{a, l, d})
	}
	if m, d := search(coarse...); d < 0 && (len(out) == 0 || math.Abs(math.Remainder(m.angle-out[0].angle, math.Pi)) > math.Pi/36) {
		out = append(out, m)
	}
	for _, m := range out {
		for i := range m.lengths {
			m.lengths[i] /= f
		}
	}
	return out
}

// weakestGradient returns the direction (radians, in [0, π)) along which
// g's gradients are weakest: the smallest eigenvector of the structure
// tensor; and how much weaker they are there, the tensor's coherence
// (λ₁-λ₂)/(λ₁+λ₂): 0 when edges run every way alike, as a code's module
// edges do, towards 1 when motion has smeared them along one direction.
func weakestGradient(g *gray) (angle, coherence float64) {
	var xx, yy, xy float64
	for y := 1; y < g.h-1; y++ {
		for x := 1; x < g.w-1; x++ {
			i := y*g.w + x
			gx := float64(g.pix[i+1]) - float64(g.pix[i-1])
			gy := float64(g.pix[i+g.w]) - float64(g.pix[i-g.w])
			xx, yy, xy = xx+gx*gx, yy+gy*gy, xy+gx*gy
		}
	}
	// The strongest gradient is at ½·atan2(2xy, xx-yy); the motion is
	// perpendicular to it.
	a := 0.5*math.Atan2(2*xy, xx-yy) + math.Pi/2
	if xx+yy > 0 {
		coherence = math.Hypot(xx-yy, 2*xy) / (xx + yy)
	}
	return math.Mod(a+math.Pi, math.Pi), coherence
}

// streakLengths returns up to three lags, along the rows, where the row
// derivative's autocorrelation has its deepest negative local minima, the
// deepest first, and the depth of the deepest relative to lag 0.
func streakLengths(g *gray) ([]float64, float64) {
	lags := min(maxStreak, g.w/4)
	acc := rowAutocorrelation(g, lags+1)
	var mins []int
	for k := 3; k <= lags; k++ {
		if acc[k] < 0 && acc[k] <= acc[k-1] && acc[k] <= acc[k+1] {
			mins = append(mins, k)
		}
	}
	sort.Slice(mins, func(i, j int) bool { return acc[mins[i]] < acc[mins[j]] })
	out := make([]float64, 0, 3)
	for _, k := range mins[:min(3, len(mins))] {
		// Refine between neighbours with a parabola through the minimum.
		l := float64(k)
		if a, b, c := acc[k-1], acc[k], acc[k+1]; a-2*b+c > 0 {
			l += 0.5 * (a - c) / (a - 2*b + c)
		}
		out = append(out, l)
	}
	if len(mins) == 0 || acc[0] == 0 {
		return nil, 0
	}
	return out, acc[mins[0]] / acc[0]
}

// rowAutocorrelation sums, over every other row of g, the autocorrelation
// of the row's derivative at lags 0 to maxLag. It goes through the power
// spectrum (the transform of an autocorrelation), the rows zero-padded so
// that no lag wraps around, two rows to one complex transform: for
// z = a + ib, |A(k)|² + |B(k)|² = (|Z(k)|² + |Z(n-k)|²) / 2.
func rowAutocorrelation(g *gray, maxLag int) []float64 {
	n := 1
	for n < g.w+maxLag {
		n <<= 1
	}
	p := newFFTPlan(n)
	power := make([]float64, n)
	buf := make([]complex128, n)
	deriv := func(y int) []float64 {
		d := make([]float64, g.w-1)
		if y < g.h {
			row := g.pix[y*g.w : (y+1)*g.w]
			for x := range d {
				d[x] = float64(row[x+1]) - float64(row[x])
			}
		}
		return d
	}
	for y := 0; y < g.h; y += 4 {
		a, b := deriv(y), deriv(y+2)
		clear(buf)
		for x := range a {
			buf[x] = complex(a[x], b[x])
		}
		p.transform(buf, false)
		for k := range power {
			z, w := buf[k], buf[(n-k)%n]
			power[k] += (real(z)*real(z) + imag(z)*imag(z) + real(w)*real(w) + imag(w)*imag(w)) / 2
		}
	}
	for k, v := range power {
		buf[k] = complex(v, 0)
	}
	p.transform(buf, true)
	acc := make([]float64, maxLag+1)
	for k := range acc {
		acc[k] = real(buf[k])
	}
	return acc
}

// rotate turns g by angle (radians, counter-clockwise in image
// coordinates) about its centre into a frame large enough to hold it,
// filling the corners with the nearest edge; it returns the map back to
// g's coordinates.
func (g *gray) rotate(angle float64) (*gray, mapping) {
	cos, sin := math.Cos(angle), math.Sin(angle)
	w := int(math.Abs(float64(g.w)*cos) + math.Abs(float64(g.h)*sin) + 0.5)
	h := int(math.Abs(float64(g.w)*sin) + math.Abs(float64(g.h)*cos) + 0.5)
	cx, cy := float64(g.w)/2, float64(g.h)/2
	ox, oy := float64(w)/2, float64(h)/2
	m := func(x, y float64) (float64, float64) {
		dx, dy := x-ox, y-oy
		return cx + dx*cos + dy*sin, cy - dx*sin + dy*cos
	}
	out := newGray(w, h)
	for y := range h {
		for x := range w {
			sx, sy := m(float64(x)+0.5, float64(y)+0.5)
			out.pix[y*w+x] = g.bilinear(sx-0.5, sy-0.5)
		}
	}
	return out, m
}

// deconvolveRows undoes, on every row, a box blur of the given length
// (pixels, fractional ends weighted) with a Wiener filter of
// noise-to-signal ratio k. Rows are mirrored at the ends so the transform
// sees no step there. The centred box is even, so its transfer function
// and the filter are real and even: two rows go through one complex
// transform, one as the real part and one as the imaginary part, and come
// out apart again.
func (g *gray) deconvolveRows(length, k float64) *gray {
	n := 1
	for n < 2*g.w {
		n <<= 1
	}
	p := newFFTPlan(n)
	// The transfer function of the centred box.
	kernel := make([]complex128, n)
	half := length / 2
	whole := int(half)
	for i := -whole; i <= whole; i++ {
		kernel[(i+n)%n] = 1
	}
	if frac := half - float64(whole); frac > 0 {
		kernel[(whole+1)%n] = complex(frac, 0)
		kernel[(n-whole-1)%n] = complex(frac, 0)
	}
	var sum complex128
	for _, v := range kernel {
		sum += v
	}
	for i := range kernel {
		kernel[i] /= sum
	}
	p.transform(kernel, false)
	filter := make([]float64, n)
	for i, h := range kernel {
		// conj(h)/(|h|²+k) with h real (its imaginary part is rounding).
		filter[i] = real(h) / (real(h)*real(h) + k)
	}
	out := newGray(g.w, g.h)
	buf := make([]complex128, n)
	for y := 0; y < g.h; y += 2 {
		a := g.pix[y*g.w : (y+1)*g.w]
		b := a // an odd last row pairs with itself
		if y+1 < g.h {
			b = g.pix[(y+1)*g.w : (y+2)*g.w]
		}
		for i := range buf {
			j := i % (2 * g.w)
			if j >= g.w {
				j = 2*g.w - 1 - j
			}
			buf[i] = complex(float64(a[j]), float64(b[j]))
		}
		p.transform(buf, false)
		for i, f := range filter {
			buf[i] *= complex(f, 0)
		}
		p.transform(buf, true)
		da := out.pix[y*g.w : (y+1)*g.w]
		for x := range da {
			da[x] = uint8(min(max(real(buf[x]), 0), 255))
		}
		if y+1 < g.h {
			db := out.pix[(y+1)*g.w : (y+2)*g.w]
			for x := range db {
				db[x] = uint8(min(max(imag(buf[x]), 0), 255))
			}
		}
	}
	return out
}

// fft transforms a in place (len(a) a power of two); inverse includes the
// 1/n scale.
func fft(a []complex128, inverse bool) { newFFTPlan(len(a)).transform(a, inverse) }

// fftPlan holds the bit-reversal permutation and the twiddle factors of
// one transform size, computed once for the many rows of a deconvolution.
type fftPlan struct {
	rev []int32
	tw  []complex128 // e^(-2πij/n), j < n/2
}

func newFFTPlan(n int) *fftPlan {
	p := &fftPlan{rev: make([]int32, n), tw: make([]complex128, n/2)}
	for i, j := 1, 0; i < n; i++ {
		bit := n >> 1
		for ; j&bit != 0; bit >>= 1 {
			j ^= bit
		}
		j |= bit
		p.rev[i] = int32(j)
	}
	for j := range p.tw {
		p.tw[j] = cmplx.Rect(1, -2*math.Pi*float64(j)/float64(n))
	}
	return p
}

// transform is the radix-2 FFT of a (len(a) the plan's size) in place;
// inverse includes the 1/n scale.
func (p *fftPlan) transform(a []complex128, inverse bool) {
	n := len(a)
	for i, j := range p.rev {
		if i < int(j) {
			a[i], a[j] = a[j], a[i]
		}
	}
	for size := 2; size <= n; size <<= 1 {
		half, step := size/2, n/size
		for start := 0; start < n; start += size {
			lo, hi := a[start:start+half], a[start+half:start+size]
			for i := range lo {
				t := p.tw[i*step]
				if inverse {
					t = complex(real(t), -imag(t))
				}
				u, v := lo[i], hi[i]*t
				lo[i], hi[i] = u+v, u-v
			}
		}
	}
	if inverse {
		s := 1 / float64(n)
		for i := range a {
			a[i] = complex(real(a[i])*s, imag(a[i])*s)
		}
	}
}
