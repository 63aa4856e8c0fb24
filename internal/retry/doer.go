package retry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/enkash-oss/enkash-go/internal/body"
	"github.com/enkash-oss/enkash-go/internal/call"
)

// Policy is the Doer's retry policy, its zero fields already given their
// defaults: the wrapper's RetryPolicy, converted (keep the fields the same).
type Policy struct {
	MaxAttempts         int           // total attempts, the first included
	BaseDelay, MaxDelay time.Duration // the backoff
	RetryUnknownOutcome bool          // also retry what may have been applied
	MaxRetryAfter       time.Duration // a longer Retry-After is not waited for
}

// retryableStatus reports whether a status is worth another attempt: 429
// and 503 say the request was not processed, 502 and 504 do not.
func (p Policy) retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return true
	}
	return p.RetryUnknownOutcome && UnknownOutcomeStatus(code)
}

// UnknownOutcomeStatus reports whether a status leaves it unknown whether
// the request was applied (502 and 504: a gateway cannot tell).
func UnknownOutcomeStatus(code int) bool {
	return code == http.StatusBadGateway || code == http.StatusGatewayTimeout
}

// hdrJSON is shared by every request (net/http never mutates it).
var hdrJSON = []string{"application/json"}

// Doer is the outermost layer: it sets the headers every request carries
// and makes up to Policy.MaxAttempts attempts of it, each passing the
// call's gate (call.Info) if it has one. It knows no operation. Its errors
// are *call.LayerError, wrapping the caller's sentinels.
type Doer struct {
	Next      body.Doer                                  // the layer below
	UserAgent []string                                   // shared by the requests
	Policy    Policy                                     // when to retry
	Sleep     func(context.Context, time.Duration) error // waits, or returns ctx's error
	Jitter    func(int64) int64                          // a draw from [0, n)
	Now       func() time.Time                           // the clock
	// The caller's sentinels: a transport failure, a failure that may have
	// come after the request was applied, a body over its limit.
	Network, OutcomeUnknown, TooLarge error
}

// Do sends req, again while the policy allows it.
func (d *Doer) Do(req *http.Request) (*http.Response, error) {
	ci := call.From(req.Context())
	if ci == nil {
		ci = &call.Info{}
	}
	req.Header["Accept"] = hdrJSON
	req.Header["User-Agent"] = d.UserAgent
	for attempt := 1; ; attempt++ {
		r, err := d.admit(req, ci, attempt)
		if err != nil {
			return nil, err
		}
		ci.Attempt = attempt
		resp, err := d.Next.Do(r)
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
func (d *Doer) admit(req *http.Request, ci *call.Info, attempt int) (*http.Request, error) {
	if err := req.Context().Err(); err != nil {
		return nil, &call.LayerError{Err: fmt.Errorf("enkash: %w", err)}
	}
	if err := ci.PassGate(req.Context()); err != nil {
		return nil, err
	}
	if attempt == 1 {
		return req, nil
	}
	r, err := Rewind(req)
	if err != nil {
		return nil, &call.LayerError{Err: fmt.Errorf("enkash: rewinding request body: %w", err)}
	}
	return r, nil
}

// afterError classifies a transport error (no response) and, when another
// attempt is due, waits the backoff and returns nil. An error that may have
// come after the request reached the server matches OutcomeUnknown.
func (d *Doer) afterError(ctx context.Context, ci *call.Info, err error, attempt int) error {
	var le *call.LayerError
	if errors.As(err, &le) {
		return err // classified below us (a token failure)
	}
	sent := !NotSent(err)
	if ctx.Err() != nil {
		if sent { // the ctx ended after the request went out
			return &call.LayerError{Err: fmt.Errorf("enkash: %w: %w", d.OutcomeUnknown, err)}
		}
		return &call.LayerError{Err: fmt.Errorf("enkash: %w", err)}
	}
	last := fmt.Errorf("%w: %w", d.Network, err)
	if sent {
		last = fmt.Errorf("%w: %w: %w", d.Network, d.OutcomeUnknown, err)
	}
	if Final(err) || (sent && !d.Policy.RetryUnknownOutcome) || attempt >= d.Policy.MaxAttempts {
		return &call.LayerError{Err: last}
	}
	wait := Backoff(attempt, d.Policy.BaseDelay, d.Policy.MaxDelay, d.Jitter)
	if Outlives(ctx, d.Now().Add(wait)) {
		return &call.LayerError{Err: last}
	}
	if err := d.Sleep(ctx, wait); err != nil {
		return &call.LayerError{Err: fmt.Errorf("enkash: waiting to retry: %w; last attempt: %w", err, last)}
	}
	ci.Unknown = ci.Unknown || sent
	return nil
}

// afterResponse reports whether to try again after resp, having waited the
// Retry-After or backoff (or left the wait to the gate); when it does not,
// resp is the answer. Every Retry-After of a retryable status goes to the
// gate, capped, even when this call does not retry.
func (d *Doer) afterResponse(ctx context.Context, ci *call.Info, resp *http.Response, attempt int) bool {
	if !d.Policy.retryableStatus(resp.StatusCode) {
		return false
	}
	ra, hasRA := ParseAfter(resp.Header.Get("Retry-After"), d.Now())
	if hasRA && ci.Gate != nil {
		// Every call sharing the gate holds back, this one included: it
		// waits at the gate before its next attempt.
		ci.Gate.HoldFor(min(ra, d.Policy.MaxRetryAfter))
	}
	if attempt >= d.Policy.MaxAttempts || (hasRA && ra > d.Policy.MaxRetryAfter) || !d.buffer(resp) {
		return false
	}
	wait := Backoff(attempt, d.Policy.BaseDelay, d.Policy.MaxDelay, d.Jitter)
	if hasRA {
		wait = ra
	}
	if Outlives(ctx, d.Now().Add(wait)) {
		return false
	}
	if hasRA && ci.Gate != nil {
		ci.Unknown = ci.Unknown || UnknownOutcomeStatus(resp.StatusCode)
		return true // the gate holds this call back too
	}
	if err := d.Sleep(ctx, wait); err != nil {
		ci.WaitErr = err // the caller joins it with the error of this answer
		return false
	}
	ci.Unknown = ci.Unknown || UnknownOutcomeStatus(resp.StatusCode)
	return true
}

// buffer reads resp's body, to free the connection before a wait, and puts
// it back to be read again; it reports whether the body arrived whole (or
// over the size limit, which is an answer too). A body that breaks off is
// not retried: it is an answer that could not be read.
func (d *Doer) buffer(resp *http.Response) bool {
	data, err := body.ReadInto(resp.Body, nil)
	body.Close(resp.Body, err, d.TooLarge)
	resp.Body = &body.Replay{Data: data, Err: err}
	return err == nil || errors.Is(err, d.TooLarge)
}
