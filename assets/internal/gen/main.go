// Command gen writes leadcap's application icon (see package icon) as a
// 512x512 PNG.
//
// Run it with `go generate ./assets/`, or:
//
//	go run ./assets/internal/gen -o assets/icon.png
package main

import (
	"bytes"
	"flag"
	"fmt"
	"image/png"
	"os"

	"leadcap/assets/internal/icon"
)

func main() {
	out := flag.String("o", "icon.png", "where to write the PNG")
	flag.Parse()
	var buf bytes.Buffer
	if err := png.Encode(&buf, icon.Draw()); err != nil {
		fmt.Fprintln(os.Stderr, "gen: encode icon:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen: write icon:", err)
		os.Exit(1)
	}
}
