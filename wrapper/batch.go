package wrapper

import (
	"context"
	"errors"
	"iter"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/enkash-oss/enkash-go/api"
)

// DefaultBatchConcurrency is how many calls UpdateCustomers has in flight at
// most, unless WithConcurrency says otherwise.
const DefaultBatchConcurrency = 8

// CustomerUpdate is one item of a batch: the customer, the optional
// parentCompanyId query parameter ("" sends none) and the PATCH body, exactly
// as for UpdateCustomer.
type CustomerUpdate struct {
	// CustomerID is the customer to update (the path parameter).
	CustomerID string
	// ParentCompanyID, when not empty, is sent as the parentCompanyId query
	// parameter (WithParentCompanyID).
	ParentCompanyID string
	// Body is the PATCH body: each field absent, null or a value.
	Body api.UpdateCustomerRequest
}

// BatchResult is the outcome of one item of a batch.
type BatchResult struct {
	// Index is the item's 0-based position in the input sequence.
	Index int
	// CustomerID is the item's CustomerID.
	CustomerID string
	// Customer is the updated customer when Err is nil.
	Customer *api.CustomerResponse
	// Err is the call's error, exactly as UpdateCustomer returns it (a
	// *ValidationError, an *APIError, an error matching ErrOutcomeUnknown,
	// ctx.Err(), …); nil on success.
	Err error
	// Meta is the call's ResponseMetadata: HTTP status, requestId and
	// attempts (zero for an item refused locally).
	Meta ResponseMetadata
}

// BatchOption configures UpdateCustomers.
type BatchOption func(*batchSettings)

type batchSettings struct {
	concurrency int
	limit       rate.Limit
	burst       int
	stop        <-chan struct{}
}

// ErrBatchStopped is the error of a batch item that was never sent because
// the batch was stopped (WithGracefulStop) first.
var ErrBatchStopped = errors.New("enkash: batch stopped before this item was sent")

// WithGracefulStop lets a batch wind down when stop is closed (say on
// SIGINT), without cutting off calls Enkash may already be applying: no
// further item is taken, calls that have not sent their request yet
// (waiting for the rate limiter or a Retry-After hold) end with
// ErrBatchStopped, and calls already sent run to their end. Pair it with a
// ctx that is not cancelled at the same time.
func WithGracefulStop(stop <-chan struct{}) BatchOption {
	return func(bs *batchSettings) { bs.stop = stop }
}

// WithConcurrency sets how many calls are in flight at most (default
// DefaultBatchConcurrency); n below 1 means the default.
func WithConcurrency(n int) BatchOption {
	return func(bs *batchSettings) {
		if n >= 1 {
			bs.concurrency = n
		}
	}
}

// WithRateLimit sends at most r requests per second, with bursts of up to
// burst requests (below 1 means 1), counted over the whole batch and every
// attempt, retries included (a golang.org/x/time/rate token bucket). r <= 0
// or rate.Inf means no limit, the default.
func WithRateLimit(r rate.Limit, burst int) BatchOption {
	return func(bs *batchSettings) {
		bs.limit, bs.burst = r, max(burst, 1)
	}
}

// UpdateCustomers runs UpdateCustomer for every item of updates through the
// Client (one token, one connection pool) and yields one BatchResult per
// item taken from updates.
//
//   - Concurrency: at most WithConcurrency calls (default 8) are in flight.
//     An item is taken from updates only when a call slot is free and the
//     previous results have been received, so the input is never held in
//     memory: at most concurrency+1 items are taken ahead of the results
//     yielded. Stopping the range loop early cancels the calls in flight and
//     reads no more items.
//   - Order: results are yielded as calls complete, not in input order;
//     BatchResult.Index is the item's position in updates.
//   - Cold start: items are sent one at a time until one has reached the
//     server, then the batch fans out. On HTTP/2 the later calls share the
//     connection the first one opened, instead of each dialling its own
//     while none is established.
//   - Retry-After: when Enkash answers 429 or 503 with a Retry-After the
//     client honours (RetryPolicy.MaxRetryAfter), no call of the batch sends
//     its next request before that time, not only the call that got it.
//     A 429 or 503 whose Retry-After is longer than the client waits
//     (MaxRetryAfter), or that comes on a call's last attempt, still holds
//     the rest of the batch, for up to MaxRetryAfter.
//   - One customer at a time: an item waits until the earlier item for the
//     same customer has ended, so a customer's updates are applied in input
//     order (two in flight could land the other way round).
//   - WithRateLimit bounds the requests per second of the whole batch;
//     WithGracefulStop winds it down without cutting off calls in flight.
//   - Cancellation: when ctx ends, the calls in flight end with an error
//     matching ctx.Err() (whether Enkash applied them is then unknown), the
//     items already taken get their result with that error, and no further
//     item is read from updates: items never read get no result.
//
// Each call is retried by the Client's RetryPolicy as a single
// UpdateCustomer would be: an item whose outcome is unknown gets an error
// matching ErrOutcomeUnknown and is not sent again.
func (c *Client) UpdateCustomers(ctx context.Context, updates iter.Seq[CustomerUpdate], opts ...BatchOption) iter.Seq[BatchResult] {
	bs := batchSettings{concurrency: DefaultBatchConcurrency}
	for _, o := range opts {
		if o != nil {
			o(&bs)
		}
	}
	return func(yield func(BatchResult) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		g := &batchGate{stop: bs.stop}
		if bs.limit > 0 && bs.limit != rate.Inf {
			g.limiter = rate.NewLimiter(bs.limit, bs.burst)
		}
		callCtx := context.WithValue(ctx, gateKey{}, g)
		results := make(chan BatchResult)
		go c.feedBatch(ctx, callCtx, updates, bs.concurrency, bs.stop, results)
		// However the loop ends (done, break, or a panic in its body), every
		// call ends and no goroutine is left blocked on results.
		defer func() {
			cancel()
			for range results {
			}
		}()
		for r := range results {
			if !yield(r) {
				return
			}
		}
	}
}

