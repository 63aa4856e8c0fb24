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
		// Its own server and client: the stalled token fetch may go on in the
		// background after the call has returned, until this server closes.
		srv := wrappertest.NewServer(wrappertest.WithDemoCustomers())
		defer srv.Close()
		c, err := NewClient(srv.URL, WithPasswordCredentials(wrappertest.DefaultClientID, wrappertest.DefaultClientSecret,
			wrappertest.DefaultUsername, wrappertest.DefaultPassword))
		require.NoError(t, err)
		defer c.CloseIdleConnections()
		// The token endpoint never answers (the fake's delay ends only when
		// the client goes away or the server closes): the call can only
		// return through its ctx, whose deadline passes once the token
		// request has reached the server.
		srv.Inject(wrappertest.Fault{Path: "/oauth/token", Delay: time.Hour, Status: 503, Times: 1})
		ctx, cancel := deadlineWhen(func() bool { return len(srv.Requests()) > 0 })
		defer cancel()
		_, err = callGuarded(t, func() (*api.CustomerResponse, error) {
			return c.UpdateCustomer(ctx, wrappertest.DemoCustomerID, body)
		})
		require.Error(t, err)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		reqs := srv.Requests()
		require.Len(t, reqs, 1, "one token request, and no PATCH without a token")
		assert.Equal(t, "/oauth/token", reqs[0].Path)
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
