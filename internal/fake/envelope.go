package fake

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

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

// writeValidation answers 400 for a request that breaks the spec: in the
// OAuth error shape on the token endpoint (tokenRoute), in Enkash's envelope
// (VALIDATION_ERROR) elsewhere.
func (s *Server) writeValidation(w http.ResponseWriter, r *http.Request, tokenRoute bool, subs []subError) {
	if tokenRoute {
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

// newRequestID returns a random, UUID-shaped request id.
func (s *Server) newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
