package bulk

import (
	"context"
	"encoding/json"
	"errors"
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
	"go.uber.org/goleak"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

// TestUpdateCustomers_OneResultPerItem: every item gets exactly one result,
// with its index and customer id; a bad item fails alone (locally, nothing
// sent), the others reach the fake.
func TestUpdateCustomers_OneResultPerItem(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	c := fakeClient(t, srv)
	const n = 50
	items := func(yield func(Update) bool) {
		i := 0
		for u := range demoUpdates(n) {
			if i == 7 {
				u.CustomerID = "not-an-id"
			}
			i++
			if !yield(u) {
				return
			}
		}
	}
	seen := map[int]int{}
	var failed []Result
	for r := range UpdateCustomers(context.Background(), c, items, WithConcurrency(4)) {
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
	var ve *wrapper.ValidationError
	assert.ErrorAs(t, failed[0].Err, &ve)
	assert.Len(t, srv.Requests(), n-1, "the invalid item is not sent")
}

// TestUpdateCustomers_Streams: items are taken from the input only as calls
// complete: never more than concurrency+1 ahead of the results yielded, even
// with a slow consumer and a slow server.
func TestUpdateCustomers_Streams(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	srv.Inject(wrappertest.Fault{Status: 429, RetryAfter: "0", Times: 2})
	c := fakeClient(t, srv)
	const n, conc = 200, 5
	var cs countingSeq
	yielded, maxAhead := 0, int64(0)
	for r := range UpdateCustomers(context.Background(), c, cs.seq(demoUpdates(n)), WithConcurrency(conc)) {
		require.NoError(t, r.Err)
		yielded++
		maxAhead = max(maxAhead, cs.taken.Load()-int64(yielded))
		if yielded%20 == 0 {
			time.Sleep(time.Millisecond) // a slow consumer: the input must not run ahead
		}
	}
	assert.Equal(t, n, yielded)
	assert.LessOrEqual(t, maxAhead, int64(conc+1))
	assert.Positive(t, maxAhead, "the check saw items in flight")
}

// TestUpdateCustomers_StopEarly: breaking out of the loop stops reading the
// input and ends the calls in flight; no goroutine is left behind (TestMain
// checks leaks).
func TestUpdateCustomers_StopEarly(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	c := fakeClient(t, srv)
	var cs countingSeq
	got := 0
	for range UpdateCustomers(context.Background(), c, cs.seq(demoUpdates(1000)), WithConcurrency(4)) {
		if got++; got == 10 {
			break
		}
	}
	assert.Equal(t, 10, got)
	assert.LessOrEqual(t, cs.taken.Load(), int64(10+4+1), "reading stopped with the loop")
}

// TestUpdateCustomers_ContextEnds: when ctx ends, the calls in flight end
// with ctx's error, every item already taken gets its result, and nothing
// more is read from the input.
func TestUpdateCustomers_ContextEnds(t *testing.T) {
	const conc = 3
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The first call is answered; every later one hangs until the client
	// gives up. Once 1+conc requests have reached the server, ctx ends.
	var received atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // then the request's context sees the client go
		n := received.Add(1)
		if n == 1+conc {
			cancel()
		}
		if n > 1 {
			<-r.Context().Done()
			return
		}
		replyOK(w, pathID(r))
	}))
	t.Cleanup(srv.Close)
	c := plainClient(t, srv.URL)
	var cs countingSeq
	var results []Result
	for r := range UpdateCustomers(ctx, c, cs.seq(distinctUpdates(100)), WithConcurrency(conc)) {
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

// TestUpdateCustomers_RetryAfterHoldsTheBatch: a 429 with Retry-After: 5 to
// one call makes every call of the batch that sends afterwards wait for it,
// not only the call that got it. The input releases the other items only
// once the first call is waiting, so each of them must pass the gate.
func TestUpdateCustomers_RetryAfterHoldsTheBatch(t *testing.T) {
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
	c := fakeClient(t, srv)
	const others = 6
	items := func(yield func(Update) bool) {
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
	for r := range UpdateCustomers(context.Background(), c, items, WithConcurrency(4), withSleep(sleep), withClock(fixedClock())) {
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

// TestUpdateCustomers_RetryAfterOverCapHoldsTheBatch: a 429 whose
// Retry-After is longer than the client waits for fails its item, but still
// holds the rest of the batch for as long as the client would have waited.
func TestUpdateCustomers_RetryAfterOverCapHoldsTheBatch(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	srv.Inject(wrappertest.Fault{Status: 429, RetryAfter: "120", Times: 1, Path: "/api/v0/customer/" + wrappertest.DemoCustomerID})
	rec := &sleepRecorder{}
	c := fakeClient(t, srv)
	var failed, ok int
	for r := range UpdateCustomers(context.Background(), c, demoUpdates(4), WithConcurrency(1), withSleep(rec.sleep), withClock(fixedClock())) {
		if r.Err != nil {
			require.ErrorIs(t, r.Err, wrapper.ErrRateLimited)
			failed++
		} else {
			ok++
		}
	}
	assert.Equal(t, 1, failed)
	assert.Equal(t, 3, ok)
	assert.Contains(t, rec.get(), 30*time.Second, "the next items waited as long as the client would have (RetryPolicy.MaxRetryAfter's default)")
}

// TestUpdateCustomers_RateLimit: with WithRateLimit(r, burst) the batch
// waits before every request beyond the burst, in all (n-burst)/r on a clock
// that does not move: the waits follow from the workload.
func TestUpdateCustomers_RateLimit(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	c := fakeClient(t, srv)
	rec := &sleepRecorder{}
	const n, burst, r = 12, 2, 10
	for res := range UpdateCustomers(context.Background(), c, demoUpdates(n), WithConcurrency(3), WithRateLimit(r, burst),
		withSleep(rec.sleep), withClock(fixedClock())) {
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

// TestUpdateCustomers_SameCustomerInOrder: updates of one customer are
// never in flight together, so the file's later update is applied last, for
// any number of them: with concurrency 2, the third update of a customer is
// taken while the second is in flight (the first's result was just
// yielded) and must still wait for it.
func TestUpdateCustomers_SameCustomerInOrder(t *testing.T) {
	var inFlight, overlaps atomic.Int32
	var mu sync.Mutex
	var applied []string
	arrived := map[string]chan struct{}{"Second": make(chan struct{}), "Third": make(chan struct{})}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if inFlight.Add(1) > 1 {
			overlaps.Add(1)
		}
		defer inFlight.Add(-1)
		var body api.UpdateCustomerRequest
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			t.Error(err)
		}
		name := body.LegalName.MustGet()
		if ch, ok := arrived[name]; ok {
			close(ch)
		}
		next := map[string]string{"First": "Second", "Second": "Third"}[name]
		if next != "" {
			// Hold it until the next update of the customer could have
			// overtaken it: the batch must not send that one meanwhile
			// (the timer is only a guard against hanging the suite).
			select {
			case <-arrived[next]:
			case <-r.Context().Done():
			case <-time.After(250 * time.Millisecond):
			}
		}
		mu.Lock()
		applied = append(applied, name)
		mu.Unlock()
		replyOK(w, pathID(r))
	}))
	t.Cleanup(srv.Close)
	c := plainClient(t, srv.URL)
	// A warm-up item for another customer first: the batch's cold start
	// sends one item at a time until an answer came back.
	items := func(yield func(Update) bool) {
		warm := Update{CustomerID: "KCWARMUP00000001"}
		warm.Body.LegalName.Set("Warm-up")
		if !yield(warm) {
			return
		}
		for _, name := range []string{"First", "Second", "Third"} {
			u := Update{CustomerID: "KCABCDEFGH123456"}
			u.Body.LegalName.Set(name)
			if !yield(u) {
				return
			}
		}
	}
	for r := range UpdateCustomers(context.Background(), c, items, WithConcurrency(2)) {
		require.NoError(t, r.Err)
	}
	assert.Zero(t, overlaps.Load(), "two updates of one customer in flight at once")
	assert.Equal(t, []string{"Warm-up", "First", "Second", "Third"}, applied)
}

// TestUpdateCustomers_GracefulStop: once stop is closed, items still
// waiting to send (here for the rate limiter) end with ErrStopped, unsent,
// and no further item is taken.
func TestUpdateCustomers_GracefulStop(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	c := fakeClient(t, srv)
	stop := make(chan struct{})
	var stopOnce sync.Once
	sleep := func(ctx context.Context, d time.Duration) error {
		stopOnce.Do(func() { close(stop) }) // the first wait for a token: stop now
		<-ctx.Done()
		return ctx.Err()
	}
	var cs countingSeq
	var sent, stopped int
	for r := range UpdateCustomers(context.Background(), c, cs.seq(demoUpdates(20)), WithConcurrency(2),
		WithRateLimit(0.001, 1), WithGracefulStop(stop), withSleep(sleep), withClock(fixedClock())) {
		switch {
		case r.Err == nil:
			sent++
		case errors.Is(r.Err, ErrStopped):
			stopped++
		default:
			t.Fatalf("unexpected error: %v", r.Err)
		}
	}
	assert.Equal(t, 1, sent, "the burst of one went out")
	assert.Equal(t, len(srv.Requests()), sent, "stopped items were not sent")
	assert.GreaterOrEqual(t, stopped, 1)
	assert.Less(t, int(cs.taken.Load()), 20, "no item taken after the stop")
	assert.Equal(t, int(cs.taken.Load()), sent+stopped, "one result per item taken")
}

// TestUpdateCustomers_GoroutinesEndWithTheLoop: however the range loop
// ends, no goroutine of the batch is left behind.
func TestUpdateCustomers_GoroutinesEndWithTheLoop(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	c := fakeClient(t, srv)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	defer c.CloseIdleConnections() // runs first: connections are not the batch's
	for range UpdateCustomers(context.Background(), c, demoUpdates(100), WithConcurrency(4)) {
		break
	}
}

// TestWithConcurrency_BoundsTheCallsInFlight: with WithConcurrency(n) the
// batch takes the next item while fewer than n calls are in flight, and
// only then: once the cold start's call is answered, it has exactly n-1
// items taken ahead of the results yielded before it takes another (n below
// 1: DefaultConcurrency). Everything counted runs on the caller's
// goroutine, so the figure is exact, whatever the server's speed.
func TestWithConcurrency_BoundsTheCallsInFlight(t *testing.T) {
	tests := []struct {
		name string
		n    int
		want int
	}{
		{"one", 1, 1},
		{"three", 3, 3},
		{"zero means the default", 0, DefaultConcurrency},
		{"negative means the default", -1, DefaultConcurrency},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { replyOK(w, pathID(r)) }))
	t.Cleanup(srv.Close)
	c := plainClient(t, srv.URL)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			taken, yielded, maxAhead := 0, 0, 0
			items := func(yield func(Update) bool) {
				for u := range distinctUpdates(2*DefaultConcurrency + 2) {
					maxAhead = max(maxAhead, taken-yielded)
					taken++
					if !yield(u) {
						return
					}
				}
			}
			for r := range UpdateCustomers(context.Background(), c, items, WithConcurrency(tt.n)) {
				require.NoError(t, r.Err)
				yielded++
			}
			assert.Equal(t, 2*DefaultConcurrency+2, yielded)
			assert.Equal(t, tt.want-1, maxAhead, "items taken ahead of the results when the next is taken")
		})
	}
}

