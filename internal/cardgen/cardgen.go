package cardgen

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"sync"
	"unicode/utf8"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode/encoder"
	"golang.org/x/text/encoding/charmap"
)

// Degradation names one way a fair photo goes wrong. Each photo has a mild
// base (a few degrees of rotation, a little tilt, optical softness, sensor
// noise, phone-camera JPEG) and one dominant degradation on top.
type Degradation string

// The degradations that Set cycles through.
const (
	Clean       Degradation = "clean"       // only the mild base
	Small       Degradation = "small"       // 1.9–2.6 pixels per module
	Rotate      Degradation = "rotate"      // any angle up to ±90°
	Perspective Degradation = "perspective" // card seen at an angle
	Blur        Degradation = "blur"        // out of focus
	Motion      Degradation = "motion"      // hand shake
	Shake       Degradation = "shake"       // strong hand shake: 1.6–3 modules of motion blur
	Noise       Degradation = "noise"       // high-ISO sensor noise
	Dim         Degradation = "dim"         // dark hall corner
	Glare       Degradation = "glare"       // spotlight reflected on a glossy card
	JPEG        Degradation = "jpeg"        // heavy compression (messenger forward)
	Mixed       Degradation = "mixed"       // two or three of the above, milder
)

// Degradations lists every Degradation in a stable order.
var Degradations = []Degradation{Clean, Small, Rotate, Perspective, Blur, Motion, Noise, Dim, Glare, JPEG, Mixed, Shake}

// Encoding says how the payload's characters are stored in the QR code.
type Encoding int

const (
	// UTF8ECI stores UTF-8 bytes behind an ECI marker, as gozxing's writer
	// does with the CHARACTER_SET "UTF-8" hint.
	UTF8ECI Encoding = iota
	// UTF8Raw stores UTF-8 bytes without an ECI marker, as many web
	// generators and phones do.
	UTF8Raw
	// Latin1Raw stores ISO-8859-1 bytes without an ECI marker, as older
	// badge printers do. Only for payloads that fit ISO-8859-1.
	Latin1Raw
)

func (e Encoding) String() string {
	switch e {
	case UTF8ECI:
		return "utf8-eci"
	case UTF8Raw:
		return "utf8-raw"
	case Latin1Raw:
		return "latin1-raw"
	}
	return fmt.Sprintf("Encoding(%d)", int(e))
}

// Payloads are fictitious contacts written the way real producers write
// them, with umlauts, accents and ø so that character handling is tested on
// every photo.
var Payloads = []string{
	"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Müller;Jürgen;;;\r\nFN:Jürgen Müller\r\nORG:Bäckerei Größl GmbH\r\nTITLE:Geschäftsführer\r\nTEL;TYPE=CELL:+49 170 1234567\r\nEMAIL:j.mueller@example.de\r\nADR;TYPE=WORK:;;Königstraße 5;München;;80331;Deutschland\r\nURL:https://example.de\r\nEND:VCARD\r\n",
	"MECARD:N:Ørsted,Søren;ORG:Fjordværk ApS;TEL:+4520123456;EMAIL:soren@example.dk;;",
	"A12345^Zoë^Lefèvre^zoe.lefevre@example.fr^Directrice^Café Société^Paris^^75001^+33612345678",
	"https://example.com/p/françois-dupont",
	"BEGIN:VCARD\r\nVERSION:2.1\r\nN:Åberg;Björn\r\nFN:Björn Åberg\r\nORG:Göteborgs Hamn AB\r\nTEL;CELL:+46701234567\r\nEMAIL:bjorn.aberg@example.se\r\nEND:VCARD\r\n",
	"EXPO26-000481",
	"MECARD:N:Łukasiewicz,Zoë;ORG:Kraków Tech € Sp. z o.o.;EMAIL:zoe@example.pl;;",
}

// Spec describes one photo. The same Spec always renders the same bytes.
type Spec struct {
	Payload       string
	Encoding      Encoding
	Degradation   Degradation
	Width, Height int
	Seed          uint64
	Format        string // "jpeg" (default) or "png"
	// Rotation, in degrees, replaces the rotation drawn from the seed when
	// it is not zero; the other parameters stay as drawn.
	Rotation float64
	// Symbology is the kind of code on the card; QR when empty.
	Symbology Symbology
	// Matrix is the code's module matrix (one pixel per module, no quiet
	// zone) for symbologies without a writer here: Aztec.
	Matrix *gozxing.BitMatrix
}

