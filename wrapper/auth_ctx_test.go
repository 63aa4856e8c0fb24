package wrapper

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

// A done ctx must end the call at once even while the password grant is
// still waiting on the token endpoint, and a call whose ctx is already done
// must send nothing at all.
func TestTokenFetchHonoursContext(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	c, err := NewClient(srv.URL, WithPasswordCredentials(wrappertest.DefaultClientID, wrappertest.DefaultClientSecret,
		wrappertest.DefaultUsername, wrappertest.DefaultPassword))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	var body api.UpdateCustomerRequest
	body.State.Set("Kerala")

	t.Run("deadline while the token endpoint stalls", func(t *testing.T) {
		srv.Inject(wrappertest.Fault{Path: "/oauth/token", Delay: 3 * time.Second, Status: 503, Times: 1})
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := c.UpdateCustomer(ctx, wrappertest.DemoCustomerID, body)
		elapsed := time.Since(start)
		require.Error(t, err)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Less(t, elapsed, time.Second, "the call must not wait for the stalled token fetch")
		srv.ClearFaults()
	})

	t.Run("already cancelled sends nothing", func(t *testing.T) {
		srv.ResetRequests()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := c.UpdateCustomer(ctx, wrappertest.DemoCustomerID, body)
		assert.True(t, errors.Is(err, context.Canceled), "got %v", err)
		assert.Empty(t, srv.Requests(), "neither the token endpoint nor the PATCH may be called")
	})

	t.Run("then works normally", func(t *testing.T) {
		cust, err := c.UpdateCustomer(context.Background(), wrappertest.DemoCustomerID, body)
		require.NoError(t, err)
		assert.Equal(t, "Kerala", cust.State)
	})
}
