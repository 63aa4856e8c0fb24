package bulk

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"
)

// TestGate_WaitsForEveryHoldThenTheRateLimiter: a call at the gate waits
// until "not before", again for a Retry-After that moved it during the
// wait, and then for a token of the batch's rate limiter, in that order;
// calls after it wait their turn at the limiter (on a clock that does not
// move, each wait is counted by the sleeper).
func TestGate_WaitsForEveryHoldThenTheRateLimiter(t *testing.T) {
	tests := []struct {
		name     string
		hold     time.Duration
		moveTo   time.Duration // a Retry-After of another call during the first wait
		limiter  bool          // 1 request per second, its one token already taken
		calls    int           // Wait calls (0: one)
		wantWait []time.Duration
	}{
		{"no hold", 0, 0, false, 0, nil},
		{"a hold", 5 * time.Second, 0, false, 0, []time.Duration{5 * time.Second}},
		{"a hold moved later during the wait", 5 * time.Second, 10 * time.Second, false, 0, []time.Duration{5 * time.Second, 10 * time.Second}},
		{"a hold moved earlier is already waited for", 5 * time.Second, 2 * time.Second, false, 0, []time.Duration{5 * time.Second}},
		{"the rate limiter after a hold", 5 * time.Second, 0, true, 0, []time.Duration{5 * time.Second, time.Second}},
		{"the rate limiter alone", 0, 0, true, 0, []time.Duration{time.Second}},
		{"calls in a row take their turns", 0, 0, true, 3, []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := fixedClock()
			g := &gate{now: now}
			var waits []time.Duration
			g.sleep = func(ctx context.Context, d time.Duration) error {
				waits = append(waits, d)
				if len(waits) == 1 && tt.moveTo > 0 {
					g.HoldFor(tt.moveTo)
				}
				return ctx.Err()
			}
			if tt.limiter {
				g.limiter = rate.NewLimiter(1, 1)
				require.True(t, g.limiter.AllowN(now(), 1))
			}
			if tt.hold > 0 {
				g.HoldFor(tt.hold)
			}
			for range max(tt.calls, 1) {
				require.NoError(t, g.Wait(context.Background()))
			}
			assert.Equal(t, tt.wantWait, waits)
		})
	}
}
