package bulk

import (
	"context"
	"errors"
	"iter"

	"golang.org/x/time/rate"

	"github.com/enkash-oss/enkash-go/wrapper"
)

// sendResult is the outcome of the index-th update; stopped: never sent,
// the batch was stopped first.
type sendResult struct {
	index   int
	err     error
	meta    wrapper.ResponseMetadata
	stopped bool
}

// sendBatch is where a sync run calls the batch engine (UpdateCustomers):
// every update goes through it with at most concurrency calls in flight,
// limit requests per second (0: unlimited), and a graceful stop when stop
// closes.
func sendBatch(ctx context.Context, c *wrapper.Client, updates iter.Seq[Update], concurrency int, limit rate.Limit, stop <-chan struct{}) iter.Seq[sendResult] {
	opts := []Option{WithConcurrency(concurrency)}
	if limit > 0 {
		opts = append(opts, WithRateLimit(limit, 1))
	}
	if stop != nil {
		opts = append(opts, WithGracefulStop(stop))
	}
	return func(yield func(sendResult) bool) {
		for r := range UpdateCustomers(ctx, c, updates, opts...) {
			if !yield(sendResult{index: r.Index, err: r.Err, meta: r.Meta, stopped: errors.Is(r.Err, ErrStopped)}) {
				return
			}
		}
	}
}
