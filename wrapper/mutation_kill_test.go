package wrapper

// Tests added after a mutation run (.ci/mutate, wrapper/testdata/mutations.txt)
// found behaviours that README.md or the doc comments promise but no test
// checked. Each names the mutation it kills.

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/enkash-oss/enkash-go/api"
)

// RetryPolicy: "anything but a certificate problem, which will not heal" is
// retried. A server with an untrusted certificate gets one attempt.
// Kills retry/cert-errors-retried.
func TestUntrustedCertificateNotRetried(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		reply(w, 200, "application/json", okEnvelope)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the failed handshakes
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	rec := &sleepRecorder{}
	c, err := NewClient(srv.URL, WithToken(fxToken), withSleep(rec.sleep))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	_, err = c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	assert.ErrorIs(t, err, ErrNetwork)
	assert.Empty(t, rec.get(), "no wait: not retried")
	assert.Equal(t, int32(1), conns.Load(), "one connection attempt")
}

// RetryPolicy.MaxDelay "caps the backoff", however many retries came before.
// Kills retry/backoff-overflow (doubling past the cap overflows to 0).
func TestBackoffCappedAfterManyRetries(t *testing.T) {
	p := RetryPolicy{}.withDefaults()
	maxJitter := func(n int64) int64 { return n - 1 }
	for _, n := range []int{30, 40, 70, 100} {
		assert.Equal(t, p.MaxDelay, p.backoff(n, maxJitter), "retry %d", n)
	}
}

// RetryPolicy.MaxRetryAfter: "a longer Retry-After is not waited for" — one
// equal to the cap is; a negative delay-seconds is not a Retry-After (the
// backoff applies); a huge one is longer than the cap, not an overflow.
// Kills retry-after/cap-inclusive, retry-after/negative-accepted and
// retry-after/huge-overflows.
func TestRetryAfterBoundaries(t *testing.T) {
	tests := []struct {
		header    string
		wantCalls int32
		wantWaits []time.Duration
	}{
		{strconv.Itoa(int(DefaultMaxRetryAfter / time.Second)), 2, []time.Duration{DefaultMaxRetryAfter}},
		{"-5", 2, []time.Duration{DefaultBaseDelay}},
		{"99999999999999999", 1, nil},
	}
	for _, tc := range tests {
		t.Run(tc.header, func(t *testing.T) {
			ts := newTestServer(t)
			seq := &sequence{steps: steps(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Retry-After", tc.header)
				w.WriteHeader(503)
			}, ok200)}
			ts.mux.Handle("/", seq)
			c, rec := newClient(t, ts)
			_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
			assert.Equal(t, tc.wantCalls, seq.n.Load(), "attempts")
			assert.Equal(t, tc.wantWaits, rec.get(), "waits")
			if tc.wantCalls == 1 {
				assert.ErrorIs(t, err, ErrServer)
			} else {
				assert.NoError(t, err)
			}
		})
	}
}

// sleepCtx "waits d or until ctx is done": a done ctx is reported even for a
// zero wait (Retry-After: 0), so no attempt follows a cancel.
// Kills ctx/zero-sleep-ignores-ctx.
func TestSleepCtxReportsDoneCtx(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, d := range []time.Duration{0, -time.Second, time.Hour} {
		assert.ErrorIs(t, sleepCtx(ctx, d), context.Canceled, "wait %v", d)
	}
	assert.NoError(t, sleepCtx(context.Background(), 0))
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
func TestNoAttemptAfterCtxDoneDuringWait(t *testing.T) {
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

// RetryPolicy: "A response whose body breaks off is not retried either: the
// server did answer" — also for a retryable status; the read error
// (ErrNetwork) is returned. Kills retry/broken-body-retried and
// retry/replay-drops-read-error.
func TestBrokenBodyOfRetryableStatusNotRetried(t *testing.T) {
	ts := newTestServer(t)
	var n atomic.Int32
	ts.mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Length", "200")
		w.WriteHeader(503)
		_, _ = io.WriteString(w, `{"errorResponse":{`)
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		hangUp(w, nil)
	})
	c, rec := newClient(t, ts)
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	assert.ErrorIs(t, err, ErrNetwork)
	assert.Equal(t, int32(1), n.Load(), "attempts")
	assert.Empty(t, rec.get(), "waits")
}

