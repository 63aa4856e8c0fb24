package fake

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/enkash-oss/enkash-go/api"
)

// SubError is one apiSubErrors entry of an error envelope built by
// ErrorFault, in the usual Spring validation shape.
type SubError struct {
	// Field is the path of the rejected field, e.g. "legalName" or
	// "customerKeyContacts[0].mobile"; omitted when empty.
	Field string
	// Message is the rule the value broke, e.g. "must not be blank"; omitted
	// when empty.
	Message string
	// RejectedValue is sent as rejectedValue when not nil: a string, number,
	// bool, or any other value encoding/json can encode.
	RejectedValue any
	// Object is the name of the rejected object, e.g.
	// "updateCustomerRequest"; omitted when empty.
	Object string
}

// faultEnvelope is what ErrorFault keeps until the fault is served.
type faultEnvelope struct {
	errorType api.ErrorType
	message   string
	subs      []subError
}

// customerPathPrefix is the path of every updateCustomer request.
const customerPathPrefix = "/api/v0/customer/"

// ErrorFault returns a Fault that answers the next updateCustomer request
// with Enkash's error envelope, the same one the fake sends for its own
// errors:
//
//	{"errorResponse": {"apiSubErrors": [...], "errorMessage": message,
//	  "errorType": errorType, "requestId": "…", "timestamp": "yyyy-MM-dd HH:mm:ss"},
//	 "response_code": status, "response_message": "FAILURE"}
//
// with Content-Type application/json. The requestId is the request's (as in
// the X-Request-Id header and RecordedRequest.RequestID) and the timestamp is
// the server clock (WithClock) in IST, both filled in when the fault is
// served. A 401 also carries the server's WWW-Authenticate challenge.
// apiSubErrors is omitted when there are no sub-errors.
//
// The envelope conforms to openapi.yaml when status is one the operation
// lists (200, 400, 401, 403, 404, 422, 500) and errorType is one of the
// api.ErrorType constants; anything else is sent as given, like any fault
// (faults are not validated). Status 0 means 500.
//
// The Fault's Path is "/api/v0/customer/", so a token request (the password
// grant) is served normally; the other fields are the Fault defaults (once,
// no delay) and may be changed before Inject, e.g. Times or RetryAfter. Its
// Body is empty: the envelope is written when the fault is served, and a Body
// set by the caller is sent instead.
func ErrorFault(status int, errorType api.ErrorType, message string, subErrors ...SubError) Fault {
	env := &faultEnvelope{errorType: errorType, message: message}
	for _, se := range subErrors {
		env.subs = append(env.subs, subError{Object: se.Object, Field: se.Field, Message: se.Message, RejectedValue: se.RejectedValue})
	}
	return Fault{Status: status, ContentType: "application/json", Path: customerPathPrefix, errEnv: env}
}

// faultEnvelopeBody renders an ErrorFault's envelope for r. A rejected value
// that cannot be encoded is recorded as a spec violation (NewTestServer fails
// the test with it) and sent as a text body.
func (s *Server) faultEnvelopeBody(w http.ResponseWriter, r *http.Request, status int, fe *faultEnvelope) string {
	if status == http.StatusUnauthorized && w.Header().Get("WWW-Authenticate") == "" {
		w.Header().Set("WWW-Authenticate", wwwAuthenticate)
	}
	b, err := json.Marshal(s.errorEnvelope(r, status, fe.errorType, fe.message, fe.subs))
	if err != nil {
		v := fmt.Errorf("wrappertest: ErrorFault for %s %s: encode envelope: %w", r.Method, r.URL.Path, err)
		s.mu.Lock()
		s.violations = append(s.violations, v)
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		return v.Error()
	}
	return string(b)
}
