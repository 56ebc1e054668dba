package capture

import (
	"bytes"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestZZProbeSteps(t *testing.T) {
	if os.Getenv("STEPS") == "" {
		return
	}
	files, _ := filepath.Glob("/tmp/capdec/set/*.jpg")
	pngs, _ := filepath.Glob("/tmp/capdec/set/*.png")
	files = append(files, pngs...)
	count := map[int]int{}
	var cost [8]time.Duration
	for _, f := range files {
		data, _ := os.ReadFile(f)
		img, _, _ := image.Decode(bytes.NewReader(data))
		g := toGray(img)
		r := newReader()
		won := -1
		for i, st := range cascade {
			t0 := time.Now()
			ok := st(r, g)
			cost[i] += time.Since(t0)
			if ok {
				won = i
				break
			}
		}
		count[won]++
		if won >= 2 {
			fmt.Println("S", filepath.Base(f), won)
		}
	}
	fmt.Println("S wins", count, "cost", cost)
}
