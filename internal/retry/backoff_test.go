package retry

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func maxJitter(n int64) int64 { return n - 1 }

// TestBackoff_DoublesUpToTheCap: the ceiling doubles per retry and stays
// at the cap however many retries came before (doubling past the cap would
// overflow to 0 or below); the wait is the jitter's draw from [0, ceiling].
func TestBackoff_DoublesUpToTheCap(t *testing.T) {
	const base, limit = 200 * time.Millisecond, 5 * time.Second
	for _, tc := range []struct {
		n    int
		want time.Duration
	}{
		{1, base}, {2, 2 * base}, {3, 4 * base}, {5, 16 * base}, {6, limit},
		{30, limit}, {40, limit}, {70, limit}, {100, limit},
	} {
		assert.Equal(t, tc.want, Backoff(tc.n, base, limit, maxJitter), "retry %d", tc.n)
	}
	assert.Equal(t, time.Duration(0), Backoff(3, base, limit, func(int64) int64 { return 0 }), "the draw, not the ceiling")
	for n := 1; n <= 6; n++ {
		for range 200 {
			d := Backoff(n, base, limit, Jitter)
			assert.True(t, d >= 0 && d <= limit, "retry %d: %v", n, d)
		}
	}
}

// TestJitter_UniformInRange: the default draw lies in [0, n) and varies;
// a bound of 1 or less draws 0.
func TestJitter_UniformInRange(t *testing.T) {
	seen := map[int64]bool{}
	for range 100 {
		v := Jitter(1 << 40)
		assert.True(t, v >= 0 && v < 1<<40)
		seen[v] = true
	}
	assert.Greater(t, len(seen), 1)
	for _, n := range []int64{1, 0, -1, math.MinInt64} {
		assert.Zero(t, Jitter(n), "Jitter(%d)", n)
	}
}

// TestSleep_DoneContextWins: a done ctx is reported for every wait, a zero
// or negative one included (a zero or elapsed timer and a done ctx are
// both ready: only a check before the select reports the ctx every time),
// so no attempt follows a cancel; a live ctx and no wait is no error.
func TestSleep_DoneContextWins(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, d := range []time.Duration{0, -time.Second, time.Hour} {
		for i := range 64 {
			if err := Sleep(ctx, d); err != context.Canceled {
				t.Fatalf("try %d: Sleep(done ctx, %v) = %v, want context.Canceled", i, d, err)
			}
		}
	}
	assert.NoError(t, Sleep(context.Background(), 0))
	assert.NoError(t, Sleep(context.Background(), time.Nanosecond))
}
