package wrapper

import (
	"context"
	"errors"
	"net/http"
	"testing"

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
// the status must be 2xx too.
func TestInvoke_Non2xxWithPayloadIsAnError(t *testing.T) {
	for _, code := range []int{302, 400, 404, 409, 500} {
		ts := newTestServer(t)
		ts.mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { reply(w, code, "application/json", okEnvelope) })
		c, _ := newClient(t, ts)
		cust, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
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
