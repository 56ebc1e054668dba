package lumajpeg

import (
	"math/rand/v2"
	"testing"
)

// TestIDCTAVX2MatchesGo compares the assembly transform with the Go one on
// random blocks: coefficients as photos have them (dequantized, a few
// hundred at most, the high frequencies often zero), large ones that clamp,
// and any int32 (where both wrap the same way). idct is the transform the
// decoder uses: idctAVX2 on amd64 with AVX2 (CI and the development
// machines), else idctGo itself.
func TestIDCTAVX2MatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const stride = 13
	for i := range 200000 {
		var b block
		switch i % 4 {
		case 0: // photo-like: falling with frequency, rows past a random one zero
			rows := 1 + rng.IntN(8)
			for k := range rows * 8 {
				if rng.IntN(3) == 0 {
					b[k] = rng.Int32N(2048/int32(1+k/8+k%8)) - 1024/int32(1+k/8+k%8)
				}
			}
		case 1:
			for k := range b {
				b[k] = rng.Int32N(4096) - 2048
			}
		case 2:
			for k := range b {
				b[k] = rng.Int32N(1<<16) - 1<<15
			}
		case 3:
			for k := range b {
				b[k] = int32(rng.Uint32())
			}
		}
		want := make([]byte, 8*stride)
		got := make([]byte, 8*stride)
		for k := range got {
			got[k], want[k] = byte(k), byte(k)
		}
		b1, b2 := b, b
		idctGo(&b1, want, stride)
		idct(&b2, got, stride)
		for k := range got {
			if got[k] != want[k] {
				t.Fatalf("block %d %v: byte %d (row %d, column %d) is %d, want %d", i, b, k, k/stride, k%stride, got[k], want[k])
			}
		}
	}
}

// TestReducedIDCT4 compares the unrolled half-size transform with the
// general one, which it must equal exactly.
func TestReducedIDCT4(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const stride = 7
	for i := range 100000 {
		var b block
		for _, k := range lowZig[4] {
			u := unzig[k]
			switch i % 3 {
			case 0:
				b[u] = rng.Int32N(512) - 256
			case 1:
				b[u] = rng.Int32N(8192) - 4096
			case 2:
				if rng.IntN(2) == 0 {
					b[u] = rng.Int32N(64) - 32
				}
			}
		}
		want := make([]byte, 4*stride)
		got := make([]byte, 4*stride)
		reducedIDCTN(&b, 4, want, stride)
		reducedIDCT4(&b, got, stride)
		if string(got) != string(want) {
			t.Fatalf("block %v: %v, want %v", b, got, want)
		}
	}
}
