//go:build unix

package redact

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/enkash-oss/enkash-go/internal/cputime"
)

// TestScrub_IsLinear: masking server text stays linear in its length. A
// megabyte of '+' or '(' (a run that may start a phone number but holds no
// digit) took quadratic time once, minutes for one error text. Each input
// is masked at two sizes, n and 4n: linear work takes about 4 times the CPU
// time, quadratic work 16 times; the test allows 8 (plus 50 ms for inputs
// too small to time). CPU time, not wall time: a machine busy with other
// work does not stretch it. Under the race detector n is smaller.
func TestScrub_IsLinear(t *testing.T) {
	p := NewPolicy("mobile")
	forms := Forms("tok/1234567890/SeCrEt+xyzQ")
	n := 1 << 18
	if raceEnabled {
		n = 1 << 15
	}
	cost := func(c string, size int) time.Duration {
		s := "1" + strings.Repeat(c, size/len(c)) // a digit, or Scrub returns at once
		cpu0 := cpu(t)
		_ = Scrub(s)
		_ = p.Snippet([]byte(s), forms, 256)
		return cpu(t) - cpu0
	}
	for _, c := range []string{"+", "(", "+ ", "1-", "a@", `\u0074`, "%2", `{"mobile":[`, `mobile=`, `{\"mobile\":\"`, "&amp;", "&#x4"} {
		small, large := cost(c, n), cost(c, 4*n)
		assert.Less(t, large, 8*small+50*time.Millisecond, "CPU time to scrub %d bytes of %q (%v for %d bytes)", 4*n, c, small, n)
	}
}

// cpu is the CPU time the process has used so far (cputime.Process).
func cpu(t *testing.T) time.Duration {
	d, ok := cputime.Process()
	if !ok {
		t.Fatal("the process's CPU time cannot be read")
	}
	return d
}
