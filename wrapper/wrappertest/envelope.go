package wrappertest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/enkash-oss/enkash-go/api"
)

// TimestampLayout is the layout of errorResponse.timestamp ("yyyy-MM-dd
// HH:mm:ss" in Java terms), always in IST; openapi.yaml's x-timestamp.
const TimestampLayout = api.ErrorResponseTimestampLayout

// IST is India Standard Time (UTC+05:30), the zone of error timestamps;
// openapi.yaml's x-timestamp.
var IST = api.ErrorResponseTimestampZone

// Envelope response codes and messages (see the package documentation).
const (
	successCode    int32 = 0
	successMessage       = "SUCCESS"
	failureMessage       = "FAILURE"
)

// envelope is the wire form of every operation's response envelope
// (api.CustomerResponseEnvelope and the others: only the payload's type
// differs). It is its own type because api.ApiSubError always encodes rejectedValue, as null when unset, which
// the spec's `rejectedValue: {}` (not nullable) rejects.
type envelope struct {
	ErrorResponse   *errorResponse `json:"errorResponse,omitempty"`
	Payload         any            `json:"payload,omitempty"`
	ResponseCode    int32          `json:"response_code"`
	ResponseMessage string         `json:"response_message,omitempty"`
}

type errorResponse struct {
	ApiSubErrors []subError    `json:"apiSubErrors,omitempty"`
	ErrorMessage string        `json:"errorMessage,omitempty"`
	ErrorType    api.ErrorType `json:"errorType,omitempty"`
	RequestId    string        `json:"requestId,omitempty"`
	Timestamp    string        `json:"timestamp,omitempty"`
}

