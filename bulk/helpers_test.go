package bulk

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/wrapper"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

// testToken is the bearer token the tests' own servers ignore.
const testToken = "tok-bulk-test-4f9a1c"

// withSleep replaces the gate's wait (Retry-After holds, rate limiter).
func withSleep(f func(context.Context, time.Duration) error) Option {
	return func(s *settings) { s.sleep = f }
}

// withClock replaces the gate's clock.
func withClock(now func() time.Time) Option {
	return func(s *settings) { s.now = now }
}

// fixedClock is a clock that never moves; with it every wait at the gate is
// counted by the injected sleeper, which returns at once.
func fixedClock() func() time.Time {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return func() time.Time { return t0 }
}

// sleepRecorder records each wait at the gate and returns at once.
type sleepRecorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (r *sleepRecorder) sleep(ctx context.Context, d time.Duration) error {
	r.mu.Lock()
	r.waits = append(r.waits, d)
	r.mu.Unlock()
	return ctx.Err()
}

func (r *sleepRecorder) get() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Duration(nil), r.waits...)
}

// demoUpdates yields n updates of the three demo customers, each setting
// legalName to "Batch <i>".
func demoUpdates(n int) iter.Seq[Update] {
	ids := []string{wrappertest.DemoCustomerID, wrappertest.DemoCustomerID2, wrappertest.DemoCustomerID3}
	return func(yield func(Update) bool) {
		for i := range n {
			u := Update{CustomerID: ids[i%len(ids)]}
			u.Body.LegalName.Set(fmt.Sprintf("Batch %d", i))
			if !yield(u) {
				return
			}
		}
	}
}

// distinctUpdates yields n updates of n different customers.
func distinctUpdates(n int) iter.Seq[Update] {
	return func(yield func(Update) bool) {
		for i := range n {
			u := Update{CustomerID: fmt.Sprintf("KCBULK%010d", i)}
			u.Body.State.Set("Goa")
			if !yield(u) {
				return
			}
		}
	}
}

// countingSeq counts the items taken from the sequences it wraps.
type countingSeq struct{ taken atomic.Int64 }

func (cs *countingSeq) seq(s iter.Seq[Update]) iter.Seq[Update] {
	return func(yield func(Update) bool) {
		for u := range s {
			cs.taken.Add(1)
			if !yield(u) {
				return
			}
		}
	}
}

// pathID is the customer id at the end of an update's path.
func pathID(r *http.Request) string { return r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:] }

// bulkIndex is the i of a customer id distinctUpdates made (KCBULK%010d).
func bulkIndex(id string) (int, error) { return strconv.Atoi(strings.TrimPrefix(id, "KCBULK")) }

// replyOK answers an update with a minimal success envelope for id.
func replyOK(w http.ResponseWriter, id string) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"payload":{"customerId":%q},"response_code":0,"response_message":"SUCCESS"}`, id)
}

// connCounts counts a test server's connections: those accepted (dialled
// by the client) and those that carried a request. Under load (the suite
// runs on two busy cores) a handshake can fail and the client dial again:
// that connection is accepted but carries nothing.
type connCounts struct {
	accepted, used atomic.Int32
	// closed counts the used connections that closed before done was set
	// (by the test, once it has every result: the batch then closes its
	// idle connections).
	closed atomic.Int32
	done   atomic.Bool
}

// connServer starts h on an httptest server over TLS (HTTP/1.1, or HTTP/2
// when h2), counting its connections.
func connServer(t *testing.T, h2 bool, h http.HandlerFunc) (*httptest.Server, *connCounts) {
	var counts connCounts
	var mu sync.Mutex
	active := map[net.Conn]bool{}
	srv := httptest.NewUnstartedServer(h)
	srv.EnableHTTP2 = h2
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshakes of closed spare connections
	srv.Config.ConnState = func(c net.Conn, st http.ConnState) {
		switch st {
		case http.StateNew:
			counts.accepted.Add(1)
		case http.StateActive:
			mu.Lock()
			defer mu.Unlock()
			if !active[c] {
				active[c] = true
				counts.used.Add(1)
			}
		case http.StateClosed:
			mu.Lock()
			defer mu.Unlock()
			if active[c] && !counts.done.Load() {
				counts.closed.Add(1)
			}
		}
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, &counts
}

// tlsClient is a wrapper.Client for srv with the SDK's default transport
// (its idle pool and HTTP/2 settings), trusting srv's test CA.
func tlsClient(t *testing.T, srv *httptest.Server, opts ...wrapper.Option) *wrapper.Client {
	roots := srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	all := append([]wrapper.Option{wrapper.WithToken(testToken),
		wrapper.WithTransportWrapper(func(rt http.RoundTripper) http.RoundTripper {
			tr := rt.(*http.Transport)
			tr.TLSClientConfig = &tls.Config{RootCAs: roots}
			return tr
		})}, opts...)
	c, err := wrapper.NewClient(srv.URL, all...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// plainClient is a wrapper.Client for an http:// loopback server.
func plainClient(t *testing.T, url string, opts ...wrapper.Option) *wrapper.Client {
	c, err := wrapper.NewClient(url, append([]wrapper.Option{wrapper.WithToken(testToken)}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// fakeClient is a wrapper.Client for the wrappertest fake srv.
func fakeClient(t *testing.T, srv *wrappertest.Server) *wrapper.Client {
	c, err := wrapper.NewClient(srv.URL, wrapper.WithToken(srv.Token))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// jsonDecode decodes a request body.
func jsonDecode(r *http.Request, v any) error { return json.NewDecoder(r.Body).Decode(v) }
