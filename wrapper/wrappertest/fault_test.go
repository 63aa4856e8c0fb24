package wrappertest_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

func TestFaultNTimesThenNormal(t *testing.T) {
	srv, _ := newServer(t, wrappertest.WithDemoCustomers())
	srv.Inject(wrappertest.Fault{
		Status: http.StatusServiceUnavailable, Body: "<html>busy</html>", ContentType: "text/html",
		RetryAfter: "2", Times: 2, Header: http.Header{"X-Fault": {"yes"}},
	})
	assert.Equal(t, 1, srv.PendingFaults())
	rc := rawClient{t, srv}
	for i := 0; i < 2; i++ {
		r := rc.patch(wrappertest.DemoCustomerID, srv.Token, `{"state":"Goa"}`)
		assert.Equal(t, http.StatusServiceUnavailable, r.status)
		assert.Equal(t, "<html>busy</html>", string(r.body))
		assert.Equal(t, "text/html", r.header.Get("Content-Type"))
		assert.Equal(t, "2", r.header.Get("Retry-After"))
		assert.Equal(t, "yes", r.header.Get("X-Fault"))
	}
	got, _ := srv.Customer(wrappertest.DemoCustomerID)
	assert.Equal(t, "Gujarat", got.State, "faulted calls change nothing")
	assert.Equal(t, 0, srv.PendingFaults())
	r := rc.patch(wrappertest.DemoCustomerID, srv.Token, `{"state":"Goa"}`)
	assert.Equal(t, http.StatusOK, r.status)
	assert.Len(t, srv.Requests(), 3, "faulted requests are logged too")
}