// WithPasswordCredentials: "after a 401 a new token is fetched and the
// request retried once" — once per call, also when a retried 503 comes in
// between. Kills refresh/twice.
func TestRefreshOncePerCallAcrossRetries(t *testing.T) {
	a := newAuthServer(t, false, 3600)
	const id = "KCBBBBBBBBBBBBBB"
	seq := &sequence{steps: steps(
		status(401, "application/json", errEnvelope("UNAUTHORIZED", "expired")),
		status(503, "", ""),
		status(401, "application/json", errEnvelope("UNAUTHORIZED", "expired")),
		ok200)}
	a.mux.Handle("PATCH /api/v0/customer/"+id, seq)
	c := passwordClient(t, a, withSleep((&sleepRecorder{}).sleep))
	_, err := c.UpdateCustomer(context.Background(), id, api.UpdateCustomerRequest{})
	assert.ErrorIs(t, err, ErrUnauthorized)
	assert.Equal(t, int32(3), seq.n.Load(), "requests")
	assert.Equal(t, int32(2), a.issued.Load(), "tokens: the first and one refresh")
}

// authenticator.invalidate "drops the token of generation gen": a second
// invalidate of the same generation (a concurrent caller that saw the same
// 401) does not replace the source again. Kills refresh/no-generation-guard.
func TestInvalidateOncePerGeneration(t *testing.T) {
	var built atomic.Int32
	rebuild := func() oauth2.TokenSource {
		n := built.Add(1)
		return tokenFunc(func() (*oauth2.Token, error) {
			return &oauth2.Token{AccessToken: "tok-" + strconv.Itoa(int(n))}, nil
		})
	}
	a := &sourceAuth{ts: rebuild(), rebuild: rebuild}
	h, gen, err := a.header(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "Bearer tok-1", h)
	a.invalidate(gen)
	a.invalidate(gen)
	assert.Equal(t, int32(2), built.Load(), "one rebuild for one generation")
	h, _, err = a.header(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "Bearer tok-2", h)
}

// A token source answering an empty access token is an error before any
// request: "Authorization: Bearer " is never sent. Kills
// auth/empty-token-accepted.
func TestEmptyTokenFromSourceRefused(t *testing.T) {
	ts := newTestServer(t)
	seq := &sequence{steps: steps(ok200)}
	ts.mux.Handle("/", seq)
	src := tokenFunc(func() (*oauth2.Token, error) { return &oauth2.Token{AccessToken: ""}, nil })
	c, _ := newClient(t, ts, withoutAuth(), WithTokenSource(src))
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	require.Error(t, err)
	var ae *APIError
	assert.False(t, errors.As(err, &ae))
	assert.Zero(t, seq.n.Load(), "nothing sent")
}

// tokenEndpointClient is a password-grant client against a server whose
// /oauth/token answers with h.
func tokenEndpointClient(t *testing.T, h http.HandlerFunc) *Client {
	t.Helper()
	ts := newTestServer(t)
	ts.mux.HandleFunc("/oauth/token", h)
	c, err := NewClient(ts.URL+prefix, WithPasswordCredentials(fxClientID, fxClientSecret, fxUser, fxPassword))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// tokenError: "Bad client or user credentials (401, or 400 invalid_grant /
// invalid_client / unauthorized_client) match ErrUnauthorized", and the
// OAuth error is kept. Kills token/invalid-grant-not-unauthorized and
// token/error-status-ignored.
func TestTokenInvalidGrantIsUnauthorized(t *testing.T) {
	c := tokenEndpointClient(t, status(400, "application/json", `{"error":"invalid_grant","error_description":"Bad credentials"}`))
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	assert.ErrorIs(t, err, ErrUnauthorized)
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 400, ae.StatusCode)
	assert.Equal(t, "invalid_grant: Bad credentials", ae.ErrorMessage)
}

