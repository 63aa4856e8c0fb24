package call

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// otherKey is a context key of another package's kind.
type otherKey struct{}

func TestFrom_ReturnsTheInfoWithPutInTheContext(t *testing.T) {
	ci := &Info{Op: "updateCustomer"}
	assert.Same(t, ci, From(With(context.Background(), ci)))
	assert.Nil(t, From(context.Background()), "no Info")
	assert.Nil(t, From(context.WithValue(context.Background(), otherKey{}, ci)), "another key")
}

func TestInfo_SentAuthRecordsEachValueOnceAndTokensAreTheBearerOnes(t *testing.T) {
	tests := []struct {
		name       string
		sent       []string
		wantHdrs   []string
		wantTokens []string
	}{
		{"none", nil, nil, nil},
		{"one token", []string{"Bearer tok-1"}, []string{"Bearer tok-1"}, []string{"tok-1"}},
		{"the same twice: once", []string{"Bearer tok-1", "Bearer tok-1"}, []string{"Bearer tok-1"}, []string{"tok-1"}},
		{"a refresh: both, in order", []string{"Bearer tok-1", "Bearer tok-2", "Bearer tok-1"},
			[]string{"Bearer tok-1", "Bearer tok-2"}, []string{"tok-1", "tok-2"}},
		{"another scheme is no token", []string{"Basic dXNlcg==", "Bearer tok-1"},
			[]string{"Basic dXNlcg==", "Bearer tok-1"}, []string{"tok-1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var ci Info
			for _, h := range tc.sent {
				ci.SentAuth(h)
			}
			assert.Equal(t, tc.wantHdrs, ci.AuthHdrs)
			assert.Equal(t, tc.wantTokens, ci.Tokens())
		})
	}
}

// gate is a Gate whose Wait returns err (after cancelling the call's ctx
// when cancel is set).
type gate struct {
	err    error
	cancel context.CancelFunc
	waits  int
}

func (g *gate) Wait(context.Context) error {
	g.waits++
	if g.cancel != nil {
		g.cancel()
	}
	return g.err
}

func (g *gate) HoldFor(time.Duration) {}

func TestInfo_PassGateKeepsTheGatesReasonAndMarksADoneContext(t *testing.T) {
	stopped := errors.New("batch stopped")
	tests := []struct {
		name     string
		gate     *gate
		cancel   bool // the ctx ends while waiting
		wantErr  error
		wantText string
	}{
		{"no gate: passes", nil, false, nil, ""},
		{"gate lets it go", &gate{}, false, nil, ""},
		{"gate's own reason, as it is", &gate{err: stopped}, false, stopped, "batch stopped"},
		{"ctx done while waiting: prefixed", &gate{err: context.Canceled}, true, context.Canceled, "enkash: context canceled"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			ci := &Info{}
			if tc.gate != nil {
				if tc.cancel {
					tc.gate.cancel = cancel
				}
				ci.Gate = tc.gate
			}
			err := ci.PassGate(ctx)
			if tc.gate != nil {
				assert.Equal(t, 1, tc.gate.waits)
			}
			if tc.wantErr == nil {
				require.NoError(t, err)
				return
			}
			var le *LayerError
			require.ErrorAs(t, err, &le)
			assert.ErrorIs(t, err, tc.wantErr)
			assert.Equal(t, tc.wantText, err.Error())
		})
	}
}
