package capture

import (
	"image"
)

// Large photos (a 12-megapixel phone camera) are read from a reduced
// frame, with a quick look at full size in between.

// reducedPixels is the size above which a JPEG's luma is decoded at half
// (or a quarter) size: a 12-megapixel phone photo becomes 3 megapixels,
// where a card's code still has several pixels per module, and the decoder
// does a quarter of the work.
const reducedPixels = 4_000_000

// decodeJPEG reads the codes of a JPEG from its luma plane alone, decoded
// at a reduced scale when the photo is large. When the reduced frame's
// quick steps find no code, the full-size frame's candidate regions are
// read once each (a code too small to survive the reduction, or one the
// full resolution makes plain) before the reduced frame's costlier steps,
// in largeCascade's order.
func decodeJPEG(data []byte, cfg image.Config) ([]Code, error) {
	shift := 0
	for shift < 2 && (cfg.Width>>shift)*(cfg.Height>>shift) > reducedPixels {
		shift++
	}
	orientation := exifOrientation(data)
	g, err := jpegLuma(data, shift)
	if err != nil {
		return nil, err
	}
	if shift == 0 {
		return decodeGray(g.orient(orientation))
	}
	reduced := newRun(g.orient(orientation), largeCascade)
	codes, err := reduced.until(quickSteps)
	if err == nil {
		scaleCodes(codes, 1<<shift)
		return codes, nil
	}
	// Twice the reduced frame's resolution: full size for a 12-megapixel
	// photo.
	full, err := jpegLuma(data, shift-1)
	if err != nil {
		return nil, err
	}
	if codes := regionsAtFullSize(full.orient(orientation)); len(codes) > 0 {
		scaleCodes(codes, 1<<(shift-1))
		return codes, nil
	}
	codes, err = reduced.until(len(largeCascade))
	scaleCodes(codes, 1<<shift)
	return codes, err
}

// regionsAtFullSize reads the candidate regions of the full-size frame,
// once each (the cascade's third step alone: the first two have had their
// chance on the reduced frame).
func regionsAtFullSize(full *gray) (codes []Code) {
	defer func() {
		if p := recover(); p != nil { // gozxing on hostile input, as in run.until
			codes = nil
		}
	}()
	r := newReader()
	if full.w*full.h > maxWorkPixels || !r.regionsQuick(full) {
		return nil
	}
	return r.codes
}

// scaleCodes maps code bounds found in a frame reduced by f back to the
// full frame.
func scaleCodes(codes []Code, f int) {
	for i := range codes {
		b := codes[i].Bounds
		codes[i].Bounds = image.Rect(b.Min.X*f, b.Min.Y*f, b.Max.X*f, b.Max.Y*f)
	}
}
