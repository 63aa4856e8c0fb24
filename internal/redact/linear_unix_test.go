//go:build unix

package redact

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// processCPU is the CPU time (user + system) the process has used so far:
// unlike wall time, a machine busy with other work does not stretch it.
func processCPU(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestScrub_IsLinear: masking server text stays linear in its length. A
// megabyte of '+' or '(' (a run that may start a phone number but holds no
// digit) took quadratic time once, minutes for one error text; linear, it
// takes milliseconds. The bound is on CPU time, not wall time.
func TestScrub_IsLinear(t *testing.T) {
	p := NewPolicy("mobile")
	forms := Forms("tok/1234567890/SeCrEt+xyzQ")
	for _, c := range []string{"+", "(", "+ ", "1-", "a@", `\u0074`, "%2", `{"mobile":[`, `mobile=`, `{\"mobile\":\"`, "&amp;", "&#x4"} {
		s := "1" + strings.Repeat(c, (1<<20)/len(c)) // a digit, or Scrub returns at once
		cpu0 := processCPU(t)
		_ = Scrub(s)
		_ = p.Snippet([]byte(s), forms, 256)
		assert.Less(t, processCPU(t)-cpu0, 2*time.Second, "CPU time to scrub 1 MiB of %q", c)
	}
}
