package wrapper

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"iter"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

// demoUpdates yields n updates of the three demo customers, each setting
// legalName to "Batch <i>".
func demoUpdates(n int) iter.Seq[CustomerUpdate] {
	ids := []string{wrappertest.DemoCustomerID, wrappertest.DemoCustomerID2, wrappertest.DemoCustomerID3}
	return func(yield func(CustomerUpdate) bool) {
		for i := range n {
			u := CustomerUpdate{CustomerID: ids[i%len(ids)]}
			u.Body.LegalName.Set(fmt.Sprintf("Batch %d", i))
			if !yield(u) {
				return
			}
		}
	}
}

// TestUpdateCustomersOneResultPerItem: every item gets exactly one result,
// with its index and customer id; a bad item fails alone (locally, nothing
// sent), the others reach the fake.
func TestUpdateCustomersOneResultPerItem(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	c, err := NewClient(srv.URL, WithToken(srv.Token))
	require.NoError(t, err)
	const n = 50
	items := func(yield func(CustomerUpdate) bool) {
		for i, u := range collect(demoUpdates(n)) {
			if i == 7 {
				u.CustomerID = "not-an-id"
			}
			if !yield(u) {
				return
			}
		}
	}
	seen := map[int]int{}
	var failed []BatchResult
	for r := range c.UpdateCustomers(context.Background(), items, WithConcurrency(4)) {
		seen[r.Index]++
		if r.Err != nil {
			failed = append(failed, r)
			continue
		}
		assert.Equal(t, r.CustomerID, r.Customer.CustomerId)
		assert.Equal(t, 200, r.Meta.StatusCode)
		assert.NotEmpty(t, r.Meta.RequestID)
	}
	require.Len(t, seen, n)
	for i := range n {
		assert.Equal(t, 1, seen[i], "item %d", i)
	}
	require.Len(t, failed, 1)
	assert.Equal(t, 7, failed[0].Index)
	var ve *ValidationError
	assert.ErrorAs(t, failed[0].Err, &ve)
	assert.Len(t, srv.Requests(), n-1, "the invalid item is not sent")
}

func collect[T any](s iter.Seq[T]) []T {
	var out []T
	for v := range s {
		out = append(out, v)
	}
	return out
}

// countingSeq yields n items and counts how many were taken.
type countingSeq struct{ taken atomic.Int64 }

func (cs *countingSeq) seq(n int) iter.Seq[CustomerUpdate] {
	return func(yield func(CustomerUpdate) bool) {
		for u := range demoUpdates(n) {
			cs.taken.Add(1)
			if !yield(u) {
				return
			}
		}
	}
}

// TestUpdateCustomersStreams: items are taken from the input only as calls
// complete: never more than concurrency+1 ahead of the results yielded, even
// with a slow consumer and a slow server.
func TestUpdateCustomersStreams(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	srv.Inject(wrappertest.Fault{Status: 429, RetryAfter: "0", Times: 2})
	c, err := NewClient(srv.URL, WithToken(srv.Token))
	require.NoError(t, err)
	const n, conc = 200, 5
	var cs countingSeq
	yielded, maxAhead := 0, int64(0)
	for r := range c.UpdateCustomers(context.Background(), cs.seq(n), WithConcurrency(conc)) {
		require.NoError(t, r.Err)
		yielded++
		maxAhead = max(maxAhead, cs.taken.Load()-int64(yielded))
		if yielded%20 == 0 {
			time.Sleep(time.Millisecond) // a slow consumer: the feeder must not run ahead
		}
	}
	assert.Equal(t, n, yielded)
	assert.LessOrEqual(t, maxAhead, int64(conc+1))
	assert.Positive(t, maxAhead, "the check saw items in flight")
}

// TestUpdateCustomersStopEarly: breaking out of the loop stops reading the
// input and ends the calls in flight; no goroutine is left behind (the
// package's TestMain checks leaks).
func TestUpdateCustomersStopEarly(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	c, err := NewClient(srv.URL, WithToken(srv.Token))
	require.NoError(t, err)
	var cs countingSeq
	got := 0
	for range c.UpdateCustomers(context.Background(), cs.seq(1000), WithConcurrency(4)) {
		if got++; got == 10 {
			break
		}
	}
	assert.Equal(t, 10, got)
	assert.LessOrEqual(t, cs.taken.Load(), int64(10+4+1), "reading stopped with the loop")
}

