package bulk

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"
)

// TestSendBatch_PassesTheRunsLimits: a sync run's rate limit and graceful
// stop reach the batch. At 4 requests per second (bursts of 1) three calls
// take at least half a second, however fast the server (a lower bound the
// limiter guarantees: load can only add to it); with no limit they need not
// wait. A stop closed before the run sends nothing.
func TestSendBatch_PassesTheRunsLimits(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		replyOK(w, pathID(r))
	}))
	t.Cleanup(srv.Close)
	c := plainClient(t, srv.URL)
	run := func(limit rate.Limit, stop <-chan struct{}) (results int) {
		for r := range sendBatch(context.Background(), c, distinctUpdates(3), 4, limit, stop) {
			require.NoError(t, r.err)
			results++
		}
		return results
	}
	t.Run("rate limit", func(t *testing.T) {
		start := time.Now()
		assert.Equal(t, 3, run(4, nil))
		assert.GreaterOrEqual(t, time.Since(start), 500*time.Millisecond, "the 2nd and 3rd calls waited 1/4 s each")
	})
	t.Run("stop", func(t *testing.T) {
		requests.Store(0)
		stop := make(chan struct{})
		close(stop)
		assert.Zero(t, run(0, stop))
		assert.Zero(t, requests.Load())
	})
}
