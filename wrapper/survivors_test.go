package wrapper

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
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

// TestConcurrent401sRefreshOnce: two calls send the same token and both get
// a 401 for it; the second 401 is held until the first call has refreshed
// and resent with the new token. The second call's refresh must then keep
// that new token (the generation guard), not throw it away and fetch a third.
func TestConcurrent401sRefreshOnce(t *testing.T) {
	var issued, firstTokenPatches atomic.Int32
	newTokenSeen, bothSent := make(chan struct{}), make(chan struct{})
	var once sync.Once
	ts := newTestServer(t)
	ts.mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		reply(w, 200, "application/json", fmt.Sprintf(`{"access_token":"token-%d-abcdefgh","expires_in":3600}`, issued.Add(1)))
	})
	ts.mux.HandleFunc("PATCH /api/v0/customer/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "Bearer token-1-abcdefgh" {
			// No answer until both calls have sent token 1, so neither can
			// refresh before the other has sent it.
			switch firstTokenPatches.Add(1) {
			case 1:
				<-bothSent
			case 2:
				close(bothSent)
				<-newTokenSeen // the late 401
			}
			reply(w, 401, "application/json", errEnvelope("UNAUTHORIZED", "token revoked"))
			return
		}
		once.Do(func() { close(newTokenSeen) })
		reply(w, 200, "application/json", okEnvelope)
	})
	c, err := NewClient(ts.URL+prefix, WithPasswordCredentials(fxClientID, fxClientSecret, fxUser, fxPassword))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
		}()
	}
	wg.Wait()
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
	assert.Equal(t, int32(2), firstTokenPatches.Load(), "both calls sent token 1")
	assert.Equal(t, int32(2), issued.Load(), "token 1, then one refresh for both 401s")
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
