package bulk

import (
	"context"
	"errors"
	"iter"

	"golang.org/x/time/rate"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper"
)

// batchDefaultConcurrency is the batch engine's default number of calls in
// flight.
const batchDefaultConcurrency = wrapper.DefaultBatchConcurrency

// sendItem is one customer's request.
type sendItem struct {
	customerID, parent string
	body               api.UpdateCustomerRequest
}

// sendResult is the outcome of the index-th item; stopped: never sent,
// the batch was stopped first.
type sendResult struct {
	index   int
	err     error
	meta    wrapper.ResponseMetadata
	stopped bool
}

// sendBatch is the one place the batch engine is called (today
// wrapper.Client.UpdateCustomers; switching engines changes this file only): every item goes
// through it with at most concurrency calls in flight, limit requests per
// second (0: unlimited), and a graceful stop when stop closes.
func sendBatch(ctx context.Context, c *wrapper.Client, items iter.Seq[sendItem], concurrency int, limit rate.Limit, stop <-chan struct{}) iter.Seq[sendResult] {
	opts := []wrapper.BatchOption{wrapper.WithConcurrency(concurrency)}
	if limit > 0 {
		opts = append(opts, wrapper.WithRateLimit(limit, 1))
	}
	if stop != nil {
		opts = append(opts, wrapper.WithGracefulStop(stop))
	}
	updates := func(yield func(wrapper.CustomerUpdate) bool) {
		for it := range items {
			if !yield(wrapper.CustomerUpdate{CustomerID: it.customerID, ParentCompanyID: it.parent, Body: it.body}) {
				return
			}
		}
	}
	return func(yield func(sendResult) bool) {
		for r := range c.UpdateCustomers(ctx, updates, opts...) {
			if !yield(sendResult{index: r.Index, err: r.Err, meta: r.Meta, stopped: errors.Is(r.Err, wrapper.ErrBatchStopped)}) {
				return
			}
		}
	}
}
