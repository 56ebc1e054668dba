//go:build bench1m

package storage

import "testing"

// BenchmarkScale1M is BenchmarkScale100k on a million leads. Building the
// store takes minutes and 1.x GB in os.TempDir (cached between runs), so it
// runs only with the bench1m tag:
//
//	go test -tags bench1m -run '^$' -bench Scale1M -benchtime 20x ./storage/
func BenchmarkScale1M(b *testing.B) { benchScale(b, fixtureSpec{n: 1_000_000}) }
