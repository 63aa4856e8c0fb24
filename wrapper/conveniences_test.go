package wrapper

import (
	"context"
	"net"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
)

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestWithUserAgentReachesEveryRequest(t *testing.T) {
	a := newAuthServer(t, false, 3600)
	var agents []string
	c, err := NewClient(a.URL+prefix, WithPasswordCredentials(fxClientID, fxClientSecret, fxUser, fxPassword),
		WithUserAgent("acme-erp/1.0"), WithUserAgent("cron"),
		WithTransportWrapper(func(rt http.RoundTripper) http.RoundTripper {
			return roundTripFunc(func(r *http.Request) (*http.Response, error) {
				agents = append(agents, r.Header.Get("User-Agent"))
				return rt.RoundTrip(r)
			})
		}))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	_, err = c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	require.NoError(t, err)
	assert.Equal(t, []string{"enkash-go/" + Version + " acme-erp/1.0 cron", "enkash-go/" + Version + " acme-erp/1.0 cron"}, agents,
		"the token request and the PATCH")
	_, err = NewClient("https://api.enkash.example", WithUserAgent("bad\napp"))
	assert.Error(t, err)
}

func TestWithTransportWrapperRules(t *testing.T) {
	_, err := NewClient("https://api.enkash.example", WithHTTPClient(http.DefaultClient),
		WithTransportWrapper(func(rt http.RoundTripper) http.RoundTripper { return rt }))
	assert.Error(t, err, "cannot wrap a client's transport the SDK does not own")
	_, err = NewClient("https://api.enkash.example", WithTransportWrapper(func(http.RoundTripper) http.RoundTripper { return nil }))
	assert.Error(t, err)
	var seen http.RoundTripper
	_, err = NewClient("https://api.enkash.example", WithTimeout(5e9), WithTransportWrapper(func(rt http.RoundTripper) http.RoundTripper { seen = rt; return rt }))
	require.NoError(t, err)
	tr, ok := seen.(*http.Transport)
	require.True(t, ok)
	assert.Equal(t, maxIdleConns, tr.MaxIdleConnsPerHost)
	assert.Zero(t, tr.MaxIdleConns, "no limit over all hosts")
	assert.Equal(t, int64(maxResponseHeaderBytes), tr.MaxResponseHeaderBytes)
}

func TestWithResponseMetadata(t *testing.T) {
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
		assert.Equal(t, ResponseMetadata{Attempts: DefaultMaxAttempts}, m)
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
