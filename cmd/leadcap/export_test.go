package main

import (
	"context"
	"io"
)

// Run is run for the tests in package main_test, which call the command
// line in-process.
var Run = run

// RunIn is runIn for the tests in package main_test: a command line with
// its own environment (env looks a variable up) and working directory, so
// that tests call leadcap in parallel.
func RunIn(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, env func(string) (string, bool), dir string) int {
	return runIn(ctx, args, stdin, stdout, stderr, env, dir)
}
