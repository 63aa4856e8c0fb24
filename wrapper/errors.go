package wrapper

import (
	"cmp"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/enkash-oss/enkash-go/api"
)

// Sentinels for failures that are not an Enkash errorType.
var (
	// ErrServer matches every *APIError with a 5xx status, whatever its body
	// (a proxy's HTML 502 as well as a SYSTEM_ERROR envelope).
	ErrServer = errors.New("enkash: server error")
	// ErrRateLimited matches an *APIError with status 429 (returned once the
	// retries are used up).
	ErrRateLimited = errors.New("enkash: rate limited")
	// ErrUnexpectedStatus matches an *APIError whose status has no better
	// sentinel (a 3xx redirect, 405, 409, …) and carries no known errorType.
	ErrUnexpectedStatus = errors.New("enkash: unexpected HTTP status")
	// ErrInvalidResponse matches an *APIError whose body is not a usable
	// Enkash envelope: not JSON, truncated, wrong types, or a 2xx without a
	// payload.
	ErrInvalidResponse = errors.New("enkash: invalid response")
	// ErrResponseTooLarge matches an *APIError whose body exceeded the limit
	// set with WithMaxResponseBytes. The body is not decoded at all.
	ErrResponseTooLarge = errors.New("enkash: response body too large")
	// ErrOutcomeUnknown matches a failure after which Enkash may or may not
	// have applied the request: the connection broke after the request was
	// sent, a 502 or 504 from a gateway, a 2xx whose body broke off. Such
	// failures are not retried unless RetryPolicy.RetryUnknownOutcome is
	// set; read the customer back (or resend, if the last writer may win)
	// before trusting either outcome.
	ErrOutcomeUnknown = errors.New("enkash: outcome unknown: the request may have been applied")
	// ErrNetwork matches errors where no HTTP response was received
	// (connection refused, reset, TLS failure, client timeout) or its body
	// could not be read. The underlying error is wrapped as well.
	ErrNetwork = errors.New("enkash: network error")
)

// statusSentinel is the sentinel used when a response has no known errorType:
// that of the errorType the spec gives the status (x-error-statuses), else
// one of the HTTP status class.
func statusSentinel(status int) error {
	if t, ok := api.ErrorTypeForStatus(status); ok {
		return errorTypeSentinels[t]
	}
	switch {
	case status == 429:
		return ErrRateLimited
	case status >= 500 && status <= 599:
		return ErrServer
	case status >= 200 && status <= 299:
		return nil // a 2xx failure is ErrInvalidResponse or an errorType
	default:
		return ErrUnexpectedStatus
	}
}

// SubError is one entry of an Enkash errorResponse.apiSubErrors. The shape is
// undocumented by Enkash; these are the usual Spring validation fields.
// RejectedValue is replaced by "[REDACTED]" when Field names a property that
// openapi.yaml marks as personal data (x-pii), or when it looks like
// personal data whatever the field.
type SubError struct {
	// Object is the name of the object that failed validation (empty when
	// absent).
	Object string
	// Field is the path of the rejected field, e.g. "legalName" (empty when
	// absent).
	Field string
	// Message is the server's explanation of the rejection (empty when
	// absent).
	Message string
	// RejectedValue is the value the server rejected: nil when absent or
	// null, a string, float64, bool or json.Number when it is a scalar of a
	// field that is not personal data, otherwise "[REDACTED]".
	RejectedValue any
}

