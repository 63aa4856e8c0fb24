package retry

import (
	"context"
	"math/rand/v2"
	"time"
)

// Backoff returns the full-jitter wait before retry n (1-based): a draw of
// jitter from [0, ceil], where ceil is base doubled n-1 times, capped at
// limit. jitter(k) must return a value in [0, k).
func Backoff(n int, base, limit time.Duration, jitter func(int64) int64) time.Duration {
	ceil := base
	for i := 1; i < n && ceil < limit; i++ {
		ceil *= 2
	}
	ceil = min(ceil, limit)
	return time.Duration(jitter(int64(ceil) + 1))
}

// Jitter returns a uniform random value in [0, n); 0 when n <= 1.
func Jitter(n int64) int64 {
	if n <= 0 {
		return 0
	}
	return rand.Int64N(n)
}

// Sleep waits d or until ctx is done, whichever is first. A done ctx is
// reported even when d is zero or negative (the timer and the ctx would
// both be ready, and select picks either).
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
