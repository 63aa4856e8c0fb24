package wrapper

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRetry_NoLostUpdateAfterReset (issue 10 item 7): the server applies writer
// A's PATCH, writer B's later PATCH lands, and only then does A's connection
// break. A blind retry of A would overwrite B's newer value and report
// success to both; the client must instead report that A's outcome is
// unknown, and B's value must survive. With RetryUnknownOutcome the caller
// accepts last-writer-wins, and the retry happens.
func TestRetry_NoLostUpdateAfterReset(t *testing.T) {
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
					cb, _ := newClient(t, ts, WithRetry(RetryPolicy{MaxAttempts: 1}))
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

// P5: the caller's context ends after the server received the request: the
// outcome is unknown.
func TestRetry_CtxEndAfterSendIsOutcomeUnknown(t *testing.T) {
	got := make(chan struct{}, 1)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		got <- struct{}{}
		<-release
	}))
	defer srv.Close()
	defer close(release)
	c, _ := NewClient(srv.URL, WithToken(hostileToken))
	defer c.CloseIdleConnections()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-got; cancel() }()
	_, err := c.UpdateCustomer(ctx, validCustomerID, piiBody())
	require.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, ErrOutcomeUnknown, "the server had the request")
}

// P6: a TLS server applies the PATCH, then writes plaintext on the TLS connection:
// tls.RecordHeaderError after the request was sent -> retried?
func TestRetry_TLSRecordErrorAfterSendNotRetried(t *testing.T) {
	ts := httptest.NewTLSServer(http.NotFoundHandler())
	cert := ts.TLS.Certificates
	clientTr := ts.Client().Transport.(*http.Transport).Clone()
	ts.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var applied atomic.Int32
	var wg sync.WaitGroup
	go func() {
		for {
			raw, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer raw.Close()
				tc := tls.Server(raw, &tls.Config{Certificates: cert})
				req, err := http.ReadRequest(bufio.NewReader(tc))
				if err != nil {
					return
				}
				io.Copy(io.Discard, req.Body)
				applied.Add(1)
				io.WriteString(raw, "GARBAGE FROM A MIDDLEBOX\r\n") // plaintext on the TLS conn
			}()
		}
	}()
	c, err := NewClient("https://"+ln.Addr().String(), WithToken(hostileToken),
		WithHTTPClient(&http.Client{Transport: clientTr}), WithRetry(RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.UpdateCustomer(context.Background(), validCustomerID, piiBody())
	ln.Close()
	wg.Wait()
	t.Logf("applied=%d err=%v unknown=%v", applied.Load(), err, errors.Is(err, ErrOutcomeUnknown))
	if applied.Load() > 1 {
		t.Errorf("LOST UPDATE: PATCH applied %d times without RetryUnknownOutcome", applied.Load())
	}
}

// RetryPolicy: a ctx that ends before anything was sent (during the dial)
// is the ctx's error, not ErrOutcomeUnknown: nothing can have been applied.
// Kills retry/ctx-end-before-send-unknown.
func TestRetry_CtxEndDuringDialIsNotOutcomeUnknown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rt := roundTripFunc(func(*http.Request) (*http.Response, error) {
		cancel()
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: context.Canceled}
	})
	c, err := NewClient("https://api.enkash.example", WithToken(fxToken), WithHTTPClient(&http.Client{Transport: rt}))
	require.NoError(t, err)
	_, err = c.UpdateCustomer(ctx, validCustomerID, api.UpdateCustomerRequest{})
	assert.ErrorIs(t, err, context.Canceled)
	assert.NotErrorIs(t, err, ErrOutcomeUnknown)
}

