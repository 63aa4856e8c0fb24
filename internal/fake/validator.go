package fake

import (
	"net/http"

	"github.com/enkash-oss/enkash-go/api"
)

// SpecValidator checks requests and responses against openapi.yaml in place
// of the generated request validators: wrappertest's kin-openapi layer
// implements it, so that this package links no schema validator.
type SpecValidator interface {
	// Request checks a request the generated router has a route for (its
	// body readable again; bodyErr says why it could not be read, nil if
	// it could) and authenticates it. When the request is refused it writes
	// the answer (with Answers) and returns false.
	Request(w http.ResponseWriter, r *http.Request, bodyErr error) bool
	// Response returns why the answer to r breaks the spec, nil if it
	// does not.
	Response(r *http.Request, status int, header http.Header, body []byte) error
}

// WithSpecValidator makes the server check every routed request and its
// answer with the validator newV builds for it, instead of the generated
// validators (which check requests only).
func WithSpecValidator(newV func(*Server) SpecValidator) Option {
	return func(c *config) { c.validator = newV }
}

// Answers writes the server's answers for a SpecValidator.
type Answers struct{ s *Server }

// AnswersOf returns the answer writer of s.
func AnswersOf(s *Server) Answers { return Answers{s} }

// CheckBearer returns nil when r carries a bearer token the server accepts.
func (a Answers) CheckBearer(r *http.Request) error { return a.s.checkBearer(r) }

// Unauthorized answers 401: in the OAuth shape on the token endpoint
// (tokenRoute), in Enkash's envelope elsewhere.
func (a Answers) Unauthorized(w http.ResponseWriter, r *http.Request, tokenRoute bool) {
	if tokenRoute {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
		return
	}
	a.s.writeError(w, r, http.StatusUnauthorized, api.ErrorTypeUnauthorized, "Missing, invalid or expired bearer token", nil)
}

// Invalid answers 400 for a request that breaks the spec, one sub-error
// per problem (their RejectedValue is not sent).
func (a Answers) Invalid(w http.ResponseWriter, r *http.Request, tokenRoute bool, subs []SubError) {
	a.s.writeValidation(w, r, tokenRoute, toSubErrors(subs))
}

// UnsupportedGrant answers the token endpoint's 400 unsupported_grant_type.
func (a Answers) UnsupportedGrant(w http.ResponseWriter) {
	writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be password")
}

func toSubErrors(subs []SubError) []subError {
	out := make([]subError, len(subs))
	for i, se := range subs {
		out[i] = subError{Object: se.Object, Field: se.Field, Message: se.Message}
	}
	return out
}