// feedBatch takes items from updates as call slots free up and runs them,
// sending each result on results, which it closes when every call has ended.
//
// Items for the same customer never overlap: an item waits until the
// earlier one for its customer has ended, so a customer's updates are
// applied in input order (with two in flight, the later could land first).
func (c *Client) feedBatch(ctx, callCtx context.Context, updates iter.Seq[CustomerUpdate], n int, stop <-chan struct{}, results chan<- BatchResult) {
	var wg sync.WaitGroup
	defer func() {
		wg.Wait()
		close(results)
	}()
	next, stopPull := iter.Pull(updates)
	defer stopPull()
	slots := make(chan struct{}, n)
	var mu sync.Mutex
	busy := map[string]chan struct{}{} // customer -> closed when its call ends
	stopped := func() bool {
		select {
		case <-stop:
			return true
		default:
			return ctx.Err() != nil
		}
	}
	warm := true // one at a time until a request has reached the server
	for i := 0; ; i++ {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return
		case <-stop:
			return
		}
		if stopped() {
			return
		}
		u, ok := next()
		if !ok {
			return
		}
		mu.Lock()
		prev := busy[u.CustomerID]
		mine := make(chan struct{})
		busy[u.CustomerID] = mine
		mu.Unlock()
		if prev != nil {
			select { // the earlier update of this customer ends first
			case <-prev:
			case <-ctx.Done():
			}
		}
		done := func() {
			mu.Lock()
			if busy[u.CustomerID] == mine {
				delete(busy, u.CustomerID)
			}
			mu.Unlock()
			close(mine)
			<-slots
		}
		if warm {
			r := c.updateOne(callCtx, i, u)
			results <- r
			done()
			warm = r.Meta.StatusCode == 0 // no answer yet: stay cold
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := c.updateOne(callCtx, i, u)
			results <- r
			done()
		}()
	}
}

func (c *Client) updateOne(ctx context.Context, i int, u CustomerUpdate) BatchResult {
	r := BatchResult{Index: i, CustomerID: u.CustomerID}
	var opts [2]CallOption
	opts[0] = WithResponseMetadata(&r.Meta)
	callOpts := opts[:1]
	if u.ParentCompanyID != "" {
		callOpts = append(callOpts, WithParentCompanyID(u.ParentCompanyID))
	}
	r.Customer, r.Err = c.UpdateCustomer(ctx, u.CustomerID, u.Body, callOpts...)
	return r
}

// batchGate is shared by the calls of one batch (through their context):
// the time before which none of them sends ("not before", set by a
// Retry-After), and the batch's rate limiter.
type batchGate struct {
	notBefore atomic.Int64 // unix nanoseconds; 0 = none
	limiter   *rate.Limiter
	stop      <-chan struct{} // WithGracefulStop: waiting calls give up
}

type gateKey struct{}

func gateOf(ctx context.Context) *batchGate {
	g, _ := ctx.Value(gateKey{}).(*batchGate)
	return g
}

// holdUntil moves the gate's "not before" to t, unless it is already later.
func (g *batchGate) holdUntil(t time.Time) {
	nt := t.UnixNano()
	for {
		old := g.notBefore.Load()
		if nt <= old || g.notBefore.CompareAndSwap(old, nt) {
			return
		}
	}
}

// wait blocks until the gate lets a request through: past "not before"
// (again if a Retry-After moved it during the wait) and with a token of the
// rate limiter.
func (g *batchGate) wait(ctx context.Context, sleep func(context.Context, time.Duration) error, now func() time.Time) error {
	if g.stop != nil {
		select {
		case <-g.stop:
			return ErrBatchStopped
		default:
		}
		// A call waiting here has sent nothing (or only an attempt the
		// server refused): stopping the batch may drop it.
		wctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go func() {
			select {
			case <-g.stop:
				cancel()
			case <-wctx.Done():
			}
		}()
		err := g.waitCtx(wctx, sleep, now)
		if err != nil && ctx.Err() == nil {
			return ErrBatchStopped
		}
		return err
	}
	return g.waitCtx(ctx, sleep, now)
}

func (g *batchGate) waitCtx(ctx context.Context, sleep func(context.Context, time.Duration) error, now func() time.Time) error {
	for {
		nb := g.notBefore.Load()
		if nb == 0 {
			break
		}
		d := time.Duration(nb - now().UnixNano())
		if d <= 0 {
			break
		}
		if err := sleep(ctx, d); err != nil {
			return err
		}
		if g.notBefore.Load() == nb {
			break
		}
	}
	if g.limiter == nil {
		return ctx.Err()
	}
	t := now()
	r := g.limiter.ReserveN(t, 1)
	if d := r.DelayFrom(t); d > 0 {
		if err := sleep(ctx, d); err != nil {
			r.CancelAt(now())
			return err
		}
	}
	return ctx.Err()
}