// TestRetry_WaitAfterUnsentFailure: after a connection that failed before
// sending, the call waits the backoff and tries again; a wait that would
// outlive the deadline is not begun, and a ctx that ends during the wait
// ends the call; either way the error is the network failure, not an
// unknown outcome, after one attempt.
func TestRetry_WaitAfterUnsentFailure(t *testing.T) {
	for _, tc := range []struct {
		name      string
		deadline  bool // nearer than the first backoff (200ms)
		cancel    bool // the ctx ends during the wait
		wantWaits int
		wantErr   error
	}{
		{"the wait outlives the deadline: not begun", true, false, 0, nil},
		{"the ctx ends during the wait", false, true, 1, context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var attempts atomic.Int32
			rt := roundTripFunc(func(*http.Request) (*http.Response, error) {
				attempts.Add(1)
				return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
			})
			// The client's clock stands 100ms before a deadline an hour away:
			// the ctx does not expire while the test runs.
			dl := time.Now().Add(time.Hour)
			now := dl.Add(-100 * time.Millisecond)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.deadline {
				ctx, cancel = context.WithDeadline(ctx, dl)
				defer cancel()
			}
			var waits atomic.Int32
			c, err := NewClient("https://api.enkash.example", WithToken(fxToken), WithHTTPClient(&http.Client{Transport: rt}),
				withClock(func() time.Time { return now }), withJitter(func(n int64) int64 { return n - 1 }),
				withSleep(func(ctx context.Context, _ time.Duration) error {
					waits.Add(1)
					if tc.cancel {
						cancel()
					}
					return ctx.Err()
				}))
			require.NoError(t, err)
			_, err = c.UpdateCustomer(ctx, validCustomerID, api.UpdateCustomerRequest{})
			require.ErrorIs(t, err, ErrNetwork)
			assert.NotErrorIs(t, err, ErrOutcomeUnknown, "nothing was sent")
			if tc.wantErr != nil {
				assert.ErrorIs(t, err, tc.wantErr)
			}
			assert.Equal(t, int32(1), attempts.Load(), "attempts")
			assert.Equal(t, int32(tc.wantWaits), waits.Load(), "waits")
		})
	}
}

// countingTripper counts the requests that reach the transport.
type countingTripper struct{ n atomic.Int32 }

func (c *countingTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

// UpdateCustomer: "a done ctx ends the call at once" — a ctx that ends
// during the wait before a retry sends no further attempt, even when the
// wait itself returns normally. Kills ctx/no-check-before-attempt.
func TestRetry_NoAttemptAfterCtxDoneDuringWait(t *testing.T) {
	ts := newTestServer(t)
	seq := &sequence{steps: steps(status(503, "", ""), ok200)}
	ts.mux.Handle("/", seq)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tr := &countingTripper{}
	c, err := NewClient(ts.URL+prefix, WithToken(fxToken), WithHTTPClient(&http.Client{Transport: tr}),
		withSleep(func(context.Context, time.Duration) error { cancel(); return nil }))
	require.NoError(t, err)
	_, err = c.UpdateCustomer(ctx, validCustomerID, api.UpdateCustomerRequest{})
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, int32(1), tr.n.Load(), "no attempt after the ctx is done")
}

var ok200 = status(200, "application/json", okEnvelope)