// TestUpdateCustomers_H2CallsWaitForConnectionsOnlyBeyond100InFlight: over
// HTTP/2 a batch starts calls without waiting for their connections while
// at most h2MinStreams (100) are in flight; beyond that a call starts only
// once the previous one has its connection. The transport reports the
// trace events itself: the 100th call in flight gets its connection only
// once the batch has taken the next item, and the 101st only once the loop
// body has its second result (the first after the cold start's). Every
// call after the cold start's first one is held until then, and the first
// is answered at once: its result is what the batch yields while it waits.
// So, when that second result comes, exactly 102 items have been taken:
// the 101st in flight (started freely) and not the 102nd (which waits for
// the 101st's connection). Over HTTP/1 nothing waits: all 103 are taken.
func TestUpdateCustomers_H2CallsWaitForConnectionsOnlyBeyond100InFlight(t *testing.T) {
	h2conn := h2TLSConn(t)
	const items = h2MinStreams + 3 // the cold start's call, then 102
	var (
		taken       atomic.Int64
		tookNext    = make(chan struct{}) // the item after the 100th in flight was taken
		release     = make(chan struct{})
		releaseOnce sync.Once
	)
	free := func() { releaseOnce.Do(func() { close(release) }) }
	defer free()
	rt := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		trace := httptrace.ContextClientTrace(req.Context())
		id := pathID(req)
		k, err := bulkIndex(id)
		if err != nil {
			return nil, err
		}
		switch k {
		case 0, 1: // the cold start's call, and the one whose result comes next
		case h2MinStreams: // the 100th call in flight
			select {
			case <-tookNext:
			case <-release:
			}
		case h2MinStreams + 1: // the 101st
			<-release
		}
		trace.GotConn(httptrace.GotConnInfo{Conn: h2conn, Reused: k > 0})
		if k > 1 {
			<-release
		}
		body := fmt.Sprintf(`{"payload":{"customerId":%q},"response_code":0,"response_message":"SUCCESS"}`, id)
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: req}, nil
	})
	c, err := wrapper.NewClient("https://enkash.test", wrapper.WithToken(testToken), wrapper.WithHTTPClient(&http.Client{Transport: rt}))
	require.NoError(t, err)
	seq := func(yield func(Update) bool) {
		for u := range distinctUpdates(items) {
			if taken.Add(1) == h2MinStreams+2 {
				close(tookNext)
			}
			if !yield(u) {
				return
			}
		}
	}
	got, takenAtSecond := 0, int64(0)
	for r := range UpdateCustomers(context.Background(), c, seq, WithConcurrency(2*h2MinStreams)) {
		require.NoError(t, r.Err)
		if got++; got == 2 {
			takenAtSecond = taken.Load()
			free()
		}
	}
	assert.Equal(t, items, got)
	assert.Equal(t, int64(h2MinStreams+2), takenAtSecond, "items taken when the first result after the cold start came")
}

