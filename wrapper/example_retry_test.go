package wrapper_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper"
)

// A gateway answers 502 once: by default the call reports that its outcome
// is unknown and sends nothing again; a caller who accepts that the last
// writer wins retries it. MaxAttempts: 1 turns retries off altogether.
func ExampleWithRetry() {
	for _, p := range []wrapper.RetryPolicy{
		{},                          // the defaults
		{RetryUnknownOutcome: true}, // last writer wins
		{MaxAttempts: 1, RetryUnknownOutcome: true}, // no retries at all
	} {
		var calls atomic.Int32
		srv := fakeEnkash(func(w http.ResponseWriter, r *http.Request) {
			if calls.Add(1) == 1 {
				w.WriteHeader(http.StatusBadGateway)
				return
			}
			_, _ = io.WriteString(w, `{"payload":{"customerId":"KCABCDEFGH123456"}}`)
		})
		p.BaseDelay = time.Millisecond
		c, err := wrapper.NewClient(srv.URL, wrapper.WithToken("my-token"), wrapper.WithRetry(p))
		if err != nil {
			panic(err)
		}
		_, err = c.UpdateCustomer(context.Background(), "KCABCDEFGH123456", api.UpdateCustomerRequest{})
		fmt.Printf("attempts %d, outcome unknown: %v\n", calls.Load(), errors.Is(err, wrapper.ErrOutcomeUnknown))
		c.CloseIdleConnections()
		srv.Close()
	}
	// Output:
	// attempts 1, outcome unknown: true
	// attempts 2, outcome unknown: false
	// attempts 1, outcome unknown: true
}