// subError is one apiSubErrors entry. The fake's own errors never echo the
// rejected value; only an ErrorFault built with a SubError.RejectedValue sends
// one.
type subError struct {
	Object        string `json:"object,omitempty"`
	Field         string `json:"field,omitempty"`
	Message       string `json:"message,omitempty"`
	RejectedValue any    `json:"rejectedValue,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil { // cannot happen with the types used here
		http.Error(w, "wrappertest: encode response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func (s *Server) writeSuccess(w http.ResponseWriter, c api.CustomerResponse) { s.writePayload(w, &c) }

// writePayload answers 200 with the success envelope around payload.
func (s *Server) writePayload(w http.ResponseWriter, payload any) {
	writeJSON(w, http.StatusOK, envelope{Payload: payload, ResponseCode: successCode, ResponseMessage: successMessage})
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, status int, typ api.ErrorType, msg string, subs []subError) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", wwwAuthenticate)
	}
	writeJSON(w, status, s.errorEnvelope(r, status, typ, msg, subs))
}

// wwwAuthenticate is the challenge sent with every 401 envelope.
const wwwAuthenticate = `Bearer realm="enkash"`

// errorEnvelope is the failure envelope answering r: its requestId is r's
// (the X-Request-Id header), its timestamp the server clock's now in IST.
func (s *Server) errorEnvelope(r *http.Request, status int, typ api.ErrorType, msg string, subs []subError) envelope {
	return envelope{
		ErrorResponse: &errorResponse{
			ApiSubErrors: subs,
			ErrorMessage: msg,
			ErrorType:    typ,
			RequestId:    requestID(r),
			Timestamp:    s.now().In(IST).Format(TimestampLayout),
		},
		ResponseCode:    int32(status),
		ResponseMessage: failureMessage,
	}
}

func (s *Server) writeValidation(w http.ResponseWriter, r *http.Request, route *routers.Route, subs []subError) {
	if isTokenRoute(route) {
		msg := "invalid request"
		if len(subs) > 0 {
			msg = strings.TrimPrefix(subs[0].Field+": ", ": ") + subs[0].Message
		}
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", msg)
		return
	}
	s.writeError(w, r, http.StatusBadRequest, api.ErrorTypeValidationError, "Request validation failed", subs)
}

// paramError answers the generated router's parameter binding errors (which
// validation should already have caught).
func (s *Server) paramError(w http.ResponseWriter, r *http.Request, err error) {
	field := ""
	var pe *api.InvalidParamFormatError
	if errors.As(err, &pe) {
		field = pe.ParamName
	}
	s.writeError(w, r, http.StatusBadRequest, api.ErrorTypeValidationError, "Request validation failed",
		[]subError{{Field: field, Message: "invalid format"}})
}

// isTokenRoute reports whether route is the OAuth2 token endpoint: the
// operation whose body is a form (RFC 6749 §4.3), as the spec declares it.
func isTokenRoute(route *routers.Route) bool {
	if route == nil || route.Operation == nil || route.Operation.RequestBody == nil || route.Operation.RequestBody.Value == nil {
		return false
	}
	return route.Operation.RequestBody.Value.Content.Get("application/x-www-form-urlencoded") != nil
}

// writeRequestError turns an openapi3filter.ValidateRequest error into 401 or 400.
func (s *Server) writeRequestError(w http.ResponseWriter, r *http.Request, route *routers.Route, err error) {
	var secErr *openapi3filter.SecurityRequirementsError
	if errors.As(err, &secErr) {
		if isTokenRoute(route) {
			writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
			return
		}
		s.writeError(w, r, http.StatusUnauthorized, api.ErrorTypeUnauthorized, "Missing, invalid or expired bearer token", nil)
		return
	}
	subs := subErrors(err)
	if isTokenRoute(route) {
		for _, se := range subs {
			if se.Field == "grant_type" { // RFC 6749's name
				writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be password")
				return
			}
		}
	}
	s.writeValidation(w, r, route, subs)
}

// subErrors flattens a validation error into one sub-error per problem.
func subErrors(err error) []subError {
	var out []subError
	var walk func(err error, object, prefix string)
	walk = func(err error, object, field string) {
		switch e := err.(type) {
		case nil:
		case openapi3.MultiError:
			for _, x := range e {
				walk(x, object, field)
			}
		case *openapi3filter.RequestError:
			switch {
			case e.Parameter != nil:
				object, field = e.Parameter.In, e.Parameter.Name
			case e.RequestBody != nil:
				object = "body"
			}
			var se *openapi3.SchemaError
			var me openapi3.MultiError
			switch {
			case errors.As(e.Err, &me):
				walk(me, object, field)
			case errors.As(e.Err, &se):
				walk(se, object, field)
			default:
				msg := e.Reason
				if e.Err != nil {
					if msg == "" {
						msg = e.Err.Error()
					} else {
						msg += ": " + e.Err.Error()
					}
				}
				out = append(out, subError{Object: object, Field: field, Message: msg})
			}
		case *openapi3.SchemaError:
			f := field
			if object == "body" {
				f = bodyFieldName(e)
			}
			out = append(out, subError{Object: object, Field: f, Message: schemaRule(e)})
		default:
			out = append(out, subError{Object: object, Field: field, Message: err.Error()})
		}
	}
	walk(err, "", "")
	if len(out) == 0 {
		out = append(out, subError{Message: "request does not match the API specification"})
	}
	return out
}

var unsupportedProperty = regexp.MustCompile(`^property "(.*)" is unsupported$`)

// bodyFieldName renders the JSON pointer of a body schema error the Spring way:
// customerKeyContacts[0].mobile. An unsupported property is named itself.
func bodyFieldName(e *openapi3.SchemaError) string {
	path := e.JSONPointer()
	if m := unsupportedProperty.FindStringSubmatch(e.Reason); m != nil {
		path = append(path, m[1])
	}
	var b strings.Builder
	for _, p := range path {
		if _, err := strconv.Atoi(p); err == nil && b.Len() > 0 {
			b.WriteString("[" + p + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}

// schemaRule is the rule a schema error broke, without the rejected value.
func schemaRule(e *openapi3.SchemaError) string {
	if e.Reason != "" {
		return e.Reason
	}
	return fmt.Sprintf("does not match schema %q", e.SchemaField)
}

// newRequestID returns a random, UUID-shaped request id.
func (s *Server) newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
