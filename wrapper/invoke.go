package wrapper

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
	"unsafe"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/internal/body"
	"github.com/enkash-oss/enkash-go/internal/call"
	rd "github.com/enkash-oss/enkash-go/internal/redact"
)

// sentForms are the secret forms of every bearer token the call sent (a
// rotating source or a refresh may send more than one) and of the personal
// data in its body (the values of the x-pii properties): a server may echo
// them in any form.
func sentForms(ci *call.Info) []string {
	return secretForms(append(rd.ValuesUnder(ci.Body, api.IsPersonalDataProperty), ci.Tokens()...)...)
}

// envelope is what the generic unwrapper needs of an operation's generated
// response envelope type.
type envelope[P any] struct {
	payload         *P
	errorResponse   *api.ErrorResponse
	responseCode    *int32
	responseMessage *string
}

// decodable is a generated response envelope type: its DecodeJSONString
// (api's decode.gen.go) decodes a body as json.Unmarshal would.
type decodable[E any] interface {
	*E
	DecodeJSONString(string) error
}

// bodyReader is the request body handed to the generated client: a
// *bytes.Reader, so that net/http can rewind it (GetBody) for a retry.
type bodyReader = bytes.Reader

// invoke runs one operation through the generated client: it encodes the
// body, sends it (send calls the generated method; the Client's layers do
// auth, retries and logging), and unwraps the response envelope E into its
// payload P or an *APIError; verify checks a payload against the request
// (an error makes the call fail with ErrInvalidResponse). It is the same for
// every operation.
func invoke[E any, PE decodable[E], P any](ctx context.Context, c *Client, op string,
	encode func([]byte) ([]byte, error),
	send func(context.Context, *bodyReader) (*http.Response, error),
	parts func(*E) envelope[P],
	verify func(*P) error,
	cs *callSettings,
) (_ *P, err error) {
	ci := &call.Info{Op: op, Gate: cs.gate}
	var resp *http.Response
	if cs.meta != nil {
		defer func() { cs.meta.fill(c, ci, resp, err) }()
	}
	defer func() { // the last attempt's error alone may say "not applied"
		if err != nil && ci.Unknown && !errors.Is(err, ErrOutcomeUnknown) {
			err = fmt.Errorf("%w by an earlier attempt; last attempt: %w", ErrOutcomeUnknown, err)
		}
	}()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("enkash: %w", err)
	}
	// A fresh buffer, not a pooled one: the transport may still read the
	// request body after the response has arrived.
	payload, err := encode(make([]byte, 0, 1024))
	if err != nil {
		return nil, fmt.Errorf("enkash: encoding request body: %w", err)
	}
	ci.Body = payload
	resp, err = send(call.With(ctx, ci), bytes.NewReader(payload))
	if err != nil {
		var le *call.LayerError
		if errors.As(err, &le) {
			return nil, redactErr(le.Err, c.callForms(ci))
		}
		return nil, redactErr(fmt.Errorf("enkash: building request: %w", err), c.callForms(ci))
	}
	raw, rerr := body.Read(resp)
	body.Close(resp.Body, rerr, ErrResponseTooLarge)
	if rerr != nil {
		if errors.Is(rerr, ErrResponseTooLarge) {
			ae := &APIError{StatusCode: resp.StatusCode, RequestID: requestIDHeader(resp), Err: ErrResponseTooLarge}
			ae.mask(c.callForms(ci))
			return nil, ae
		}
		return nil, redactErr(bodyReadError(ctx, resp.StatusCode, rerr), c.callForms(ci))
	}
	var env E
	// The decoded strings are substrings of the body, which nothing writes
	// to after this point: no copy of it (DecodeJSON would make one).
	derr := PE(&env).DecodeJSONString(unsafe.String(unsafe.SliceData(raw), len(raw)))
	p := parts(&env)
	if derr == nil && resp.StatusCode >= 200 && resp.StatusCode <= 299 && p.errorResponse == nil && p.payload != nil {
		if err := verify(p.payload); err != nil {
			ae := &APIError{StatusCode: resp.StatusCode, RequestID: requestIDHeader(resp), Err: fmt.Errorf("%w: %w", ErrInvalidResponse, err)}
			ae.mask(c.callForms(ci))
			return nil, ae
		}
		return p.payload, nil
	}
	forms := c.callForms(ci)
	ae := newAPIError(resp, raw, p.errorResponse, p.responseCode, p.responseMessage, derr, forms)
	ae.mask(forms) // a server echoing what we sent
	if ci.WaitErr != nil {
		return nil, redactErr(fmt.Errorf("enkash: waiting to retry: %w; last attempt: %w", ci.WaitErr, ae), forms)
	}
	return nil, ae
}

