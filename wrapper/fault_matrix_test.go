package wrapper

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

// How the fault-matrix rows reach their server, beyond injected faults.
type faultSetup int

const (
	viaFake          faultSetup = iota // the wrappertest fake with the row's faults
	refused                            // a loopback port nobody listens on
	redirectAway                       // the fake redirects (307) to another host
	redirectFollowed                   // the same, with a WithHTTPClient client that follows redirects
	cancelInBackoff                    // the ctx is cancelled while waiting to retry
)

const matrixID = wrappertest.DemoCustomerID

// matrixClock is the fixed clock of the clients in the matrix (Retry-After
// dates are read against it).
var matrixClock = time.Date(2025, 11, 20, 10, 45, 0, 0, time.UTC)

// TestRetry_FaultMatrix drives one call per fault through a Client with the
// default transport and checks the outcome: the typed error and its
// sentinels (or success after a retry where the policy says so), the number
// of attempts (one Debug log record each, cross-checked against the requests
// the server saw), the backoff waits (recorded by the injected sleeper, which
// does not really wait), no panic and no leaked goroutine per row. Bodies and
// messages echo the fixture token and personal data; every log line and
// error text goes to the suite sink that TestMain scans for them.
func TestRetry_FaultMatrix(t *testing.T) {
	const b = defaultBaseDelay // with the matrix jitter, waits are b, 2b, …
	var (
		json         = "application/json"
		piiMsg       = "customer " + fxEmail + " mobile " + fxMobile + " account " + fxAccount + " PAN " + fxPAN + " IFSC " + fxIFSC + " token " + fxToken
		html502      = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><p>" + piiMsg + "</p><hr>nginx</body></html>"
		echoPII      = `{"payload":{"customerId":"` + matrixID + `","accountNumber":"` + fxAccount + `","ifsc":"` + fxIFSC + `","contactNumber":"` + fxContact + `","customerKeyContacts":[{"email":"` + fxEmail + `","mobile":"` + fxMobile + `"}]},"response_code":0}`
		okBody       = `{"payload":{"customerId":"` + matrixID + `","legalName":"Acme Traders Pvt Ltd"},"response_code":0,"response_message":"SUCCESS"}`
		badUTF8JSON  = `{"payload":{"customerId":"` + matrixID + "\",\"legalName\":\"Acme \xff\xfe Traders\"},\"response_code\":0}"
		sysErr       = errEnvelope("SYSTEM_ERROR", piiMsg)
		bigBody      = `{"payload":{"customerId":"` + matrixID + `","address":"` + strings.Repeat("x", 4<<10) + `"}}`
		retryAtDate  = matrixClock.Add(7 * time.Second).Format(http.TimeFormat)
		forever      = -1
		f            = func(fs ...wrappertest.Fault) []wrappertest.Fault { return fs }
		waits        = func(d ...time.Duration) []time.Duration { return d }
		notAPIError  = 0
		noneExpected []time.Duration
	)
	tests := []struct {
		name     string
		setup    faultSetup
		faults   []wrappertest.Fault
		opts     []Option
		deadline bool    // the ctx deadline passes once the server has the request
		ok       bool    // success expected
		stored   bool    // and the fake's store applied the body
		is       []error // errors.Is must hold for each
		isNot    []error // and must not for these
		status   int     // the *APIError's status; notAPIError: no *APIError in the chain
		attempts int
		// lossy: a client timeout (a real timer inside net/http) may end an
		// attempt before its request reached the server, so the server sees
		// at most, not exactly, one request per attempt.
		lossy bool
		waits []time.Duration
	}{
		{name: "connection refused", setup: refused,
			is: []error{ErrNetwork, syscall.ECONNREFUSED}, isNot: []error{ErrOutcomeUnknown}, status: notAPIError, attempts: 3, waits: waits(b, 2*b)},
		{name: "connection reset after the request was sent (outcome unknown: not retried)", faults: f(wrappertest.Fault{CloseConnection: true, Times: forever}),
			is: []error{ErrNetwork, ErrOutcomeUnknown}, status: notAPIError, attempts: 1, waits: noneExpected},
		{name: "connection reset, caller accepts last-writer-wins", faults: f(wrappertest.Fault{CloseConnection: true, Times: forever}),
			opts: []Option{WithRetry(RetryPolicy{RetryUnknownOutcome: true})},
			is:   []error{ErrNetwork, ErrOutcomeUnknown}, status: notAPIError, attempts: 3, waits: waits(b, 2*b)},
		{name: "connection reset mid-body (not retried: the server answered)", faults: f(wrappertest.Fault{Status: 200, ContentType: json, Body: echoPII[:60], CloseConnection: true}),
			is: []error{ErrNetwork, io.ErrUnexpectedEOF, ErrOutcomeUnknown}, status: notAPIError, attempts: 1, waits: noneExpected},
		{name: "server slower than the ctx deadline", faults: f(wrappertest.Fault{Delay: time.Hour, Times: forever}), deadline: true,
			is: []error{context.DeadlineExceeded, ErrOutcomeUnknown}, isNot: []error{ErrNetwork}, status: notAPIError, attempts: 1, waits: noneExpected},
		{name: "server slower than the client timeout (outcome unknown: not retried)", faults: f(wrappertest.Fault{Delay: time.Hour, Times: forever}), opts: []Option{WithTimeout(80 * time.Millisecond)},
			is: []error{ErrNetwork, ErrOutcomeUnknown}, status: notAPIError, attempts: 1, lossy: true, waits: noneExpected},
		{name: "502 HTML page (outcome unknown: not retried)", faults: f(wrappertest.Fault{Status: 502, ContentType: "text/html", Body: html502, Times: forever}),
			is: []error{ErrServer, ErrInvalidResponse, ErrOutcomeUnknown}, isNot: []error{ErrNetwork}, status: 502, attempts: 1, waits: noneExpected},
		{name: "502 HTML page every time, caller accepts last-writer-wins", faults: f(wrappertest.Fault{Status: 502, ContentType: "text/html", Body: html502, Times: forever}),
			opts: []Option{WithRetry(RetryPolicy{RetryUnknownOutcome: true})},
			is:   []error{ErrServer, ErrInvalidResponse, ErrOutcomeUnknown}, isNot: []error{ErrNetwork}, status: 502, attempts: 3, waits: waits(b, 2*b)},
		{name: "500 SYSTEM_ERROR envelope (not retried)", faults: f(wrappertest.Fault{Status: 500, ContentType: json, Body: sysErr, Times: forever}),
			is: []error{ErrSystemError, ErrServer}, isNot: []error{ErrInvalidResponse}, status: 500, attempts: 1, waits: noneExpected},
		{name: "503 then 200", faults: f(wrappertest.Fault{Status: 503, ContentType: "text/plain", Body: "unavailable"}),
			ok: true, stored: true, attempts: 2, waits: waits(b)},
		{name: "429 Retry-After seconds then 200", faults: f(wrappertest.Fault{Status: 429, RetryAfter: "2"}),
			ok: true, stored: true, attempts: 2, waits: waits(2 * time.Second)},
		{name: "429 Retry-After HTTP date then 200", faults: f(wrappertest.Fault{Status: 429, RetryAfter: retryAtDate}),
			ok: true, stored: true, attempts: 2, waits: waits(7 * time.Second)},
		{name: "429 Retry-After beyond MaxRetryAfter", faults: f(wrappertest.Fault{Status: 429, RetryAfter: "120", Times: forever}),
			is: []error{ErrRateLimited}, status: 429, attempts: 1, waits: noneExpected},
		{name: "truncated JSON", faults: f(wrappertest.Fault{Status: 200, ContentType: json, Body: echoPII[:len(echoPII)-20]}),
			is: []error{ErrInvalidResponse}, status: 200, attempts: 1, waits: noneExpected},
		{name: "JSON with a wrong Content-Type (decoded anyway)", faults: f(wrappertest.Fault{Status: 200, ContentType: "text/html; charset=iso-8859-1", Body: okBody}),
			ok: true, attempts: 1, waits: noneExpected},
		{name: "empty 200 body", faults: f(wrappertest.Fault{Status: 200, ContentType: json}),
			is: []error{ErrInvalidResponse}, status: 200, attempts: 1, waits: noneExpected},
		{name: "200 with payload null", faults: f(wrappertest.Fault{Status: 200, ContentType: json, Body: `{"payload":null,"response_code":0,"response_message":"SUCCESS"}`}),
			is: []error{ErrInvalidResponse}, status: 200, attempts: 1, waits: noneExpected},
		{name: "body over the size limit", faults: f(wrappertest.Fault{Status: 200, ContentType: json, Body: bigBody}), opts: []Option{WithMaxResponseBytes(1 << 10)},
			is: []error{ErrResponseTooLarge}, isNot: []error{ErrInvalidResponse}, status: 200, attempts: 1, waits: noneExpected},
		{name: "body trickles slower than the ctx deadline", faults: f(wrappertest.Fault{Status: 200, ContentType: json, Body: okBody, TrickleInterval: time.Hour}), deadline: true,
			is: []error{context.DeadlineExceeded, ErrOutcomeUnknown}, isNot: []error{ErrNetwork}, status: notAPIError, attempts: 1, waits: noneExpected},
		{name: "body trickles slower than the client timeout", faults: f(wrappertest.Fault{Status: 200, ContentType: json, Body: okBody, TrickleInterval: time.Hour}), opts: []Option{WithTimeout(250 * time.Millisecond)},
			is: []error{ErrNetwork, ErrOutcomeUnknown}, status: notAPIError, attempts: 1, lossy: true, waits: noneExpected},
		{name: "invalid UTF-8 inside a JSON string (replaced by U+FFFD)", faults: f(wrappertest.Fault{Status: 200, ContentType: json, Body: badUTF8JSON}),
			ok: true, attempts: 1, waits: noneExpected},
		{name: "invalid UTF-8 body", faults: f(wrappertest.Fault{Status: 200, ContentType: json, Body: "\xff\xfe\xfd{\"payload\xc3\x28" + fxMobile}),
			is: []error{ErrInvalidResponse}, status: 200, attempts: 1, waits: noneExpected},
		{name: "redirect to another host: not followed, token stays home", setup: redirectAway,
			is: []error{ErrUnexpectedStatus}, status: http.StatusTemporaryRedirect, attempts: 1, waits: noneExpected},
		{name: "redirect to another host, client that follows: token dropped", setup: redirectFollowed,
			ok: true, attempts: 1, waits: noneExpected},
		{name: "ctx cancelled during backoff", setup: cancelInBackoff, faults: f(wrappertest.Fault{Status: 503, Times: forever}),
			is: []error{context.Canceled, ErrServer}, status: 503, attempts: 1, waits: waits(b)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer goleak.VerifyNone(t) // runs after the cleanups below

			srv := wrappertest.NewServer(wrappertest.WithToken(fxToken), wrappertest.WithDemoCustomers())
			srv.Inject(tc.faults...)
			base := srv.URL

			// the other host of the redirect rows, recording what arrives
			var otherAuth []string
			var otherMu sync.Mutex
			var other *httptest.Server
			var otherTransport *http.Transport // dials other for the redirect's host name
			if tc.setup == redirectAway || tc.setup == redirectFollowed {
				other = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					otherMu.Lock()
					otherAuth = append(otherAuth, r.Header.Get("Authorization"))
					otherMu.Unlock()
					_, _ = io.Copy(io.Discard, r.Body)
					reply(w, 200, "application/json", `{"payload":{"customerId":"`+matrixID+`"},"response_code":0}`)
				}))
				otherBase, tr := otherHost(t, other.URL)
				otherTransport = tr
				to := otherBase + "/elsewhere"
				srv.Inject(wrappertest.Fault{Status: http.StatusTemporaryRedirect, Header: http.Header{"Location": {to}}})
			}
			if tc.setup == refused {
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				require.NoError(t, err)
				base = "http://" + ln.Addr().String()
				require.NoError(t, ln.Close())
			}

			var ctx context.Context
			var cancel context.CancelFunc
			if tc.deadline {
				// The deadline passes when the server has the request, not
				// after a time that a busy machine could stretch either way.
				ctx, cancel = deadlineWhen(func() bool { return len(srv.Requests()) > 0 })
			} else {
				ctx, cancel = context.WithCancel(context.Background())
			}
			defer cancel()
			rec := &sleepRecorder{}
			sleep := rec.sleep
			if tc.setup == cancelInBackoff {
				sleep = func(ctx context.Context, d time.Duration) error {
					_ = rec.sleep(ctx, d)
					cancel()
					<-ctx.Done()
					return ctx.Err()
				}
			}
			var logged atomic.Int32
			logger := slog.New(countingHandler{sinkLogger(suiteSink).Handler(), &logged})
			var follower *http.Client
			if tc.setup == redirectFollowed {
				follower = &http.Client{Transport: otherTransport, Timeout: 5 * time.Second}
				tc.opts = append(tc.opts, WithHTTPClient(follower))
			}
			opts := append([]Option{WithToken(fxToken), WithLogger(logger), withSleep(sleep),
				withJitter(func(n int64) int64 { return n - 1 }), withClock(func() time.Time { return matrixClock })}, tc.opts...)
			c, err := NewClient(base, opts...)
			require.NoError(t, err)

			var cust *api.CustomerResponse
			cust, err = callGuarded(t, func() (*api.CustomerResponse, error) { return c.UpdateCustomer(ctx, matrixID, validBody()) })
			suiteSink.recordErr(err)

			if tc.ok {
				require.NoError(t, err)
				require.NotNil(t, cust)
				assert.Equal(t, matrixID, cust.CustomerId)
			} else {
				require.Error(t, err)
				assert.Nil(t, cust)
				for _, s := range tc.is {
					assert.ErrorIs(t, err, s)
				}
				for _, s := range tc.isNot {
					assert.NotErrorIs(t, err, s)
				}
				var ae *APIError
				if tc.status == notAPIError {
					assert.False(t, errors.As(err, &ae), "no *APIError without a complete response: %v", err)
				} else if assert.ErrorAs(t, err, &ae) {
					assert.Equal(t, tc.status, ae.StatusCode)
					assert.True(t, utf8.ValidString(ae.Snippet))
				}
				assert.True(t, utf8.ValidString(err.Error()))
				assert.NotContains(t, err.Error(), fxToken)
			}
			assert.Equal(t, int32(tc.attempts), logged.Load(), "attempts (one Debug record each)")
			assert.Equal(t, tc.waits, rec.get(), "backoff waits")

			switch tc.setup {
			case refused:
			case redirectAway, redirectFollowed:
				assert.Len(t, srv.Requests(), tc.attempts)
				otherMu.Lock()
				if tc.ok {
					assert.Equal(t, []string{""}, otherAuth, "the bearer token followed the redirect")
				} else {
					assert.Empty(t, otherAuth, "the default client must not follow redirects")
				}
				otherMu.Unlock()
			default:
				if tc.lossy {
					assert.LessOrEqual(t, len(srv.Requests()), tc.attempts, "requests the server saw")
				} else {
					assert.Len(t, srv.Requests(), tc.attempts, "requests the server saw")
				}
				for _, r := range srv.Requests() {
					assert.Equal(t, "Bearer "+fxToken, r.Header.Get("Authorization"))
				}
			}
			stored, _ := srv.Customer(matrixID)
			if tc.stored {
				assert.Equal(t, fxAccount, stored.AccountNumber, "the body reached the store")
			} else {
				assert.NotEqual(t, fxAccount, stored.AccountNumber, "the store is untouched")
			}
			if strings.Contains(tc.name, "U+FFFD") {
				assert.Equal(t, "Acme \uFFFD\uFFFD Traders", cust.LegalName)
			}

			// shut everything down before goleak looks
			c.CloseIdleConnections()
			if follower != nil {
				follower.CloseIdleConnections()
			}
			srv.Close()
			if other != nil {
				other.Close()
			}
			for _, v := range srv.SpecViolations() {
				t.Errorf("fake server: %v", v)
			}
		})
	}
}

