// Package call holds the state of one operation call that the layers of
// the SDK's HTTP client (retry, auth, logging) share through the request's
// context, like the metadata aws-sdk-go-v2's middleware keeps in a
// context.Context. It knows no operation and no API.
package call

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Gate paces the calls that share it (the wrapper's SendGate).
type Gate interface {
	// Wait blocks until the call may send its next attempt; an error ends
	// the call unsent.
	Wait(ctx context.Context) error
	// HoldFor asks that no call passing the gate sends within d from now.
	HoldFor(d time.Duration)
}

// Info is the state of one operation call.
type Info struct {
	Op        string   // operationId, for log records
	Attempt   int      // 1-based, set by the retry layer
	Refreshed bool     // the auth layer has already refreshed after a 401
	AuthHdrs  []string // every Authorization value the call sent
	Body      []byte   // the request body the call sent
	WaitErr   error    // the wait before a retry ended early (ctx done)
	Gate      Gate     // read by the retry and auth layers; may be nil
	Unknown   bool     // an earlier attempt that may have been applied was retried
}

type key struct{}

// With returns ctx carrying ci.
func With(ctx context.Context, ci *Info) context.Context { return context.WithValue(ctx, key{}, ci) }

// From returns the Info ctx carries, nil if none.
func From(ctx context.Context) *Info {
	ci, _ := ctx.Value(key{}).(*Info)
	return ci
}

// SentAuth records an Authorization value the call is about to send.
func (ci *Info) SentAuth(hdr string) {
	if !slices.Contains(ci.AuthHdrs, hdr) {
		ci.AuthHdrs = append(ci.AuthHdrs, hdr)
	}
}

// Tokens are the bearer tokens among the Authorization values the call
// sent.
func (ci *Info) Tokens() []string {
	var out []string
	for _, h := range ci.AuthHdrs {
		if t, ok := strings.CutPrefix(h, "Bearer "); ok {
			out = append(out, t)
		}
	}
	return out
}

// PassGate waits at the call's gate, if it has one, before an attempt. Its
// error is a *LayerError: the gate's own reason (a stopped batch) as it
// is, a done ctx as "enkash: " and ctx's error.
func (ci *Info) PassGate(ctx context.Context) error {
	if ci.Gate == nil {
		return nil
	}
	if err := ci.Gate.Wait(ctx); err != nil {
		if ctx.Err() == nil {
			return &LayerError{err}
		}
		return &LayerError{fmt.Errorf("enkash: %w", err)}
	}
	return nil
}

// LayerError is an error that a layer has already classified (wrapped in
// the right sentinel, secrets masked): the caller returns what it wraps as
// it is.
type LayerError struct {
	Err error // the classified error
}

// Error is Err's text.
func (e *LayerError) Error() string { return e.Err.Error() }

// Unwrap returns Err.
func (e *LayerError) Unwrap() error { return e.Err }
