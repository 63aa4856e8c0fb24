//go:build !unix

// Package cputime reads the CPU time the process has used, for benchmarks
// and tests that bound work by CPU time rather than wall time.
package cputime

import "time"

// Process returns false: this platform's CPU time is not read.
func Process() (time.Duration, bool) { return 0, false }
