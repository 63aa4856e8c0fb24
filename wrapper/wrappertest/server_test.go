package wrappertest_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

func TestRequestLog(t *testing.T) {
	clock := newFakeClock()
	srv, c := newServer(t, wrappertest.WithDemoCustomers(), wrappertest.WithClock(clock.Now))
	var body api.UpdateCustomerRequest
	body.State.Set("Kerala")
	resp, err := c.UpdateCustomerWithResponse(context.Background(), wrappertest.DemoCustomerID,
		&api.UpdateCustomerParams{ParentCompanyId: ptr(wrappertest.DemoParentCompanyID)}, body,
		func(_ context.Context, req *http.Request) error { req.Header.Set("X-Trace", "abc"); return nil })
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode())

	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	r := reqs[0]
	assert.Equal(t, http.MethodPatch, r.Method)
	assert.Equal(t, "/api/v0/customer/"+wrappertest.DemoCustomerID, r.Path)
	assert.Equal(t, "parentCompanyId="+wrappertest.DemoParentCompanyID, r.RawQuery)
	assert.Equal(t, "Bearer "+srv.Token, r.Header.Get("Authorization"), "kept for assertions")
	assert.Equal(t, "abc", r.Header.Get("X-Trace"))
	assert.JSONEq(t, `{"state":"Kerala"}`, string(r.Body))
	assert.Equal(t, clock.Now(), r.Time)
	assert.Equal(t, resp.HTTPResponse.Header.Get("X-Request-Id"), r.RequestID)

	s := r.String()
	assert.Contains(t, s, "PATCH /api/v0/customer/"+wrappertest.DemoCustomerID+"?parentCompanyId=")
	assert.Contains(t, s, "Authorization: REDACTED")
	assert.NotContains(t, s, srv.Token)
	assert.NotContains(t, s, "Kerala", "bodies are left out of String")

	// Returned requests are copies.
	reqs[0].Header.Set("Authorization", "changed")
	reqs[0].Body[0] = 'X'
	assert.Equal(t, "Bearer "+srv.Token, srv.Requests()[0].Header.Get("Authorization"))
	assert.Equal(t, byte('{'), srv.Requests()[0].Body[0])

	srv.ResetRequests()
	assert.Empty(t, srv.Requests())
}

func TestLoggerNeverLogsSecrets(t *testing.T) {
	var buf syncBuffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, _ := newServer(t, wrappertest.WithDemoCustomers(), wrappertest.WithLogger(logger))
	tok := issueToken(t, srv)
	rawClient{t, srv}.patch(wrappertest.DemoCustomerID, tok, `{"contactNumber":"+91 9999988888"}`)
	rawClient{t, srv}.patch(wrappertest.DemoCustomerID, srv.Token, `{"nickname":"x"}`)
	out := buf.String()
	assert.Contains(t, out, "/api/v0/customer/"+wrappertest.DemoCustomerID)
	for _, secret := range []string{tok, srv.Token, wrappertest.DefaultPassword, wrappertest.DefaultClientSecret, "9999988888"} {
		assert.NotContains(t, out, secret)
	}
}

// TestConcurrentUpdates runs 64 goroutines × 200 PATCHes through one shared
// client: no errors, a consistent store, and reused connections. The client
// may hold at most `workers` connections (MaxConnsPerHost) and keeps them all
// when idle, so it opens a new one only when the server has closed one: the
// bound on Connections follows from the workload, not from how goroutines
// and dials happen to be scheduled.
func TestConcurrentUpdates(t *testing.T) {
	const workers, calls = 64, 200
	var seeds []api.CustomerResponse
	for w := 0; w < workers; w++ {
		seeds = append(seeds, api.CustomerResponse{CustomerId: fmt.Sprintf("KCLOAD%010d", w), ParentCompanyId: "CEKLOAD001"})
	}
	seeds = append(seeds, api.CustomerResponse{CustomerId: "KCSHARED00000000"})
	var newConns atomic.Int64
	srv, _ := newServer(t, wrappertest.WithCustomers(seeds...), wrappertest.WithRequestLogSize(workers*calls), wrappertest.WithConnState(func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			newConns.Add(1)
		}
	}))
	transport := srv.Client().Transport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = workers
	transport.MaxConnsPerHost = workers
	defer transport.CloseIdleConnections()
	c, err := api.NewClientWithResponses(srv.URL, api.WithHTTPClient(&http.Client{Transport: transport, Timeout: 30 * time.Second}),
		api.WithRequestEditorFn(bearer(srv.Token)))
	require.NoError(t, err)

	var wg sync.WaitGroup
	var failures atomic.Int64
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			own := seeds[w].CustomerId
			for i := 0; i < calls; i++ {
				var body api.UpdateCustomerRequest
				body.UniqueRefNo.Set(fmt.Sprintf("w%d-i%d", w, i))
				body.BranchCodes.Set([]string{fmt.Sprint(w), fmt.Sprint(i)})
				id := own
				if i%10 == 0 {
					id = "KCSHARED00000000"
				}
				resp, err := c.UpdateCustomerWithResponse(context.Background(), id,
					&api.UpdateCustomerParams{}, body)
				if err != nil || resp.StatusCode() != http.StatusOK || resp.JSON200 == nil ||
					resp.JSON200.Payload.UniqueRefNo != fmt.Sprintf("w%d-i%d", w, i) {
					failures.Add(1)
				}
			}
		}(w)
	}
	wg.Wait()
	require.Zero(t, failures.Load())

	for w := 0; w < workers; w++ {
		got, ok := srv.Customer(seeds[w].CustomerId)
		require.True(t, ok)
		assert.Equal(t, fmt.Sprintf("w%d-i%d", w, calls-1), got.UniqueRefNo)
		assert.Equal(t, []string{fmt.Sprint(w), fmt.Sprint(calls - 1)}, got.BranchCodes)
		assert.Equal(t, "CEKLOAD001", got.ParentCompanyId, "untouched fields stay")
	}
	shared, _ := srv.Customer("KCSHARED00000000")
	var sw, si int
	_, err = fmt.Sscanf(shared.UniqueRefNo, "w%d-i%d", &sw, &si)
	require.NoError(t, err)
	assert.Equal(t, []string{fmt.Sprint(sw), fmt.Sprint(si)}, shared.BranchCodes, "one update's fields, never a mix")

	assert.Len(t, srv.Requests(), workers*calls)
	// Keep-alive: connections are reused. The bound is derived from the
	// workload, not from how the OS schedules: a server closing connections
	// would open one per request (workers*calls), while reuse needs about
	// one per worker; the transport may replace a connection now and then.
	assert.Less(t, srv.Connections(), workers*calls/4, "keep-alive connections are reused")
	assert.EqualValues(t, srv.Connections(), newConns.Load(), "WithConnState sees the same connections")
	assert.Empty(t, srv.SpecViolations())
}