// TestUpdateCustomersContextEnds: when ctx ends, the calls in flight end
// with ctx's error, every item already taken gets its result, and nothing
// more is read from the input.
func TestUpdateCustomersContextEnds(t *testing.T) {
	const conc = 3
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The first call is answered; every later one hangs until the client
	// gives up. Once 1+conc requests have reached the server, ctx ends.
	var received atomic.Int32
	ts := newTestServer(t)
	ts.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		n := received.Add(1)
		if n == 1+conc {
			cancel()
		}
		if n > 1 {
			<-r.Context().Done()
			return
		}
		id := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
		reply(w, 200, "application/json", fmt.Sprintf(`{"payload":{"customerId":%q}}`, id))
	})
	c, _ := newClient(t, ts)
	var cs countingSeq
	var results []BatchResult
	for r := range c.UpdateCustomers(ctx, cs.seq(100), WithConcurrency(conc)) {
		results = append(results, r)
	}
	require.Len(t, results, 1+conc, "one result per item taken")
	assert.Equal(t, int64(1+conc), cs.taken.Load(), "no item is read after ctx ended")
	ok := 0
	for _, r := range results {
		if r.Err == nil {
			ok++
			continue
		}
		assert.ErrorIs(t, r.Err, context.Canceled)
	}
	assert.Equal(t, 1, ok, "the first call was answered")
}

