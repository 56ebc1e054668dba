// Package lumajpeg decodes only the luma (Y) plane of a baseline or
// progressive JPEG, optionally scaled down by 2, 4 or 8 while decoding, for
// readers of codes that need no colour.
//
// It is the Go standard library's image/jpeg decoder (Go 1.26, BSD licence,
// see LICENSE) with these changes: chroma blocks are entropy-decoded (the
// bit stream needs it) but neither dequantized, transformed nor stored;
// there is no colour conversion; a reduced inverse DCT of the lowest 4×4,
// 2×2 or 1×1 coefficients writes a smaller plane directly, as libjpeg's
// scaled decoding does; and sequential scans, which cameras write, are
// decoded by entropy.go from the whole scan in memory with a 64-bit bit
// buffer and 9-bit look-up tables (libjpeg-turbo's and stb_image's way)
// instead of image/jpeg's byte-at-a-time reader, with blocks that hold only
// a DC coefficient filled without a transform. The output equals
// image/jpeg's Y plane at full size. JPEGs whose first component is not
// luma (RGB, CMYK, YCCK) are refused with ErrNotLuma so that the caller
// falls back to image/jpeg.
package lumajpeg
