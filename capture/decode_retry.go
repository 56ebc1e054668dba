package capture

import (
	"math"
	"sort"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
	"golang.org/x/text/encoding/charmap"
)

// finderRetry replaces gozxing's detector step when its guesses go wrong:
// it takes the finder-pattern candidates gozxing finds in bm (a frame's
// hybrid black matrix, as attemptKeep returns it) and, for the
// most plausible triples, samples the grid at the estimated dimension and at
// its neighbours (±4, ±8 modules), with and without an alignment pattern.
// gozxing rounds one estimate of the dimension from the module size, which
// is off under perspective, blur and small modules ("dimension = 63" for a
// 65-module code); sampling a few candidates is cheap next to a new scan.
//
// For a small code (up to 29 modules) of one of the likeliest triples it
// also searches the fourth control point around where a flat code would
// have it: up to 168 points per size, so on a busy region that search is
// most of the cost. tries says which samplings to take: finderAll, or
// finderGrid without that search and finderFourth with it alone, for
// callers that run the cheap part early and the rest later.
func (r *reader) finderRetry(bm *gozxing.BitMatrix, back mapping, tries finderTries) bool {
	if bm == nil {
		return false
	}
	hints := map[gozxing.DecodeHintType]any{
		gozxing.DecodeHintType_TRY_HARDER:    true,
		gozxing.DecodeHintType_CHARACTER_SET: charmap.ISO8859_1,
	}
	finder := detector.NewFinderPatternFinder(bm, nil)
	info, _ := finder.Find(hints)
	var triples [][3]*detector.FinderPattern
	if info != nil {
		triples = append(triples, [3]*detector.FinderPattern{info.GetBottomLeft(), info.GetTopLeft(), info.GetTopRight()})
	}
	cands := append([]*detector.FinderPattern(nil), finder.GetPossibleCenters()...)
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].GetCount() > cands[j].GetCount() })
	if len(cands) > 7 {
		cands = cands[:7]
	}
	for i := 0; i < len(cands); i++ {
		for j := i + 1; j < len(cands); j++ {
			for k := j + 1; k < len(cands); k++ {
				a, b, c := gozxing.ResultPoint_OrderBestPatterns(cands[i], cands[j], cands[k])
				triples = append(triples, [3]*detector.FinderPattern{
					a.(*detector.FinderPattern), b.(*detector.FinderPattern), c.(*detector.FinderPattern)})
			}
		}
	}
	dec := decoder.NewDecoder()
	tried := 0

	for _, t := range triples {
		bl, tl, tr := t[0], t[1], t[2]
		ms := (bl.GetEstimatedModuleSize() + tl.GetEstimatedModuleSize() + tr.GetEstimatedModuleSize()) / 3
		if !plausible(bl, tl, tr) || ms < 0.8 {
			continue
		}
		if tried++; tried > 12 {
			break
		}
		dAB := gozxing.ResultPoint_Distance(tl, tr)
		dAC := gozxing.ResultPoint_Distance(tl, bl)
		est := (dAB+dAC)/2/ms + 7
		base := int(math.Round((est-1)/4))*4 + 1
		for _, dim := range []int{base, base + 4, base - 4, base + 8, base - 8} {
			if dim < 21 || dim > 177 {
				continue
			}
			var aps []*detector.AlignmentPattern
			if tries != finderFourth {
				if dim > 21 {
					if ap := findAlignment(bm, bl, tl, tr, ms, dim); ap != nil {
						aps = append(aps, ap)
					}
				}
				aps = append(aps, nil)
			}
			if tries != finderGrid && dim <= 29 && tried <= 3 {
				// Small codes have no alignment pattern (version 1) or
				// one too small to find when tilted: search for the
				// fourth control point around where a flat code would
				// have it, so perspective is corrected anyway.
				aps = append(aps, fourthPoints(bl, tl, tr, ms, dim)...)
			}
			for _, ap := range aps {
				tf := detector.Detector_createTransform(tl, tr, bl, ap, dim)
				bits, err := detector.Detector_sampleGrid(bm, tf, dim)
				if err != nil {
					continue
				}
				dr, err := dec.Decode(bits, hints)
				if err != nil {
					continue
				}
				res := gozxing.NewResult(dr.GetText(), dr.GetRawBytes(), []gozxing.ResultPoint{bl, tl, tr}, gozxing.BarcodeFormat_QR_CODE)
				if segs := dr.GetByteSegments(); len(segs) > 0 {
					res.PutMetadata(gozxing.ResultMetadataType_BYTE_SEGMENTS, segs)
				}
				r.add(res, back)
				return true
			}
		}
	}
	return false
}

