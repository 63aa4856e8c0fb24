package bulk

import (
	"context"
	"errors"
	"iter"
	"time"

	"golang.org/x/time/rate"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/internal/retry"
	"github.com/enkash-oss/enkash-go/wrapper"
)

// DefaultConcurrency is how many calls UpdateCustomers has in flight at most,
// unless WithConcurrency says otherwise.
const DefaultConcurrency = 8

// Update is one item of a batch: the customer, the optional parentCompanyId
// query parameter ("" sends none) and the PATCH body, exactly as for
// wrapper.Client.UpdateCustomer.
type Update struct {
	// CustomerID is the customer to update (the path parameter).
	CustomerID string
	// ParentCompanyID, when not empty, is sent as the parentCompanyId query
	// parameter (wrapper.WithParentCompanyID).
	ParentCompanyID string
	// Body is the PATCH body: each field absent, null or a value.
	Body api.UpdateCustomerRequest
}

// Result is the outcome of one item of a batch.
type Result struct {
	// Index is the item's 0-based position in the input sequence.
	Index int
	// CustomerID is the item's CustomerID.
	CustomerID string
	// Customer is the updated customer when Err is nil.
	Customer *api.CustomerResponse
	// Err is the call's error, exactly as wrapper.Client.UpdateCustomer
	// returns it (a *wrapper.ValidationError, a *wrapper.APIError, an error
	// matching wrapper.ErrOutcomeUnknown, ctx.Err(), …), or ErrStopped;
	// nil on success.
	Err error
	// Meta is the call's wrapper.ResponseMetadata: HTTP status, requestId
	// and attempts (zero for an item refused locally).
	Meta wrapper.ResponseMetadata
}

// Option configures UpdateCustomers.
type Option func(*settings)

type settings struct {
	concurrency int
	limit       rate.Limit
	burst       int
	stop        <-chan struct{}
	sleep       func(context.Context, time.Duration) error // tests inject these
	now         func() time.Time
}

// ErrStopped is the error of an item that was never sent because the batch
// was stopped (WithGracefulStop) first.
var ErrStopped = errors.New("enkash: batch stopped before this item was sent")

// WithGracefulStop lets a batch wind down when stop is closed (say on
// SIGINT), without cutting off calls Enkash may already be applying: no
// further item is taken, calls that have not sent their request yet
// (waiting for the rate limiter or a Retry-After hold) end with ErrStopped,
// and calls already sent run to their end. Pair it with a ctx that is not
// cancelled at the same time.
func WithGracefulStop(stop <-chan struct{}) Option {
	return func(s *settings) { s.stop = stop }
}

// WithConcurrency sets how many calls are in flight at most (default
// DefaultConcurrency); n below 1 means the default.
func WithConcurrency(n int) Option {
	return func(s *settings) {
		if n >= 1 {
			s.concurrency = n
		}
	}
}

// WithRateLimit sends at most r requests per second, with bursts of up to
// burst requests (below 1 means 1), counted over the whole batch and every
// attempt, retries included (a golang.org/x/time/rate token bucket). r <= 0
// or rate.Inf means no limit, the default.
func WithRateLimit(r rate.Limit, burst int) Option {
	return func(s *settings) {
		s.limit, s.burst = r, max(burst, 1)
	}
}

// UpdateCustomers runs c.UpdateCustomer for every item of updates through
// one wrapper.Client (one token, one connection pool) and yields one Result
// per item taken from updates.
//
//   - Concurrency: at most WithConcurrency calls (default 8) are in flight.
//     An item is taken from updates only when a call slot is free and the
//     previous results have been received, so the input is never held in
//     memory: at most concurrency+1 items are taken ahead of the results
//     yielded. Stopping the range loop early cancels the calls in flight and
//     reads no more items.
//   - The caller's goroutine: updates is ranged over, and the loop body
//     called, on the goroutine that ranges over UpdateCustomers, so a panic
//     in either comes out there (after the calls in flight have ended), and
//     an iterator that goes on after yield returned false gets Go's own
//     runtime error. Each item is copied deeply when it is taken: an
//     iterator may reuse its maps and slices for the next item.
//   - Order: results are yielded as calls complete, not in input order;
//     Result.Index is the item's position in updates.
//   - Connections: the calls go through c.ForConcurrency(concurrency): c's
//     credentials and token, a connection pool of the batch's own that
//     opens at most concurrency connections per host and keeps them for
//     the next calls, closed when the batch ends (with a client built
//     WithHTTPClient, that client as it is). Run one batch per job, not one
//     per handful of items: each batch starts with a cold pool.
//   - Cold start: items are sent one at a time until one has reached the
//     server, then the batch fans out. On HTTP/2 the later calls share the
//     connection the first one opened, instead of each dialling its own
//     while none is established.
//   - Retry-After: when Enkash answers 429 or 503 with a Retry-After the
//     client honours (wrapper.RetryPolicy.MaxRetryAfter), no call of the
//     batch sends its next request before that time, not only the call that
//     got it (a wrapper.SendGate shared by the batch's calls). A 429 or 503
//     whose Retry-After is longer than the client waits, or that comes on a
//     call's last attempt, still holds the rest of the batch, for up to
//     MaxRetryAfter.
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
// Each call is retried by the client's RetryPolicy as a single
// UpdateCustomer would be: an item whose outcome is unknown gets an error
// matching wrapper.ErrOutcomeUnknown and is not sent again.
func UpdateCustomers(ctx context.Context, c *wrapper.Client, updates iter.Seq[Update], opts ...Option) iter.Seq[Result] {
	s := settings{concurrency: DefaultConcurrency, sleep: retry.Sleep, now: time.Now}
	for _, o := range opts {
		if o != nil {
			o(&s)
		}
	}
	return func(yield func(Result) bool) {
		b := newBatch(ctx, c, &s)
		// However the loop ends (done, break, a panic in the iterator or in
		// the loop body), every call ends and no goroutine is left blocked.
		defer b.close()
		b.run(updates, yield)
	}
}

