package bulk

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/wrapper"
)

// TestUpdateCustomers_RefusedTokensMakeAtMostTwoGrants: a batch of 200 items
// at concurrency 8 against a server that refuses every token it issued asks
// for at most 2 password grants (some products lock an account after
// repeated failed logins), and every item fails with ErrUnauthorized.
func TestUpdateCustomers_RefusedTokensMakeAtMostTwoGrants(t *testing.T) {
	var grants, patches atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":"tok-%d-abcdefgh","expires_in":3600}`, grants.Add(1))
	})
	mux.HandleFunc("PATCH /api/v0/customer/{id}", func(w http.ResponseWriter, _ *http.Request) {
		patches.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"errorResponse":{"errorType":"UNAUTHORIZED","errorMessage":"token refused"}}`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c, err := wrapper.NewClient(srv.URL, wrapper.WithPasswordCredentials("client-id", "client-secret", "user", "password-1"))
	require.NoError(t, err)
	defer c.CloseIdleConnections()

	const items = 200
	updates := func(yield func(Update) bool) {
		for i := range items {
			if !yield(Update{CustomerID: fmt.Sprintf("KCB%013d", i)}) {
				return
			}
		}
	}
	n := 0
	for r := range UpdateCustomers(context.Background(), c, updates, WithConcurrency(8)) {
		n++
		assert.ErrorIs(t, r.Err, wrapper.ErrUnauthorized, "item %d", r.Index)
	}
	assert.Equal(t, items, n, "one result per item")
	assert.LessOrEqual(t, grants.Load(), int32(2), "password grants")
	assert.Positive(t, grants.Load(), "the grant was asked for")
	assert.Less(t, patches.Load(), int32(items), "calls fail fast during the back-off")
}
