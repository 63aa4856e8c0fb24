package wrapper

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

const (
	loadParentID = "CEKLOAD001"
	loadSharedID = "KCSHARED00000000"
)

// loadResult is what one run of runLoad observed.
type loadResult struct {
	failures []error // the first failure of each failing goroutine
	conns    int     // connections the server accepted
	requests int     // requests the server received
	took     time.Duration
}

// runLoad has `workers` goroutines share c for `calls` calls each against
// srv (seeded by loadServer). Goroutine w owns customer loadID(w) and sets
// its uniqueRefNo and branchCodes to "w<w>-i<i>" on each call; every fifth
// call goes to the shared customer instead. Each answer must echo the values
// just written.
func runLoad(c *Client, srv *wrappertest.Server, workers, calls int) loadResult {
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		failures []error
	)
	conns0, reqs0 := srv.Connections(), len(srv.Requests())
	start := time.Now()
	for w := range workers {
		wg.Go(func() {
			for i := range calls {
				ref := fmt.Sprintf("w%d-i%d", w, i)
				var body api.UpdateCustomerRequest
				body.UniqueRefNo.Set(ref)
				body.BranchCodes.Set([]string{fmt.Sprint(w), fmt.Sprint(i)})
				id, opts := loadID(w), []CallOption{WithParentCompanyID(loadParentID)}
				if i%5 == 4 {
					id, opts = loadSharedID, nil
				}
				cust, err := c.UpdateCustomer(context.Background(), id, body, opts...)
				if err == nil && (cust.CustomerId != id || cust.UniqueRefNo != ref) {
					err = fmt.Errorf("call %s on %s answered %s/%s", ref, id, cust.CustomerId, cust.UniqueRefNo)
				}
				if err != nil {
					mu.Lock()
					failures = append(failures, err)
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	return loadResult{failures: failures, conns: srv.Connections() - conns0,
		requests: len(srv.Requests()) - reqs0, took: time.Since(start)}
}

func loadID(w int) string { return fmt.Sprintf("KCLOAD%010d", w) }

func loadServer(t *testing.T, workers int, opts ...wrappertest.Option) *wrappertest.Server {
	seeds := []api.CustomerResponse{{CustomerId: loadSharedID, ParentCompanyId: "CEKOTHER01", LegalName: "Shared Ltd"}}
	for w := range workers {
		seeds = append(seeds, api.CustomerResponse{CustomerId: loadID(w), ParentCompanyId: loadParentID, LegalName: "Load Ltd"})
	}
	return wrappertest.NewTestServer(t, append([]wrappertest.Option{wrappertest.WithToken(fxToken), wrappertest.WithCustomers(seeds...)}, opts...)...)
}

// TestLoadSharedClient: 64 goroutines × 200 calls through ONE Client with
// its default transport (run under -race): no error, a consistent store, and
// keep-alive connections reused (at most 2 per goroutine, counted with the
// server's ConnState). Measured on the 2-core dev box under -race (busy with
// other jobs): the 12,800 calls opened 67–72 connections in 12–13 s; the
// fake's per-request spec validation is most of that.
func TestLoadSharedClient(t *testing.T) {
	const workers, calls = 64, 200
	var stateNew atomic.Int64
	srv := loadServer(t, workers, wrappertest.WithConnState(func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			stateNew.Add(1)
		}
	}))
	c, err := NewClient(srv.URL, WithToken(fxToken))
	require.NoError(t, err)
	defer c.CloseIdleConnections()

	res := runLoad(c, srv, workers, calls)
	t.Logf("%d goroutines × %d calls: %d connections, %v", workers, calls, res.conns, res.took)
	require.Empty(t, res.failures, "calls failed")
	assert.Equal(t, workers*calls, res.requests, "one request per call, no retries")

	// the store: each owned customer holds its goroutine's last write, whole
	lastOwn := calls - 1
	for lastOwn%5 == 4 {
		lastOwn--
	}
	for w := range workers {
		got, ok := srv.Customer(loadID(w))
		require.True(t, ok)
		assert.Equal(t, fmt.Sprintf("w%d-i%d", w, lastOwn), got.UniqueRefNo)
		assert.Equal(t, []string{fmt.Sprint(w), fmt.Sprint(lastOwn)}, got.BranchCodes)
		assert.Equal(t, "Load Ltd", got.LegalName, "fields not in the body stay")
	}
	// the shared customer holds one goroutine's final write to it, never a mix
	shared, _ := srv.Customer(loadSharedID)
	var sw, si int
	_, err = fmt.Sscanf(shared.UniqueRefNo, "w%d-i%d", &sw, &si)
	require.NoError(t, err, "shared uniqueRefNo %q", shared.UniqueRefNo)
	lastShared := calls - 1
	for lastShared%5 != 4 {
		lastShared--
	}
	assert.True(t, sw >= 0 && sw < workers, "writer %d", sw)
	assert.Equal(t, lastShared, si, "the last write to the shared customer is some goroutine's last one")
	assert.Equal(t, []string{fmt.Sprint(sw), fmt.Sprint(si)}, shared.BranchCodes, "both fields from the same call")

	assert.LessOrEqual(t, res.conns, 2*workers, "keep-alive connections are reused")
	assert.EqualValues(t, res.conns, stateNew.Load(), "ConnState saw the same connections")
}

// TestLoadDefaultTransportOpensMore shows the connection check can fail: the
// same load (fewer calls, to stay quick) through a Client whose transport is
// Go's default (MaxIdleConnsPerHost 2) opens far more connections than the
// Client's own transport — measured: 1,152–1,172 connections for 64 × 50
// calls (3.6 s under -race), against 67–72 for 64 × 200 with ours.
func TestLoadDefaultTransportOpensMore(t *testing.T) {
	if testing.Short() {
		t.Skip("opens a thousand connections")
	}
	const workers, calls = 64, 50
	srv := loadServer(t, workers)
	tr := http.DefaultTransport.(*http.Transport).Clone() // MaxIdleConnsPerHost 0: Go keeps 2
	defer tr.CloseIdleConnections()
	c, err := NewClient(srv.URL, WithToken(fxToken), WithHTTPClient(&http.Client{Transport: tr, Timeout: 30 * time.Second, CheckRedirect: noRedirect}))
	require.NoError(t, err)

	res := runLoad(c, srv, workers, calls)
	t.Logf("default transport, %d goroutines × %d calls: %d connections, %v", workers, calls, res.conns, res.took)
	require.Empty(t, res.failures)
	assert.Greater(t, res.conns, 4*workers, "Go's default transport should churn connections here")
}
