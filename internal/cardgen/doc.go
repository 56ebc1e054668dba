// Package cardgen renders synthetic photos of business cards and badges
// carrying a QR code, and degrades them the way photos taken at a trade fair
// are degraded: small in the frame, rotated, seen at an angle, blurred,
// motion-blurred, noisy, dim, with glare, heavily JPEG-compressed.
//
// The photos are deterministic: the same Spec always gives the same bytes, so
// tests, the decode benchmark and scripts/compare-decoders.py all work on the
// same image set. QR codes are written with gozxing's QR writer.
//
// cardgen is a test and measurement tool; the app never imports it.
package cardgen