// batch is the state of one run of UpdateCustomers. Everything but the
// calls themselves runs on the caller's goroutine.
type batch struct {
	ctx      context.Context
	cancel   context.CancelFunc
	c        *wrapper.Client // sized for the batch's concurrency
	own      *wrapper.Client // the caller's
	gate     *gate
	stop     <-chan struct{}
	n        int
	results  chan Result
	inflight int
	cold     bool                   // one at a time until a request has reached the server
	busy     map[string]customerRun // the latest item of each customer in flight
}

// customerRun is an item in flight: its index, and a channel closed when
// its call has ended.
type customerRun struct {
	index int
	done  chan struct{}
}

func newBatch(ctx context.Context, c *wrapper.Client, s *settings) *batch {
	ctx, cancel := context.WithCancel(ctx)
	g := &gate{stop: s.stop, sleep: s.sleep, now: s.now}
	if s.limit > 0 && s.limit != rate.Inf {
		g.limiter = rate.NewLimiter(s.limit, s.burst)
	}
	return &batch{ctx: ctx, cancel: cancel, c: c.ForConcurrency(s.concurrency), own: c, gate: g, stop: s.stop, n: s.concurrency,
		results: make(chan Result), cold: true, busy: map[string]customerRun{}}
}

// run takes items from updates as call slots free up, starts their calls
// and yields the results.
func (b *batch) run(updates iter.Seq[Update], yield func(Result) bool) {
	if b.stopped() {
		return
	}
	i := 0
	for u := range updates {
		u.Body = deepCopy(u.Body) // before the iterator may reuse its buffers
		b.start(i, u)
		i++
		if !b.awaitSlot(yield) {
			return
		}
		if b.stopped() {
			break
		}
	}
	// The items taken get their results, also after ctx ended or a stop.
	for b.inflight > 0 {
		if !b.deliver(<-b.results, yield) {
			return
		}
	}
}

// stopped reports whether no further item may be taken.
func (b *batch) stopped() bool {
	select {
	case <-b.stop:
		return true
	default:
		return b.ctx.Err() != nil
	}
}

// start runs item i's call on its own goroutine, after the earlier item of
// the same customer has ended.
func (b *batch) start(i int, u Update) {
	prev := b.busy[u.CustomerID].done
	mine := make(chan struct{})
	b.busy[u.CustomerID] = customerRun{index: i, done: mine}
	b.inflight++
	go func() {
		if prev != nil {
			select {
			case <-prev:
			case <-b.ctx.Done():
			}
		}
		r := b.call(i, u)
		close(mine)
		b.results <- r
	}()
}

func (b *batch) call(i int, u Update) Result {
	r := Result{Index: i, CustomerID: u.CustomerID}
	opts := [3]wrapper.CallOption{wrapper.WithResponseMetadata(&r.Meta), wrapper.WithSendGate(b.gate)}
	callOpts := opts[:2]
	if u.ParentCompanyID != "" {
		callOpts = append(callOpts, wrapper.WithParentCompanyID(u.ParentCompanyID))
	}
	r.Customer, r.Err = b.c.UpdateCustomer(b.ctx, u.CustomerID, u.Body, callOpts...)
	return r
}

// awaitSlot yields results until a call slot is free (while cold: until no
// call is in flight). It returns false when the loop body asked to stop.
func (b *batch) awaitSlot(yield func(Result) bool) bool {
	for b.inflight >= b.n || (b.cold && b.inflight > 0) {
		if !b.deliver(<-b.results, yield) {
			return false
		}
	}
	return true
}

// deliver yields one result; false when the loop body asked to stop.
func (b *batch) deliver(r Result, yield func(Result) bool) bool {
	b.inflight--
	if b.cold {
		b.cold = r.Meta.StatusCode == 0 // no answer yet: stay cold
	}
	if b.busy[r.CustomerID].index == r.Index {
		delete(b.busy, r.CustomerID)
	}
	return yield(r)
}

// close cancels the calls still in flight and waits for them to end.
func (b *batch) close() {
	b.cancel()
	for ; b.inflight > 0; b.inflight-- {
		<-b.results
	}
	if b.c != b.own {
		b.c.CloseIdleConnections() // the batch's own connections
	}
}
