package wrappertest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	enkash "github.com/enkash-oss/enkash-go"
	"github.com/enkash-oss/enkash-go/internal/fake"
)

// specValidator checks every request and response of a Server against the
// embedded openapi.yaml with kin-openapi (fake.SpecValidator).
type specValidator struct {
	router   routers.Router
	answers  fake.Answers
	reqOpts  *openapi3filter.Options
	respOpts *openapi3filter.Options
}

var errNoCredentials = errors.New("no credentials")

func newSpecValidator(s *fake.Server) fake.SpecValidator {
	router, err := routerOnce()
	if err != nil {
		panic("wrappertest: " + err.Error())
	}
	v := &specValidator{router: router, answers: fake.AnswersOf(s)}
	formats := openapi3.WithStringFormatValidator("email", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForEmail))
	v.reqOpts = &openapi3filter.Options{
		MultiError:              true,
		AuthenticationFunc:      v.authenticate,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{formats},
	}
	v.respOpts = &openapi3filter.Options{
		MultiError:              true,
		IncludeResponseStatus:   true,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{formats},
	}
	return v
}

// routerOnce builds the validation router once per process: the spec is
// immutable and kin-openapi's router and validators are safe for concurrent use.
var routerOnce = sync.OnceValues(func() (routers.Router, error) {
	doc, err := enkash.LoadSpec()
	if err != nil {
		return nil, fmt.Errorf("load embedded spec: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("embedded spec is invalid: %w", err)
	}
	doc.Servers = nil // match requests to any host, the test server's included
	return gorillamux.NewRouter(doc)
})

// Request validates and authenticates r with openapi3filter.ValidateRequest.
func (v *specValidator) Request(w http.ResponseWriter, r *http.Request, bodyErr error) bool {
	route, pathParams, err := v.router.FindRoute(r)
	if err != nil {
		// The generated router has a route the spec has not: the fake and
		// the spec disagree; let the handler answer and Response report it.
		return true
	}
	if bodyErr != nil {
		v.answers.Invalid(w, r, isTokenRoute(route), []fake.SubError{{Object: "body", Message: bodyErr.Error()}})
		return false
	}
	input := &openapi3filter.RequestValidationInput{Request: r, PathParams: pathParams, Route: route, Options: v.reqOpts}
	if err := openapi3filter.ValidateRequest(r.Context(), input); err != nil {
		v.writeRequestError(w, r, route, err)
		return false
	}
	return true
}

// Response validates an answer to r with openapi3filter.ValidateResponse.
func (v *specValidator) Response(r *http.Request, status int, header http.Header, body []byte) error {
	route, pathParams, err := v.router.FindRoute(r)
	if err != nil {
		return fmt.Errorf("no operation of the spec: %w", err)
	}
	return openapi3filter.ValidateResponse(r.Context(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: pathParams, Route: route, Options: v.respOpts},
		Status:                 status,
		Header:                 header,
		Body:                   nopCloser{strings.NewReader(string(body))},
		Options:                v.respOpts,
	})
}

type nopCloser struct{ *strings.Reader }

func (nopCloser) Close() error { return nil }

// authenticate is the openapi3filter.AuthenticationFunc: bearerAuth needs a
// valid token, basicAuth needs well-formed Basic credentials (the token endpoint
// checks them against the configured ones, to answer OAuth errors).
func (v *specValidator) authenticate(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	r := in.RequestValidationInput.Request
	switch in.SecuritySchemeName {
	case "bearerAuth":
		if err := v.answers.CheckBearer(r); err != nil {
			return in.NewError(err)
		}
		return nil
	case "basicAuth":
		if _, _, ok := r.BasicAuth(); !ok {
			return in.NewError(errNoCredentials)
		}
		return nil
	default:
		return in.NewError(nil)
	}
}

// isTokenRoute reports whether route is the OAuth2 token endpoint: the
// operation whose body is a form (RFC 6749 §4.3), as the spec declares it.
// route is one FindRoute found: it has an operation.
func isTokenRoute(route *routers.Route) bool {
	body := route.Operation.RequestBody
	return body != nil && body.Value != nil && body.Value.Content.Get("application/x-www-form-urlencoded") != nil
}

// writeRequestError turns an openapi3filter.ValidateRequest error into 401 or 400.
func (v *specValidator) writeRequestError(w http.ResponseWriter, r *http.Request, route *routers.Route, err error) {
	var secErr *openapi3filter.SecurityRequirementsError
	if errors.As(err, &secErr) {
		v.answers.Unauthorized(w, r, isTokenRoute(route))
		return
	}
	subs := subErrors(err)
	if isTokenRoute(route) {
		for _, se := range subs {
			if se.Field == "grant_type" { // RFC 6749's name
				v.answers.UnsupportedGrant(w)
				return
			}
		}
	}
	v.answers.Invalid(w, r, isTokenRoute(route), subs)
}

// subErrors flattens a validation error into one sub-error per problem.
func subErrors(err error) []fake.SubError {
	var out []fake.SubError
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
				out = append(out, fake.SubError{Object: object, Field: field, Message: msg})
			}
		case *openapi3.SchemaError:
			f := field
			if object == "body" {
				f = bodyFieldName(e)
			}
			out = append(out, fake.SubError{Object: object, Field: f, Message: schemaRule(e)})
		default:
			out = append(out, fake.SubError{Object: object, Field: field, Message: err.Error()})
		}
	}
	walk(err, "", "")
	if len(out) == 0 {
		out = append(out, fake.SubError{Message: "request does not match the API specification"})
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
		if _, err := strconv.Atoi(p); err == nil {
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
