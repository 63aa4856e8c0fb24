// Package bearer supplies the bearer tokens of an HTTP client: Cache keeps
// the token a fetcher returned, with one fetch in flight, replaces it ahead
// of its expiry and after a 401, and backs off when a fresh token is refused
// too; Check refuses a token that cannot be sent or masked; Doer is the
// layer that puts the header on each attempt and resends once after a 401
// with a new token. It is the SDK's counterpart of smithy-go's auth/bearer
// (aws-sdk-go-v2) and knows nothing of Enkash.
//
// Not oauth2.ReuseTokenSource: its callers wait on a mutex that no context
// can interrupt, it cannot drop a token the server refused, and its clock
// cannot be injected. Not x/sync/singleflight either: it does not tell a
// caller which flight it joined, so a flight cannot count its own waiters
// (to cancel it when none is left, and to start no fetch during a back-off
// while none is in flight): with it, one run of the wrapper's
// TestPasswordGrant_RefusedFreshTokenBacksOff made 3 password grants for a
// storm of 200 refused calls, where at most 2 are allowed.
package bearer

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// refusedBackoff is how long a Cache fetches no token after a freshly
// fetched one was refused too: a server refusing every token must not draw
// a fetch (a password grant) per call.
const refusedBackoff = time.Minute

// Cache supplies "Bearer …" header values from Fetch with at most one fetch
// in flight: concurrent callers share it, and with
// Cancellable a fetch that nobody waits for any more is cancelled, so a
// stalled token endpoint never gathers a backlog of requests re-sending a
// password. Set the exported fields before the first use.
type Cache struct {
	// Fetch returns a new token; Check must accept it.
	Fetch func(context.Context) (*oauth2.Token, error)
	// Reuse keeps a token until its expiry minus Margin, the margin at most
	// half the token's lifetime (a short-lived token is not refetched on
	// every call). Without it Fetch is asked once per Header.
	Reuse bool
	// Margin: see Reuse.
	Margin time.Duration
	// Cancellable: Fetch honours its context. Otherwise a fetch nobody waits
	// for is left to finish unobserved and the next caller starts another,
	// so a source that hangs once does not wedge the Cache.
	Cancellable bool
	Timeout     time.Duration    // bounds one fetch
	Now         func() time.Time // the clock
	// Refused is what Header's error wraps during a back-off; a Fetch error
	// matching it (refused credentials) twice in a row starts one too.
	Refused error

	mu        sync.Mutex
	hdr       string    // the current header value, "" when none
	refreshAt time.Time // zero: valid until refused
	gen       uint64    // bumped with every new token
	flight    *flight   // the fetch in progress
	refused   bool      // the last token was dropped after a 401
	fresh     bool      // the token replaced a refused one and has had only 401s yet
	denied    bool      // the last fetch was refused (an error matching Refused)
	blocked   time.Time // no fetch before then
}

// flight is one fetch in progress.
type flight struct {
	done      chan struct{}
	cancel    context.CancelFunc
	waiters   int
	cancelled bool // nobody waited for it any more
	hdr       string
	gen       uint64
	err       error
	panicked  any // what Fetch panicked with, re-raised in every waiter
}

// Header returns the header value and its generation (for Answered). It
// returns ctx.Err() as soon as ctx is done.
func (c *Cache) Header(ctx context.Context) (string, uint64, error) {
	for {
		if err := ctx.Err(); err != nil {
			return "", 0, err
		}
		c.mu.Lock()
		f, now := c.flight, c.Now()
		switch {
		case c.Reuse && c.hdr != "" && (c.refreshAt.IsZero() || now.Before(c.refreshAt)):
			h, g := c.hdr, c.gen
			c.mu.Unlock()
			return h, g, nil
		case f != nil && f.cancelled: // on its way out: wait, then start anew
			c.mu.Unlock()
			select {
			case <-f.done:
				continue
			case <-ctx.Done():
				return "", 0, ctx.Err()
			}
		case f == nil && now.Before(c.blocked):
			c.mu.Unlock()
			return "", 0, fmt.Errorf("%w: a freshly fetched token was refused too; no new token until %s",
				c.Refused, c.blocked.Format(time.RFC3339))
		case f == nil:
			fctx, cancel := context.WithTimeout(context.Background(), c.Timeout)
			f = &flight{done: make(chan struct{}), cancel: cancel}
			c.flight = f
			go c.run(fctx, f)
		}
		f.waiters++
		c.mu.Unlock()
		select {
		case <-f.done:
			if f.panicked != nil {
				panic(f.panicked) // in the caller's goroutine, where it can be recovered
			}
			return f.hdr, f.gen, f.err
		case <-ctx.Done():
			c.mu.Lock()
			if f.waiters--; f.waiters == 0 && c.flight == f {
				if c.Cancellable {
					f.cancelled = true
					f.cancel() // nobody waits for this token any more
				} else {
					c.flight = nil // cannot be stopped: let it finish unobserved
				}
			}
			c.mu.Unlock()
			return "", 0, ctx.Err()
		}
	}
}

// run performs the fetch of f and publishes its result.
func (c *Cache) run(ctx context.Context, f *flight) {
	tok, err := c.fetch(ctx, f)
	f.cancel()
	switch {
	case err != nil:
	case tok == nil || tok.AccessToken == "":
		err = errors.New("enkash: token source returned no access token")
	default:
		if cerr := Check(tok.AccessToken); cerr != nil {
			err = errors.New("enkash: token source returned an unusable token: " + cerr.Error())
		}
	}
	c.mu.Lock()
	if f.err = err; err == nil {
		if h := "Bearer " + tok.AccessToken; h != c.hdr {
			c.hdr, c.gen = h, c.gen+1
			c.fresh, c.refused = c.refused, false
		}
		c.refreshAt = time.Time{}
		if !tok.Expiry.IsZero() {
			c.refreshAt = tok.Expiry.Add(-min(c.Margin, tok.Expiry.Sub(c.Now())/2))
		}
		f.hdr, f.gen = c.hdr, c.gen
		c.denied = false
	} else if c.Refused != nil && errors.Is(err, c.Refused) {
		// The fetch itself was refused (bad credentials): a second refusal
		// in a row stops fetching for a while, as a refused fresh token
		// does, so that a batch is not a run of failed logins.
		if c.denied {
			c.blocked = c.Now().Add(refusedBackoff)
		}
		c.denied = true
	}
	if c.flight == f {
		c.flight = nil
	}
	c.mu.Unlock()
	close(f.done)
}

// Answered reports the server's answer to the token of generation gen.
// refused (a 401) drops it, unless a newer one has replaced it already; when
// that token had replaced a refused one and was never accepted, no token is
// fetched for a minute.
func (c *Cache) Answered(gen uint64, refused bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.gen != gen || c.hdr == "":
	case !refused:
		c.fresh = false
	default:
		if c.fresh {
			c.blocked = c.Now().Add(refusedBackoff)
		}
		c.hdr, c.refused = "", true
	}
}

// fetch calls Fetch; a panic in it is kept in f for its waiters rather than
// ending the program from this goroutine, which no caller could recover.
func (c *Cache) fetch(ctx context.Context, f *flight) (tok *oauth2.Token, err error) {
	defer func() {
		if r := recover(); r != nil {
			f.panicked = r
			tok, err = nil, fmt.Errorf("enkash: token source panicked")
		}
	}()
	return c.Fetch(ctx)
}