// hangUp closes the connection without answering: a network error before a
// response.
func hangUp(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

func TestRetry_OnlyUnprocessedRequestsRetried(t *testing.T) {
	const b = defaultBaseDelay
	tests := []struct {
		name      string
		opts      []Option
		steps     []func(http.ResponseWriter, *http.Request)
		wantCalls int32
		wantWaits []time.Duration
		wantErr   error
	}{
		{"429 then ok", nil, steps(status(429, "", ""), ok200), 2, []time.Duration{b}, nil},
		{"502: outcome unknown, not retried", nil, steps(status(502, "text/html", "<h1>bad gateway</h1>"), ok200), 1, nil, ErrOutcomeUnknown},
		{"502 then ok, last-writer-wins accepted", []Option{WithRetry(RetryPolicy{RetryUnknownOutcome: true})},
			steps(status(502, "text/html", "<h1>bad gateway</h1>"), ok200), 2, []time.Duration{b}, nil},
		{"503 503 ok", nil, steps(status(503, "", ""), status(503, "", ""), ok200), 3, []time.Duration{b, 2 * b}, nil},
		{"504: outcome unknown, not retried", nil, steps(status(504, "", ""), ok200), 1, nil, ErrOutcomeUnknown},
		{"504 then ok, last-writer-wins accepted", []Option{WithRetry(RetryPolicy{RetryUnknownOutcome: true})},
			steps(status(504, "", ""), ok200), 2, []time.Duration{b}, nil},
		{"hang-up after the request: outcome unknown, not retried", nil, steps(hangUp, ok200), 1, nil, ErrOutcomeUnknown},
		{"hang-up then ok, last-writer-wins accepted", []Option{WithRetry(RetryPolicy{RetryUnknownOutcome: true})},
			steps(hangUp, ok200), 2, []time.Duration{b}, nil},
		{"503 forever: 3 attempts", nil, steps(status(503, "", "")), 3, []time.Duration{b, 2 * b}, ErrServer},
		{"500 not retried", nil, steps(status(500, "application/json", errEnvelope("SYSTEM_ERROR", "x")), ok200), 1, nil, ErrSystemError},
		{"400 not retried", nil, steps(status(400, "", ""), ok200), 1, nil, ErrClientRequestError},
		{"404 not retried", nil, steps(status(404, "", ""), ok200), 1, nil, ErrNotFound},
		{"422 not retried", nil, steps(status(422, "", ""), ok200), 1, nil, ErrUnprocessable},
		{"off switch", []Option{WithRetry(RetryPolicy{MaxAttempts: 1})}, steps(status(503, "", ""), ok200), 1, nil, ErrServer},
		{"max attempts 5", []Option{WithRetry(RetryPolicy{MaxAttempts: 5})}, steps(status(503, "", "")), 5, []time.Duration{b, 2 * b, 4 * b, 8 * b}, ErrServer},
		{"backoff capped", []Option{WithRetry(RetryPolicy{MaxAttempts: 5, BaseDelay: time.Second, MaxDelay: 3 * time.Second})},
			steps(status(503, "", "")), 5, []time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second}, ErrServer},
		{"429 exhausted", nil, steps(status(429, "", "")), 3, []time.Duration{b, 2 * b}, ErrRateLimited},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestServer(t)
			seq := &sequence{steps: tc.steps}
			ts.mux.Handle("/", seq)
			c, rec := newClient(t, ts, tc.opts...)
			cust, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
			assert.Equal(t, tc.wantCalls, seq.n.Load(), "attempts")
			assert.Equal(t, tc.wantWaits, rec.get(), "waits")
			if tc.wantErr == nil {
				require.NoError(t, err)
				assert.NotNil(t, cust)
			} else {
				assert.ErrorIs(t, err, tc.wantErr)
			}
		})
	}
}

func steps(s ...func(http.ResponseWriter, *http.Request)) []func(http.ResponseWriter, *http.Request) {
	return s
}

// TestRetry_BodyResentWhole: every attempt carries the full body.
func TestRetry_BodyResentWhole(t *testing.T) {
	ts := newTestServer(t)
	var bodies []string
	seq := &sequence{steps: steps(status(503, "", ""), ok200)}
	ts.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		buf := make([]byte, 1024)
		n, _ := r.Body.Read(buf)
		bodies = append(bodies, string(buf[:n]))
		seq.ServeHTTP(w, r)
	})
	c, _ := newClient(t, ts)
	var body api.UpdateCustomerRequest
	body.State.Set("Karnataka")
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, body)
	require.NoError(t, err)
	assert.Equal(t, []string{`{"state":"Karnataka"}`, `{"state":"Karnataka"}`}, bodies)
}