// callForms are the secret forms of a call: the Client's, and what the call
// sent (sentForms).
func (c *Client) callForms(ci *call.Info) []string {
	return append(sentForms(ci), c.forms...)
}

// bodyReadError is the error of a response body that broke off. After a
// 2xx the outcome is unknown: applied or not, the envelope would have said.
func bodyReadError(ctx context.Context, status int, rerr error) error {
	unknown := status >= 200 && status <= 299
	switch {
	case ctx.Err() != nil && unknown:
		return fmt.Errorf("enkash: %w: HTTP %d: %s: %w", ErrOutcomeUnknown, status, errBodyRead, rerr)
	case ctx.Err() != nil:
		return fmt.Errorf("enkash: %s: %w", errBodyRead, rerr)
	case unknown:
		return fmt.Errorf("%w: %w: HTTP %d: %s: %w", ErrNetwork, ErrOutcomeUnknown, status, errBodyRead, rerr)
	}
	return fmt.Errorf("%w: %s: %w", ErrNetwork, errBodyRead, rerr)
}

// requestIDHeader is the response's request-id header (api.HeaderRequestId).
func requestIDHeader(resp *http.Response) string { return resp.Header.Get(api.HeaderRequestId) }

// newAPIError builds the *APIError of a failed response.
func newAPIError(resp *http.Response, body []byte, er *api.ErrorResponse, code *int32, msg *string, derr error, forms []string) *APIError {
	e := &APIError{StatusCode: resp.StatusCode}
	if derr != nil {
		e.Err = fmt.Errorf("%w: %w", ErrInvalidResponse, decodeError{derr})
		e.Snippet = snippet(body, forms)
	} else {
		if code != nil {
			e.ResponseCode = *code
		}
		if msg != nil {
			e.ResponseMessage = *msg
		}
		if er != nil {
			if er.ErrorType != nil {
				e.ErrorType = *er.ErrorType
			}
			if er.ErrorMessage != nil {
				e.ErrorMessage = *er.ErrorMessage
			}
			if er.RequestId != nil {
				e.RequestID = *er.RequestId
			}
			if er.Timestamp != nil {
				e.RawTimestamp = *er.Timestamp
				if t, err := time.ParseInLocation(api.ErrorResponseTimestampLayout, e.RawTimestamp, api.ErrorResponseTimestampZone); err == nil {
					e.Timestamp = t
				}
			}
			if er.ApiSubErrors != nil {
				e.SubErrors = subErrors(maskSubErrors(*er.ApiSubErrors, forms)) // secrets first
			}
		} else if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
			e.Err = fmt.Errorf("%w: 2xx envelope without payload", ErrInvalidResponse)
		}
	}
	if e.RequestID == "" {
		e.RequestID = requestIDHeader(resp)
	}
	return e
}

func subErrors(in []api.ApiSubError) []SubError {
	out := make([]SubError, 0, len(in))
	for _, s := range in {
		var se SubError
		// Masked here, not only in Error(): SubErrors promises redacted
		// personal data to callers who print them.
		if s.Object != nil {
			se.Object = scrub(*s.Object)
		}
		if s.Field != nil {
			se.Field = scrub(*s.Field)
		}
		if s.Message != nil {
			se.Message = scrubJSONish(*s.Message)
		}
		rv := s.RejectedValue[true] // absent and null both read as nil
		switch v := rv.(type) {
		case nil:
		case bool:
			se.RejectedValue = v
		case string, float64, json.Number:
			text := fmt.Sprint(v)
			switch {
			case isPIIField(se.Field):
				se.RejectedValue = redacted
			case scrub(text) != text: // personal data under another name (gstin, phone, …)
				if _, isString := v.(string); isString {
					se.RejectedValue = scrub(text)
				} else {
					se.RejectedValue = redacted
				}
			default:
				se.RejectedValue = v
			}
		default: // an object or array may hold anything
			se.RejectedValue = redacted
		}
		out = append(out, se)
	}
	return out
}
