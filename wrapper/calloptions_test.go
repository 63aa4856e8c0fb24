package wrapper

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWithResponseMetadata_FillsMetadata(t *testing.T) {
	t.Run("an error envelope", func(t *testing.T) {
		ts := newTestServer(t)
		ts.mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("X-Request-Id", "hdr-id")
			reply(w, 404, "application/json", `{"errorResponse":{"errorType":"RECORD_NOT_FOUND","requestId":"env-id-1"}}`)
		})
		c, _ := newClient(t, ts)
		var m ResponseMetadata
		_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{}, WithResponseMetadata(&m))
		require.ErrorIs(t, err, ErrNotFound)
		assert.Equal(t, ResponseMetadata{StatusCode: 404, RequestID: "env-id-1", Attempts: 1}, m)
	})
	t.Run("no response at all", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := ln.Addr().String()
		require.NoError(t, ln.Close())
		rec := &sleepRecorder{}
		c, err := NewClient("http://"+addr, WithToken(fxToken), withSleep(rec.sleep))
		require.NoError(t, err)
		m := ResponseMetadata{StatusCode: 99, RequestID: "stale"}
		_, err = c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{}, WithResponseMetadata(&m))
		require.ErrorIs(t, err, ErrNetwork)
		assert.Equal(t, ResponseMetadata{Attempts: defaultMaxAttempts}, m)
	})
	t.Run("refused locally", func(t *testing.T) {
		c, err := NewClient("https://api.enkash.example", WithToken(fxToken))
		require.NoError(t, err)
		m := ResponseMetadata{Attempts: 5}
		_, err = c.UpdateCustomer(context.Background(), "bad", api.UpdateCustomerRequest{}, WithResponseMetadata(&m))
		require.ErrorIs(t, err, ErrValidation)
		assert.Equal(t, ResponseMetadata{Attempts: 5}, m, "validation fails before the call: nothing to report")
	})
}

// P3: PII in X-Request-Id reaches ResponseMetadata.RequestID (success path).
func TestWithResponseMetadata_RequestIDRedactedOnSuccess(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("X-Request-Id", "rid "+fxMobile+" "+fxEmail)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"payload":{"customerId":%q}}`, validCustomerID)
	}))
	defer srv.Close()
	c, _ := NewClient(srv.URL, WithToken(hostileToken))
	var m ResponseMetadata
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, piiBody(), WithResponseMetadata(&m))
	t.Logf("err=%v meta=%+v", err, m)
	if l := leaks(m.RequestID); len(l) > 0 {
		t.Errorf("LEAK in ResponseMetadata.RequestID: %v", l)
	}
}

// ResponseMetadata.Attempts counts the resend after a 401 with a refreshed
// token. Kills meta/attempts-ignore-refresh.
func TestWithResponseMetadata_AttemptsCountRefreshResend(t *testing.T) {
	a := newAuthServer(t, false, 3600)
	seq := &sequence{steps: steps(status(401, "application/json", errEnvelope("UNAUTHORIZED", "expired")), ok200)}
	a.mux.Handle("PATCH /api/v0/customer/"+validCustomerID, seq)
	c := passwordClient(t, a)
	var m ResponseMetadata
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{}, WithResponseMetadata(&m))
	require.NoError(t, err)
	assert.Equal(t, ResponseMetadata{StatusCode: 200, Attempts: 2}, m)
}

// ResponseMetadata.RequestID gets the full redaction pass, also when it
// comes from the error's envelope: personal data in it is masked. Kills
// meta/request-id-not-redacted.
func TestWithResponseMetadata_RequestIDRedactedOnError(t *testing.T) {
	ts := newTestServer(t)
	ts.mux.HandleFunc("/", status(404, "application/json",
		`{"errorResponse":{"errorType":"RECORD_NOT_FOUND","errorMessage":"no","requestId":"rid call `+fxMobile+`"}}`))
	c, _ := newClient(t, ts)
	var m ResponseMetadata
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{}, WithResponseMetadata(&m))
	require.ErrorIs(t, err, ErrNotFound)
	assert.NotContains(t, m.RequestID, fxMobile)
	assert.Contains(t, m.RequestID, "rid call")
}
