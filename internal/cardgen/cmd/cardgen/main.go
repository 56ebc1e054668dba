// Command cardgen writes the synthetic fair-photo set to a folder, and reads
// it back with leadcap's decoder.
//
//	go run ./internal/cardgen/cmd/cardgen -out DIR [-n 242] [-badges 0] [-size 1920x1080] [-seed 1] [-pgm]
//	go run ./internal/cardgen/cmd/cardgen -decode DIR
//	go run ./internal/cardgen/cmd/cardgen -serve DIR
//
// Writing produces one image per spec plus manifest.json (file, degradation,
// encoding, payload, parameters); with -pgm also the decoded luminance of
// each file as DIR/pgm/NAME.pgm, for decoders that take raw grey frames.
// Decoding prints one JSON object per image: file, degradation, ok (the
// payload is among the codes read), format, ms (CPU time to decode the
// already-loaded image), total_ms (CPU time of DecodeBytes, from the file's
// bytes to the codes), both the fastest of -repeat runs, and error.
//
// -serve decodes one image per request, so that a comparison script can
// time leadcap and another decoder alternately on the same image (A B A B
// …) and the load of other processes hits both alike: each line on stdin
// is "e2e NAME" (DecodeBytes from the file's bytes) or "codes NAME"
// (DecodeImage from the decoded pixels), NAME relative to DIR; each answer
// is one JSON line with file, ok, ms (CPU time of that one run), format
// and error. Reading the file and, for "codes", decoding it to pixels
// happen before the clock starts and are kept for the next request on
// the same file.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"leadcap/capture"
	"leadcap/internal/cardgen"
)

type entry struct {
	File        string `json:"file"`
	Degradation string `json:"degradation"`
	Symbology   string `json:"symbology"`
	Encoding    string `json:"encoding"`
	Payload     string `json:"payload"`
	Params      string `json:"params"`
}

type result struct {
	File        string  `json:"file"`
	Degradation string  `json:"degradation"`
	OK          bool    `json:"ok"`
	MS          float64 `json:"ms"`
	TotalMS     float64 `json:"total_ms"`
	Symbology   string  `json:"symbology,omitempty"`
	Error       string  `json:"error,omitempty"`
}

func main() {
	out := flag.String("out", "", "write the image set to this folder")
	n := flag.Int("n", 242, "number of images")
	badges := flag.Int("badges", 0, "also this many badge photos with Code 128, Code 39 and Data Matrix codes")
	size := flag.String("size", "1920x1080", "frame size WxH")
	seed := flag.Uint64("seed", 1, "seed of the first image, the next ones counting up: another seed gives another set of the same mix")
	pgm := flag.Bool("pgm", false, "also write the decoded luminance as pgm/NAME.pgm")
	dec := flag.String("decode", "", "decode the image set in this folder with leadcap's decoder")
	serve := flag.String("serve", "", "answer decode requests for images in this folder, one per stdin line (see the package comment)")
	repeat := flag.Int("repeat", 3, "with -decode: decode each image this many times and report the fastest, which filters out the load of other processes")
	flag.Parse()
	var err error
	switch {
	case *out != "":
		var w, h int
		if _, err = fmt.Sscanf(*size, "%dx%d", &w, &h); err != nil {
			err = fmt.Errorf("-size %q: want WxH, e.g. 1920x1080", *size)
			break
		}
		if *seed == 0 {
			err = fmt.Errorf("-seed 0: seeds start at 1")
			break
		}
		err = write(*out, setFrom(*seed, *n, *badges, w, h), *pgm)
	case *dec != "":
		err = decode(*dec, max(*repeat, 1))
	case *serve != "":
		err = serveDecode(*serve, os.Stdin, os.Stdout)
	default:
		flag.Usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "cardgen:", err)
		os.Exit(1)
	}
}

// setFrom is cardgen's set of n photos and the given number of badges,
// their seeds counting up from seed instead of 1: the same mix of
// degradations and payloads, drawn anew.
func setFrom(seed uint64, n, badges, w, h int) []cardgen.Spec {
	specs := append(cardgen.Set(n, w, h), cardgen.BadgeSet(badges, w, h)...)
	for i := range specs {
		specs[i].Seed += seed - 1
	}
	return specs
}

