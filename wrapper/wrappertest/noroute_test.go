package wrappertest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	enkash "github.com/enkash-oss/enkash-go"
	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

// specMethods returns the methods the spec declares for the spec path
// template, upper case and sorted: what an Allow header must list.
func specMethods(t *testing.T, template string) []string {
	t.Helper()
	doc, err := enkash.LoadSpec()
	require.NoError(t, err)
	item := doc.Paths.Find(template)
	require.NotNil(t, item, "spec path %s", template)
	var methods []string
	for m := range item.Operations() {
		methods = append(methods, strings.ToUpper(m))
	}
	slices.Sort(methods)
	return methods
}

// TestNoRouteAnswersInEnvelope: a path the spec does not declare gets a 404,
// and a method the spec does not declare on a known path a 405 with Allow,
// both in Enkash's error envelope (as Spring's exception handler would answer
// them), not the router's plain text.
func TestNoRouteAnswersInEnvelope(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	rc := rawClient{t, srv}
	customerPath := "/api/v0/customer/" + wrappertest.DemoCustomerID
	for _, tc := range []struct {
		method, path string
		status       int
		errType      api.ErrorType
		allowFrom    string // spec path template whose methods Allow must list
	}{
		{http.MethodGet, customerPath, http.StatusMethodNotAllowed, api.ErrorTypeClientRequestError, "/api/v0/customer/{customerId}"},
		{http.MethodPost, customerPath, http.StatusMethodNotAllowed, api.ErrorTypeClientRequestError, "/api/v0/customer/{customerId}"},
		{http.MethodGet, "/oauth/token", http.StatusMethodNotAllowed, api.ErrorTypeClientRequestError, "/oauth/token"},
		{http.MethodPatch, "/api/v0/customers/" + wrappertest.DemoCustomerID, http.StatusNotFound, api.ErrorTypeRecordNotFound, ""},
		{http.MethodPatch, "/api/v1/customer/" + wrappertest.DemoCustomerID, http.StatusNotFound, api.ErrorTypeRecordNotFound, ""},
		{http.MethodGet, "/", http.StatusNotFound, api.ErrorTypeRecordNotFound, ""},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			r := rc.do(tc.method, tc.path, srv.Token, "application/json", `{}`)
			require.Equal(t, tc.status, r.status, "%s", r.body)
			assert.Equal(t, "application/json", r.header.Get("Content-Type"))
			var env api.CustomerResponseEnvelope
			require.NoError(t, json.Unmarshal(r.body, &env), "body %q", r.body)
			require.NotNil(t, env.ErrorResponse, "errorResponse in %s", r.body)
			assert.Nil(t, env.Payload)
			require.NotNil(t, env.ErrorResponse.ErrorType)
			assert.Equal(t, tc.errType, *env.ErrorResponse.ErrorType)
			require.NotNil(t, env.ErrorResponse.ErrorMessage)
			assert.Contains(t, *env.ErrorResponse.ErrorMessage, tc.method)
			require.NotNil(t, env.ErrorResponse.RequestId)
			assert.Equal(t, r.header.Get("X-Request-Id"), *env.ErrorResponse.RequestId)
			require.NotNil(t, env.ResponseCode)
			assert.EqualValues(t, tc.status, *env.ResponseCode)

			// the body conforms to the spec's envelope schema
			doc, err := enkash.LoadSpec()
			require.NoError(t, err)
			var v any
			require.NoError(t, json.Unmarshal(r.body, &v))
			assert.NoError(t, doc.Components.Schemas["CustomerResponseEnvelope"].Value.VisitJSON(v))

			if tc.allowFrom != "" {
				allow := strings.Split(r.header.Get("Allow"), ", ")
				slices.Sort(allow)
				assert.Equal(t, specMethods(t, tc.allowFrom), allow, "Allow lists the spec's methods")
			} else {
				assert.Empty(t, r.header.Get("Allow"))
			}
		})
	}
	assert.Empty(t, srv.SpecViolations())
}

// methodRewriter sends every request with another method, to reach a
// method the spec does not declare through wrapper.Client.
type methodRewriter struct {
	method string
	next   http.RoundTripper
}

func (m methodRewriter) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Method = m.method
	return m.next.RoundTrip(r)
}

// TestNoRouteThroughWrapper: wrapper.Client users see the errorType of these
// answers through *wrapper.APIError and the sentinels.
func TestNoRouteThroughWrapper(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	var body api.UpdateCustomerRequest
	body.State.Set("Kerala")

	t.Run("unknown path", func(t *testing.T) {
		c, err := wrapper.NewClient(srv.URL+"/wrong-prefix", wrapper.WithToken(srv.Token), wrapper.WithRetry(wrapper.RetryPolicy{MaxAttempts: 1}))
		require.NoError(t, err)
		defer c.CloseIdleConnections()
		_, err = c.UpdateCustomer(context.Background(), wrappertest.DemoCustomerID, body)
		var ae *wrapper.APIError
		require.True(t, errors.As(err, &ae), "got %v", err)
		assert.Equal(t, http.StatusNotFound, ae.StatusCode)
		assert.Equal(t, api.ErrorTypeRecordNotFound, ae.ErrorType)
		assert.NotEmpty(t, ae.RequestID)
		assert.Empty(t, ae.Snippet, "the body was a usable envelope")
		assert.ErrorIs(t, err, wrapper.ErrNotFound)
	})
	t.Run("undeclared method", func(t *testing.T) {
		tr := srv.Client().Transport.(*http.Transport).Clone()
		defer tr.CloseIdleConnections()
		c, err := wrapper.NewClient(srv.URL, wrapper.WithToken(srv.Token), wrapper.WithRetry(wrapper.RetryPolicy{MaxAttempts: 1}),
			wrapper.WithHTTPClient(&http.Client{Transport: methodRewriter{http.MethodPut, tr}}))
		require.NoError(t, err)
		_, err = c.UpdateCustomer(context.Background(), wrappertest.DemoCustomerID, body)
		var ae *wrapper.APIError
		require.True(t, errors.As(err, &ae), "got %v", err)
		assert.Equal(t, http.StatusMethodNotAllowed, ae.StatusCode)
		assert.Equal(t, api.ErrorTypeClientRequestError, ae.ErrorType)
		assert.Empty(t, ae.Snippet, "the body was a usable envelope")
		assert.ErrorIs(t, err, wrapper.ErrClientRequestError)
	})
	stored, _ := srv.Customer(wrappertest.DemoCustomerID)
	assert.NotEqual(t, "Kerala", stored.State, "nothing was applied")
}
