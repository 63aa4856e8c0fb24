package wrapper

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
)

// Protocol edges of issue 10 (items 11–13).

// TestResponseHeadersCapped (item 11): an 8 MiB response header is refused
// by the default transport, and the call allocates a bounded amount, not a
// multiple of the header.
func TestResponseHeadersCapped(t *testing.T) {
	huge := []byte("HTTP/1.1 200 OK\r\nX-Junk: " + strings.Repeat("a", 8<<20) + "\r\nContent-Length: 2\r\n\r\n{}")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan struct{})
	go func() { // answers one request; writes the prebuilt bytes (no copy)
		defer close(done)
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		if r, err := http.ReadRequest(bufio.NewReader(conn)); err == nil {
			_, _ = io.Copy(io.Discard, r.Body)
			_, _ = conn.Write(huge)
		}
	}()
	defer func() { _ = ln.Close(); <-done }()
	base := "http://" + ln.Addr().String()
	c, err := NewClient(base, WithToken(fxToken), WithoutRetries())
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	runtime.ReadMemStats(&after)
	require.ErrorIs(t, err, ErrNetwork)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(4<<20), "bytes allocated by one call with an 8 MiB header")
}

// TestPayloadForAnotherCustomer (item 13): a 2xx whose payload is another
// customer than the one updated is not success.
func TestPayloadForAnotherCustomer(t *testing.T) {
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

// TestUnusable2xxIsOutcomeUnknown: a 2xx means Enkash applied the update;
// when its answer cannot be used, the error says the outcome is unknown, so
// a caller who resends on other errors does not apply it twice.
func TestUnusable2xxIsOutcomeUnknown(t *testing.T) {
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
