package wrapper

// Tests added after a mutation run (.ci/mutate, wrapper/testdata/mutations.txt)
// found behaviours that README.md or the doc comments promise but no test
// checked. Each names the mutation it kills.

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
)

// APIError.RequestID: "errorResponse.requestId, else the X-Request-Id
// header". Kills envelope/request-id-header-fallback-missing.
func TestRequestIDFromHeader(t *testing.T) {
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

// decodeError "never quotes a value from the body": a number that does not
// fit (encoding/json quotes it: "number 9876543210") stays out of the error
// text. Kills errors/decode-error-quotes-value.
func TestDecodeErrorDoesNotQuoteNumber(t *testing.T) {
	ts := newTestServer(t)
	ts.mux.HandleFunc("/", status(200, "application/json", `{"payload":{"customerId":"x"},"response_code":`+fxMobile+`}`))
	c, _ := newClient(t, ts)
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	assert.ErrorIs(t, err, ErrInvalidResponse)
	assert.NotContains(t, err.Error(), fxMobile)
}