func TestRetry_RetryAfterHonouredUpToTheCap(t *testing.T) {
	now := time.Date(2025, 11, 20, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		header    string
		wantCalls int32
		wantWaits []time.Duration
	}{
		{"seconds", "7", 2, []time.Duration{7 * time.Second}},
		{"zero seconds", "0", 2, []time.Duration{0}},
		{"http date", now.Add(12 * time.Second).Format(http.TimeFormat), 2, []time.Duration{12 * time.Second}},
		{"date in the past", now.Add(-time.Hour).Format(http.TimeFormat), 2, []time.Duration{0}},
		{"garbage falls back to backoff", "soon", 2, []time.Duration{defaultBaseDelay}},
		{"negative falls back to backoff", "-5", 2, []time.Duration{defaultBaseDelay}},
		{"fits int64, not a Duration: above cap", "99999999999999999", 1, nil},
		{"above cap: give up", "3600", 1, nil},
		{"equal to the cap: waited", strconv.Itoa(int(defaultMaxRetryAfter / time.Second)), 2, []time.Duration{defaultMaxRetryAfter}},
		{"overflows int64: above cap, no wait", "99999999999999999999", 1, nil},
	}
	for _, tc := range tests {
		for _, code := range []int{429, 503} {
			t.Run(tc.name+"/"+http.StatusText(code), func(t *testing.T) {
				ts := newTestServer(t)
				seq := &sequence{steps: steps(func(w http.ResponseWriter, _ *http.Request) {
					w.Header().Set("Retry-After", tc.header)
					w.WriteHeader(code)
				}, ok200)}
				ts.mux.Handle("/", seq)
				c, rec := newClient(t, ts, withClock(func() time.Time { return now }))
				_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
				assert.Equal(t, tc.wantCalls, seq.n.Load())
				assert.Equal(t, tc.wantWaits, rec.get())
				if tc.wantCalls == 1 {
					assert.ErrorIs(t, err, map[int]error{429: ErrRateLimited, 503: ErrServer}[code])
				} else {
					assert.NoError(t, err)
				}
			})
		}
	}
}

// TestRetry_CancelDuringBackoffEndsTheCall uses the real sleeper: a cancel during the wait
// before a retry ends the call at once, with both the ctx error and the last
// response visible. The cancel comes when, after the first attempt was
// logged, the goroutine making the call has blocked in a select (the
// sleeper's: nothing else blocks between the log record and the next
// attempt); the wait is an hour, so a sleeper that ignored the ctx would
// hang the call (callGuarded fails it) rather than make it slow.
func TestRetry_CancelDuringBackoffEndsTheCall(t *testing.T) {
	ts := newTestServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	seq := &sequence{steps: steps(status(503, "", ""))}
	ts.mux.Handle("/", seq)
	var logged atomic.Int32
	var once sync.Once
	onLog := func() {
		once.Do(func() {
			go func() {
				for ctx.Err() == nil && !callBlockedInSelect() {
					time.Sleep(time.Millisecond)
				}
				cancel()
			}()
		})
	}
	logger := slog.New(countingHandler{funcHandler(onLog), &logged})
	c, err := NewClient(ts.URL+prefix, WithToken(fxToken), WithRetry(RetryPolicy{BaseDelay: time.Hour, MaxDelay: time.Hour}),
		withJitter(func(n int64) int64 { return n - 1 }), WithLogger(logger))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	_, err = callGuarded(t, func() (*api.CustomerResponse, error) {
		return c.UpdateCustomer(ctx, validCustomerID, api.UpdateCustomerRequest{})
	})
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, ErrServer)
	var ae *APIError
	assert.True(t, errors.As(err, &ae))
	assert.EqualValues(t, 1, seq.n.Load(), "one request: no retry after the cancel")
	assert.EqualValues(t, 1, logged.Load(), "one attempt")
}

// callBlockedInSelect reports whether a goroutine inside
// Client.UpdateCustomer is blocked in a select statement.
func callBlockedInSelect() bool {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	for _, g := range strings.Split(string(buf), "\n\n") {
		header, _, _ := strings.Cut(g, "\n")
		if strings.Contains(header, "[select") && strings.Contains(g, ").UpdateCustomer(") {
			return true
		}
	}
	return false
}

// funcHandler is a slog handler that calls f on every record.
type funcHandler func()

