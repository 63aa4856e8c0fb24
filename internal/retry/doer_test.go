package retry

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/internal/call"
)

var (
	errNetwork  = errors.New("network")
	errUnknown  = errors.New("outcome unknown")
	errTooLarge = errors.New("too large")
	errDial     = &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	errReset    = &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}
)

// answer is one scripted reply of the next layer: a status (with a
// Retry-After and a body) or an error.
type answer struct {
	status int
	after  string
	body   io.Reader
	err    error
}

// script is the next layer: it replies with its answers in turn and counts
// the attempts.
type script struct {
	answers []answer
	sent    []*http.Request
}

func (s *script) Do(req *http.Request) (*http.Response, error) {
	a := s.answers[len(s.sent)]
	s.sent = append(s.sent, req)
	if a.err != nil {
		return nil, a.err
	}
	resp := &http.Response{StatusCode: a.status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("{}"))}
	if a.body != nil {
		resp.Body = io.NopCloser(a.body)
	}
	if a.after != "" {
		resp.Header.Set("Retry-After", a.after)
	}
	return resp, nil
}

// holdGate is a call.Gate that records the holds asked of it.
type holdGate struct{ holds []time.Duration }

func (g *holdGate) Wait(context.Context) error { return nil }
func (g *holdGate) HoldFor(d time.Duration)    { g.holds = append(g.holds, d) }

// brokenBody yields some bytes, then a read error.
type brokenBody struct{ done bool }

func (b *brokenBody) Read(p []byte) (int, error) {
	if b.done {
		return 0, io.ErrUnexpectedEOF
	}
	b.done = true
	return copy(p, "{"), nil
}

var policy = Policy{MaxAttempts: 3, BaseDelay: 200 * time.Millisecond, MaxDelay: 5 * time.Second, MaxRetryAfter: 30 * time.Second}

func TestDoer_RetriesOnlyWhatWasNotApplied(t *testing.T) {
	retryUnknown := policy
	retryUnknown.RetryUnknownOutcome = true
	tests := []struct {
		name        string
		policy      Policy
		answers     []answer
		gate        bool
		wantSent    int
		wantStatus  int     // of the answer returned; 0: an error
		wantErr     []error // the error matches each
		wantSleeps  []time.Duration
		wantHolds   []time.Duration
		wantUnknown bool
	}{
		{"2xx: one attempt", policy, []answer{{status: 200}}, false, 1, 200, nil, nil, nil, false},
		{"500: not retried", policy, []answer{{status: 500}}, false, 1, 500, nil, nil, nil, false},
		{"400: not retried", policy, []answer{{status: 400}}, false, 1, 400, nil, nil, nil, false},
		{"503 then 200: backoff", policy, []answer{{status: 503}, {status: 200}}, false, 2, 200, nil,
			[]time.Duration{200 * time.Millisecond}, nil, false},
		{"429 with Retry-After: that wait", policy, []answer{{status: 429, after: "7"}, {status: 200}}, false, 2, 200, nil,
			[]time.Duration{7 * time.Second}, nil, false},
		{"429 three times: the last one returned", policy, []answer{{status: 429}, {status: 429}, {status: 429}}, false, 3, 429, nil,
			[]time.Duration{200 * time.Millisecond, 400 * time.Millisecond}, nil, false},
		{"Retry-After past the cap: returned at once", policy, []answer{{status: 503, after: "31"}}, false, 1, 503, nil, nil, nil, false},
		{"Retry-After at the cap: waited", policy, []answer{{status: 503, after: "30"}, {status: 200}}, false, 2, 200, nil,
			[]time.Duration{30 * time.Second}, nil, false},
		{"502: may have been applied, not retried", policy, []answer{{status: 502}}, false, 1, 502, nil, nil, nil, false},
		{"504 with RetryUnknownOutcome: retried, marked unknown", retryUnknown, []answer{{status: 504}, {status: 200}}, false, 2, 200, nil,
			[]time.Duration{200 * time.Millisecond}, nil, true},
		{"body that breaks off: not retried", policy, []answer{{status: 503, body: &brokenBody{}}}, false, 1, 503, nil, nil, nil, false},
		{"body over the limit: retried", policy, []answer{{status: 503, body: &errAfter{errTooLarge}}, {status: 200}}, false, 2, 200, nil,
			[]time.Duration{200 * time.Millisecond}, nil, false},
		{"gate: the Retry-After goes to it, no sleep", policy, []answer{{status: 429, after: "7"}, {status: 200}}, true, 2, 200, nil,
			nil, []time.Duration{7 * time.Second}, false},
		{"gate: a long Retry-After is capped for it, not retried", policy, []answer{{status: 429, after: "90"}}, true, 1, 429, nil,
			nil, []time.Duration{30 * time.Second}, false},
		{"gate: 504 with Retry-After and RetryUnknownOutcome: marked unknown", retryUnknown, []answer{{status: 504, after: "3"}, {status: 200}}, true, 2, 200, nil,
			nil, []time.Duration{3 * time.Second}, true},
		{"gate: no Retry-After, the backoff is slept", policy, []answer{{status: 503}, {status: 200}}, true, 2, 200, nil,
			[]time.Duration{200 * time.Millisecond}, nil, false},
		{"dial error: not sent, retried", policy, []answer{{err: errDial}, {status: 200}}, false, 2, 200, nil,
			[]time.Duration{200 * time.Millisecond}, nil, false},
		{"dial error every time: network", policy, []answer{{err: errDial}, {err: errDial}, {err: errDial}}, false, 3, 0,
			[]error{errNetwork}, []time.Duration{200 * time.Millisecond, 400 * time.Millisecond}, nil, false},
		{"reset after sending: unknown, not retried", policy, []answer{{err: errReset}}, false, 1, 0,
			[]error{errNetwork, errUnknown}, nil, nil, false},
		{"reset with RetryUnknownOutcome: retried, marked unknown", retryUnknown, []answer{{err: errReset}, {status: 200}}, false, 2, 200, nil,
			[]time.Duration{200 * time.Millisecond}, nil, true},
		{"a classified error from below: as it is", policy, []answer{{err: &call.LayerError{Err: errTooLarge}}}, false, 1, 0,
			[]error{errTooLarge}, nil, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			next := &script{answers: tc.answers}
			var sleeps []time.Duration
			d := &Doer{Next: next, UserAgent: []string{"ua/1"}, Policy: tc.policy,
				Sleep:  func(_ context.Context, w time.Duration) error { sleeps = append(sleeps, w); return nil },
				Jitter: func(n int64) int64 { return n - 1 }, Now: time.Now,
				Network: errNetwork, OutcomeUnknown: errUnknown, TooLarge: errTooLarge}
			ci := &call.Info{}
			g := &holdGate{}
			if tc.gate {
				ci.Gate = g
			}
			req, err := http.NewRequestWithContext(call.With(context.Background(), ci), http.MethodPatch, "http://h/", strings.NewReader(`{"a":1}`))
			require.NoError(t, err)
			resp, err := d.Do(req)
			assert.Len(t, next.sent, tc.wantSent, "attempts")
			assert.Equal(t, tc.wantSent, ci.Attempt)
			assert.Equal(t, tc.wantSleeps, sleeps)
			assert.Equal(t, tc.wantHolds, g.holds)
			assert.Equal(t, tc.wantUnknown, ci.Unknown)
			if tc.wantStatus == 0 {
				var le *call.LayerError
				require.ErrorAs(t, err, &le)
				for _, want := range tc.wantErr {
					assert.ErrorIs(t, err, want)
				}
				if !tc.policy.RetryUnknownOutcome && tc.wantErr[0] == errNetwork && len(tc.wantErr) == 1 {
					assert.NotErrorIs(t, err, errUnknown, "a request never sent has a known outcome")
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.wantStatus, resp.StatusCode)
			for i, r := range next.sent {
				assert.Equal(t, "ua/1", r.Header.Get("User-Agent"), "attempt %d", i+1)
				assert.Equal(t, "application/json", r.Header.Get("Accept"), "attempt %d", i+1)
				b, err := io.ReadAll(r.Body)
				require.NoError(t, err)
				assert.Equal(t, `{"a":1}`, string(b), "attempt %d sends the whole body", i+1)
			}
		})
	}
}

