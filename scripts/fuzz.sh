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

# fuzz_one DIR TARGET: go test's fuzzing, once. Go's fuzzing engine fails with
# only "context deadline exceeded" when -fuzztime ends while it minimizes a
# new interesting (not failing) input; that is no finding, so it is reported
# and tried again (the caller's second call). A real finding is written to
# testdata/fuzz and fails.
fuzz_one() {
  local out rc=0
  out=$(mktemp)
  CGO_ENABLED=0 go test -run '^$' -fuzz "^${2}\$" -fuzztime "$fuzztime" -fuzzminimizetime 5s "$1" 2>&1 | tee "$out" || rc=$?
  if [ "$rc" -ne 0 ] && grep -q 'context deadline exceeded' "$out" && ! grep -q 'Failing input written to' "$out"; then
    echo "fuzz: $2 ended in go's 'context deadline exceeded' without a finding; running it again" >&2
    rm -f "$out"
    return 1
  fi
  rm -f "$out"
  [ "$rc" -eq 0 ] || exit "$rc"
}
for dir in $(go list -f '{{.Dir}}' ./lead/... ./capture/... ./storage/... ./syncer/... ./workflow/...); do
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //'); do
    echo "fuzz: $target in ${dir#"$PWD"/} for $fuzztime" >&2
    fuzz_one "$dir" "$target" || fuzz_one "$dir" "$target" || exit 1
  done
done
