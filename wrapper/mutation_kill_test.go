package wrapper

// Tests added after a mutation run (.ci/mutate, wrapper/testdata/mutations.txt)
// found behaviours that README.md or the doc comments promise but no test
// checked. Each names the mutation it kills.

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
)

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
// backoff applies); one that fits an int64 but not a time.Duration once
// multiplied by a second (17 digits; TestRetryAfterTooLargeForADuration has
// 20, which fail to parse) is longer than the cap, not an overflow. Kills
// retry-after/cap-inclusive, retry-after/negative-accepted and
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
		s := snippet([]byte(`{"`+k+`":"`+fxClientSecret+`","error":"invalid_client"}`), nil)
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
	s := snippet([]byte(body), nil)
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