// Photo is a rendered Spec.
type Photo struct {
	Spec  Spec
	Data  []byte      // the encoded file (JPEG or PNG)
	Ext   string      // ".jpg" or ".png"
	Image *image.RGBA // the frame before encoding
	Desc  string      // the parameters drawn from the seed, for failure reports
	// QR is the quadrilateral of the code (quiet zone excluded) in frame
	// pixels: top-left, top-right, bottom-right, bottom-left, whatever
	// the symbology.
	QR [4][2]float64
}

// Set returns n specs that cycle through Degradations, Payloads and
// Encodings, all of size w×h.
func Set(n, w, h int) []Spec {
	specs := make([]Spec, n)
	for i := range specs {
		d := Degradations[i%len(Degradations)]
		round := i / len(Degradations)
		p := Payloads[(round+i)%len(Payloads)]
		enc := Encoding((round + i/3) % 3)
		if enc == Latin1Raw && !fitsLatin1(p) {
			enc = UTF8Raw
		}
		format := "jpeg"
		if d == Clean && round%2 == 1 {
			format = "png"
		}
		specs[i] = Spec{Payload: p, Encoding: enc, Degradation: d, Width: w, Height: h, Seed: uint64(i) + 1, Format: format}
	}
	return specs
}

// Name is a file name for the spec without extension, e.g. "017-motion".
func (s Spec) Name() string {
	if s.Symbology != "" && s.Symbology != QRCode {
		return fmt.Sprintf("%03d-%s-%s", s.Seed, s.Symbology, s.Degradation)
	}
	return fmt.Sprintf("%03d-%s", s.Seed, s.Degradation)
}

func fitsLatin1(s string) bool {
	for _, r := range s {
		if r > 0xFF {
			return false
		}
	}
	return true
}

// QR writes payload as a QR code with error correction level M and a quiet
// zone of 4 modules, one pixel per module.
func QR(payload string, enc Encoding) (*gozxing.BitMatrix, error) {
	hints := map[gozxing.EncodeHintType]any{
		gozxing.EncodeHintType_ERROR_CORRECTION: "M",
		gozxing.EncodeHintType_MARGIN:           4,
	}
	if !utf8.ValidString(payload) {
		return nil, fmt.Errorf("cardgen: payload is not valid UTF-8")
	}
	switch enc {
	case UTF8ECI:
		hints[gozxing.EncodeHintType_CHARACTER_SET] = "UTF-8"
		defaultEncodingMu.RLock()
		defer defaultEncodingMu.RUnlock()
	case UTF8Raw:
		// Without a CHARACTER_SET hint gozxing writes UTF-8 bytes and no ECI.
		defaultEncodingMu.RLock()
		defer defaultEncodingMu.RUnlock()
	case Latin1Raw:
		if !fitsLatin1(payload) {
			return nil, fmt.Errorf("cardgen: payload does not fit ISO-8859-1")
		}
		// A CHARACTER_SET hint always adds an ECI marker, so switch the
		// writer's default byte encoding instead, under a lock because it is
		// a package variable of gozxing.
		defaultEncodingMu.Lock()
		defer defaultEncodingMu.Unlock()
		saved := encoder.Encoder_DEFAULT_BYTE_MODE_ENCODING
		encoder.Encoder_DEFAULT_BYTE_MODE_ENCODING = charmap.ISO8859_1
		defer func() { encoder.Encoder_DEFAULT_BYTE_MODE_ENCODING = saved }()
	}
	return qrcode.NewQRCodeWriter().Encode(payload, gozxing.BarcodeFormat_QR_CODE, 0, 0, hints)
}

// Image draws payload as a QR code (see QR), black on white, with scale
// pixels per module.
func Image(payload string, enc Encoding, scale int) (*image.Gray, error) {
	bm, err := QR(payload, enc)
	if err != nil {
		return nil, err
	}
	scale = max(scale, 1)
	img := image.NewGray(image.Rect(0, 0, bm.GetWidth()*scale, bm.GetHeight()*scale))
	for y := range img.Rect.Dy() {
		for x := range img.Rect.Dx() {
			if !bm.Get(x/scale, y/scale) {
				img.Pix[y*img.Stride+x] = 0xFF
			}
		}
	}
	return img, nil
}

