package wrapper

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
)

// TestNoLostUpdateAfterReset (issue 10 item 7): the server applies writer
// A's PATCH, writer B's later PATCH lands, and only then does A's connection
// break. A blind retry of A would overwrite B's newer value and report
// success to both; the client must instead report that A's outcome is
// unknown, and B's value must survive. With RetryUnknownOutcome the caller
// accepts last-writer-wins, and the retry happens.
func TestNoLostUpdateAfterReset(t *testing.T) {
	for _, tc := range []struct {
		name      string
		opts      []Option
		wantStore string
		wantCalls int
	}{
		{name: "default: not retried, B's update kept", wantStore: "B", wantCalls: 2},
		{name: "last-writer-wins accepted: A retried over B", opts: []Option{WithRetry(RetryPolicy{RetryUnknownOutcome: true})}, wantStore: "A", wantCalls: 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			stored, calls := "", 0
			bApplied := make(chan struct{})
			ts := newTestServer(t)
			ts.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
				var body api.UpdateCustomerRequest
				require.NoError(t, json.NewDecoder(r.Body).Decode(&body))
				mu.Lock()
				calls++
				first := calls == 1
				stored = body.LegalName.MustGet()
				if calls == 2 {
					close(bApplied)
				}
				mu.Unlock()
				if first {
					// Writer B's update arrives after A's was applied, before
					// A's answer: B goes through its own client.
					cb, _ := newClient(t, ts, WithoutRetries())
					var b api.UpdateCustomerRequest
					b.LegalName.Set("B")
					go func() { _, _ = cb.UpdateCustomer(context.Background(), validCustomerID, b) }()
					<-bApplied
					hangUp(w, r) // A's connection breaks: A's outcome is unknown to A
					return
				}
				reply(w, 200, "application/json", okEnvelope)
			})
			ca, rec := newClient(t, ts, tc.opts...)
			var a api.UpdateCustomerRequest
			a.LegalName.Set("A")
			_, err := ca.UpdateCustomer(context.Background(), validCustomerID, a)
			mu.Lock()
			defer mu.Unlock()
			assert.Equal(t, tc.wantStore, stored)
			assert.Equal(t, tc.wantCalls, calls)
			if tc.wantStore == "B" {
				require.ErrorIs(t, err, ErrOutcomeUnknown)
				assert.ErrorIs(t, err, ErrNetwork)
				assert.Empty(t, rec.get(), "no backoff: nothing was retried")
			} else {
				require.NoError(t, err)
			}
		})
	}
}
