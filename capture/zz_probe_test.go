package capture

import (
	"bytes"
	"fmt"
	"image"
	"os"
	"strings"
	"testing"
	"time"
)

func TestZZProbe(t *testing.T) {
	files := strings.Fields(os.Getenv("PROBE"))
	for _, f := range files {
		data, _ := os.ReadFile("/tmp/capdec/set/" + f)
		img, _, _ := image.Decode(bytes.NewReader(data))
		g := toGray(img)
		fmt.Println(f, "regions", candidateRegions(g, 5))
		for i, st := range cascade {
			r := newReader()
			t0 := time.Now()
			ok := st(r, g)
			fmt.Printf("  step %d ok=%v %v\n", i, ok, time.Since(t0))
		}
		for _, v := range variants {
			r := newReader()
			t0 := time.Now()
			ok := v.f(r, g)
			fmt.Printf("  %s ok=%v %v\n", v.name, ok, time.Since(t0))
		}
	}
}

var variants = []struct {
	name string
	f    step
}{
	{"half", func(r *reader, g *gray) bool { return r.scaledAttempt(g, 0.5) }},
	{"tryharder", func(r *reader, g *gray) bool { return r.attempt(g, hybrid, true, identity) }},
	{"gh-finder", func(r *reader, g *gray) bool { return r.finderRetry(g, globalHistogram, identity) }},
}

