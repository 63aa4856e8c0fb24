package wrapper

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/enkash-oss/enkash-go/internal/call"
)

// CallOption configures one call.
type CallOption func(*callSettings)

type callSettings struct {
	query queryParams // the spec's optional query parameters (calloptions.gen.go)
	meta  *ResponseMetadata
	gate  SendGate
}

// SendGate paces calls that share it, such as the calls of one batch
// (package bulk): a rate limiter and a "not before" time that a server's
// Retry-After moves. It must be safe for concurrent use.
type SendGate interface {
	// Wait blocks until the call may send its next attempt. A non-nil
	// error ends the call unsent, with that error.
	Wait(ctx context.Context) error
	// HoldFor asks that no call passing the gate sends within d from now:
	// the Retry-After of a retryable status (429, 503; 502 and 504 with
	// RetryPolicy.RetryUnknownOutcome), capped at RetryPolicy.MaxRetryAfter.
	HoldFor(d time.Duration)
}

// WithSendGate makes the call pass g before each attempt, and tell g of
// every Retry-After it gets with a retryable status (also one it does not
// retry: too long, on its last attempt, past its deadline, or with a body
// that broke off), so that every call sharing g holds back as the server
// asked. The call itself then waits at g instead of sleeping for the
// Retry-After on its own. Package bulk gives each batch one; a program
// running its own concurrent calls can implement SendGate the same way.
func WithSendGate(g SendGate) CallOption {
	return func(cs *callSettings) { cs.gate = g }
}

// noCallOptions is shared, read-only, by calls without options: passing a
// local to the option funcs would make it escape (one allocation per call).
var noCallOptions callSettings

func applyCallOptions(opts []CallOption) *callSettings {
	if len(opts) == 0 {
		return &noCallOptions
	}
	cs := new(callSettings)
	for _, o := range opts {
		if o != nil {
			o(cs)
		}
	}
	return cs
}

// ResponseMetadata describes how a call went, for the caller's own logs and
// metrics: see WithResponseMetadata.
type ResponseMetadata struct {
	// StatusCode is the HTTP status of the last response; 0 when none
	// arrived.
	StatusCode int
	// RequestID is Enkash's id of the last response (errorResponse.requestId,
	// else the X-Request-Id header), redacted like every text the client
	// gives out; "" when there was none.
	RequestID string
	// Attempts is the number of HTTP attempts the call made — 1, plus each
	// retry and the resend after a token refresh — counting attempts whose
	// connection failed; 0 when the call ended before its first attempt.
	Attempts int
}

// WithResponseMetadata fills *m when the call returns, successful or not,
// without changing the call's signature (the values are otherwise only in
// debug logs). A request refused locally (a *ValidationError) leaves *m as
// it was: nothing was attempted.
func WithResponseMetadata(m *ResponseMetadata) CallOption {
	return func(cs *callSettings) { cs.meta = m }
}

func (m *ResponseMetadata) fill(c *Client, ci *call.Info, resp *http.Response, err error) {
	*m = ResponseMetadata{Attempts: ci.Attempt}
	if ci.Refreshed {
		m.Attempts++ // the resend after a token refresh
	}
	if resp != nil {
		m.StatusCode, m.RequestID = resp.StatusCode, requestIDHeader(resp)
	}
	if ae := (*APIError)(nil); errors.As(err, &ae) && ae.RequestID != "" {
		m.RequestID = ae.RequestID
	}
	m.RequestID = redact(m.RequestID, c.callForms(ci))
}
