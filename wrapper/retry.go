package wrapper

import (
	"cmp"
	"errors"
	"time"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/internal/retry"
)

// RetryPolicy says when and how often a call tries again (WithRetry).
//
// A call is retried automatically only when the request was provably not
// processed: the connection failed before any byte of it was written (DNS,
// dial, proxy CONNECT, a server that does not speak TLS), or the server
// answered 429 or 503 (Retry-After honoured). Every other failure may have
// been applied — a reset or timeout after the request was sent, a 502 or 504
// from a gateway, a 2xx whose body breaks off — and matches
// ErrOutcomeUnknown: with another writer in between, a blind retry would
// overwrite the newer value and both callers would see success. Certificate
// errors, other 4xx and 500 (Enkash's SYSTEM_ERROR) are never retried.
//
// Zero fields take the defaults shown; negative ones are refused.
type RetryPolicy struct {
	// MaxAttempts is the total number of attempts including the first
	// (default 3). 1 turns retries off.
	MaxAttempts int
	// BaseDelay is the backoff before the first retry (default 200ms); it
	// doubles per retry up to MaxDelay (default 5s), and each wait is drawn
	// uniformly from [0, backoff] ("full jitter").
	BaseDelay, MaxDelay time.Duration
	// RetryUnknownOutcome also retries failures whose outcome is unknown:
	// for callers who accept that the last writer wins.
	RetryUnknownOutcome bool
	// MaxRetryAfter caps a server's Retry-After (seconds or HTTP date,
	// default 30s): a longer one is not waited for, the response is returned
	// as the error instead.
	MaxRetryAfter time.Duration
}

// The defaults of RetryPolicy.
const (
	defaultMaxAttempts   = 3
	defaultBaseDelay     = 200 * time.Millisecond
	defaultMaxDelay      = 5 * time.Second
	defaultMaxRetryAfter = 30 * time.Second
)

// WithRetry sets the retry policy; zero fields take the defaults, so
// WithRetry(RetryPolicy{MaxAttempts: 1}) turns retries off. The one resend
// after a 401 with a refreshable token source happens regardless.
func WithRetry(p RetryPolicy) Option {
	return func(s *settings) error {
		if p.MaxAttempts < 0 || p.BaseDelay < 0 || p.MaxDelay < 0 || p.MaxRetryAfter < 0 {
			return errors.New("enkash: WithRetry: negative value")
		}
		s.retry = p
		return nil
	}
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	p.MaxAttempts = cmp.Or(p.MaxAttempts, defaultMaxAttempts)
	p.BaseDelay = cmp.Or(p.BaseDelay, defaultBaseDelay)
	p.MaxDelay = cmp.Or(p.MaxDelay, defaultMaxDelay)
	p.MaxRetryAfter = cmp.Or(p.MaxRetryAfter, defaultMaxRetryAfter)
	return p
}

// newRetryDoer is the outermost layer (retry.Doer) with the settings'
// policy (a retry.Policy field for field), clock, sleeper and jitter.
func newRetryDoer(next api.HttpRequestDoer, s *settings) *retry.Doer {
	d := &retry.Doer{Next: next, UserAgent: []string{s.userAgent}, Policy: retry.Policy(s.retry.withDefaults()),
		Sleep: s.sleep, Jitter: s.jitter, Now: s.now,
		Network: ErrNetwork, OutcomeUnknown: ErrOutcomeUnknown, TooLarge: ErrResponseTooLarge}
	if d.Sleep == nil {
		d.Sleep = retry.Sleep
	}
	if d.Jitter == nil {
		d.Jitter = retry.Jitter
	}
	return d
}

// unknownOutcomeStatus reports whether a status leaves it unknown whether
// the request was applied (APIError.Is).
func unknownOutcomeStatus(code int) bool { return retry.UnknownOutcomeStatus(code) }
