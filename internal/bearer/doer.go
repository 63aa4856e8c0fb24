package bearer

import (
	"cmp"
	"context"
	"fmt"
	"net/http"

	"github.com/enkash-oss/enkash-go/internal/body"
	"github.com/enkash-oss/enkash-go/internal/call"
	"github.com/enkash-oss/enkash-go/internal/retry"
)

// Authenticator supplies the Authorization header of each attempt (*Cache,
// or Static).
type Authenticator interface {
	// Header returns the header value and a generation for Answered; it
	// returns ctx.Err() as soon as ctx is done.
	Header(ctx context.Context) (string, uint64, error)
	// Answered reports the server's answer to the header of generation gen:
	// refused (a 401) drops it, if the source allows.
	Answered(gen uint64, refused bool)
}

// Static is a fixed header value, never refreshed.
type Static string

// Header returns s.
func (s Static) Header(context.Context) (string, uint64, error) { return string(s), 0, nil }

// Answered does nothing: a static value cannot be replaced.
func (Static) Answered(uint64, bool) {}

// Doer is the layer that puts the Authorization header on each attempt
// and, after a 401, asks Auth once per call (call.Info) for another header
// and sends the request again if that is a different one (Static never
// is). It records every header it sends in the call's Info.
type Doer struct {
	Next body.Doer     // the layer below
	Auth Authenticator // the source of the header values
}

// Do sends req with Auth's header.
func (d *Doer) Do(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	ci := cmp.Or(call.From(ctx), &call.Info{})
	hdr, gen, err := d.Auth.Header(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, &call.LayerError{Err: fmt.Errorf("enkash: %w", ctx.Err())}
		}
		return nil, &call.LayerError{Err: fmt.Errorf("enkash: getting token: %w", err)}
	}
	req.Header["Authorization"] = []string{hdr}
	ci.SentAuth(hdr)
	resp, err := d.Next.Do(req)
	if err != nil {
		return resp, err
	}
	d.Auth.Answered(gen, resp.StatusCode == http.StatusUnauthorized)
	if resp.StatusCode != http.StatusUnauthorized || ci.Refreshed {
		return resp, nil
	}
	next, nextGen, err := d.Auth.Header(ctx)
	if err != nil || next == hdr {
		return resp, nil // nothing better to try: the 401 stands
	}
	again, err := retry.Rewind(req)
	if err != nil {
		return resp, nil
	}
	body.Discard(resp.Body) // drain for reuse
	// The resend is an attempt too: it passes the call's gate.
	if err := ci.PassGate(ctx); err != nil {
		return nil, err
	}
	ci.Refreshed = true
	again.Header["Authorization"] = []string{next}
	ci.SentAuth(next)
	if resp, err = d.Next.Do(again); err == nil {
		d.Auth.Answered(nextGen, resp.StatusCode == http.StatusUnauthorized)
	}
	return resp, err
}
