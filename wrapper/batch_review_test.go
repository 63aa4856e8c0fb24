package wrapper

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

// Batch behaviour found missing in review.

// TestUpdateCustomersSameCustomerInOrder: two updates of one customer are
// never in flight together, so the file's later update is applied last.
func TestUpdateCustomersSameCustomerInOrder(t *testing.T) {
	var inFlight, overlaps atomic.Int32
	var mu sync.Mutex
	var applied []string
	firstArrived := make(chan struct{})
	var once sync.Once
	ts := newTestServer(t)
	ts.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if inFlight.Add(1) > 1 {
			overlaps.Add(1)
		}
		defer inFlight.Add(-1)
		var body api.UpdateCustomerRequest
		require.NoError(t, json.NewDecoder(r.Body).Decode(&body))
		name := body.LegalName.MustGet()
		if name == "First" {
			once.Do(func() { close(firstArrived) })
			// Hold "First" until "Second" could have overtaken it: the
			// batch must not send it meanwhile (the select's other case is
			// only a guard against hanging the suite).
			select {
			case <-r.Context().Done():
			case <-time.After(200 * time.Millisecond):
			}
		}
		mu.Lock()
		applied = append(applied, name)
		mu.Unlock()
		reply(w, 200, "application/json", okEnvelope)
	})
	c, _ := newClient(t, ts)
	// A warm-up item for another customer first: the batch's cold start
	// sends one item at a time until an answer came back.
	items := func(yield func(CustomerUpdate) bool) {
		warm := CustomerUpdate{CustomerID: "KCWARMUP00000001"}
		warm.Body.LegalName.Set("Warm-up")
		if !yield(warm) {
			return
		}
		for _, name := range []string{"First", "Second"} {
			u := CustomerUpdate{CustomerID: validCustomerID}
			u.Body.LegalName.Set(name)
			if !yield(u) {
				return
			}
		}
	}
	for r := range c.UpdateCustomers(context.Background(), items, WithConcurrency(4)) {
		if r.CustomerID == validCustomerID {
			require.NoError(t, r.Err)
		}
	}
	assert.Zero(t, overlaps.Load(), "two updates of one customer in flight at once")
	assert.Equal(t, []string{"Warm-up", "First", "Second"}, applied)
}

// TestUpdateCustomersRetryAfterOverCapHoldsTheBatch: a 429 whose Retry-After
// is longer than the client waits for fails its item, but still holds the
// rest of the batch for as long as the client would have waited.
func TestUpdateCustomersRetryAfterOverCapHoldsTheBatch(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	srv.Inject(wrappertest.Fault{Status: 429, RetryAfter: "120", Times: 1, Path: "/api/v0/customer/" + wrappertest.DemoCustomerID})
	var mu sync.Mutex
	var waits []time.Duration
	sleep := func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		return ctx.Err()
	}
	c, err := NewClient(srv.URL, WithToken(srv.Token), withSleep(sleep), withClock(fixedClock()))
	require.NoError(t, err)
	var failed, ok int
	for r := range c.UpdateCustomers(context.Background(), demoUpdates(4), WithConcurrency(1)) {
		if r.Err != nil {
			require.ErrorIs(t, r.Err, ErrRateLimited)
			failed++
		} else {
			ok++
		}
	}
	assert.Equal(t, 1, failed)
	assert.Equal(t, 3, ok)
	mu.Lock()
	defer mu.Unlock()
	assert.Contains(t, waits, DefaultMaxRetryAfter, "the next items waited as long as the client would have: %v", waits)
}

// TestUpdateCustomersGracefulStop: once stop is closed, items still waiting
// to send (here for the rate limiter) end with ErrBatchStopped, unsent, and
// no further item is taken.
func TestUpdateCustomersGracefulStop(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	stop := make(chan struct{})
	var stopOnce sync.Once
	sleep := func(ctx context.Context, d time.Duration) error {
		stopOnce.Do(func() { close(stop) }) // the first wait for a token: stop now
		<-ctx.Done()
		return ctx.Err()
	}
	c, err := NewClient(srv.URL, WithToken(srv.Token), withSleep(sleep), withClock(fixedClock()))
	require.NoError(t, err)
	var taken atomic.Int32
	items := func(yield func(CustomerUpdate) bool) {
		for u := range demoUpdates(20) {
			taken.Add(1)
			if !yield(u) {
				return
			}
		}
	}
	var sent, stopped int
	for r := range c.UpdateCustomers(context.Background(), items, WithConcurrency(2),
		WithRateLimit(0.001, 1), WithGracefulStop(stop)) {
		switch {
		case r.Err == nil:
			sent++
		case errors.Is(r.Err, ErrBatchStopped):
			stopped++
		default:
			t.Fatalf("unexpected error: %v", r.Err)
		}
	}
	assert.Equal(t, 1, sent, "the burst of one went out")
	assert.Equal(t, len(srv.Requests()), sent, "stopped items were not sent")
	assert.GreaterOrEqual(t, stopped, 1)
	assert.Less(t, int(taken.Load()), 20, "no item taken after the stop")
	assert.Equal(t, int(taken.Load()), sent+stopped, "one result per item taken")
}

// TestUpdateCustomersPanicInLoopBody: a panic in the range loop's body,
// recovered further up, leaves no goroutine of the batch behind.
func TestUpdateCustomersPanicInLoopBody(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	c, err := NewClient(srv.URL, WithToken(srv.Token))
	require.NoError(t, err)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	defer c.CloseIdleConnections() // runs first: connections are not the batch's
	var recovered any
	func() {
		defer func() { recovered = recover() }()
		for range c.UpdateCustomers(context.Background(), demoUpdates(100), WithConcurrency(4)) {
			panic("consumer bug")
		}
	}()
	assert.Equal(t, "consumer bug", recovered)
}
