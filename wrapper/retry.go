package wrapper

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
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

// retryableStatus reports whether a status is worth another attempt: 429
// and 503 say the request was not processed, 502 and 504 do not.
func (p RetryPolicy) retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return true
	}
	return p.RetryUnknownOutcome && unknownOutcomeStatus(code)
}

// unknownOutcomeStatus reports whether a status leaves it unknown whether
// the request was applied.
func unknownOutcomeStatus(code int) bool {
	return code == http.StatusBadGateway || code == http.StatusGatewayTimeout
}

// hdrJSON is shared by every request (net/http never mutates it).
var hdrJSON = []string{"application/json"}

// retryDoer is the outermost layer: it sets the headers every request
// carries and makes up to policy.MaxAttempts attempts of it, each passing
// the call's SendGate if it has one. It knows no operation.
type retryDoer struct {
	next      api.HttpRequestDoer
	userAgent []string // shared by the Client's requests
	policy    RetryPolicy
	sleep     func(context.Context, time.Duration) error
	jitter    func(int64) int64
	now       func() time.Time
}

func newRetryDoer(next api.HttpRequestDoer, s *settings) *retryDoer {
	d := &retryDoer{next: next, userAgent: []string{s.userAgent}, policy: s.retry.withDefaults(),
		sleep: s.sleep, jitter: s.jitter, now: s.now}
	if d.sleep == nil {
		d.sleep = retry.Sleep
	}
	if d.jitter == nil {
		d.jitter = retry.Jitter
	}
	return d
}

func (d *retryDoer) Do(req *http.Request) (*http.Response, error) {
	ci := callOf(req.Context())
	if ci == nil {
		ci = &callInfo{}
	}
	req.Header["Accept"] = hdrJSON
	req.Header["User-Agent"] = d.userAgent
	for attempt := 1; ; attempt++ {
		r, err := d.admit(req, ci.gate, attempt)
		if err != nil {
			return nil, err
		}
		ci.attempt = attempt
		resp, err := d.next.Do(r)
		if err != nil {
			if err = d.afterError(req.Context(), ci, err, attempt); err != nil {
				return nil, err
			}
			continue
		}
		if !d.afterResponse(req.Context(), ci, resp, attempt) {
			return resp, nil
		}
	}
}

// admit returns the request for this attempt once the ctx and the gate let
// it go: req itself the first time, a copy with a fresh body after.
func (d *retryDoer) admit(req *http.Request, gate SendGate, attempt int) (*http.Request, error) {
	ctx := req.Context()
	if err := ctx.Err(); err != nil {
		return nil, &layerError{fmt.Errorf("enkash: %w", err)}
	}
	if gate != nil {
		if err := gate.Wait(ctx); err != nil {
			if ctx.Err() == nil { // the gate's own reason (a stopped batch)
				return nil, &layerError{err}
			}
			return nil, &layerError{fmt.Errorf("enkash: %w", err)}
		}
	}
	if attempt == 1 {
		return req, nil
	}
	r, err := retry.Rewind(req)
	if err != nil {
		return nil, &layerError{fmt.Errorf("enkash: rewinding request body: %w", err)}
	}
	return r, nil
}

// afterError classifies a transport error (no response) and, when another
// attempt is due, waits the backoff and returns nil. An error that may have
// come after the request reached the server matches ErrOutcomeUnknown.
func (d *retryDoer) afterError(ctx context.Context, ci *callInfo, err error, attempt int) error {
	var le *layerError
	if errors.As(err, &le) {
		return err // classified below us (a token failure)
	}
	sent := !retry.NotSent(err)
	if ctx.Err() != nil {
		if sent { // the ctx ended after the request went out
			return &layerError{fmt.Errorf("enkash: %w: %w", ErrOutcomeUnknown, err)}
		}
		return &layerError{fmt.Errorf("enkash: %w", err)}
	}
	last := fmt.Errorf("%w: %w", ErrNetwork, err)
	if sent {
		last = fmt.Errorf("%w: %w: %w", ErrNetwork, ErrOutcomeUnknown, err)
	}
	if retry.Final(err) || (sent && !d.policy.RetryUnknownOutcome) || attempt >= d.policy.MaxAttempts {
		return &layerError{last}
	}
	wait := retry.Backoff(attempt, d.policy.BaseDelay, d.policy.MaxDelay, d.jitter)
	if retry.Outlives(ctx, d.now().Add(wait)) {
		return &layerError{last}
	}
	if err := d.sleep(ctx, wait); err != nil {
		return &layerError{fmt.Errorf("enkash: waiting to retry: %w; last attempt: %w", err, last)}
	}
	ci.unknown = ci.unknown || sent
	return nil
}

// afterResponse reports whether to try again after resp, having waited the
// Retry-After or backoff (or left the wait to the gate); when it does not,
// resp is the answer. Every Retry-After of a retryable status goes to the
// gate, capped, even when this call does not retry.
func (d *retryDoer) afterResponse(ctx context.Context, ci *callInfo, resp *http.Response, attempt int) bool {
	if !d.policy.retryableStatus(resp.StatusCode) {
		return false
	}
	ra, hasRA := retry.ParseAfter(resp.Header.Get("Retry-After"), d.now())
	if hasRA && ci.gate != nil {
		// Every call sharing the gate holds back, this one included: it
		// waits at the gate before its next attempt.
		ci.gate.HoldFor(min(ra, d.policy.MaxRetryAfter))
	}
	if attempt >= d.policy.MaxAttempts || (hasRA && ra > d.policy.MaxRetryAfter) || !buffer(resp) {
		return false
	}
	wait := retry.Backoff(attempt, d.policy.BaseDelay, d.policy.MaxDelay, d.jitter)
	if hasRA {
		wait = ra
	}
	if retry.Outlives(ctx, d.now().Add(wait)) {
		return false
	}
	if hasRA && ci.gate != nil {
		ci.unknown = ci.unknown || unknownOutcomeStatus(resp.StatusCode)
		return true // the gate holds this call back too
	}
	if err := d.sleep(ctx, wait); err != nil {
		ci.waitErr = err // invoke joins it with the error of this answer
		return false
	}
	ci.unknown = ci.unknown || unknownOutcomeStatus(resp.StatusCode)
	return true
}

// buffer reads resp's body, to free the connection before a wait, and puts
// it back to be read again; it reports whether the body arrived whole (or
// over the size limit, which is an answer too). A body that breaks off is
// not retried: it is an answer that could not be read.
func buffer(resp *http.Response) bool {
	data, err := readInto(resp.Body, nil)
	closeBody(resp.Body, err)
	resp.Body = &replayBody{data: data, err: err}
	return err == nil || errors.Is(err, ErrResponseTooLarge)
}
