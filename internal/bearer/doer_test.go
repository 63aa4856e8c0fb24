package bearer

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/internal/call"
)

// rotating is an Authenticator that hands out its headers in turn (the
// last one again once they run out) and records the answers it is told of.
type rotating struct {
	hdrs     []string
	err      error
	n        int
	answered []string // "gen:refused"
}

func (r *rotating) Header(context.Context) (string, uint64, error) {
	if r.err != nil {
		return "", 0, r.err
	}
	i := min(r.n, len(r.hdrs)-1)
	r.n++
	return r.hdrs[i], uint64(i + 1), nil
}

func (r *rotating) Answered(gen uint64, refused bool) {
	s := "ok"
	if refused {
		s = "refused"
	}
	r.answered = append(r.answered, string(rune('0'+gen))+":"+s)
}

// statuses is the next layer: it answers with its statuses in turn and
// records the Authorization header of each attempt.
type statuses struct {
	codes []int
	auth  []string
}

func (s *statuses) Do(req *http.Request) (*http.Response, error) {
	code := s.codes[len(s.auth)]
	s.auth = append(s.auth, req.Header.Get("Authorization"))
	return &http.Response{StatusCode: code, Body: io.NopCloser(strings.NewReader("{}"))}, nil
}

// gateStop refuses every attempt.
type gateStop struct{}

func (gateStop) Wait(context.Context) error { return errors.New("batch stopped") }
func (gateStop) HoldFor(time.Duration)      {}

func TestDoer_RefreshesOnceAfterA401(t *testing.T) {
	tests := []struct {
		name          string
		hdrs          []string
		codes         []int
		refreshed     bool // the call already refreshed once
		wantSent      []string
		wantStatus    int
		wantAnswered  []string
		wantRefreshed bool
	}{
		{"200: one attempt", []string{"Bearer a"}, []int{200}, false, []string{"Bearer a"}, 200, []string{"1:ok"}, false},
		{"401, new token: sent again with it", []string{"Bearer a", "Bearer b"}, []int{401, 200}, false,
			[]string{"Bearer a", "Bearer b"}, 200, []string{"1:refused", "2:ok"}, true},
		{"401, new token refused too: that 401", []string{"Bearer a", "Bearer b"}, []int{401, 401}, false,
			[]string{"Bearer a", "Bearer b"}, 401, []string{"1:refused", "2:refused"}, true},
		{"401, the same token: the 401 stands", []string{"Bearer a"}, []int{401}, false,
			[]string{"Bearer a"}, 401, []string{"1:refused"}, false},
		{"401 after a refresh in this call: no second one", []string{"Bearer a", "Bearer b"}, []int{401}, true,
			[]string{"Bearer a"}, 401, []string{"1:refused"}, true},
		{"403: no refresh", []string{"Bearer a", "Bearer b"}, []int{403}, false, []string{"Bearer a"}, 403, []string{"1:ok"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			auth := &rotating{hdrs: tc.hdrs}
			next := &statuses{codes: tc.codes}
			ci := &call.Info{Refreshed: tc.refreshed}
			req, err := http.NewRequestWithContext(call.With(context.Background(), ci), http.MethodPatch, "http://h/", strings.NewReader(`{"a":1}`))
			require.NoError(t, err)
			resp, err := (&Doer{Next: next, Auth: auth}).Do(req)
			require.NoError(t, err)
			assert.Equal(t, tc.wantStatus, resp.StatusCode)
			assert.Equal(t, tc.wantSent, next.auth)
			assert.Equal(t, tc.wantSent, ci.AuthHdrs, "every header sent is recorded")
			assert.Equal(t, tc.wantAnswered, auth.answered)
			assert.Equal(t, tc.wantRefreshed, ci.Refreshed)
		})
	}
}

func TestDoer_FailsBeforeSendingWithoutAHeaderOrPastTheGate(t *testing.T) {
	refused := errors.New("refused")
	tests := []struct {
		name     string
		auth     *rotating
		codes    []int
		gate     bool
		cancel   bool
		wantSent int
		wantText string
	}{
		{"no token: getting token", &rotating{err: refused}, nil, false, false, 0, "enkash: getting token: refused"},
		{"ctx done: the ctx's error", &rotating{err: context.Canceled}, nil, false, true, 0, "enkash: context canceled"},
		{"the resend passes the gate", &rotating{hdrs: []string{"Bearer a", "Bearer b"}}, []int{401}, true, false, 1, "batch stopped"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			next := &statuses{codes: tc.codes}
			ci := &call.Info{}
			if tc.gate {
				ci.Gate = gateStop{}
			}
			ctx, cancel := context.WithCancel(call.With(context.Background(), ci))
			defer cancel()
			if tc.cancel {
				cancel()
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodPatch, "http://h/", strings.NewReader(`{}`))
			require.NoError(t, err)
			_, err = (&Doer{Next: next, Auth: tc.auth}).Do(req)
			var le *call.LayerError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, tc.wantText, err.Error())
			assert.Len(t, next.auth, tc.wantSent)
			assert.False(t, ci.Refreshed)
		})
	}
}

func TestStatic_AlwaysTheSameHeader(t *testing.T) {
	s := Static("Bearer tok-1")
	for range 2 {
		h, gen, err := s.Header(context.Background())
		require.NoError(t, err)
		assert.Equal(t, "Bearer tok-1", h)
		assert.Zero(t, gen)
		s.Answered(gen, true)
	}
}
