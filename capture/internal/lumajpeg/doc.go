// Package lumajpeg decodes only the luma (Y) plane of a baseline or
// progressive JPEG, optionally scaled down by 2, 4 or 8 while decoding, for
// readers of codes that need no colour.
//
// It is the Go standard library's image/jpeg decoder (Go 1.26, BSD licence,
// see LICENSE) with three changes: chroma blocks are entropy-decoded (the
// bit stream needs it) but neither dequantized, transformed nor stored;
// there is no colour conversion; and a reduced inverse DCT of the lowest
// 4×4, 2×2 or 1×1 coefficients writes a smaller plane directly, as
// libjpeg's scaled decoding does. JPEGs whose first component is not luma
// (RGB, CMYK, YCCK) are refused with ErrNotLuma so that the caller falls
// back to image/jpeg.
package lumajpeg