// TestBatch_SpareDialsCapTheCallsInFlight: each spare HTTP/2 dial caps the
// batch's calls in flight at the count that made it dial, less one; a later
// dial at a higher count keeps the lower cap, and a cap is never below 1 nor
// above the batch's concurrency.
func TestBatch_SpareDialsCapTheCallsInFlight(t *testing.T) {
	tests := []struct {
		name string
		caps []int64
		want int
	}{
		{"no spare dial", nil, 10},
		{"one", []int64{7}, 7},
		{"a higher one keeps the lower cap", []int64{7, 9}, 7},
		{"the same again", []int64{7, 7}, 7},
		{"a lower one lowers it", []int64{7, 3}, 3},
		{"at least one", []int64{0}, 1},
		{"never above the concurrency", []int64{12}, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &batch{n: 10}
			for _, n := range tt.caps {
				b.capH2(n)
			}
			assert.Equal(t, tt.want, b.limit())
		})
	}
}

// TestUpdateCustomers_ColdStartSendsOneAtATimeUntilAnAnswer: a batch takes
// its items one at a time, each after the previous result, until a call has
// had an answer from the server; items refused locally (no HTTP status) keep
// it cold. Then it fans out up to its concurrency. The figure is how many
// items were taken ahead of the results yielded when each item was taken:
// exact, since both happen on the caller's goroutine.
func TestUpdateCustomers_ColdStartSendsOneAtATimeUntilAnAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { replyOK(w, pathID(r)) }))
	t.Cleanup(srv.Close)
	c := plainClient(t, srv.URL)
	const n, conc = 10, 4
	taken, yielded := 0, 0
	var ahead []int
	items := func(yield func(Update) bool) {
		for u := range distinctUpdates(n) {
			if taken < 2 {
				u.CustomerID = "not-an-id" // refused before sending
			}
			ahead = append(ahead, taken-yielded)
			taken++
			if !yield(u) {
				return
			}
		}
	}
	done := make(chan struct{})
	go func() { // a batch that waits for a result with no call in flight hangs
		defer close(done)
		for r := range UpdateCustomers(context.Background(), c, items, WithConcurrency(conc)) {
			if r.Index < 2 {
				assert.Zero(t, r.Meta.StatusCode, "item %d was refused locally", r.Index)
			} else {
				assert.NoError(t, r.Err)
			}
			yielded++
		}
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the batch hung")
	}
	assert.Equal(t, n, yielded)
	// Items 0-2 cold (0 and 1 refused locally, 2 answered), then 3 alone
	// with nothing in flight, then up to conc-1 ahead.
	assert.Equal(t, []int{0, 0, 0, 0, 1, 2, 3, 3, 3, 3}, ahead)
}