// passwordSource.Token: the token endpoint may echo the Basic header; the
// error never shows it. Kills token/basic-header-echo-not-masked.
func TestTokenEndpointEchoOfBasicHeaderMasked(t *testing.T) {
	c := tokenEndpointClient(t, func(w http.ResponseWriter, r *http.Request) {
		reply(w, 401, "text/plain", "rejected: "+r.Header.Get("Authorization"))
	})
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	require.Error(t, err)
	basic := base64.StdEncoding.EncodeToString([]byte(fxClientID + ":" + fxClientSecret))
	assert.NotContains(t, err.Error(), basic)
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.NotContains(t, ae.Snippet, basic)
}

// maxTokenBody "bounds the token endpoint's response": a longer one is an
// *APIError matching ErrResponseTooLarge. Kills token/body-unbounded.
func TestTokenResponseSizeLimit(t *testing.T) {
	c := tokenEndpointClient(t, status(200, "application/json",
		`{"access_token":"tok-1","token_type":"bearer","pad":"`+strings.Repeat("x", maxTokenBody)+`"}`))
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	assert.ErrorIs(t, err, ErrResponseTooLarge)
}

// WithPasswordCredentials: camelCase answers are understood, expiresIn
// included: a camelCase token is replaced before expiry like a snake_case
// one (TestTokenExpiryMargin). Kills token/camel-expiry-ignored.
func TestCamelCaseTokenExpiryMargin(t *testing.T) {
	a := newAuthServer(t, true, 20) // lives 20s
	c := passwordClient(t, a, WithTokenExpiryMargin(30*time.Second))
	for range 3 {
		_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
		require.NoError(t, err)
	}
	assert.Equal(t, int32(3), a.issued.Load(), "expired within the margin: fetched per call")
}

// README: "A call succeeds only on HTTP 2xx with a payload and no
// errorResponse" — a 3xx, 4xx or 5xx carrying a payload is an error.
// Kills envelope/2xx-check-removed and envelope/3xx-accepted.
func TestPayloadOutside2xxIsError(t *testing.T) {
	for _, tc := range []struct {
		code int
		is   error
	}{{302, ErrUnexpectedStatus}, {304, ErrUnexpectedStatus}, {404, ErrNotFound}, {500, ErrServer}} {
		t.Run(strconv.Itoa(tc.code), func(t *testing.T) {
			ts := newTestServer(t)
			ts.mux.HandleFunc("/", status(tc.code, "application/json", okEnvelope))
			c, _ := newClient(t, ts, WithoutRetries())
			cust, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
			assert.Nil(t, cust)
			assert.ErrorIs(t, err, tc.is)
			var ae *APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tc.code, ae.StatusCode)
		})
	}
}

// APIError.RequestID: "errorResponse.requestId, else the X-Request-Id
// header". Kills envelope/request-id-header-fallback-missing.
func TestRequestIDFromHeader(t *testing.T) {
	ts := newTestServer(t)
	ts.mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Request-Id", "req-from-header")
		reply(w, 404, "", "")
	})
	c, _ := newClient(t, ts)
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "req-from-header", ae.RequestID)
}

// oauthSecretKeys: client_secret and clientSecret values are masked in body
// snippets. Kills redact/camel-client-secret-key.
func TestSnippetMasksClientSecretBothSpellings(t *testing.T) {
	for _, k := range []string{"client_secret", "clientSecret"} {
		s := snippet([]byte(`{"` + k + `":"` + fxClientSecret + `","error":"invalid_client"}`))
		assert.NotContains(t, s, fxClientSecret, k)
		assert.Contains(t, s, "invalid_client", k)
	}
}

