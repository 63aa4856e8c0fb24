package retry

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRewind_OnlyABodyNeedsGetBody(t *testing.T) {
	withGetBody, err := http.NewRequest(http.MethodPatch, "http://h/", strings.NewReader(`{"a":1}`))
	require.NoError(t, err)
	noGetBody, err := http.NewRequest(http.MethodPatch, "http://h/", io.NopCloser(strings.NewReader(`{"a":1}`)))
	require.NoError(t, err)
	noBody, err := http.NewRequest(http.MethodPut, "http://h/", nil)
	require.NoError(t, err)
	emptyBody, err := http.NewRequest(http.MethodPut, "http://h/", http.NoBody)
	require.NoError(t, err)
	emptyBody.GetBody = nil
	tests := []struct {
		name     string
		req      *http.Request
		wantBody string
		wantErr  bool
	}{
		{"body with GetBody: a fresh copy", withGetBody, `{"a":1}`, false},
		{"body without GetBody: cannot be sent again", noGetBody, "", true},
		{"no body", noBody, "", false},
		{"http.NoBody", emptyBody, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Rewind(tc.req)
			if tc.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			if r.Body == nil {
				assert.Empty(t, tc.wantBody)
				return
			}
			b, err := io.ReadAll(r.Body)
			require.NoError(t, err)
			assert.Equal(t, tc.wantBody, string(b))
		})
	}
}

func TestOutlives_OnlyPastTheDeadline(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	ctx, cancel := context.WithDeadline(context.Background(), now.Add(time.Second))
	defer cancel()
	tests := []struct {
		name string
		ctx  context.Context
		at   time.Time
		want bool
	}{
		{"before the deadline", ctx, now.Add(999 * time.Millisecond), false},
		{"at the deadline", ctx, now.Add(time.Second), false},
		{"past the deadline", ctx, now.Add(time.Second + 1), true},
		{"no deadline", context.Background(), now.Add(1000 * time.Hour), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Outlives(tc.ctx, tc.at))
		})
	}
}
