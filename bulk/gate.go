package bulk

import (
	"context"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// gate is the wrapper.SendGate shared by the calls of one batch: the time
// before which none of them sends ("not before", moved by a Retry-After),
// the batch's rate limiter, and its graceful stop.
type gate struct {
	notBefore atomic.Int64 // unix nanoseconds of now(); 0 = none
	limiter   *rate.Limiter
	stop      <-chan struct{} // WithGracefulStop: waiting calls give up
	sleep     func(context.Context, time.Duration) error
	now       func() time.Time
}

// HoldFor moves the gate's "not before" to d from now, unless it is already
// later.
func (g *gate) HoldFor(d time.Duration) {
	nt := g.now().Add(d).UnixNano()
	for {
		old := g.notBefore.Load()
		if nt <= old || g.notBefore.CompareAndSwap(old, nt) {
			return
		}
	}
}

// Wait blocks until the gate lets a request through: past "not before"
// (again if a Retry-After moved it during the wait) and with a token of the
// rate limiter. Once the batch is stopped it returns ErrStopped: a call
// waiting here has sent nothing (or only an attempt the server refused).
func (g *gate) Wait(ctx context.Context) error {
	if g.stop == nil {
		return g.wait(ctx)
	}
	select {
	case <-g.stop:
		return ErrStopped
	default:
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-g.stop:
			cancel()
		case <-wctx.Done():
		}
	}()
	err := g.wait(wctx)
	if err != nil && ctx.Err() == nil {
		return ErrStopped
	}
	return err
}

func (g *gate) wait(ctx context.Context) error {
	for {
		nb := g.notBefore.Load()
		if nb == 0 {
			break
		}
		d := time.Duration(nb - g.now().UnixNano())
		if d <= 0 {
			break
		}
		if err := g.sleep(ctx, d); err != nil {
			return err
		}
		if g.notBefore.Load() == nb {
			break
		}
	}
	if g.limiter == nil {
		return ctx.Err()
	}
	t := g.now()
	r := g.limiter.ReserveN(t, 1)
	if d := r.DelayFrom(t); d > 0 {
		if err := g.sleep(ctx, d); err != nil {
			r.CancelAt(g.now())
			return err
		}
	}
	return ctx.Err()
}
