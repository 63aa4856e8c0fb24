package wrappertest_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	enkash "github.com/enkash-oss/enkash-go"
	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

// validateCustomerResponse checks a response to updateCustomer against
// openapi.yaml (status listed, envelope schema), independently of the fake.
func validateCustomerResponse(t *testing.T, status int, header http.Header, body []byte) error {
	t.Helper()
	doc, err := enkash.LoadSpec()
	require.NoError(t, err)
	doc.Servers = nil
	router, err := gorillamux.NewRouter(doc)
	require.NoError(t, err)
	req := httptest.NewRequest(http.MethodPatch, "/api/v0/customer/"+wrappertest.DemoCustomerID, nil)
	route, params, err := router.FindRoute(req)
	require.NoError(t, err)
	return openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	})
}

// TestErrorFaultEnvelope: ErrorFault answers with exactly the envelope the
// fake uses for its own errors (requestId of the request, server clock in
// IST), which validates against openapi.yaml, once, and only on the customer
// path.
func TestErrorFaultEnvelope(t *testing.T) {
	clock := newFakeClock() // 2025-01-02 03:04:05 UTC
	const wantTimestamp = "2025-01-02 08:34:05"
	tests := []struct {
		name       string
		fault      wrappertest.Fault
		wantStatus int
		wantJSON   string // %s stands for the requestId
	}{
		{
			name: "validation error with sub-errors",
			fault: wrappertest.ErrorFault(http.StatusBadRequest, api.ErrorTypeValidationError, "Request validation failed",
				wrappertest.SubError{Field: "legalName", Message: "must not be blank", RejectedValue: ""},
				wrappertest.SubError{Object: "updateCustomerRequest", Field: "creditPeriod", Message: "must be positive", RejectedValue: -5},
				wrappertest.SubError{Field: "address", Message: "too long"}),
			wantStatus: 400,
			wantJSON: `{"errorResponse":{"apiSubErrors":[
				{"field":"legalName","message":"must not be blank","rejectedValue":""},
				{"object":"updateCustomerRequest","field":"creditPeriod","message":"must be positive","rejectedValue":-5},
				{"field":"address","message":"too long"}],
				"errorMessage":"Request validation failed","errorType":"VALIDATION_ERROR","requestId":"%s","timestamp":"` + wantTimestamp + `"},
				"response_code":400,"response_message":"FAILURE"}`,
		},
		{
			name:       "not found without sub-errors",
			fault:      wrappertest.ErrorFault(http.StatusNotFound, api.ErrorTypeRecordNotFound, "Customer not found"),
			wantStatus: 404,
			wantJSON: `{"errorResponse":{"errorMessage":"Customer not found","errorType":"RECORD_NOT_FOUND","requestId":"%s","timestamp":"` + wantTimestamp + `"},
				"response_code":404,"response_message":"FAILURE"}`,
		},
		{
			name:       "unauthorized",
			fault:      wrappertest.ErrorFault(http.StatusUnauthorized, api.ErrorTypeUnauthorized, "token expired"),
			wantStatus: 401,
			wantJSON: `{"errorResponse":{"errorMessage":"token expired","errorType":"UNAUTHORIZED","requestId":"%s","timestamp":"` + wantTimestamp + `"},
				"response_code":401,"response_message":"FAILURE"}`,
		},
		{
			name:       "status 0 is 500",
			fault:      wrappertest.ErrorFault(0, api.ErrorTypeSystemError, "boom"),
			wantStatus: 500,
			wantJSON: `{"errorResponse":{"errorMessage":"boom","errorType":"SYSTEM_ERROR","requestId":"%s","timestamp":"` + wantTimestamp + `"},
				"response_code":500,"response_message":"FAILURE"}`,
		},
		{
			name:       "200 carrying an errorResponse",
			fault:      wrappertest.ErrorFault(http.StatusOK, api.ErrorTypeClientRequestError, "duplicate request"),
			wantStatus: 200,
			wantJSON: `{"errorResponse":{"errorMessage":"duplicate request","errorType":"CLIENT_REQUEST_ERROR","requestId":"%s","timestamp":"` + wantTimestamp + `"},
				"response_code":200,"response_message":"FAILURE"}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers(), wrappertest.WithClock(clock.Now))
			rc := rawClient{t: t, srv: srv}
			srv.Inject(tc.fault)

			res := rc.patch(wrappertest.DemoCustomerID, srv.Token, `{"legalName":""}`)
			require.Equal(t, tc.wantStatus, res.status)
			assert.Equal(t, "application/json", res.header.Get("Content-Type"))
			reqs := srv.Requests()
			require.Len(t, reqs, 1)
			id := reqs[0].RequestID
			require.NotEmpty(t, id)
			assert.Equal(t, id, res.header.Get("X-Request-Id"))
			assert.JSONEq(t, strings.Replace(tc.wantJSON, "%s", id, 1), string(res.body))
			assert.NoError(t, validateCustomerResponse(t, res.status, res.header, res.body), "the envelope conforms to openapi.yaml")
			if tc.wantStatus == http.StatusUnauthorized {
				assert.Equal(t, `Bearer realm="enkash"`, res.header.Get("WWW-Authenticate"))
			}

			// Used up: the next request is served normally.
			assert.Equal(t, 0, srv.PendingFaults())
			res = rc.patch(wrappertest.DemoCustomerID, srv.Token, `{"state":"Goa"}`)
			assert.Equal(t, http.StatusOK, res.status)
		})
	}
}

// TestErrorFaultValidatorCatchesOffSpec is the control for the spec check
// above: an errorType the spec does not list, or a status it does not list,
// does fail it.
func TestErrorFaultValidatorCatchesOffSpec(t *testing.T) {
	for _, f := range []wrappertest.Fault{
		wrappertest.ErrorFault(http.StatusBadRequest, api.ErrorType("NOT_A_TYPE"), "x"),
		wrappertest.ErrorFault(http.StatusTeapot, api.ErrorTypeValidationError, "x"),
	} {
		srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
		srv.Inject(f)
		res := rawClient{t: t, srv: srv}.patch(wrappertest.DemoCustomerID, srv.Token, `{}`)
		assert.Error(t, validateCustomerResponse(t, res.status, res.header, res.body), "status %d", res.status)
		assert.Empty(t, srv.SpecViolations(), "faults are not validated by the server")
	}
}

// TestErrorFaultOptions: each served request gets its own requestId, Times and
// RetryAfter work as for any Fault, a Body set by the caller wins, and a value
// that cannot be encoded is reported as a spec violation.
func TestErrorFaultOptions(t *testing.T) {
	t.Run("times and retry-after", func(t *testing.T) {
		srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
		rc := rawClient{t: t, srv: srv}
		f := wrappertest.ErrorFault(http.StatusInternalServerError, api.ErrorTypeSystemError, "down")
		f.Times, f.RetryAfter = 2, "3"
		srv.Inject(f)
		a := rc.patch(wrappertest.DemoCustomerID, srv.Token, `{}`)
		b := rc.patch(wrappertest.DemoCustomerID, srv.Token, `{}`)
		c := rc.patch(wrappertest.DemoCustomerID, srv.Token, `{}`)
		assert.Equal(t, []int{500, 500, 200}, []int{a.status, b.status, c.status})
		assert.Equal(t, "3", a.header.Get("Retry-After"))
		require.NotNil(t, a.env.ErrorResponse)
		require.NotNil(t, b.env.ErrorResponse)
		assert.NotEqual(t, *a.env.ErrorResponse.RequestId, *b.env.ErrorResponse.RequestId)
		assert.Equal(t, a.header.Get("X-Request-Id"), *a.env.ErrorResponse.RequestId)
	})
	t.Run("body set by the caller", func(t *testing.T) {
		srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
		f := wrappertest.ErrorFault(http.StatusBadRequest, api.ErrorTypeValidationError, "x")
		f.Body = `{"custom":true}`
		srv.Inject(f)
		res := rawClient{t: t, srv: srv}.patch(wrappertest.DemoCustomerID, srv.Token, `{}`)
		assert.Equal(t, `{"custom":true}`, string(res.body))
	})
	t.Run("unencodable rejected value", func(t *testing.T) {
		srv := wrappertest.NewServer(wrappertest.WithDemoCustomers())
		defer srv.Close()
		srv.Inject(wrappertest.ErrorFault(http.StatusBadRequest, api.ErrorTypeValidationError, "x",
			wrappertest.SubError{Field: "f", RejectedValue: make(chan int)}))
		res := rawClient{t: t, srv: srv}.patch(wrappertest.DemoCustomerID, srv.Token, `{}`)
		assert.Equal(t, http.StatusBadRequest, res.status)
		require.Len(t, srv.SpecViolations(), 1)
		assert.Contains(t, srv.SpecViolations()[0].Error(), "ErrorFault")
	})
}

// TestErrorFaultWithWrapperClient: wrapper.Client turns each envelope into an
// *APIError with the sentinel of its errorType, and the status, message,
// requestId, timestamp and sub-errors sent; the token endpoint is not
// answered by the fault.
func TestErrorFaultWithWrapperClient(t *testing.T) {
	clock := newFakeClock()
	var u api.UpdateCustomerRequest
	u.LegalName.Set("Acme Traders Pvt Ltd")

	t.Run("validation error", func(t *testing.T) {
		srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers(), wrappertest.WithClock(clock.Now))
		c, err := wrapper.NewClient(srv.URL, wrapper.WithToken(srv.Token))
		require.NoError(t, err)
		defer c.CloseIdleConnections()
		srv.Inject(wrappertest.ErrorFault(http.StatusBadRequest, api.ErrorTypeValidationError, "Request validation failed",
			wrappertest.SubError{Field: "legalName", Message: "must not be blank", RejectedValue: ""},
			wrappertest.SubError{Object: "customerKeyContactCreateDTO", Field: "customerKeyContacts[0].name", Message: "must not be null"},
			wrappertest.SubError{Field: "customerKeyContacts[0].mobile", Message: "invalid", RejectedValue: "98765"}))

		_, err = c.UpdateCustomer(context.Background(), wrappertest.DemoCustomerID, u)
		require.Error(t, err)
		assert.ErrorIs(t, err, wrapper.ErrValidation)
		var apiErr *wrapper.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
		assert.Equal(t, api.ErrorTypeValidationError, apiErr.ErrorType)
		assert.Equal(t, "Request validation failed", apiErr.ErrorMessage)
		assert.Equal(t, []wrapper.SubError{
			{Field: "legalName", Message: "must not be blank", RejectedValue: ""},
			{Object: "customerKeyContactCreateDTO", Field: "customerKeyContacts[0].name", Message: "must not be null"},
			{Field: "customerKeyContacts[0].mobile", Message: "invalid", RejectedValue: "[REDACTED]"},
		}, apiErr.SubErrors)
		reqs := srv.Requests()
		require.Len(t, reqs, 1, "a 400 is not retried")
		assert.Equal(t, reqs[0].RequestID, apiErr.RequestID)
		assert.True(t, clock.Now().Equal(apiErr.Timestamp), "timestamp %v", apiErr.Timestamp)
		assert.Equal(t, int32(400), apiErr.ResponseCode)
		assert.Equal(t, "FAILURE", apiErr.ResponseMessage)
	})

	for _, tc := range []struct {
		status    int
		errorType api.ErrorType
		sentinel  error
	}{
		{http.StatusBadRequest, api.ErrorTypeClientRequestError, wrapper.ErrClientRequestError},
		{http.StatusUnauthorized, api.ErrorTypeUnauthorized, wrapper.ErrUnauthorized},
		{http.StatusForbidden, api.ErrorTypeInvalidAccess, wrapper.ErrInvalidAccess},
		{http.StatusNotFound, api.ErrorTypeRecordNotFound, wrapper.ErrNotFound},
		{http.StatusUnprocessableEntity, api.ErrorTypeUnprocessableRequest, wrapper.ErrUnprocessable},
		{http.StatusInternalServerError, api.ErrorTypeSystemError, wrapper.ErrSystemError},
		{http.StatusOK, api.ErrorTypeUnknownError, wrapper.ErrUnknownError},
	} {
		t.Run(string(tc.errorType), func(t *testing.T) {
			srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
			c, err := wrapper.NewClient(srv.URL, wrapper.WithToken(srv.Token), wrapper.WithRetry(wrapper.RetryPolicy{MaxAttempts: 1}))
			require.NoError(t, err)
			defer c.CloseIdleConnections()
			srv.Inject(wrappertest.ErrorFault(tc.status, tc.errorType, "message for "+string(tc.errorType)))
			_, err = c.UpdateCustomer(context.Background(), wrappertest.DemoCustomerID, u)
			assert.ErrorIs(t, err, tc.sentinel)
			var apiErr *wrapper.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode)
			assert.Equal(t, tc.errorType, apiErr.ErrorType)
			assert.Equal(t, "message for "+string(tc.errorType), apiErr.ErrorMessage)
			assert.Empty(t, apiErr.SubErrors)
		})
	}

	t.Run("password grant: the token request is served normally", func(t *testing.T) {
		srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
		c, err := wrapper.NewClient(srv.URL, wrapper.WithPasswordCredentials(wrappertest.DefaultClientID,
			wrappertest.DefaultClientSecret, wrappertest.DefaultUsername, wrappertest.DefaultPassword))
		require.NoError(t, err)
		defer c.CloseIdleConnections()
		srv.Inject(wrappertest.ErrorFault(http.StatusNotFound, api.ErrorTypeRecordNotFound, "no such customer"))
		_, err = c.UpdateCustomer(context.Background(), wrappertest.DemoCustomerID, u)
		assert.ErrorIs(t, err, wrapper.ErrNotFound)
		assert.Equal(t, 1, srv.IssuedTokens())
		var paths []string
		for _, r := range srv.Requests() {
			paths = append(paths, r.Path)
		}
		assert.Equal(t, []string{"/oauth/token", "/api/v0/customer/" + wrappertest.DemoCustomerID}, paths)
	})
}
