package fake

import (
	"net/http"

	"github.com/enkash-oss/enkash-go/api"
)

// admitCaller is, when no SpecValidator is set, the check of the customer
// operations' bearerAuth and of the request body's read: it answers 401 or
// 400 and returns false when the request is refused. With a SpecValidator
// the validator has done both.
func (s *Server) admitCaller(w http.ResponseWriter, r *http.Request) bool {
	if s.validator != nil {
		return true
	}
	if err := s.checkBearer(r); err != nil {
		AnswersOf(s).Unauthorized(w, r, false)
		return false
	}
	if err := bodyError(r); err != nil {
		s.writeValidation(w, r, false, []subError{{Object: "body", Message: err.Error()}})
		return false
	}
	return true
}

// admitValid is, when no SpecValidator is set, the spec's check of the
// request by the generated validator (violations): it answers 400, in the
// OAuth shape on the token endpoint (tokenRoute), and returns false when
// the request breaks a rule. The answer names each field and rule, never a
// value.
func (s *Server) admitValid(w http.ResponseWriter, r *http.Request, tokenRoute bool, violations func() []api.Violation) bool {
	if s.validator != nil {
		return true
	}
	vs := violations()
	if len(vs) == 0 {
		return true
	}
	subs := make([]subError, len(vs))
	for i, v := range vs {
		subs[i] = subError{Field: v.Field, Message: v.Rule}
		if tokenRoute && v.Field == "grant_type" { // RFC 6749's name
			AnswersOf(s).UnsupportedGrant(w)
			return false
		}
	}
	s.writeValidation(w, r, tokenRoute, subs)
	return false
}