func write(dir string, specs []cardgen.Spec, pgm bool) error {
	sub := dir
	if pgm {
		sub = filepath.Join(dir, "pgm")
	}
	if err := os.MkdirAll(sub, 0o755); err != nil {
		return err
	}
	entries := make([]entry, len(specs))
	errs := make([]error, len(specs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, s := range specs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			ph, err := cardgen.Render(s)
			if err != nil {
				errs[i] = err
				return
			}
			name := s.Name() + ph.Ext
			sym := string(s.Symbology)
			if sym == "" {
				sym = string(cardgen.QRCode)
			}
			entries[i] = entry{name, string(s.Degradation), sym, s.Encoding.String(), s.Payload, ph.Desc}
			if err := os.WriteFile(filepath.Join(dir, name), ph.Data, 0o644); err != nil {
				errs[i] = err
				return
			}
			if pgm {
				errs[i] = writePGM(filepath.Join(dir, "pgm", s.Name()+".pgm"), ph.Data)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	b, err := json.MarshalIndent(entries, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "manifest.json"), b, 0o644)
}

// writePGM stores the luminance of the encoded file as a binary PGM.
func writePGM(path string, data []byte) error {
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return err
	}
	g := cardgen.Gray(img)
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "P5\n%d %d\n255\n", g.Rect.Dx(), g.Rect.Dy())
	buf.Write(g.Pix)
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

func decode(dir string, repeat int) error {
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return err
	}
	var entries []entry
	if err := json.Unmarshal(b, &entries); err != nil {
		return err
	}
	enc := json.NewEncoder(os.Stdout)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.File))
		if err != nil {
			return err
		}
		if err := enc.Encode(decodeOne(e, data, repeat)); err != nil {
			return err
		}
	}
	return nil
}

// serveDecode answers "e2e NAME" and "codes NAME" lines from in with one
// timed decode each (see the package comment).
func serveDecode(dir string, in io.Reader, out io.Writer) error {
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return err
	}
	var entries []entry
	if err := json.Unmarshal(b, &entries); err != nil {
		return err
	}
	payload := make(map[string]string, len(entries))
	for _, e := range entries {
		payload[e.File] = e.Payload
	}
	var (
		name string
		data []byte
		img  image.Image
	)
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		mode, file, ok := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		if !ok || (mode != "e2e" && mode != "codes") {
			return fmt.Errorf("-serve: want \"e2e NAME\" or \"codes NAME\", got %q", sc.Text())
		}
		want, known := payload[file]
		if !known {
			return fmt.Errorf("-serve: %q is not in %s/manifest.json", file, dir)
		}
		if file != name {
			if data, err = os.ReadFile(filepath.Join(dir, file)); err != nil {
				return err
			}
			name, img = file, nil
		}
		var codes []capture.Code
		var derr error
		r := result{File: file}
		if mode == "e2e" {
			r.MS = best(1, func() { codes, _, derr = capture.DecodeBytes(data) })
		} else {
			if img == nil {
				if img, _, err = image.Decode(bytes.NewReader(data)); err != nil {
					return fmt.Errorf("-serve: %s: %w", file, err)
				}
			}
			r.MS = best(1, func() { codes, derr = capture.DecodeImage(img) })
		}
		judge(&r, codes, derr, want)
		if err := enc.Encode(r); err != nil {
			return err
		}
		if err := w.Flush(); err != nil {
			return err
		}
	}
	return sc.Err()
}

// judge sets r's OK, Symbology and Error from what a decode returned.
func judge(r *result, codes []capture.Code, err error, want string) {
	switch {
	case err != nil:
		r.Error = err.Error()
	case len(codes) == 0:
		r.Error = "no code"
	default:
		r.Error = fmt.Sprintf("wrong text %q", codes[0].Text)
		for _, c := range codes {
			if c.Text == want {
				r.OK, r.Error, r.Symbology = true, "", string(c.Symbology)
			}
		}
	}
}

// decodeOne reads one image repeat times, from its bytes and from its
// already-decoded pixels, and keeps the fastest of each in CPU time (so
// that other processes on a busy machine skew the figure less).
func decodeOne(e entry, data []byte, repeat int) result {
	r := result{File: e.File, Degradation: e.Degradation}
	var codes []capture.Code
	var err error
	r.TotalMS = best(repeat, func() { codes, _, err = capture.DecodeBytes(data) })
	if img, _, derr := image.Decode(bytes.NewReader(data)); derr == nil {
		r.MS = best(repeat, func() { _, _ = capture.DecodeImage(img) })
	}
	judge(&r, codes, err, e.Payload)
	return r
}

// best runs f n times and returns the least CPU time one run took, in ms.
func best(n int, f func()) float64 {
	least := time.Duration(1<<63 - 1)
	for range n {
		start := cpuTime()
		f()
		least = min(least, cpuTime()-start)
	}
	return ms(least)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