// finderTries selects the samplings finderRetry takes.
type finderTries int

const (
	finderAll    finderTries = iota
	finderGrid               // the estimated sizes, with and without the alignment pattern
	finderFourth             // the search for a small code's fourth control point alone
)

// plausible rejects triples that cannot be the three finder patterns of
// one code, even seen at an angle: very different module sizes, very
// different sides, or a corner far from square.
func plausible(bl, tl, tr *detector.FinderPattern) bool {
	m := []float64{bl.GetEstimatedModuleSize(), tl.GetEstimatedModuleSize(), tr.GetEstimatedModuleSize()}
	lo, hi := math.Min(m[0], math.Min(m[1], m[2])), math.Max(m[0], math.Max(m[1], m[2]))
	if hi > 2.5*lo {
		return false
	}
	ax, ay := tr.GetX()-tl.GetX(), tr.GetY()-tl.GetY()
	bx, by := bl.GetX()-tl.GetX(), bl.GetY()-tl.GetY()
	la, lb := math.Hypot(ax, ay), math.Hypot(bx, by)
	if la < 10*lo || lb < 10*lo || la > 3*lb || lb > 3*la {
		return false
	}
	cos := (ax*bx + ay*by) / (la * lb)
	return math.Abs(cos) < 0.6
}

// findAlignment looks for the bottom-right alignment pattern where it
// should be for a code of dimension dim, widening the search as gozxing's
// detector does.
func findAlignment(bm *gozxing.BitMatrix, bl, tl, tr *detector.FinderPattern, ms float64, dim int) *detector.AlignmentPattern {
	brX := tr.GetX() - tl.GetX() + bl.GetX()
	brY := tr.GetY() - tl.GetY() + bl.GetY()
	corr := 1 - 3/float64(dim-7)
	ex := int(tl.GetX() + corr*(brX-tl.GetX()))
	ey := int(tl.GetY() + corr*(brY-tl.GetY()))
	for f := 4; f <= 16; f <<= 1 {
		al := int(float64(f) * ms)
		x0, x1 := max(ex-al, 0), min(ex+al, bm.GetWidth()-1)
		y0, y1 := max(ey-al, 0), min(ey+al, bm.GetHeight()-1)
		if float64(x1-x0) < 3*ms || float64(y1-y0) < 3*ms {
			return nil
		}
		if ap, err := detector.NewAlignmentPatternFinder(bm, x0, y0, x1-x0, y1-y0, ms, nil).Find(); err == nil {
			return ap
		}
	}
	return nil
}

// fourthPoints lists guesses for the point at module (dim-6.5, dim-6.5),
// where the alignment pattern of a version 2+ code sits, for a code seen at
// an angle: offsets of up to three modules from the flat-code estimate,
// nearest first.
func fourthPoints(bl, tl, tr *detector.FinderPattern, ms float64, dim int) []*detector.AlignmentPattern {
	brX := tr.GetX() - tl.GetX() + bl.GetX()
	brY := tr.GetY() - tl.GetY() + bl.GetY()
	corr := 1 - 3/float64(dim-7)
	ex := tl.GetX() + corr*(brX-tl.GetX())
	ey := tl.GetY() + corr*(brY-tl.GetY())
	type off struct{ dx, dy float64 }
	var offs []off
	for i := -6; i <= 6; i++ {
		for j := -6; j <= 6; j++ {
			if i != 0 || j != 0 {
				offs = append(offs, off{float64(i) / 2, float64(j) / 2})
			}
		}
	}
	sort.SliceStable(offs, func(a, b int) bool {
		return math.Hypot(offs[a].dx, offs[a].dy) < math.Hypot(offs[b].dx, offs[b].dy)
	})
	out := make([]*detector.AlignmentPattern, len(offs))
	for i, o := range offs {
		out[i] = detector.NewAlignmentPattern(ex+o.dx*ms, ey+o.dy*ms, ms)
	}
	return out
}
