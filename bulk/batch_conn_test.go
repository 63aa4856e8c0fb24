package bulk

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
)

// TestUpdateCustomers_HTTP2ColdStart: a batch at concurrency 64 or 256
// starting cold against an HTTP/2 server opens at most 2 connections, and
// beyond the server's stream limit (250 for Go's server) at most one more
// per call over it: Go's transport dials for a request that finds every
// stream taken. The control shows what the batch avoids: the same number of
// single calls started at once on a cold client.
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
			bound := max(2, 1+n-streams)
			assert.LessOrEqual(t, int(conns.accepted.Load()), bound, "a cold start against HTTP/2 opens at most 2 connections, more only beyond the server's streams")

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