// APIError is returned by Client.UpdateCustomer for every response that is
// not a success: a non-2xx status, a 2xx envelope with an errorResponse, a 2xx
// without a payload, an undecodable or oversized body.
//
// Use errors.Is with the sentinels (ErrNotFound, ErrUnauthorized, ErrServer,
// …) to branch, and errors.As to read the details. Error() never prints the
// body; personal data in server-supplied text is masked.
type APIError struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// ErrorType is errorResponse.errorType, "" when absent.
	ErrorType api.ErrorType
	// ErrorMessage is errorResponse.errorMessage, as sent (not masked: Error()
	// prints a masked copy).
	ErrorMessage string
	// RequestID is errorResponse.requestId, else the request-id header
	// (api.HeaderRequestId).
	RequestID string
	// Timestamp is errorResponse.timestamp parsed with the layout and zone
	// openapi.yaml gives it (x-timestamp: api.ErrorResponseTimestampLayout,
	// api.ErrorResponseTimestampZone); zero when absent or unparsable.
	Timestamp time.Time
	// RawTimestamp is errorResponse.timestamp as sent.
	RawTimestamp string
	// SubErrors are errorResponse.apiSubErrors (personal data redacted).
	SubErrors []SubError
	// ResponseCode is the envelope's response_code (0 when absent).
	ResponseCode int32
	// ResponseMessage is the envelope's response_message, as sent (not
	// masked: Error() prints a masked copy).
	ResponseMessage string
	// Snippet is the start of a body that was not a usable envelope (at most
	// 256 bytes, valid UTF-8, personal data masked). Empty otherwise.
	Snippet string
	// Err is the underlying cause when the body could not be used
	// (ErrResponseTooLarge, a JSON syntax error, …); nil otherwise.
	Err error
}

// Error describes the failure without the body or personal data.
func (e *APIError) Error() string {
	var b strings.Builder
	w := func(parts ...string) {
		for _, p := range parts {
			b.WriteString(p)
		}
	}
	w("enkash: HTTP ", strconv.Itoa(e.StatusCode))
	if e.ErrorType != "" {
		w(" ", scrub(string(e.ErrorType)))
	}
	if e.ErrorMessage != "" {
		w(": ", scrubJSONish(e.ErrorMessage))
	}
	if e.RequestID != "" {
		w(" (requestId ", scrub(e.RequestID), ")") // ids stay readable; personal data and secrets do not
	}
	for i, s := range e.SubErrors {
		w([]string{"; sub-errors: ", ", "}[min(i, 1)], scrub(cmp.Or(s.Field, s.Object, "?")))
		if s.Message != "" {
			w(": ", scrubJSONish(s.Message))
		}
	}
	if e.ErrorType == "" && e.ResponseMessage != "" {
		w(" [", scrubJSONish(e.ResponseMessage), "]")
	}
	if e.Err != nil {
		w(": ", e.Err.Error())
	}
	if e.Snippet != "" {
		w("; body: ", strconv.Quote(e.Snippet))
	}
	return b.String()
}

// GoString keeps %#v from printing fields that Error() masks.
func (e *APIError) GoString() string { return "&wrapper.APIError{" + strconv.Quote(e.Error()) + "}" }

// Unwrap returns the underlying cause (see Err).
func (e *APIError) Unwrap() error { return e.Err }

// Is reports whether target is the sentinel of this error: the sentinel of
// ErrorType when it is one the spec lists, else the sentinel of the HTTP
// status: that of the errorType openapi.yaml's x-error-statuses gives the
// status (see each sentinel), ErrRateLimited for 429, ErrUnexpectedStatus
// for another non-2xx. Independently, every 5xx matches ErrServer, a 502,
// 504 or failed 2xx matches ErrOutcomeUnknown, and a body that was not a
// usable envelope matches ErrInvalidResponse (through Err).
func (e *APIError) Is(target error) bool {
	if target == ErrServer && e.StatusCode >= 500 && e.StatusCode <= 599 {
		return true
	}
	// 502/504: a gateway cannot tell; a failed 2xx (unreadable, oversized,
	// another customer's payload): Enkash applied the update, but what it
	// answered cannot be used.
	if target == ErrOutcomeUnknown && (unknownOutcomeStatus(e.StatusCode) || (e.StatusCode >= 200 && e.StatusCode <= 299)) {
		return true
	}
	if s, ok := errorTypeSentinels[e.ErrorType]; ok {
		return target == s
	}
	s := statusSentinel(e.StatusCode)
	return s != nil && target == s
}

// decodeError is a failure to decode a response body as an envelope. Its
// text is that of the generated decoders' *api.DecodeError (the property and
// the reason, never a value: the body may echo personal data or the token),
// else a fixed one; the error stays reachable with errors.As.
type decodeError struct{ err error }

func (d decodeError) Error() string {
	if de := (*api.DecodeError)(nil); errors.As(d.err, &de) {
		return de.Error()
	}
	return "a JSON value has the wrong form"
}

func (d decodeError) Unwrap() error { return d.err }