func (h funcHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h funcHandler) Handle(context.Context, slog.Record) error {
	h()
	return nil
}
func (h funcHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h funcHandler) WithGroup(string) slog.Handler      { return h }

// TestRetry_NoWaitPastTheDeadline: no sleeping past the ctx deadline.
func TestRetry_NoWaitPastTheDeadline(t *testing.T) {
	ts := newTestServer(t)
	seq := &sequence{steps: steps(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "20")
		w.WriteHeader(503)
	})}
	ts.mux.Handle("/", seq)
	c, rec := newClient(t, ts)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := c.UpdateCustomer(ctx, validCustomerID, api.UpdateCustomerRequest{})
	assert.ErrorIs(t, err, ErrServer)
	assert.Empty(t, rec.get())
	assert.Equal(t, int32(1), seq.n.Load())
}

func TestRetry_CancelledBeforeTheCallSendsNothing(t *testing.T) {
	ts := newTestServer(t)
	seq := &sequence{steps: steps(ok200)}
	ts.mux.Handle("/", seq)
	c, _ := newClient(t, ts)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.UpdateCustomer(ctx, validCustomerID, api.UpdateCustomerRequest{})
	assert.ErrorIs(t, err, context.Canceled)
	assert.NotErrorIs(t, err, ErrNetwork)
	assert.Zero(t, seq.n.Load())
}

func TestRetry_NoRetryAfterTheDeadline(t *testing.T) {
	ts := newTestServer(t)
	release := make(chan struct{})
	ts.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	defer close(release)
	c, rec := newClient(t, ts)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := c.UpdateCustomer(ctx, validCustomerID, api.UpdateCustomerRequest{})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Empty(t, rec.get(), "no retry once the ctx is done")
}

// TestRetry_CertificateErrorsNotRetried: a server whose certificate the client
// does not trust is tried once (a certificate error does not heal), counted
// by the TLS handshakes the server sees.
func TestRetry_CertificateErrorsNotRetried(t *testing.T) {
	var handshakes atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(ok200))
	srv.TLS = &tls.Config{GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
		handshakes.Add(1)
		return nil, nil
	}}
	srv.StartTLS()
	defer srv.Close()
	rec := &sleepRecorder{}
	c, err := NewClient(srv.URL, WithToken(fxToken), withSleep(rec.sleep)) // the default client: the test CA is not trusted
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	_, err = c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	var cv *tls.CertificateVerificationError
	require.ErrorAs(t, err, &cv)
	assert.ErrorIs(t, err, ErrNetwork)
	assert.NotErrorIs(t, err, ErrOutcomeUnknown, "nothing was sent")
	assert.Equal(t, int32(1), handshakes.Load(), "one attempt")
	assert.Empty(t, rec.get())
}

// TestRetry_BrokenBodyOfRetryableStatusNotRetried: a 503 whose body breaks off is
// an answer that could not be read, not a request that was refused: one
// attempt.
func TestRetry_BrokenBodyOfRetryableStatusNotRetried(t *testing.T) {
	for _, code := range []int{429, 503} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			ts := newTestServer(t)
			seq := &sequence{steps: steps(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Length", "100")
				w.WriteHeader(code)
				_, _ = io.WriteString(w, "0123456789")
				hangUp(w, nil)
			}, ok200)}
			ts.mux.Handle("/", seq)
			c, rec := newClient(t, ts)
			_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
			require.ErrorIs(t, err, ErrNetwork)
			assert.Equal(t, int32(1), seq.n.Load())
			assert.Empty(t, rec.get())
		})
	}
}

