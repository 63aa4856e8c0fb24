package wrappertest_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

// TestRequests_LogKeepsTheMostRecent: the request log never holds more than
// its size, keeps the most recent requests oldest first, and keeps none at
// size 0; the default size is DefaultRequestLogSize. (Before, the fake kept
// every request: about 12 MB per 10,000 updates, without end.)
func TestRequests_LogKeepsTheMostRecent(t *testing.T) {
	tests := []struct {
		name string
		opts []wrappertest.Option
		sent int
		want int // requests kept: the last want of those sent
	}{
		{"default size, fewer sent", nil, 30, 30},
		{"size 10, 25 sent", []wrappertest.Option{wrappertest.WithRequestLogSize(10)}, 25, 10},
		{"size 10, exactly 10 sent", []wrappertest.Option{wrappertest.WithRequestLogSize(10)}, 10, 10},
		{"size 1", []wrappertest.Option{wrappertest.WithRequestLogSize(1)}, 7, 1},
		{"size 0: off", []wrappertest.Option{wrappertest.WithRequestLogSize(0)}, 12, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := newServer(t, append([]wrappertest.Option{wrappertest.WithDemoCustomers()}, tt.opts...)...)
			for i := range tt.sent {
				var body api.UpdateCustomerRequest
				body.LegalName.Set(fmt.Sprintf("Name %d", i))
				resp, err := c.UpdateCustomerWithResponse(context.Background(), wrappertest.DemoCustomerID, nil, body)
				require.NoError(t, err)
				require.Equal(t, http.StatusOK, resp.StatusCode())
				assert.LessOrEqual(t, len(srv.Requests()), max(tt.want, 0), "the log exceeded its size")
			}
			reqs := srv.Requests()
			require.Len(t, reqs, tt.want)
			for k, r := range reqs {
				assert.JSONEq(t, fmt.Sprintf(`{"legalName":"Name %d"}`, tt.sent-tt.want+k), string(r.Body), "oldest first, the most recent kept")
			}
			srv.ResetRequests()
			assert.Empty(t, srv.Requests())
		})
	}
}
