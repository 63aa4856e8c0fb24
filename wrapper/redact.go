package wrapper

import (
	"slices"
	"strings"

	"github.com/oapi-codegen/nullable"

	"github.com/enkash-oss/enkash-go/api"
	rd "github.com/enkash-oss/enkash-go/internal/redact"
)

// policy masks, in the texts a server sends, the values of the properties
// openapi.yaml marks as personal data (x-pii) or secrets (x-secret, format:
// password), and the client secret of the OAuth2 protocol itself (RFC 6749),
// which a token endpoint may echo; then personal data by its shape.
var policy = rd.NewPolicy(slices.Concat(api.PersonalDataProperties(), api.SecretProperties(),
	[]string{"client_secret", "clientSecret"})...)

// The redaction the layers use (internal/redact): forms are the secrets a
// call sent, in every form a server may echo them in. Functions, not
// variables holding them: a call through a variable allocates its arguments.
func secretForms(secrets ...string) []string { return rd.Forms(secrets...) }
func base64Forms(secret string) []string     { return rd.Base64Forms(secret) }
func scrub(s string) string                  { return rd.Scrub(s) }
func scrubJSONish(s string) string           { return policy.Text(s) }

const (
	redacted     = rd.Redacted
	minSecretLen = rd.MinSecretLen
	snippetMax   = 256 // bounds APIError.Snippet
)

// longestFirst is kept for settings.secretForms: a Masker unions what it
// finds, so the order of forms no longer matters.
func longestFirst(forms []string) []string { return forms }

func redact(s string, forms []string) string { return policy.Redact(s, forms) }

// snippet is the start of a body for APIError.Snippet (redact.Policy.Snippet).
func snippet(body []byte, forms []string) string { return policy.Snippet(body, forms, snippetMax) }

// isPIIField reports whether a field path such as
// "customerKeyContacts[1].mobile" ends in a property that openapi.yaml marks
// as personal data.
func isPIIField(path string) bool {
	name, _, _ := strings.Cut(path[strings.LastIndexByte(path, '.')+1:], "[")
	return api.IsPersonalDataProperty(name)
}

// redactErr returns err with every error of its tree that prints a secret
// of forms or personal data replaced by a sanitised copy (redact.Policy.Err).
func redactErr(err error, forms []string) error { return policy.Err(err, forms, keepSafe) }

// keepSafe keeps the errors whose texts are safe when made: an *APIError
// (masked by mask; copied when its cause changed) and a *ValidationError
// (fields and rules, never values).
func keepSafe(err, cause error, changed bool) (error, bool) {
	switch e := err.(type) {
	case *APIError:
		if changed {
			cp := *e
			cp.Err = cause
			return &cp, true
		}
		return err, true
	case *ValidationError:
		return err, true
	}
	return nil, false
}

// mask masks the secret forms in every server-supplied text of e, before
// any heuristic runs (Error applies those), and sanitises Err.
func (e *APIError) mask(forms []string) {
	m := rd.For(forms).Mask
	e.ErrorType = api.ErrorType(m(string(e.ErrorType)))
	e.ErrorMessage, e.ResponseMessage, e.Snippet = m(e.ErrorMessage), m(e.ResponseMessage), m(e.Snippet)
	e.RequestID, e.RawTimestamp = m(e.RequestID), m(e.RawTimestamp)
	for i := range e.SubErrors {
		se := &e.SubErrors[i]
		se.Object, se.Field, se.Message = m(se.Object), m(se.Field), m(se.Message)
		if v, ok := se.RejectedValue.(string); ok {
			se.RejectedValue = m(v)
		}
	}
	e.Err = redactErr(e.Err, forms)
}

// maskSubErrors returns a copy of in with the secrets of forms masked in
// every text, for subErrors to run its heuristics on.
func maskSubErrors(in []api.ApiSubError, forms []string) []api.ApiSubError {
	m := rd.For(forms).Mask
	out := slices.Clone(in)
	for i := range out {
		s := &out[i]
		for _, p := range []**string{&s.Object, &s.Field, &s.Message} {
			if *p != nil {
				*p = new(m(**p))
			}
		}
		if v, ok := s.RejectedValue[true].(string); ok {
			s.RejectedValue = nullable.NewNullableWithValue[any](m(v))
		}
	}
	return out
}