// h2Server is an HTTP/2 TLS server answering every update with a minimal
// success envelope for the customer in the path, counting connections.
func h2Server(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ProtoMajor != 2 {
			t.Errorf("request over %s, want HTTP/2", r.Proto)
		}
		id := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"payload":{"customerId":%q},"response_code":0,"response_message":"SUCCESS"}`, id)
	}))
	srv.EnableHTTP2 = true
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshakes of closed spare connections
	srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, &conns
}

// trustTestCA keeps the SDK's default transport and trusts srv's test CA.
func trustTestCA(srv *httptest.Server) Option {
	roots := srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	return WithTransportWrapper(func(rt http.RoundTripper) http.RoundTripper {
		tr := rt.(*http.Transport)
		tr.TLSClientConfig = &tls.Config{RootCAs: roots}
		return tr
	})
}

// TestUpdateCustomersHTTP2ColdStart: 64 workers starting at once against an
// HTTP/2 server open at most 2 connections (one would do). The control shows
// what the batch avoids: 64 single calls started at once on a cold client.
func TestUpdateCustomersHTTP2ColdStart(t *testing.T) {
	const n = 64
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("KCH2TEST%08d", i)
	}
	items := func(yield func(CustomerUpdate) bool) {
		for _, id := range ids {
			var u CustomerUpdate
			u.CustomerID = id
			u.Body.State.Set("Goa")
			if !yield(u) {
				return
			}
		}
	}

	srv, conns := h2Server(t)
	c, err := NewClient(srv.URL, WithToken(fxToken), trustTestCA(srv))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	ok := 0
	for r := range c.UpdateCustomers(context.Background(), items, WithConcurrency(n)) {
		require.NoError(t, r.Err)
		ok++
	}
	assert.Equal(t, n, ok)
	assert.LessOrEqual(t, conns.Load(), int32(2), "a cold start against HTTP/2 opens at most 2 connections")

	ctrlSrv, ctrlConns := h2Server(t)
	ctrl, err := NewClient(ctrlSrv.URL, WithToken(fxToken), trustTestCA(ctrlSrv))
	require.NoError(t, err)
	t.Cleanup(ctrl.CloseIdleConnections)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, id := range ids {
		wg.Go(func() {
			<-start
			var b api.UpdateCustomerRequest
			b.State.Set("Goa")
			_, err := ctrl.UpdateCustomer(context.Background(), id, b)
			assert.NoError(t, err)
		})
	}
	close(start)
	wg.Wait()
	t.Logf("control: %d single calls started at once opened %d connections; the batch opened %d", n, ctrlConns.Load(), conns.Load())
}

// fixedClock is a clock that never moves; with it every wait at the gate is
// counted by the injected sleeper, which returns at once.
func fixedClock() func() time.Time {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return func() time.Time { return t0 }
}

// TestUpdateCustomersRetryAfterHoldsTheBatch: a 429 with Retry-After: 5 to
// one call makes every call of the batch that sends afterwards wait for it,
// not only the call that got it. The input releases the other items only
// once the first call is waiting, so each of them must pass the gate.
func TestUpdateCustomersRetryAfterHoldsTheBatch(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	srv.Inject(wrappertest.Fault{Status: 429, RetryAfter: "5", Times: 1})
	var mu sync.Mutex
	var waits []time.Duration
	firstWait := make(chan struct{})
	var once sync.Once
	sleep := func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		once.Do(func() { close(firstWait) })
		return ctx.Err()
	}
	c, err := NewClient(srv.URL, WithToken(srv.Token), withSleep(sleep), withClock(fixedClock()))
	require.NoError(t, err)
	const others = 6
	items := func(yield func(CustomerUpdate) bool) {
		first := true
		for u := range demoUpdates(1 + others) {
			if !yield(u) {
				return
			}
			if first {
				first = false
				select {
				case <-firstWait: // item 0 got its 429 and waits at the gate
				case <-time.After(10 * time.Second): // no wait at all: the assertions below fail
				}
			}
		}
	}
	ok := 0
	for r := range c.UpdateCustomers(context.Background(), items, WithConcurrency(4)) {
		require.NoError(t, r.Err)
		ok++
	}
	assert.Equal(t, 1+others, ok)
	mu.Lock()
	defer mu.Unlock()
	held := 0
	for _, d := range waits {
		if d == 5*time.Second {
			held++
		}
	}
	assert.Equal(t, 1+others, held, "the call that got the 429 and every call after it waited for Retry-After: %v", waits)
	assert.Len(t, srv.Requests(), 1+others+1, "one 429, then one request per item")
}

// TestUpdateCustomerRetryAfterAlone: outside a batch a Retry-After holds
// only the call that got it (the control for the test above).
func TestUpdateCustomerRetryAfterAlone(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	srv.Inject(wrappertest.Fault{Status: 429, RetryAfter: "5", Times: 1})
	rec := &sleepRecorder{}
	c, err := NewClient(srv.URL, WithToken(srv.Token), withSleep(rec.sleep), withClock(fixedClock()))
	require.NoError(t, err)
	for u := range demoUpdates(3) {
		_, err := c.UpdateCustomer(context.Background(), u.CustomerID, u.Body)
		require.NoError(t, err)
	}
	assert.Equal(t, []time.Duration{5 * time.Second}, rec.get())
}

// TestUpdateCustomersRateLimit: with WithRateLimit(r, burst) the batch
// waits before every request beyond the burst, in all (n-burst)/r on a clock
// that does not move: the waits follow from the workload.
func TestUpdateCustomersRateLimit(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	rec := &sleepRecorder{}
	c, err := NewClient(srv.URL, WithToken(srv.Token), withSleep(rec.sleep), withClock(fixedClock()))
	require.NoError(t, err)
	const n, burst, r = 12, 2, 10
	for res := range c.UpdateCustomers(context.Background(), demoUpdates(n), WithConcurrency(3), WithRateLimit(r, burst)) {
		require.NoError(t, res.Err)
	}
	waits := rec.get()
	assert.Len(t, waits, n-burst, "every request beyond the burst waited")
	var total time.Duration
	for _, d := range waits {
		total += d
	}
	// On a fixed clock the k-th request beyond the burst waits k/r.
	want := time.Duration(0)
	for k := 1; k <= n-burst; k++ {
		want += time.Duration(k) * time.Second / r
	}
	assert.Equal(t, want, total)
	assert.Len(t, srv.Requests(), n)
}
