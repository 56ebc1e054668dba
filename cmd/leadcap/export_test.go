package main

// Run is run for the tests in package main_test, which call the command
// line in-process.
var Run = run