func TestFaultQueueAndPath(t *testing.T) {
	srv, _ := newServer(t, wrappertest.WithDemoCustomers())
	srv.Inject(
		wrappertest.Fault{Status: http.StatusBadGateway, Path: "/oauth/token"},
		wrappertest.Fault{Status: http.StatusTooManyRequests, RetryAfter: "Wed, 21 Oct 2015 07:28:00 GMT", Path: "/api/v0/customer/"},
		wrappertest.Fault{Status: http.StatusInternalServerError, Body: `{"errorResponse":{"errorType":"SYSTEM_ERROR"}}`, ContentType: "application/json"},
	)
	rc := rawClient{t, srv}
	r := rc.patch(wrappertest.DemoCustomerID, srv.Token, `{}`)
	assert.Equal(t, http.StatusTooManyRequests, r.status, "the token fault is skipped for PATCH")
	assert.Equal(t, "Wed, 21 Oct 2015 07:28:00 GMT", r.header.Get("Retry-After"))
	r = rc.patch(wrappertest.DemoCustomerID, srv.Token, `{}`)
	assert.Equal(t, http.StatusInternalServerError, r.status)
	assert.Equal(t, "SYSTEM_ERROR", string(*r.env.ErrorResponse.ErrorType))
	r = rc.patch(wrappertest.DemoCustomerID, srv.Token, `{}`)
	assert.Equal(t, http.StatusOK, r.status)
	resp, _ := tokenRequest(t, srv, wrappertest.DefaultClientID, wrappertest.DefaultClientSecret, goodTokenForm())
	assert.Equal(t, http.StatusBadGateway, resp.StatusCode)
	resp, _ = tokenRequest(t, srv, wrappertest.DefaultClientID, wrappertest.DefaultClientSecret, goodTokenForm())
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestFaultForeverUntilCleared(t *testing.T) {
	srv, _ := newServer(t, wrappertest.WithDemoCustomers())
	srv.Inject(wrappertest.Fault{Times: -1})
	rc := rawClient{t, srv}
	for i := 0; i < 5; i++ {
		r := rc.patch(wrappertest.DemoCustomerID, srv.Token, `{}`)
		assert.Equal(t, http.StatusInternalServerError, r.status, "zero Status means 500")
		assert.Empty(t, r.body)
	}
	srv.ClearFaults()
	assert.Equal(t, http.StatusOK, rc.patch(wrappertest.DemoCustomerID, srv.Token, `{}`).status)
}

// TestFaultDelayHonoursContext: a client that gives up during an injected
// delay gets its ctx error, and the server's handler ends then (it logs the
// request when it returns), not when the server closes.
func TestFaultDelayHonoursContext(t *testing.T) {
	logged := make(chan string, 16)
	srv, _ := newServer(t, wrappertest.WithDemoCustomers(), wrappertest.WithLogger(slog.New(msgHandler(logged))))
	srv.Inject(wrappertest.Fault{Status: http.StatusOK, Delay: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { // cancel once the server has the request
		for len(srv.Requests()) == 0 && ctx.Err() == nil {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPatch, srv.URL+"/api/v0/customer/"+wrappertest.DemoCustomerID, strings.NewReader(`{}`))
	require.NoError(t, err)
	_, err = srv.Client().Do(req)
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.Canceled), "%v", err)
	select {
	case msg := <-logged:
		assert.Equal(t, "request", msg)
	case <-time.After(hangGuard):
		t.Fatal("the handler kept waiting after the client went away")
	}
}

// msgHandler is a slog handler that sends each record's message to a channel
// (dropping it when the channel is full).
type msgHandler chan string

func (h msgHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h msgHandler) Handle(_ context.Context, r slog.Record) error {
	select {
	case h <- r.Message:
	default:
	}
	return nil
}
func (h msgHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h msgHandler) WithGroup(string) slog.Handler      { return h }

func TestFaultDelayThenAnswer(t *testing.T) {
	srv, _ := newServer(t, wrappertest.WithDemoCustomers())
	srv.Inject(wrappertest.Fault{Status: http.StatusGatewayTimeout, Delay: 50 * time.Millisecond})
	start := time.Now()
	r := rawClient{t, srv}.patch(wrappertest.DemoCustomerID, srv.Token, `{}`)
	assert.Equal(t, http.StatusGatewayTimeout, r.status)
	// A lower bound only: a timer never fires early, however busy the
	// machine, so this cannot fail spuriously.
	assert.GreaterOrEqual(t, time.Since(start), 50*time.Millisecond, "the delay was waited")
}

func TestCloseDuringDelayDoesNotHang(t *testing.T) {
	srv := wrappertest.NewServer(wrappertest.WithDemoCustomers())
	srv.Inject(wrappertest.Fault{Delay: time.Hour})
	errc := make(chan error, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPatch, srv.URL+"/api/v0/customer/"+wrappertest.DemoCustomerID, strings.NewReader(`{}`))
		resp, err := srv.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	require.Eventually(t, func() bool { return len(srv.Requests()) == 1 }, hangGuard, time.Millisecond)
	done := make(chan struct{})
	go func() { srv.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(hangGuard):
		t.Fatal("Close hung on an injected delay")
	}
	<-errc
}

func TestFaultCloseConnection(t *testing.T) {
	t.Run("before any byte", func(t *testing.T) {
		srv, _ := newServer(t, wrappertest.WithDemoCustomers())
		srv.Inject(wrappertest.Fault{CloseConnection: true})
		req, _ := http.NewRequest(http.MethodPatch, srv.URL+"/api/v0/customer/"+wrappertest.DemoCustomerID, strings.NewReader(`{}`))
		req.Header.Set("Authorization", "Bearer "+srv.Token)
		req.Header.Set("Content-Type", "application/json")
		// PATCH is not idempotent for net/http, so the transport does not retry it.
		_, err := srv.Client().Do(req)
		require.Error(t, err)
		assert.Equal(t, http.StatusOK, rawClient{t, srv}.patch(wrappertest.DemoCustomerID, srv.Token, `{}`).status, "next call is normal")
	})
	t.Run("mid-body", func(t *testing.T) {
		srv, _ := newServer(t, wrappertest.WithDemoCustomers())
		srv.Inject(wrappertest.Fault{CloseConnection: true, Status: http.StatusOK, Body: `{"payload":{"customerId":"KCDE`, ContentType: "application/json"})
		req, _ := http.NewRequest(http.MethodPatch, srv.URL+"/api/v0/customer/"+wrappertest.DemoCustomerID, strings.NewReader(`{}`))
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		b, err := io.ReadAll(resp.Body)
		require.Error(t, err)
		assert.Equal(t, `{"payload":{"customerId":"KCDE`, string(b))
	})
}

func TestFaultTrickle(t *testing.T) {
	srv, _ := newServer(t, wrappertest.WithDemoCustomers())
	// A byte an hour: the body cannot complete, whatever the machine's load;
	// the client gives up once the headers are in.
	srv.Inject(wrappertest.Fault{Status: http.StatusOK, Body: `{"payload":{}}`, ContentType: "application/json", TrickleInterval: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPatch, srv.URL+"/api/v0/customer/"+wrappertest.DemoCustomerID, strings.NewReader(`{}`))
	resp, err := srv.Client().Do(req)
	require.NoError(t, err, "headers arrive at once")
	defer resp.Body.Close()
	cancel()
	b, err := io.ReadAll(resp.Body)
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.Canceled), "%v", err)
	assert.Less(t, len(b), len(`{"payload":{}}`))

	srv.Inject(wrappertest.Fault{Status: http.StatusOK, Body: `{}`, ContentType: "application/json", TrickleInterval: time.Millisecond})
	r := rawClient{t, srv}.patch(wrappertest.DemoCustomerID, srv.Token, `{}`)
	assert.Equal(t, `{}`, string(r.body), "a patient client gets the whole body")
}

// TestResponseDelayServesTheRealAnswer: WithResponseDelay delays the real
// answer (the update is applied), and a client that gives up ends the wait.
func TestResponseDelayServesTheRealAnswer(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers(), wrappertest.WithResponseDelay(20*time.Millisecond))
	resp := rawClient{t, srv}.patch(wrappertest.DemoCustomerID, srv.Token, `{"state":"Goa"}`)
	require.Equal(t, 200, resp.status)
	c, _ := srv.Customer(wrappertest.DemoCustomerID)
	assert.Equal(t, "Goa", c.State)

	slow := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers(), wrappertest.WithResponseDelay(time.Hour))
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for len(slow.Requests()) == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPatch, slow.URL+"/api/v0/customer/"+wrappertest.DemoCustomerID, strings.NewReader(`{"state":"Goa"}`))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+slow.Token)
	req.Header.Set("Content-Type", "application/json")
	_, err = slow.Client().Do(req)
	require.ErrorIs(t, err, context.Canceled)
	c, _ = slow.Customer(wrappertest.DemoCustomerID)
	assert.NotEqual(t, "Goa", c.State, "a request given up during the delay is not applied")
}