// hangGuard bounds how long a test waits for a call that must return
// promptly. It only keeps a broken build from hanging the suite: no
// assertion is made on how long anything took.
const hangGuard = time.Minute

// callGuarded runs call (which must not panic) and returns its results, or
// fails the test if it has not returned within hangGuard.
func callGuarded(t *testing.T, call func() (*api.CustomerResponse, error)) (*api.CustomerResponse, error) {
	t.Helper()
	type result struct {
		cust *api.CustomerResponse
		err  error
		p    any
	}
	done := make(chan result, 1)
	go func() {
		var r result
		defer func() { r.p = recover(); done <- r }()
		r.cust, r.err = call()
	}()
	select {
	case r := <-done:
		require.Nil(t, r.p, "the call panicked")
		return r.cust, r.err
	case <-time.After(hangGuard):
		t.Fatal("the call did not return")
		return nil, nil
	}
}

// deadlineWhen returns a context that ends with context.DeadlineExceeded as
// soon as cond holds (checked every millisecond), as if its deadline passed
// at that event instead of at a clock time a busy machine could stretch
// either way; cancel ends it with context.Canceled if it has not ended.
func deadlineWhen(cond func() bool) (context.Context, context.CancelFunc) {
	c := &eventCtx{done: make(chan struct{})}
	go func() {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for !cond() {
			select {
			case <-c.done:
				return
			case <-tick.C:
			}
		}
		c.end(context.DeadlineExceeded)
	}()
	return c, func() { c.end(context.Canceled) }
}

// eventCtx is a context ended by end(err). It is its own type, not a wrapper
// of a context package context, so that contexts derived from it take their
// Err from its Err.
type eventCtx struct {
	done chan struct{}
	once sync.Once
	mu   sync.Mutex
	err  error
}

func (c *eventCtx) Deadline() (time.Time, bool) { return time.Time{}, false }
func (c *eventCtx) Done() <-chan struct{}       { return c.done }
func (c *eventCtx) Value(any) any               { return nil }

func (c *eventCtx) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func (c *eventCtx) end(err error) {
	c.once.Do(func() {
		c.mu.Lock()
		c.err = err
		c.mu.Unlock()
		close(c.done)
	})
}