// TestSpecViolationsAreRecorded proves the response check works: a stored
// customer that breaks the spec (an unknown reminderType) goes out, and is
// recorded as a violation; NewTestServer turns it into a test error.
func TestSpecViolationsAreRecorded(t *testing.T) {
	bad := api.CustomerResponse{
		CustomerId:        "KCBAD00000000001",
		CustomerReminders: []api.CustomerReminderConfigResponse{{CustomerReminderId: "CR1", ReminderType: "WEEKLY"}},
	}
	srv := wrappertest.NewServer(wrappertest.WithCustomers(bad))
	defer srv.Close()
	r := rawClient{t, srv}.patch(bad.CustomerId, srv.Token, `{}`)
	assert.Equal(t, http.StatusOK, r.status, "the response is still sent")
	v := srv.SpecViolations()
	require.Len(t, v, 1)
	assert.Contains(t, v[0].Error(), "reminderType")
	assert.Contains(t, v[0].Error(), "PATCH /api/v0/customer/KCBAD00000000001")

	ft := &fakeTB{TB: t}
	srv2 := wrappertest.NewTestServer(ft, wrappertest.WithCustomers(bad))
	rawClient{t, srv2}.patch(bad.CustomerId, srv2.Token, `{}`)
	ft.runCleanups()
	require.Len(t, ft.errors, 1)
	assert.Contains(t, ft.errors[0], "violates openapi.yaml")
}

// fakeTB captures Errorf and Cleanup.
type fakeTB struct {
	testing.TB
	mu       sync.Mutex
	errors   []string
	cleanups []func()
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}

func (f *fakeTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }

func (f *fakeTB) runCleanups() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

func TestCloseIsIdempotent(t *testing.T) {
	srv := wrappertest.NewServer()
	srv.Close()
	srv.Close()
	assert.True(t, strings.HasPrefix(srv.URL, "http://127.0.0.1:"))
}

// syncBuffer is a bytes.Buffer safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestWithTLS_ServesHTTPSAndHTTP2: WithTLS serves HTTPS over HTTP/1.1 and
// WithHTTP2 over HTTP/2, with a certificate a client can trust as a root.
func TestWithTLS_ServesHTTPSAndHTTP2(t *testing.T) {
	tests := []struct {
		name      string
		opt       wrappertest.Option
		wantProto int
	}{
		{"WithTLS", wrappertest.WithTLS(), 1},
		{"WithHTTP2", wrappertest.WithHTTP2(), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers(), tt.opt)
			require.True(t, strings.HasPrefix(srv.URL, "https://"), srv.URL)
			roots := x509.NewCertPool()
			roots.AddCert(srv.Certificate())
			tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}, ForceAttemptHTTP2: true}
			defer tr.CloseIdleConnections()
			c, err := api.NewClientWithResponses(srv.URL, api.WithHTTPClient(&http.Client{Transport: tr}), api.WithRequestEditorFn(bearer(srv.Token)))
			require.NoError(t, err)
			var body api.UpdateCustomerRequest
			body.State.Set("Goa")
			resp, err := c.UpdateCustomerWithResponse(context.Background(), wrappertest.DemoCustomerID, nil, body)
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, resp.StatusCode())
			assert.Equal(t, tt.wantProto, resp.HTTPResponse.ProtoMajor)
		})
	}
	plain := wrappertest.NewTestServer(t)
	assert.Nil(t, plain.Certificate())
}