// PNG is Image encoded as PNG: a plain code file for tests that decode from
// disk.
func PNG(payload string, enc Encoding, scale int) ([]byte, error) {
	img, err := Image(payload, enc, scale)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// defaultEncodingMu guards gozxing's encoder.Encoder_DEFAULT_BYTE_MODE_ENCODING
// while QR writes it.
var defaultEncodingMu sync.RWMutex

// params are the values drawn from the seed for one photo.
type params struct {
	module   float64 // pixels per module
	rot      float64 // radians
	tilt     float64 // 0 = frontal; 0.5 = one edge half as long
	tiltEdge int
	blur     float64 // gaussian sigma in pixels
	motion   float64 // motion blur length in pixels
	motionA  float64
	noise    float64 // gaussian sigma, 0..1 scale
	gain     float64 // exposure multiplier
	glare    float64 // peak glare intensity
	quality  int     // JPEG quality
}

func draw(s Spec, rng *rand.Rand) params {
	u := func(a, b float64) float64 { return a + (b-a)*rng.Float64() }
	p := params{
		module:   u(3, 5.5),
		rot:      u(-8, 8) * math.Pi / 180,
		tilt:     u(0, 0.1),
		tiltEdge: rng.IntN(4),
		blur:     u(0.4, 0.7),
		motionA:  u(0, math.Pi),
		noise:    u(0.005, 0.015),
		gain:     u(0.9, 1.05),
		quality:  88,
	}
	if s.Width < 1600 { // a 720p frame holds the card at fewer pixels
		p.module *= 0.8
	}
	if s.Width > 1920 { // a phone's full-resolution photo: same framing, more pixels
		p.module *= float64(s.Width) / 1920
	}
	apply := func(d Degradation, strength float64) {
		switch d {
		case Small:
			p.module = u(1.9, 2.6)
		case Rotate:
			p.rot = u(-90, 90) * math.Pi / 180
		case Perspective:
			p.tilt = u(0.25, 0.5) * strength
			p.rot = u(-30, 30) * math.Pi / 180
		case Blur:
			p.blur = p.module * u(0.25, 0.4) * strength
		case Motion:
			p.motion = p.module * u(0.8, 1.6) * strength
		case Shake:
			// A phone held at arm's length at 1/30 s in hall light:
			// 10–25 pixels of streak in a 1080p frame.
			p.motion = p.module * u(1.6, 3) * strength
		case Noise:
			p.noise = u(0.05, 0.1) * strength
		case Dim:
			p.gain = u(0.12, 0.25) / strength
			p.noise = u(0.01, 0.02)
		case Glare:
			p.glare = u(0.5, 0.85) * strength
		case JPEG:
			p.quality = int(u(10, 25) / strength)
		}
	}
	switch s.Degradation {
	case Mixed:
		pool := []Degradation{Rotate, Perspective, Blur, Motion, Noise, Dim, Glare, JPEG}
		rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
		for _, d := range pool[:2+rng.IntN(2)] {
			apply(d, 0.7)
		}
	default:
		apply(s.Degradation, 1)
	}
	if s.Rotation != 0 {
		p.rot = s.Rotation * math.Pi / 180
	}
	return p
}

func (p params) String() string {
	return fmt.Sprintf("module=%.2fpx rot=%.0f° tilt=%.2f blur=%.2f motion=%.1f noise=%.3f gain=%.2f glare=%.2f q=%d",
		p.module, p.rot*180/math.Pi, p.tilt, p.blur, p.motion, p.noise, p.gain, p.glare, p.quality)
}

// Render draws the photo described by s.
func Render(s Spec) (*Photo, error) {
	if s.Width <= 0 || s.Height <= 0 {
		s.Width, s.Height = 1920, 1080
	}
	bm, err := code(s)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(s.Seed, uint64(len(s.Degradation))*0x9E3779B97F4A7C15))
	p := draw(s, rng)
	f := newPlane(s.Width, s.Height)
	background(f, rng)
	quad := drawCard(f, bm, p, rng)
	if p.blur > 0 {
		f = gaussian(f, p.blur)
	}
	if p.motion > 0 {
		f = motionBlur(f, p.motion, p.motionA)
	}
	if p.glare > 0 {
		glare(f, quad, p.glare, rng)
	}
	for i := range f.v {
		f.v[i] = f.v[i]*float32(p.gain) + float32(p.noise*rng.NormFloat64())
	}
	img := f.rgba(rng)
	ph := &Photo{Spec: s, Image: img, Desc: p.String(), QR: quad}
	var buf bytes.Buffer
	if s.Format == "png" {
		err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img)
		ph.Ext = ".png"
	} else {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: p.quality})
		ph.Ext = ".jpg"
	}
	if err != nil {
		return nil, err
	}
	ph.Data = buf.Bytes()
	return ph, nil
}

