package wrapper

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
)

// Tests for behaviour that mutations of main survived (issue 10 item 17).

// TestNon2xxWithPayloadIsAnError: a payload does not make a call succeed;
// the status must be 2xx too.
func TestNon2xxWithPayloadIsAnError(t *testing.T) {
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
