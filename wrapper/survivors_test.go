package wrapper

import (
	"context"
	"net/http"
	"sync"
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

// TestConcurrent401sRefreshOnce: many calls that get a 401 for the same
// revoked token fetch one new token between them, not one each (a refresh
// must not invalidate the token another call has just fetched).
func TestConcurrent401sRefreshOnce(t *testing.T) {
	a := newAuthServer(t, false, 3600)
	c := passwordClient(t, a)
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	require.NoError(t, err)
	require.Equal(t, int32(1), a.issued.Load())
	a.revokeAll()
	var wg sync.WaitGroup
	errs := make([]error, 16)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		assert.NoError(t, err)
	}
	assert.Equal(t, int32(2), a.issued.Load(), "one refresh for all the 401s")
}

// TestInvalidGrantIsUnauthorized: the token endpoint's 400 invalid_grant
// (a wrong password) is ErrUnauthorized, like its 401.
func TestInvalidGrantIsUnauthorized(t *testing.T) {
	for _, oauthErr := range []string{"invalid_grant", "invalid_client", "unauthorized_client"} {
		ts := newTestServer(t)
		ts.mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, _ *http.Request) {
			reply(w, 400, "application/json", `{"error":"`+oauthErr+`","error_description":"Bad credentials"}`)
		})
		c, err := NewClient(ts.URL+prefix, WithPasswordCredentials(fxClientID, fxClientSecret, fxUser, fxPassword))
		require.NoError(t, err)
		_, err = c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
		assert.ErrorIs(t, err, ErrUnauthorized, oauthErr)
		c.CloseIdleConnections()
	}
}

// TestScrubMasksSevenDigitNumbers: 7 digits (a landline without its code)
// are masked; 6 are not (they are usually codes, PINs of addresses).
func TestScrubMasksSevenDigitNumbers(t *testing.T) {
	assert.Equal(t, "call [REDACTED] now", scrub("call 4123456 now"))
	assert.Equal(t, "pin 560001 ok", scrub("pin 560001 ok"))
}