// plane is a luminance image with values in 0..1.
type plane struct {
	w, h int
	v    []float32
}

func newPlane(w, h int) *plane { return &plane{w, h, make([]float32, w*h)} }

func (f *plane) rgba(rng *rand.Rand) *image.RGBA {
	// Warm hall light tints the frame a little.
	tr, tg, tb := 1.0, 0.93+0.05*rng.Float64(), 0.8+0.1*rng.Float64()
	img := image.NewRGBA(image.Rect(0, 0, f.w, f.h))
	for i, v := range f.v {
		img.Pix[4*i] = clamp8(float64(v) * tr)
		img.Pix[4*i+1] = clamp8(float64(v) * tg)
		img.Pix[4*i+2] = clamp8(float64(v) * tb)
		img.Pix[4*i+3] = 255
	}
	return img
}

func clamp8(v float64) uint8 {
	v = v*255 + 0.5
	if v <= 0 {
		return 0
	}
	if v >= 255 {
		return 255
	}
	return uint8(v)
}

// background draws a hall: a lighting gradient, a table edge, and clutter
// (other cards, leaflets) with sharp edges.
func background(f *plane, rng *rand.Rand) {
	base := 0.3 + 0.3*rng.Float64()
	gx, gy := (rng.Float64()-0.5)*0.3, (rng.Float64()-0.5)*0.3
	for y := 0; y < f.h; y++ {
		for x := 0; x < f.w; x++ {
			fx, fy := float64(x)/float64(f.w), float64(y)/float64(f.h)
			v := base + gx*fx + gy*fy + 0.02*math.Sin(fx*40+fy*13)
			f.v[y*f.w+x] = float32(v)
		}
	}
	for range 4 + rng.IntN(5) {
		w, h := int(float64(f.w)*(0.05+0.25*rng.Float64())), int(float64(f.h)*(0.05+0.25*rng.Float64()))
		x0, y0 := rng.IntN(f.w), rng.IntN(f.h)
		v := float32(0.05 + 0.9*rng.Float64())
		for y := y0; y < min(y0+h, f.h); y++ {
			for x := x0; x < min(x0+w, f.w); x++ {
				f.v[y*f.w+x] = v
			}
		}
	}
}