// TestUpdateCustomers_SpareDialCapsTheCallsInFlight: over HTTP/2, a call
// that dialled a connection but went on a reused one (the transport found
// every stream taken, then one came free) caps the batch's calls in flight
// at one less than the calls in flight when it started. The transport
// reports the trace events itself: the call started with 5 in flight (item
// 5) reports the spare dial, and the input holds the next item until it
// has. From then on the batch takes an item only with at most 3 calls in
// flight (cap 4), counted exactly on the caller's goroutine.
func TestUpdateCustomers_SpareDialCapsTheCallsInFlight(t *testing.T) {
	h2conn := h2TLSConn(t)
	const items, spare = 24, 5
	reported := make(chan struct{})
	rt := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		trace := httptrace.ContextClientTrace(req.Context())
		id := pathID(req)
		k, err := bulkIndex(id)
		if err != nil {
			return nil, err
		}
		if k == spare {
			trace.ConnectStart("tcp", "127.0.0.1:443")
		}
		trace.GotConn(httptrace.GotConnInfo{Conn: h2conn, Reused: k > 0})
		if k == spare {
			close(reported)
		}
		body := fmt.Sprintf(`{"payload":{"customerId":%q},"response_code":0,"response_message":"SUCCESS"}`, id)
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: req}, nil
	})
	c, err := wrapper.NewClient("https://enkash.test", wrapper.WithToken(testToken), wrapper.WithHTTPClient(&http.Client{Transport: rt}))
	require.NoError(t, err)
	taken, yielded, maxAhead := 0, 0, 0
	seq := func(yield func(Update) bool) {
		for u := range distinctUpdates(items) {
			if taken == spare+1 {
				<-reported
			}
			if taken > spare+1 {
				maxAhead = max(maxAhead, taken-yielded)
			}
			taken++
			if !yield(u) {
				return
			}
		}
	}
	for r := range UpdateCustomers(context.Background(), c, seq, WithConcurrency(10)) {
		require.NoError(t, r.Err)
		yielded++
	}
	assert.Equal(t, items, yielded)
	assert.Equal(t, spare-2, maxAhead, "calls in flight when the next item is taken, after the spare dial")
}
