//go:build !amd64 || purego

package lumajpeg

const haveAVX2 = false

func idctAVX2(b *block, dst *byte, stride int) { panic("unreachable") }