// TestWithSendGate_HeldWhenNotRetried: a Retry-After reaches the gate also
// when the call itself does not retry: its body broke off, or waiting would
// outlive the call's deadline. The calls sharing the gate still hold back.
func TestWithSendGate_HeldWhenNotRetried(t *testing.T) {
	for _, tc := range []struct {
		name     string
		bodyCut  bool
		deadline bool // 10s away: shorter than the Retry-After
		wantErr  error
	}{
		{"body broke off", true, false, ErrNetwork},
		{"the wait outlives the deadline", false, true, ErrRateLimited},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestServer(t)
			seq := &sequence{steps: steps(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Retry-After", "20")
				if tc.bodyCut {
					w.Header().Set("Content-Length", "100")
				}
				w.WriteHeader(429)
				if tc.bodyCut {
					_, _ = io.WriteString(w, "0123456789")
					hangUp(w, nil)
				}
			}, ok200)}
			ts.mux.Handle("/", seq)
			now := time.Now()
			c, rec := newClient(t, ts, withClock(func() time.Time { return now }))
			ctx := context.Background()
			if tc.deadline {
				var cancel context.CancelFunc
				ctx, cancel = context.WithDeadline(ctx, now.Add(10*time.Second))
				defer cancel()
			}
			g := &gateRecorder{}
			_, err := c.UpdateCustomer(ctx, validCustomerID, api.UpdateCustomerRequest{}, WithSendGate(g))
			require.ErrorIs(t, err, tc.wantErr)
			assert.Equal(t, []time.Duration{20 * time.Second}, g.holds, "held for the Retry-After")
			assert.Equal(t, int32(1), seq.n.Load(), "not retried")
			assert.Empty(t, rec.get())
		})
	}
}

// TestRetryPolicy_ZeroFieldsTakeTheDocumentedDefaults: the defaults its
// doc states, and only for the zero fields.
func TestRetryPolicy_ZeroFieldsTakeTheDocumentedDefaults(t *testing.T) {
	assert.Equal(t, RetryPolicy{MaxAttempts: 3, BaseDelay: 200 * time.Millisecond, MaxDelay: 5 * time.Second, MaxRetryAfter: 30 * time.Second},
		RetryPolicy{}.withDefaults())
	set := RetryPolicy{MaxAttempts: 1, BaseDelay: time.Second, MaxDelay: time.Minute, RetryUnknownOutcome: true, MaxRetryAfter: time.Hour}
	assert.Equal(t, set, set.withDefaults())
}

// TestWithRetry_RefusesNegativeValues: -1 is no way to say "unlimited".
func TestWithRetry_RefusesNegativeValues(t *testing.T) {
	for name, p := range map[string]RetryPolicy{
		"attempts": {MaxAttempts: -1}, "base": {BaseDelay: -1}, "max": {MaxDelay: -1}, "retry-after": {MaxRetryAfter: -1},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := NewClient("https://api.enkash.example", WithRetry(p))
			assert.Error(t, err)
		})
	}
}

// fixedClock is a clock that never moves: Retry-After dates and waits are
// then exact.
func fixedClock() func() time.Time {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return func() time.Time { return t0 }
}

// TestUpdateCustomer_RetryAfterHoldsOnlyItsCall: without a SendGate a
// Retry-After holds only the call that got it.
func TestUpdateCustomer_RetryAfterHoldsOnlyItsCall(t *testing.T) {
	var n atomic.Int32
	ts := newTestServer(t)
	ts.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "5")
			reply(w, 429, "text/plain", "slow down")
			return
		}
		reply(w, 200, "application/json", okEnvelope)
	})
	c, rec := newClient(t, ts, withClock(fixedClock()))
	for range 3 {
		_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
		require.NoError(t, err)
	}
	assert.Equal(t, []time.Duration{5 * time.Second}, rec.get())
}

// gateRecorder is a SendGate that records its use: Wait returns err.
type gateRecorder struct {
	mu    sync.Mutex
	waits int
	holds []time.Duration
	err   error
}

func (g *gateRecorder) Wait(context.Context) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.waits++
	return g.err
}

func (g *gateRecorder) HoldFor(d time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.holds = append(g.holds, d)
}