// errAfter is a body that fails with err at once.
type errAfter struct{ err error }

func (e *errAfter) Read([]byte) (int, error) { return 0, e.err }

func TestDoer_StopsWhenTheContextOrTheWaitEnds(t *testing.T) {
	tests := []struct {
		name       string
		answers    []answer
		deadline   time.Duration // 0: none
		cancelled  bool          // the ctx is done before the call
		sleepErr   error
		wantSent   int
		wantStatus int
		wantErr    []error
		wantWait   bool // ci.WaitErr set
	}{
		{"ctx done before: nothing sent", []answer{{status: 200}}, 0, true, nil, 0, 0, []error{context.Canceled}, false},
		{"backoff past the deadline: the answer", []answer{{status: 503}}, 100 * time.Millisecond, false, nil, 1, 503, nil, false},
		{"Retry-After past the deadline: the answer", []answer{{status: 503, after: "20"}}, 10 * time.Second, false, nil, 1, 503, nil, false},
		{"the wait ends early: the answer, WaitErr set", []answer{{status: 503}}, 0, false, context.Canceled, 1, 503, nil, true},
		{"the wait after a dial error ends early", []answer{{err: errDial}}, 0, false, context.Canceled, 1, 0,
			[]error{context.Canceled, errNetwork}, false},
		{"dial error, backoff past the deadline", []answer{{err: errDial}}, 100 * time.Millisecond, false, nil, 1, 0,
			[]error{errNetwork}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			next := &script{answers: tc.answers}
			// The injected clock stands tc.deadline before a deadline an hour
			// away in real time: no real time runs out during the test.
			deadline := time.Now().Add(time.Hour)
			now := deadline.Add(-tc.deadline)
			d := &Doer{Next: next, Policy: policy,
				Sleep:  func(context.Context, time.Duration) error { return tc.sleepErr },
				Jitter: func(n int64) int64 { return n - 1 }, Now: func() time.Time { return now },
				Network: errNetwork, OutcomeUnknown: errUnknown, TooLarge: errTooLarge}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.deadline > 0 {
				ctx, cancel = context.WithDeadline(ctx, deadline)
				defer cancel()
			}
			if tc.cancelled {
				cancel()
			}
			ci := &call.Info{}
			req, err := http.NewRequestWithContext(call.With(ctx, ci), http.MethodPatch, "http://h/", strings.NewReader(`{}`))
			require.NoError(t, err)
			resp, err := d.Do(req)
			assert.Len(t, next.sent, tc.wantSent)
			assert.Equal(t, tc.wantWait, ci.WaitErr != nil)
			if tc.wantStatus == 0 {
				for _, want := range tc.wantErr {
					assert.ErrorIs(t, err, want)
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.wantStatus, resp.StatusCode)
		})
	}
}

func TestUnknownOutcomeStatus_OnlyGatewayFailures(t *testing.T) {
	for code, want := range map[int]bool{502: true, 504: true, 500: false, 503: false, 429: false, 200: false, 501: false} {
		assert.Equal(t, want, UnknownOutcomeStatus(code), "%d", code)
	}
}
