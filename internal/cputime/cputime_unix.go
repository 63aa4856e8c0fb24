//go:build unix

// Package cputime reads the CPU time the process has used, for benchmarks
// and tests that bound work by CPU time rather than wall time: on a shared
// machine wall time also counts the time other processes hold the CPU, CPU
// time mostly does not.
package cputime

import (
	"syscall"
	"time"
)

// Process returns the user and system CPU time the process has used so far,
// and false where it cannot be read.
func Process() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
