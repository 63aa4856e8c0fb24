package bulk

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper"
)

// TestUpdateCustomers_HTTP2ColdStart: a batch at concurrency 64 or 256
// starting cold against an HTTP/2 server opens at most 2 connections: one
// while the concurrency fits the server's stream limit (250 for Go's
// server), and beyond it one more, not one per call that finds every
// stream taken (Go's transport dials for each such call while the first
// dial is under way: 7 at 256 before). The control shows what the batch
// avoids: the same number of single calls started at once on a cold
// client.
func TestUpdateCustomers_HTTP2ColdStart(t *testing.T) {
	for _, n := range []int{64, 256} {
		t.Run(fmt.Sprintf("concurrency %d", n), func(t *testing.T) {
			h := func(w http.ResponseWriter, r *http.Request) {
				if r.ProtoMajor != 2 {
					t.Errorf("request over %s, want HTTP/2", r.Proto)
				}
				replyOK(w, pathID(r))
			}
			srv, conns := connServer(t, true, h)
			c := tlsClient(t, srv)
			ok := 0
			for r := range UpdateCustomers(context.Background(), c, distinctUpdates(n), WithConcurrency(n)) {
				require.NoError(t, r.Err)
				ok++
			}
			assert.Equal(t, n, ok)
			assert.Positive(t, conns.accepted.Load(), "connections are counted")
			const streams = 250 // http2's default MaxConcurrentStreams, httptest's server's
			bound := (n + streams - 1) / streams
			assert.LessOrEqual(t, int(conns.accepted.Load()), bound, "connections against HTTP/2: concurrency over the server's streams, rounded up")

			ctrlSrv, ctrlConns := connServer(t, true, h)
			ctrl := tlsClient(t, ctrlSrv)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for u := range distinctUpdates(n) {
				wg.Go(func() {
					<-start
					_, err := ctrl.UpdateCustomer(context.Background(), u.CustomerID, api.UpdateCustomerRequest{})
					assert.NoError(t, err)
				})
			}
			close(start)
			wg.Wait()
			t.Logf("control: %d single calls started at once opened %d connections; the batch opened %d", n, ctrlConns.accepted.Load(), conns.accepted.Load())
		})
	}
}

// TestUpdateCustomers_HTTP2BeyondStreamLimit: 256 calls in flight at once
// against Go's HTTP/2 server (250 streams per connection) are carried by 2
// connections: the calls beyond the first connection's streams share one
// new connection, where Go's transport dials one for each of them started
// while the first such dial is under way (7 before). The server holds the
// requests until all 256 have arrived, or until none has arrived for 3 s
// (on a loaded machine a call may dial a spare connection that Go drops, and
// the batch then keeps fewer calls in flight: that is
// TestUpdateCustomers_HTTP2SpareDialCapsConcurrency's concern, which caps
// the batch so that such a dial happens at most once). Without the batch's
// sequencing Go's transport dials 7 connections here, 2 of which carry
// requests; with it, 2 (3 when one spare dial happened under load).
func TestUpdateCustomers_HTTP2BeyondStreamLimit(t *testing.T) {
	const n = 256
	var arrived atomic.Int64
	all := make(chan struct{})
	var release sync.Once
	progress := make(chan struct{}, n+1)
	go func() { // releases the held requests once arrivals stop
		for {
			select {
			case <-all:
				return
			case <-progress:
			case <-time.After(3 * time.Second):
				release.Do(func() { close(all) })
				return
			}
		}
	}()
	srv, conns := connServer(t, true, func(w http.ResponseWriter, r *http.Request) {
		k := arrived.Add(1)
		progress <- struct{}{}
		switch {
		case k == 1: // the cold start's call, alone
		case k == n+1:
			release.Do(func() { close(all) })
		default:
			<-all
		}
		replyOK(w, pathID(r))
	})
	c := tlsClient(t, srv)
	ok := 0
	for r := range UpdateCustomers(context.Background(), c, distinctUpdates(n+1), WithConcurrency(n)) {
		require.NoError(t, r.Err)
		ok++
	}
	assert.Equal(t, n+1, ok)
	t.Logf("%d connections accepted, %d carried requests", conns.accepted.Load(), conns.used.Load())
	assert.LessOrEqual(t, int(conns.accepted.Load()), 3, "TLS connections dialled for 256 streams against a server allowing 250 per connection")
	assert.Equal(t, 2, int(conns.used.Load()), "connections that carried the 256 streams")
}

