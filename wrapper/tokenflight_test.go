package wrapper

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
)

// TestStalledTokenEndpointNoBacklog (issue 10 item 8): with a token endpoint
// that never answers and callers that give up, at most one token request is
// ever in flight, and a fetch that nobody waits for any more is cancelled
// (the server sees the request aborted) instead of running on and being
// followed by the next queued POST re-sending the password.
func TestStalledTokenEndpointNoBacklog(t *testing.T) {
	// Lengthen the fetch bound, so that an abort the server sees can only
	// come from the cancellation under test, not from the bound.
	saved := tokenFetchTimeout
	tokenFetchTimeout = time.Hour
	defer func() { tokenFetchTimeout = saved }()
	var posts, inflight, maxInflight atomic.Int32
	arrived, aborted := make(chan struct{}, 100), make(chan struct{}, 100)
	stop := make(chan struct{})
	ts := newTestServer(t)
	ts.mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // read it all, so the server notices the client hanging up
		posts.Add(1)
		n := inflight.Add(1)
		for m := maxInflight.Load(); n > m && !maxInflight.CompareAndSwap(m, n); m = maxInflight.Load() {
		}
		arrived <- struct{}{}
		select {
		case <-r.Context().Done(): // the client aborted the request
			inflight.Add(-1)
			aborted <- struct{}{}
		case <-stop:
			inflight.Add(-1)
		}
	})
	defer close(stop)
	c, err := NewClient(ts.URL+prefix, WithPasswordCredentials(fxClientID, fxClientSecret, fxUser, fxPassword), WithTimeout(time.Hour))
	require.NoError(t, err)
	defer c.CloseIdleConnections()

	// guard only keeps a regression from hanging the suite; no assertion is
	// about how long anything took.
	guard := func(ch <-chan struct{}, what string) {
		t.Helper()
		select {
		case <-ch:
		case <-time.After(time.Minute):
			t.Fatalf("%s never happened", what)
		}
	}
	call := func(ctx context.Context) <-chan error {
		out := make(chan error, 1)
		go func() {
			_, err := c.UpdateCustomer(ctx, validCustomerID, api.UpdateCustomerRequest{})
			out <- err
		}()
		return out
	}

	t.Run("one caller at a time gives up", func(t *testing.T) {
		for i := range 5 {
			ctx, cancel := context.WithCancel(context.Background())
			done := call(ctx)
			guard(arrived, "the token request")
			cancel()
			err := <-done
			assert.True(t, errors.Is(err, context.Canceled), "call %d: %v", i, err)
			guard(aborted, "cancelling the abandoned token request")
		}
		assert.Equal(t, int32(5), posts.Load())
	})
	t.Run("many callers share one fetch", func(t *testing.T) {
		before := posts.Load()
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		errs := make([]error, 10)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = c.UpdateCustomer(ctx, validCustomerID, api.UpdateCustomerRequest{})
			}()
		}
		guard(arrived, "the token request")
		cancel()
		wg.Wait()
		guard(aborted, "cancelling the shared token request")
		for _, err := range errs {
			assert.True(t, errors.Is(err, context.Canceled), "%v", err)
		}
		assert.Equal(t, before+1, posts.Load(), "ten callers, one token request")
	})
	assert.Equal(t, int32(1), maxInflight.Load(), "never more than one token request in flight")
	assert.Zero(t, inflight.Load())
}
