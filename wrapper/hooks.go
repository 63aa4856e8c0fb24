package wrapper

import (
	"context"
	"time"
)

// Test hooks: unexported so they are not API, but usable by every test in
// this package (the retry, fault and fuzz tests inject them).

// withSleep replaces the context-aware wait between attempts.
func withSleep(f func(ctx context.Context, d time.Duration) error) Option {
	return func(s *settings) error { s.sleep = f; return nil }
}

// withJitter replaces the random draw of the backoff: f(n) must return a
// value in [0, n).
func withJitter(f func(n int64) int64) Option {
	return func(s *settings) error { s.jitter = f; return nil }
}

// withClock replaces time.Now (Retry-After dates, token expiry).
func withClock(f func() time.Time) Option {
	return func(s *settings) error { s.now = f; return nil }
}
