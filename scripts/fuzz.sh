#!/usr/bin/env bash
# Runs every fuzz target of the core packages for a short time (default 10s
# each, and at most 5s to minimize a new input, which otherwise takes up to
# a minute), seeded from its f.Add corpus and testdata/fuzz. A crasher fails
# the run and is written to testdata/fuzz/<target>/ by go test: commit it
# with the fix, it then runs with every go test.
#
#   scripts/fuzz.sh [FUZZTIME]
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime="${1:-10s}"
for dir in $(go list -f '{{.Dir}}' ./lead/... ./capture/... ./storage/... ./syncer/... ./workflow/...); do
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //'); do
    echo "fuzz: $target in ${dir#"$PWD"/} for $fuzztime" >&2
    CGO_ENABLED=0 go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" -fuzzminimizetime 5s "$dir"
  done
done
