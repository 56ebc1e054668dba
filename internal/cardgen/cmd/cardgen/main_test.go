package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"leadcap/internal/cardgen"
)

// TestServeDecode writes a one-photo set and asks -serve for one timed
// decode from the file's bytes and one from its pixels: both read the
// payload and report a CPU time; a request it cannot answer stops it with
// an error.
func TestServeDecode(t *testing.T) {
	dir := t.TempDir()
	specs := cardgen.Set(1, 640, 480)
	if err := write(dir, specs, false); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var entries []entry
	if err := json.Unmarshal(b, &entries); err != nil || len(entries) != 1 {
		t.Fatalf("manifest %s: %v", b, err)
	}
	name := entries[0].File
	var out strings.Builder
	in := "e2e " + name + "\ncodes " + name + "\n"
	if err := serveDecode(dir, strings.NewReader(in), &out); err != nil {
		t.Fatalf("%v (output %q)", err, out.String())
	}
	sc := bufio.NewScanner(strings.NewReader(out.String()))
	n := 0
	for sc.Scan() {
		var r result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		if !r.OK || r.File != name || r.MS <= 0 {
			t.Errorf("answer %d: %+v, want the payload read with a CPU time", n, r)
		}
		n++
	}
	if n != 2 {
		t.Fatalf("%d answers to 2 requests: %q", n, out.String())
	}
	for _, bad := range []string{"e2e nosuch.jpg\n", "decode " + name + "\n", name + "\n"} {
		if err := serveDecode(dir, strings.NewReader(bad), &out); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// TestSetFrom: -seed gives the same mix (degradation, payload, encoding)
// under other seeds, so other photos and other file names.
func TestSetFrom(t *testing.T) {
	first, other := setFrom(1, 24, 2, 640, 480), setFrom(1001, 24, 2, 640, 480)
	if len(first) != 26 || len(other) != 26 {
		t.Fatalf("%d and %d specs, want 26", len(first), len(other))
	}
	for i := range first {
		a, b := first[i], other[i]
		if b.Seed != a.Seed+1000 || a.Degradation != b.Degradation || a.Payload != b.Payload || a.Encoding != b.Encoding {
			t.Errorf("spec %d: seed 1 gives %+v, seed 1001 %+v", i, a, b)
		}
	}
	if got := other[0].Name(); got != "1001-clean" {
		t.Errorf("first name with -seed 1001: %q", got)
	}
}
