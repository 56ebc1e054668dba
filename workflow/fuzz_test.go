package workflow_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"leadcap/storage"
	"leadcap/workflow"
)

// FuzzImport feeds arbitrary input to Import: it must never panic, count
// every non-blank line exactly once, and save nothing for a bad line.
func FuzzImport(f *testing.F) {
	for _, seed := range strings.Split(strings.TrimSpace(string(encodeSeed(f))), "\n") {
		f.Add(seed)
	}
	f.Add(`{"id":"01930000-0009-7000-8000-000000000009","event_id":"01930000-0000-7000-8000-000000000001","contact":{"emails":["x@example.com"]}}`)
	f.Add("{}\n\n[1,2]\n\"text\"\n")
	f.Add("\xef\xbb\xbf{\"id\":")
	s, err := storage.Open(f.TempDir()+"/fuzz.db", nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	ev := fair()
	if err := s.CreateEvent(&ev); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, in string) {
		before, err := s.Count(storage.Query{})
		if err != nil {
			t.Fatal(err)
		}
		res, err := workflow.Import(context.Background(), s, strings.NewReader(in))
		var ie *workflow.ImportError
		if err != nil && !errors.As(err, &ie) {
			t.Fatalf("Import: %v", err)
		}
		lines := 0
		for _, l := range strings.Split(strings.TrimPrefix(in, "\xef\xbb\xbf"), "\n") {
			if len(bytes.TrimSpace([]byte(l))) > 0 {
				lines++
			}
		}
		if got := res.Created + res.Updated + res.Unchanged + res.Failed; got != lines {
			t.Fatalf("%d lines counted as %+v", lines, res)
		}
		after, err := s.Count(storage.Query{})
		if err != nil {
			t.Fatal(err)
		}
		if after-before != res.Created {
			t.Fatalf("%d leads more for %d created", after-before, res.Created)
		}
	})
}

func encodeSeed(f *testing.F) []byte {
	var b bytes.Buffer
	if err := workflow.Encode(context.Background(), &b, workflow.FormatJSONL, sampleLeads(), events()); err != nil {
		f.Fatal(err)
	}
	return b.Bytes()
}
