//go:build unix

package api_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/internal/cputime"
)

// subErrorWithUnknownMembers is an ApiSubError object with n distinct
// members the schema does not name (kept in AdditionalProperties).
func subErrorWithUnknownMembers(n int) []byte {
	var sb strings.Builder
	sb.WriteByte('{')
	for i := range n {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(`"` + strconv.FormatInt(int64(i), 36) + `":0`)
	}
	sb.WriteByte('}')
	return []byte(sb.String())
}

// TestApiSubError_DecodeIsLinearInUnknownMembers: a hostile server can send
// an error body (under the 1 MiB response cap) whose sub-error has some
// 100,000 distinct members the schema does not name. The decoder once
// looked each new member up among all those kept so far: quadratic, about
// 20 s of CPU for a 730 KB body where json.Unmarshal takes 0.2 s. Decoded
// at n and 8n members (the best of 3 each), linear work takes about 8 times
// the CPU time, quadratic 64 times; the test allows 24 (plus 50 ms for
// inputs too small to time).
func TestApiSubError_DecodeIsLinearInUnknownMembers(t *testing.T) {
	const n, factor = 2000, 8
	cost := func(members int) time.Duration {
		body := subErrorWithUnknownMembers(members)
		best := time.Duration(1<<63 - 1)
		for range 3 {
			var se api.ApiSubError
			cpu0 := cpu(t)
			if err := se.DecodeJSON(body); err != nil {
				t.Fatal(err)
			}
			best = min(best, cpu(t)-cpu0)
			if len(se.AdditionalProperties) != members {
				t.Fatalf("decoded %d members, want %d", len(se.AdditionalProperties), members)
			}
		}
		return best
	}
	small, large := cost(n), cost(factor*n)
	if large > 3*factor*small+50*time.Millisecond {
		t.Fatalf("%d members took %v of CPU, %d took %v: more than %dx for %dx the members", n, small, factor*n, large, 3*factor, factor)
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
