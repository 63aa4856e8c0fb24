package wrapper

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestInvoke_PayloadForAnotherCustomerIsAnError (item 13): a 2xx whose payload is another
// customer than the one updated is not success.
func TestInvoke_PayloadForAnotherCustomerIsAnError(t *testing.T) {
	ts := newTestServer(t)
	ts.mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		reply(w, 200, "application/json", `{"payload":{"customerId":"KCOTHER000000001","legalName":"Other"}}`)
	})
	c, _ := newClient(t, ts)
	cust, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	assert.Nil(t, cust)
	require.ErrorIs(t, err, ErrInvalidResponse)
	var ae *APIError
	require.True(t, errors.As(err, &ae))
	assert.Equal(t, 200, ae.StatusCode)
}

// TestInvoke_Unusable2xxIsOutcomeUnknown: a 2xx means Enkash applied the update;
// when its answer cannot be used, the error says the outcome is unknown, so
// a caller who resends on other errors does not apply it twice.
func TestInvoke_Unusable2xxIsOutcomeUnknown(t *testing.T) {
	for name, body := range map[string]string{
		"not JSON":         "<html>ok</html>",
		"no payload":       `{"response_code":0}`,
		"another customer": `{"payload":{"customerId":"KCOTHER000000001"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			ts := newTestServer(t)
			ts.mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { reply(w, 200, "application/json", body) })
			c, _ := newClient(t, ts)
			_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
			assert.ErrorIs(t, err, ErrInvalidResponse)
			assert.ErrorIs(t, err, ErrOutcomeUnknown)
		})
	}
	ts := newTestServer(t)
	ts.mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { reply(w, 404, "text/plain", "nope") })
	c, _ := newClient(t, ts)
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	assert.NotErrorIs(t, err, ErrOutcomeUnknown, "a 404 applied nothing")
}

// TestInvoke_Non2xxWithPayloadIsAnError: a payload does not make a call succeed;
// the status must be 2xx too, and any 2xx will do (the ends of the range
// included).
func TestInvoke_Non2xxWithPayloadIsAnError(t *testing.T) {
	for _, code := range []int{200, 202, 299, 300, 302, 400, 404, 409, 500} {
		ts := newTestServer(t)
		ts.mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { reply(w, code, "application/json", okEnvelope) })
		c, _ := newClient(t, ts, WithRetry(RetryPolicy{MaxAttempts: 1}))
		cust, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
		if code >= 200 && code <= 299 {
			require.NoError(t, err, "status %d", code)
			assert.Equal(t, "Acme Traders Pvt Ltd", cust.LegalName, "status %d", code)
			continue
		}
		assert.Nil(t, cust, "status %d", code)
		var ae *APIError
		require.ErrorAs(t, err, &ae, "status %d", code)
		assert.Equal(t, code, ae.StatusCode)
	}
}

// APIError.RequestID: "errorResponse.requestId, else the X-Request-Id
// header". Kills envelope/request-id-header-fallback-missing.
func TestAPIError_RequestIDFromHeaderFallback(t *testing.T) {
	ts := newTestServer(t)
	ts.mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Request-Id", "req-from-header")
		reply(w, 404, "", "")
	})
	c, _ := newClient(t, ts)
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "req-from-header", ae.RequestID)
}

func TestInvoke_ResponsesWithoutUsableEnvelope(t *testing.T) {
	html502 := "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center>" + strings.Repeat("<!-- padding -->", 40) + "</body></html>"
	tests := []struct {
		name     string
		code     int
		ctype    string
		body     string
		sentinel error
		ok       bool
		snippet  bool
	}{
		{"400 html", 400, "text/html", "<html>bad</html>", ErrClientRequestError, false, true},
		{"401 empty", 401, "", "", ErrUnauthorized, false, false},
		{"403 text", 403, "text/plain", "forbidden", ErrInvalidAccess, false, true},
		{"404 empty json", 404, "application/json", "{}", ErrNotFound, false, false},
		{"422 text", 422, "text/plain", "nope", ErrUnprocessable, false, true},
		{"429 no retry", 429, "", "", ErrRateLimited, false, false},
		{"500 html", 500, "text/html", "<h1>oops</h1>", ErrServer, false, true},
		{"502 html", 502, "text/html", html502, ErrServer, false, true},
		{"503 empty", 503, "", "", ErrServer, false, false},
		{"302 redirect", 302, "", "", ErrUnexpectedStatus, false, false},
		{"418 teapot", 418, "text/plain", "teapot", ErrUnexpectedStatus, false, true},
		{"200 truncated json", 200, "application/json", okEnvelope[:40], ErrInvalidResponse, false, true},
		{"200 empty", 200, "application/json", "", ErrInvalidResponse, false, false},
		{"200 null", 200, "application/json", "null", ErrInvalidResponse, false, false},
		{"200 payload null", 200, "application/json", `{"payload":null,"response_code":0}`, ErrInvalidResponse, false, false},
		{"204 no content", 204, "", "", ErrInvalidResponse, false, false},
		{"200 errorResponse", 200, "application/json", `{"payload":{"customerId":"x"},"errorResponse":{"errorType":"RECORD_NOT_FOUND"}}`, ErrNotFound, false, false},
		{"200 errorResponse without type", 200, "application/json", `{"errorResponse":{"errorMessage":"?"}}`, nil, false, false},
		{"200 wrong types", 200, "application/json", `{"payload":"customer","response_code":"zero"}`, ErrInvalidResponse, false, true},
		{"200 invalid utf8", 200, "application/json", "{\"payload\":{\"customerId\":\"" + validCustomerID + "\",\"legalName\":\"\xff\xfe\"}}", nil, true, false},
		{"200 invalid utf8 garbage", 200, "text/plain", "\xff\xfe\xfd not json", ErrInvalidResponse, false, true},
		{"200 non-zero response_code with payload", 200, "application/json", `{"payload":{"customerId":"` + validCustomerID + `"},"response_code":7}`, nil, true, false},
		{"200 json with wrong content type", 200, "text/html", okEnvelope, nil, true, false},
		{"201 payload", 201, "application/json", okEnvelope, nil, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestServer(t)
			ts.mux.HandleFunc("/", status(tc.code, tc.ctype, tc.body))
			c, _ := newClient(t, ts, WithRetry(RetryPolicy{MaxAttempts: 1}))
			cust, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
			if tc.ok {
				require.NoError(t, err)
				assert.NotNil(t, cust)
				return
			}
			require.Error(t, err)
			assert.Nil(t, cust)
			var ae *APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tc.code, ae.StatusCode)
			if tc.sentinel != nil {
				assert.ErrorIs(t, err, tc.sentinel)
			}
			assert.LessOrEqual(t, len(ae.Snippet), snippetMax+len("…"))
			assert.True(t, utf8.ValidString(ae.Snippet))
			assert.True(t, utf8.ValidString(ae.Error()))
			if tc.snippet {
				assert.NotEmpty(t, ae.Snippet)
			}
		})
	}
}

func TestInvoke_ResponseSizeLimit(t *testing.T) {
	big := `{"payload":{"customerId":"` + validCustomerID + `","address":"` + strings.Repeat("a", 2000) + `"}}`
	for _, tc := range []struct {
		name  string
		limit int64
		code  int
		ok    bool
	}{
		{"under limit", int64(len(big)), 200, true},
		{"one over", int64(len(big)) - 1, 200, false},
		{"error status over", 100, 404, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestServer(t)
			ts.mux.HandleFunc("/", status(tc.code, "application/json", big))
			c, _ := newClient(t, ts, WithMaxResponseBytes(tc.limit))
			_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
			if tc.ok {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, ErrResponseTooLarge)
			var ae *APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tc.code, ae.StatusCode)
		})
	}
}

func TestInvoke_NetworkErrorTyped(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close()) // connection refused from now on
	rec := &sleepRecorder{}
	c, err := NewClient("http://"+addr, WithToken(fxToken), withSleep(rec.sleep))
	require.NoError(t, err)
	_, err = c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	assert.ErrorIs(t, err, ErrNetwork)
	var ae *APIError
	assert.False(t, errors.As(err, &ae))
	assert.Len(t, rec.get(), defaultMaxAttempts-1, "network errors are retried")
	assert.NotContains(t, err.Error(), fxToken)
}

// TestBodyReadError_OutcomeUnknownOnlyAfterA2xx: a body that breaks off
// after a 2xx (the ends of the range included) leaves the outcome unknown;
// after any other status it does not. ErrNetwork unless the ctx ended.
func TestBodyReadError_OutcomeUnknownOnlyAfterA2xx(t *testing.T) {
	done, cancel := context.WithCancel(context.Background())
	cancel()
	cut := errors.New("connection reset")
	for _, status := range []int{199, 200, 204, 299, 300, 404, 500} {
		for _, ctx := range []context.Context{context.Background(), done} {
			err := bodyReadError(ctx, status, cut)
			assert.Equal(t, status >= 200 && status <= 299, errors.Is(err, ErrOutcomeUnknown), "%d, ctx err %v", status, ctx.Err())
			assert.Equal(t, ctx.Err() == nil, errors.Is(err, ErrNetwork), "%d, ctx err %v", status, ctx.Err())
			assert.ErrorIs(t, err, cut)
		}
	}
}

// TestInvoke_EnvelopeWithoutPayloadOrError: an envelope with neither a
// payload nor an errorResponse is ErrInvalidResponse after any 2xx (the
// ends of the range included), and only the status's error after another.
func TestInvoke_EnvelopeWithoutPayloadOrError(t *testing.T) {
	for _, code := range []int{200, 299, 300, 400, 500} {
		ts := newTestServer(t)
		ts.mux.HandleFunc("/", status(code, "application/json", `{"response_code":0,"response_message":"SUCCESS"}`))
		c, _ := newClient(t, ts, WithRetry(RetryPolicy{MaxAttempts: 1}))
		_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
		var ae *APIError
		require.ErrorAs(t, err, &ae, "status %d", code)
		assert.Equal(t, code >= 200 && code <= 299, errors.Is(err, ErrInvalidResponse), "status %d", code)
	}
}