// TestWithSendGate_PacesEveryAttempt: a call with WithSendGate passes the
// gate before each attempt and hands it every Retry-After of a 429 or 503
// (capped at MaxRetryAfter, also when the call does not retry), instead of
// sleeping on its own; a gate that refuses ends the call unsent.
func TestWithSendGate_PacesEveryAttempt(t *testing.T) {
	errClosed := errors.New("gate closed")
	tests := []struct {
		name      string
		opts      []Option
		status    int
		retryAt   string
		gateErr   error
		wantWaits int
		wantHolds []time.Duration
		wantReqs  int32
		wantErr   error
	}{
		{"429 Retry-After 5: held, retried at the gate", nil, 429, "5", nil, 2, []time.Duration{5 * time.Second}, 2, nil},
		{"503 Retry-After 2: held, retried at the gate", nil, 503, "2", nil, 2, []time.Duration{2 * time.Second}, 2, nil},
		{"429 Retry-After over the cap: not retried, held for the cap", nil, 429, "120", nil, 1, []time.Duration{defaultMaxRetryAfter}, 1, ErrRateLimited},
		{"429 on the last attempt: not retried, still held", []Option{WithRetry(RetryPolicy{MaxAttempts: 1})}, 429, "3", nil, 1, []time.Duration{3 * time.Second}, 1, ErrRateLimited},
		{"429 without Retry-After: backoff, no hold", nil, 429, "", nil, 2, nil, 2, nil},
		{"502 Retry-After 4, last writer wins: held, retried at the gate", []Option{WithRetry(RetryPolicy{RetryUnknownOutcome: true})}, 502, "4", nil, 2, []time.Duration{4 * time.Second}, 2, nil},
		{"502 Retry-After 4: not retryable, not held", nil, 502, "4", nil, 1, nil, 1, ErrOutcomeUnknown},
		{"the gate refuses: nothing sent", nil, 200, "", errClosed, 1, nil, 0, errClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int32
			ts := newTestServer(t)
			ts.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
				if n.Add(1) == 1 && tt.status != 200 {
					if tt.retryAt != "" {
						w.Header().Set("Retry-After", tt.retryAt)
					}
					reply(w, tt.status, "text/plain", "slow down")
					return
				}
				reply(w, 200, "application/json", okEnvelope)
			})
			c, rec := newClient(t, ts, append([]Option{withClock(fixedClock())}, tt.opts...)...)
			g := &gateRecorder{err: tt.gateErr}
			_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{}, WithSendGate(g))
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				if tt.gateErr != nil {
					assert.EqualError(t, err, tt.gateErr.Error(), "the gate's own reason, as it is")
				}
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tt.wantWaits, g.waits, "Wait calls")
			assert.Equal(t, tt.wantHolds, g.holds, "HoldFor calls")
			assert.Equal(t, tt.wantReqs, n.Load(), "requests")
			for _, d := range rec.get() {
				assert.NotEqual(t, 5*time.Second, d, "the call slept for the Retry-After itself")
			}
		})
	}
}

// TestRetry_ServerTextCannotForgeNotSent: whether a request was sent is
// decided by the error's types, never by text a server can put into the
// error: a server that processed the PATCH and then answers with a
// malformed header line quoting "net/http: TLS handshake timeout" must not
// get the PATCH again (it is an outcome-unknown failure).
func TestRetry_ServerTextCannotForgeNotSent(t *testing.T) {
	for name, resp := range map[string]string{
		"malformed header line": "HTTP/1.1 200 OK\r\nnet/http: TLS handshake timeout\r\nContent-Length: 0\r\n\r\n",
		"bad Content-Length":    "HTTP/1.1 200 OK\r\nContent-Length: net/http: TLS handshake timeout\r\n\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			var patches atomic.Int32
			srv := rawServer(t, func(r *http.Request, _ []byte) string {
				if r.Method == http.MethodPatch {
					patches.Add(1) // applied
				}
				return resp
			})
			rec := &sleepRecorder{}
			c, err := NewClient(srv, WithToken(fxToken), withSleep(rec.sleep), withJitter(func(int64) int64 { return 0 }))
			assert.NoError(t, err)
			_, err = c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
			assert.Error(t, err)
			assert.Equal(t, int32(1), patches.Load(), "a processed PATCH was sent again: %v", err)
			assert.ErrorIs(t, err, ErrOutcomeUnknown)
		})
	}
}