// drawCard draws a card with the QR code on its right half and returns the
// code's corners in the frame.
func drawCard(f *plane, code module, p params, rng *rand.Rand) [4][2]float64 {
	bm := code.bm
	mw, mh := float64(bm.GetWidth()), float64(bm.GetHeight()) // modules including quiet zone
	m := max(mw, mh)
	cw, ch := mw+0.85*m, mh+0.15*m
	qx, qy := cw-mw-0.03*m, (ch-mh)/2
	paper := 0.88 + 0.08*rng.Float64()
	ink := 0.05 + 0.1*rng.Float64()
	type rect struct{ x0, y0, x1, y1 float64 }
	var text []rect
	for i, y := 0, 0.12*ch; y < 0.85*ch && i < 7; i++ {
		lh := m * (0.04 + 0.05*rng.Float64())
		x1 := 0.06*cw + (0.2+0.22*rng.Float64())*cw
		if mw != mh { // keep a barcode's quiet zone clear
			x1 = min(x1, qx)
		}
		text = append(text, rect{0.06 * cw, y, x1, y + lh})
		y += lh * (1.6 + rng.Float64())
	}
	lum := func(u, v float64) float64 {
		if u >= qx && v >= qy && u < qx+mw && v < qy+mh {
			if bm.Get(int(u-qx), int(v-qy)) {
				return ink
			}
			return paper
		}
		for _, r := range text {
			if u >= r.x0 && u < r.x1 && v >= r.y0 && v < r.y1 {
				return ink + 0.15
			}
		}
		return paper - 0.03*v/ch
	}

	// Forward affine map card -> frame, then tilt one edge.
	cos, sin := math.Cos(p.rot), math.Sin(p.rot)
	fwd := func(u, v float64) [2]float64 {
		x, y := (u-cw/2)*p.module, (v-ch/2)*p.module
		return [2]float64{x*cos - y*sin, x*sin + y*cos}
	}
	src := [4][2]float64{{0, 0}, {cw, 0}, {cw, ch}, {0, ch}}
	var dst [4][2]float64
	for i, c := range src {
		dst[i] = fwd(c[0], c[1])
	}
	if p.tilt > 0 {
		a, b := p.tiltEdge, (p.tiltEdge+1)%4
		o1, o2 := (p.tiltEdge+2)%4, (p.tiltEdge+3)%4
		mid := [2]float64{(dst[a][0] + dst[b][0]) / 2, (dst[a][1] + dst[b][1]) / 2}
		opp := [2]float64{(dst[o1][0] + dst[o2][0]) / 2, (dst[o1][1] + dst[o2][1]) / 2}
		for _, i := range []int{a, b} {
			dst[i][0] = mid[0] + (dst[i][0]-mid[0])*(1-p.tilt) + (opp[0]-mid[0])*p.tilt*0.3
			dst[i][1] = mid[1] + (dst[i][1]-mid[1])*(1-p.tilt) + (opp[1]-mid[1])*p.tilt*0.3
		}
	}
	h := homography(src, dst)
	ex, ey := float64(code.mx), float64(code.my)
	inQR := [4][2]float64{{qx + ex, qy + ey}, {qx + mw - ex, qy + ey}, {qx + mw - ex, qy + mh - ey}, {qx + ex, qy + mh - ey}}
	var quad [4][2]float64
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for i, c := range inQR {
		quad[i] = apply(h, c[0], c[1])
	}
	for _, c := range []([2]float64){apply(h, qx, qy), apply(h, qx+mw, qy), apply(h, qx+mw, qy+mh), apply(h, qx, qy+mh)} {
		minX, maxX = math.Min(minX, c[0]), math.Max(maxX, c[0])
		minY, maxY = math.Min(minY, c[1]), math.Max(maxY, c[1])
	}
	// Place the code somewhere in the frame, fully visible.
	spanX, spanY := float64(f.w)-(maxX-minX), float64(f.h)-(maxY-minY)
	tx := -minX + math.Max(0, spanX)*(0.1+0.8*rng.Float64())
	ty := -minY + math.Max(0, spanY)*(0.1+0.8*rng.Float64())
	for i := range dst {
		dst[i][0] += tx
		dst[i][1] += ty
	}
	for i := range quad {
		quad[i][0] += tx
		quad[i][1] += ty
	}
	inv := homography(dst, src)
	// Bounding box of the card in the frame.
	x0, y0, x1, y1 := f.w, f.h, 0, 0
	for _, c := range dst {
		x0, x1 = min(x0, int(c[0])-1), max(x1, int(c[0])+2)
		y0, y1 = min(y0, int(c[1])-1), max(y1, int(c[1])+2)
	}
	const ss = 3 // supersampling per axis
	for y := max(y0, 0); y < min(y1, f.h); y++ {
		for x := max(x0, 0); x < min(x1, f.w); x++ {
			var sum float64
			n := 0
			for j := range ss {
				for i := range ss {
					c := apply(inv, float64(x)+(float64(i)+0.5)/ss, float64(y)+(float64(j)+0.5)/ss)
					if c[0] < 0 || c[1] < 0 || c[0] >= cw || c[1] >= ch {
						continue
					}
					sum += lum(c[0], c[1])
					n++
				}
			}
			if n > 0 {
				bg := float64(f.v[y*f.w+x])
				f.v[y*f.w+x] = float32((sum + bg*float64(ss*ss-n)) / (ss * ss))
			}
		}
	}
	return quad
}

// homography returns the 3×3 matrix (row-major, h[8] = 1) that maps the four
// src points onto the four dst points.
func homography(src, dst [4][2]float64) [9]float64 {
	var a [8][9]float64
	for i := range 4 {
		x, y, X, Y := src[i][0], src[i][1], dst[i][0], dst[i][1]
		a[2*i] = [9]float64{x, y, 1, 0, 0, 0, -X * x, -X * y, X}
		a[2*i+1] = [9]float64{0, 0, 0, x, y, 1, -Y * x, -Y * y, Y}
	}
	for c := range 8 {
		piv := c
		for r := c + 1; r < 8; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[piv][c]) {
				piv = r
			}
		}
		a[c], a[piv] = a[piv], a[c]
		for r := range 8 {
			if r == c || a[c][c] == 0 {
				continue
			}
			k := a[r][c] / a[c][c]
			for k2 := c; k2 < 9; k2++ {
				a[r][k2] -= k * a[c][k2]
			}
		}
	}
	var h [9]float64
	for i := range 8 {
		h[i] = a[i][8] / a[i][i]
	}
	h[8] = 1
	return h
}