// applySpans: overlapping spans — digits inside an e-mail address — mask the
// whole address once, re-emitting none of it. Kills redact/overlapping-spans.
func TestScrubDigitsInsideEmail(t *testing.T) {
	assert.Equal(t, "contact [REDACTED] today", scrub("contact a.9876543210.b@x.example today"))
}

// snippet: "Mask before cutting, so a value straddling the cut is masked
// whole". Kills redact/snippet-cut-before-mask.
func TestSnippetMasksValueStraddlingTheCut(t *testing.T) {
	head := `{"message":"call `
	body := head + strings.Repeat("x", snippetMax-6-len(head)) + " " + fxMobile + ` now"}`
	s := snippet([]byte(body))
	assert.LessOrEqual(t, len(s), snippetMax+len("…"))
	assert.NotContains(t, s, fxMobile[:5])
}

// maskSecret replaces the token "in the server-supplied texts of e",
// RequestID included. Kills redact/mask-secret-request-id.
func TestEchoedTokenMaskedInRequestID(t *testing.T) {
	ts := newTestServer(t)
	ts.mux.HandleFunc("/", status(404, "application/json",
		`{"errorResponse":{"errorType":"RECORD_NOT_FOUND","errorMessage":"no","requestId":"req-`+fxToken+`"}}`))
	c, _ := newClient(t, ts)
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.NotContains(t, ae.RequestID, fxToken)
	assert.NotContains(t, err.Error(), fxToken)
}

// scrub masks "runs of 7 or more digits" (a 7-digit landline number).
// Kills redact/digit-threshold-8.
func TestScrubSevenDigitRun(t *testing.T) {
	assert.Equal(t, "call [REDACTED] now", scrub("call 4123456 now"))
	assert.Equal(t, "pin 560001", scrub("pin 560001"))
}

// decodeError "never quotes a value from the body": a number that does not
// fit (encoding/json quotes it: "number 9876543210") stays out of the error
// text. Kills errors/decode-error-quotes-value.
func TestDecodeErrorDoesNotQuoteNumber(t *testing.T) {
	ts := newTestServer(t)
	ts.mux.HandleFunc("/", status(200, "application/json", `{"payload":{"customerId":"x"},"response_code":`+fxMobile+`}`))
	c, _ := newClient(t, ts)
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	assert.ErrorIs(t, err, ErrInvalidResponse)
	assert.NotContains(t, err.Error(), fxMobile)
}

// The options refuse what they document as invalid: negative RetryPolicy
// fields, a negative expiry margin, a timeout that is not positive, an empty
// username. Kills options/negative-retry-after-accepted,
// options/negative-attempts-accepted, options/negative-margin-accepted,
// options/zero-timeout-accepted and options/password-empty-username.
func TestMoreOptionErrors(t *testing.T) {
	for name, opt := range map[string]Option{
		"negative MaxRetryAfter": WithRetry(RetryPolicy{MaxRetryAfter: -time.Second}),
		"negative MaxAttempts":   WithRetry(RetryPolicy{MaxAttempts: -1}),
		"negative MaxDelay":      WithRetry(RetryPolicy{MaxDelay: -1}),
		"negative margin":        WithTokenExpiryMargin(-time.Second),
		"zero timeout":           WithTimeout(0),
		"empty username":         WithPasswordCredentials(fxClientID, fxClientSecret, "", fxPassword),
		"empty client id":        WithPasswordCredentials("", fxClientSecret, fxUser, fxPassword),
	} {
		c, err := NewClient("https://api.enkash.example", opt)
		assert.Error(t, err, name)
		assert.Nil(t, c, name)
	}
}

// RetryPolicy: "each wait is drawn uniformly from [0, backoff]" — the
// default draw varies. Kills retry/default-jitter-constant.
func TestDefaultJitterVaries(t *testing.T) {
	seen := map[int64]bool{}
	for range 100 {
		v := defaultJitter(1 << 40)
		assert.True(t, v >= 0 && v < 1<<40)
		seen[v] = true
	}
	assert.Greater(t, len(seen), 1)
}