// TestRetry_TLSHandshakeTimeoutRetried: a server that accepts the
// connection and never answers the TLS handshake got no byte of the
// request: net/http's handshake timeout is retried, counted by the
// connections the server accepts.
func TestRetry_TLSHandshakeTimeoutRetried(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var accepted atomic.Int32
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			mu.Lock()
			conns = append(conns, c) // held open, silent
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	hc := &http.Client{Transport: &http.Transport{TLSHandshakeTimeout: 20 * time.Millisecond}}
	defer hc.CloseIdleConnections()
	rec := &sleepRecorder{}
	c, err := NewClient("https://"+ln.Addr().String(), WithToken(fxToken), WithHTTPClient(hc), withSleep(rec.sleep))
	require.NoError(t, err)
	_, err = c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	require.ErrorIs(t, err, ErrNetwork)
	assert.NotErrorIs(t, err, ErrOutcomeUnknown, "%v", err)
	assert.Equal(t, int32(defaultMaxAttempts), accepted.Load())
}

// TestRetry_UnknownOutcomeOfAnEarlierAttemptStays: with RetryUnknownOutcome
// a request whose first attempt was cut off after it was sent (or got a
// 502) is tried again; when the last attempt then fails in a way that alone would say
// "not applied" (a 503, a refused connection, a gate that stops the call),
// the error still matches ErrOutcomeUnknown: the first attempt may have
// been applied.
func TestRetry_UnknownOutcomeOfAnEarlierAttemptStays(t *testing.T) {
	errStopped := errors.New("batch stopped")
	for _, tc := range []struct {
		name  string
		first string  // the first answer (none: cut off)
		sent  int32   // requests the server reads
		want  []error // besides ErrOutcomeUnknown
		dial2 bool    // the second dial is refused
		gate  bool    // the gate refuses the second attempt
	}{
		{name: "503", sent: 2, want: []error{ErrServer}},
		{name: "502 then 503", first: "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n", sent: 2, want: []error{ErrServer}},
		{name: "refused dial", sent: 1, want: []error{ErrNetwork}, dial2: true},
		{name: "gate refuses", sent: 1, want: []error{errStopped}, gate: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int32
			srv := rawServer(t, func(*http.Request, []byte) string {
				if n.Add(1) == 1 {
					return tc.first
				}
				return "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"
			})
			var dials atomic.Int32
			tr := &http.Transport{DisableKeepAlives: true, DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				if dials.Add(1) > 1 && tc.dial2 {
					return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
				}
				return (&net.Dialer{}).DialContext(ctx, network, addr)
			}}
			defer tr.CloseIdleConnections()
			var opts []CallOption
			if tc.gate {
				var waits atomic.Int32
				opts = append(opts, WithSendGate(gateFunc(func(context.Context) error {
					if waits.Add(1) > 1 {
						return errStopped
					}
					return nil
				})))
			}
			rec := &sleepRecorder{}
			c, err := NewClient(srv, WithToken(fxToken), withSleep(rec.sleep), WithHTTPClient(&http.Client{Transport: tr}),
				WithRetry(RetryPolicy{MaxAttempts: 2, RetryUnknownOutcome: true}))
			require.NoError(t, err)
			_, err = c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{}, opts...)
			require.Equal(t, tc.sent, n.Load())
			assert.ErrorIs(t, err, ErrOutcomeUnknown, "%v", err)
			for _, w := range tc.want {
				assert.ErrorIs(t, err, w, "%v", err)
			}
		})
	}
}

// gateFunc is a SendGate that asks f before each attempt and ignores holds.
type gateFunc func(context.Context) error

func (f gateFunc) Wait(ctx context.Context) error { return f(ctx) }
func (gateFunc) HoldFor(time.Duration)            {}
