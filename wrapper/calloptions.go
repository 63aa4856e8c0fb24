package wrapper

import (
	"context"
	"errors"
	"net/http"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/enkash-oss/enkash-go/api"
)

// CallOption configures one call.
type CallOption func(*callSettings)

type callSettings struct {
	parentCompanyID *string
	meta            *ResponseMetadata
	gate            SendGate
}

// WithParentCompanyID sends the parentCompanyId query parameter (checked
// against the spec's pattern before sending).
func WithParentCompanyID(id string) CallOption {
	return func(cs *callSettings) { cs.parentCompanyID = &id }
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

// updateCustomerParams returns the generated query parameters, nil when
// there are none.
func (cs *callSettings) updateCustomerParams() *api.UpdateCustomerParams {
	if cs.parentCompanyID == nil {
		return nil
	}
	return &api.UpdateCustomerParams{ParentCompanyId: cs.parentCompanyID}
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

func (m *ResponseMetadata) fill(c *Client, ci *callInfo, resp *http.Response, err error) {
	*m = ResponseMetadata{Attempts: ci.attempt}
	if ci.refreshed {
		m.Attempts++
	}
	if resp != nil {
		m.StatusCode = resp.StatusCode
		m.RequestID = redact(requestIDHeader(resp), c.callForms(ci))
	}
	var ae *APIError
	if errors.As(err, &ae) && ae.RequestID != "" {
		m.RequestID = redact(ae.RequestID, c.callForms(ci))
	}
}

// Email is the generated types' e-mail type (oapi-codegen's runtime
// types.Email), so that callers need not import the runtime package:
// new(wrapper.Email("asha@acme.example")).
type Email = openapi_types.Email