func apply(h [9]float64, x, y float64) [2]float64 {
	w := h[6]*x + h[7]*y + h[8]
	return [2]float64{(h[0]*x + h[1]*y + h[2]) / w, (h[3]*x + h[4]*y + h[5]) / w}
}

func gaussian(f *plane, sigma float64) *plane {
	r := int(math.Ceil(3 * sigma))
	k := make([]float32, 2*r+1)
	var sum float32
	for i := range k {
		d := float64(i - r)
		k[i] = float32(math.Exp(-d * d / (2 * sigma * sigma)))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	tmp, out := newPlane(f.w, f.h), newPlane(f.w, f.h)
	for y := 0; y < f.h; y++ {
		row := f.v[y*f.w : (y+1)*f.w]
		for x := 0; x < f.w; x++ {
			var s float32
			for i, kv := range k {
				xx := min(max(x+i-r, 0), f.w-1)
				s += kv * row[xx]
			}
			tmp.v[y*f.w+x] = s
		}
	}
	for y := 0; y < f.h; y++ {
		for x := 0; x < f.w; x++ {
			var s float32
			for i, kv := range k {
				yy := min(max(y+i-r, 0), f.h-1)
				s += kv * tmp.v[yy*f.w+x]
			}
			out.v[y*f.w+x] = s
		}
	}
	return out
}

func motionBlur(f *plane, length, angle float64) *plane {
	n := int(math.Ceil(length)) + 1
	dx, dy := math.Cos(angle), math.Sin(angle)
	out := newPlane(f.w, f.h)
	type tap struct {
		fx, fy float32
		ox, oy int
	}
	taps := make([]tap, n)
	for i := range taps {
		t := (float64(i)/float64(n-1) - 0.5) * length
		px, py := t*dx, t*dy
		ix, iy := int(math.Floor(px)), int(math.Floor(py))
		taps[i] = tap{fx: float32(px - float64(ix)), fy: float32(py - float64(iy)), ox: ix, oy: iy}
	}
	at := func(x, y int) float32 {
		return f.v[min(max(y, 0), f.h-1)*f.w+min(max(x, 0), f.w-1)]
	}
	for y := 0; y < f.h; y++ {
		for x := 0; x < f.w; x++ {
			var s float32
			for _, t := range taps {
				x0, y0 := x+t.ox, y+t.oy
				a := at(x0, y0)*(1-t.fx) + at(x0+1, y0)*t.fx
				b := at(x0, y0+1)*(1-t.fx) + at(x0+1, y0+1)*t.fx
				s += a*(1-t.fy) + b*t.fy
			}
			out.v[y*f.w+x] = s / float32(n)
		}
	}
	return out
}

// glare adds a specular highlight centred somewhere on the code: it lifts
// and flattens the luminance where it falls.
func glare(f *plane, quad [4][2]float64, peak float64, rng *rand.Rand) {
	a, b := rng.Float64(), rng.Float64()
	top := [2]float64{quad[0][0] + (quad[1][0]-quad[0][0])*a, quad[0][1] + (quad[1][1]-quad[0][1])*a}
	bot := [2]float64{quad[3][0] + (quad[2][0]-quad[3][0])*a, quad[3][1] + (quad[2][1]-quad[3][1])*a}
	cx, cy := top[0]+(bot[0]-top[0])*b, top[1]+(bot[1]-top[1])*b
	side := math.Hypot(quad[1][0]-quad[0][0], quad[1][1]-quad[0][1])
	r := side * (0.25 + 0.2*rng.Float64())
	for y := max(0, int(cy-3*r)); y < min(f.h, int(cy+3*r)); y++ {
		for x := max(0, int(cx-3*r)); x < min(f.w, int(cx+3*r)); x++ {
			d2 := (float64(x)-cx)*(float64(x)-cx) + (float64(y)-cy)*(float64(y)-cy)
			g := peak * math.Exp(-d2/(2*r*r))
			i := y*f.w + x
			f.v[i] = float32(float64(f.v[i])*(1-0.6*g) + g)
		}
	}
}

// Gray returns the luminance of img as 8-bit values, for tools that take
// raw grey frames (PGM).
func Gray(img image.Image) *image.Gray {
	b := img.Bounds()
	g := image.NewGray(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			g.Set(x, y, color.GrayModel.Convert(img.At(x, y)))
		}
	}
	return g
}