// TestUpdateCustomers_HTTP2SpareDialCapsConcurrency: when a call over
// HTTP/2 found every stream taken (Go's transport started a dial) but then
// went on an open connection (a stream came free first, and the transport
// drops the new connection), the batch keeps its calls in flight below the
// count that call made, so that it does not dial such spare connections
// again and again. The transport here reports those trace events itself:
// the 10th call of the first wave dials and gets a reused connection;
// later calls wait (up to 5 ms) for a 10th call in flight that must not
// come.
func TestUpdateCustomers_HTTP2SpareDialCapsConcurrency(t *testing.T) {
	h2conn := h2TLSConn(t)
	const n, items = 10, 60
	var (
		inflight, maxAfter atomic.Int64
		seen               atomic.Int64
		wave               = make(chan struct{})
	)
	rt := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		trace := httptrace.ContextClientTrace(req.Context())
		k := seen.Add(1)
		cur := inflight.Add(1)
		defer inflight.Add(-1)
		switch {
		case k == 1: // the cold start, alone
			trace.GotConn(httptrace.GotConnInfo{Conn: h2conn})
		case k <= n+1: // the first wave: held until all n are in flight
			if cur == n {
				trace.ConnectStart("tcp", "127.0.0.1:443")
				trace.GotConn(httptrace.GotConnInfo{Conn: h2conn, Reused: true})
				close(wave)
			} else {
				trace.GotConn(httptrace.GotConnInfo{Conn: h2conn, Reused: true})
			}
			<-wave
		default:
			trace.GotConn(httptrace.GotConnInfo{Conn: h2conn, Reused: true})
			for range 5 {
				if c := inflight.Load(); c > maxAfter.Load() {
					maxAfter.Store(c)
				}
				time.Sleep(time.Millisecond)
			}
		}
		id := pathID(req)
		body := fmt.Sprintf(`{"payload":{"customerId":%q},"response_code":0,"response_message":"SUCCESS"}`, id)
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: req}, nil
	})
	c, err := wrapper.NewClient("https://enkash.test", wrapper.WithToken(testToken), wrapper.WithHTTPClient(&http.Client{Transport: rt}))
	require.NoError(t, err)
	ok := 0
	for r := range UpdateCustomers(context.Background(), c, distinctUpdates(items), WithConcurrency(n)) {
		require.NoError(t, r.Err)
		ok++
	}
	assert.Equal(t, items, ok)
	assert.Positive(t, maxAfter.Load(), "calls in flight are counted")
	assert.LessOrEqual(t, maxAfter.Load(), int64(n-1), "calls in flight after the spare dial")
}

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// h2TLSConn is a TLS connection that negotiated HTTP/2 (ALPN "h2"), to an
// httptest server.
func h2TLSConn(t *testing.T) *tls.Conn {
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	roots := srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	conn, err := tls.Dial("tcp", srv.Listener.Addr().String(), &tls.Config{RootCAs: roots, NextProtos: []string{"h2"}, ServerName: "example.com"})
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	require.Equal(t, "h2", conn.ConnectionState().NegotiatedProtocol)
	return conn
}

// TestUpdateCustomers_HTTP1ConnectionsFollowConcurrency: over HTTP/1.1 a
// batch opens at most as many connections as its concurrency, whatever the
// number of items: its pool keeps every connection for the next calls and
// dials no more than that. (Before, with an idle pool of 100 per host,
// every round at concurrency 256 closed 156 connections and dialled them
// again: 3,531 connections for 10,000 items; with an unbounded idle pool
// alone, Go's transport still dialled for calls that found no connection
// idle a moment before one came back: 13 at concurrency 8, 411 at 256.)
func TestUpdateCustomers_HTTP1ConnectionsFollowConcurrency(t *testing.T) {
	tests := []struct{ concurrency, items int }{
		{8, 400},
		{256, 1024},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("concurrency %d, %d items", tt.concurrency, tt.items), func(t *testing.T) {
			srv, conns := connServer(t, false, func(w http.ResponseWriter, r *http.Request) {
				if r.ProtoMajor != 1 {
					t.Errorf("request over %s, want HTTP/1.1", r.Proto)
				}
				replyOK(w, pathID(r))
			})
			c := tlsClient(t, srv)
			ok := 0
			for r := range UpdateCustomers(context.Background(), c, distinctUpdates(tt.items), WithConcurrency(tt.concurrency)) {
				require.NoError(t, r.Err)
				if ok++; ok == tt.items {
					conns.done.Store(true)
				}
			}
			assert.Equal(t, tt.items, ok)
			t.Logf("connections accepted %d, used %d, closed during the run %d", conns.accepted.Load(), conns.used.Load(), conns.closed.Load())
			assert.Positive(t, conns.used.Load(), "connections are counted")
			// A connection closed during the run is replaced by another: rare
			// (0 in most runs, 1 now and then at concurrency 256), where an
			// idle pool smaller than the concurrency closes one per call or so.
			assert.LessOrEqual(t, int(conns.closed.Load()), tt.items/100, "connections closed during the run")
			assert.LessOrEqual(t, int(conns.used.Load()), tt.concurrency+int(conns.closed.Load()),
				"connections beyond the concurrency: some were dialled while others were free")
		})
	}
}
