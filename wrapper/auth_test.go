package wrapper

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/enkash-oss/enkash-go/api"
)

const fxClientID, fxUser = "client-1", "ops@acme"

// authServer issues tokens tok-1, tok-2, … from POST /oauth/token and
// accepts on PATCH only the tokens listed in valid.
type authServer struct {
	*testServer
	camel   bool
	expires int64
	issued  atomic.Int32
	patches atomic.Int32
	mu      sync.Mutex
	valid   map[string]bool
	seen    []string // Authorization headers of PATCHes
}

func newAuthServer(t *testing.T, camel bool, expires int64) *authServer {
	a := &authServer{testServer: newTestServer(t), camel: camel, expires: expires, valid: map[string]bool{}}
	a.mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		id, secret, ok := r.BasicAuth()
		require.NoError(t, r.ParseForm())
		if !ok || id != fxClientID || secret != fxClientSecret || r.PostForm.Get("password") != fxPassword ||
			r.PostForm.Get("username") != fxUser || r.PostForm.Get("grant_type") != "password" || r.PostForm.Get("clientId") != fxClientID {
			reply(w, 401, "application/json", `{"error":"invalid_client","error_description":"bad credentials"}`)
			return
		}
		tok := fmt.Sprintf("tok-%d-abcdef", a.issued.Add(1))
		a.mu.Lock()
		a.valid[tok] = true
		a.mu.Unlock()
		var resp any
		typ := "bearer"
		if a.camel {
			resp = api.TokenResponseCamel{AccessToken: tok, TokenType: &typ, ExpiresIn: &a.expires}
		} else {
			resp = api.TokenResponseSnake{AccessToken: tok, TokenType: &typ, ExpiresIn: &a.expires}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(resp)
	})
	a.mux.HandleFunc("PATCH /api/v0/customer/{id}", func(w http.ResponseWriter, r *http.Request) {
		a.patches.Add(1)
		h := r.Header.Get("Authorization")
		a.mu.Lock()
		a.seen = append(a.seen, h)
		ok := len(h) > 7 && a.valid[h[7:]]
		a.mu.Unlock()
		if !ok {
			reply(w, 401, "application/json", errEnvelope("UNAUTHORIZED", "token expired"))
			return
		}
		reply(w, 200, "application/json", okEnvelope)
	})
	return a
}

func (a *authServer) revokeAll() {
	a.mu.Lock()
	defer a.mu.Unlock()
	clear(a.valid)
}

func passwordClient(t *testing.T, a *authServer, opts ...Option) *Client {
	t.Helper()
	c, err := NewClient(a.URL+prefix, append([]Option{WithPasswordCredentials(fxClientID, fxClientSecret, fxUser, fxPassword)}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func TestPasswordGrantBothSpellings(t *testing.T) {
	for _, camel := range []bool{false, true} {
		t.Run(fmt.Sprintf("camel=%v", camel), func(t *testing.T) {
			a := newAuthServer(t, camel, 3600)
			c := passwordClient(t, a)
			for range 3 {
				_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
				require.NoError(t, err)
			}
			assert.Equal(t, int32(1), a.issued.Load(), "token cached")
			assert.Equal(t, []string{"Bearer tok-1-abcdef", "Bearer tok-1-abcdef", "Bearer tok-1-abcdef"}, a.seen)
		})
	}
}

// fakeClock is an injected clock the tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestTokenExpiryMargin: a token is reused until its expiry minus the
// margin, and the margin is at most half the token's lifetime (issue 10
// item 9: a lifetime at or below the margin made every call fetch a new
// token; a lifetime that overflows a duration is capped at a day).
func TestTokenExpiryMargin(t *testing.T) {
	for _, tc := range []struct {
		name    string
		expires int64
		margin  time.Duration
		at      []time.Duration // call times after the first fetch
		want    int32           // tokens fetched
	}{
		{"margin well inside the lifetime", 20, 10 * time.Second, []time.Duration{0, 9 * time.Second, 11 * time.Second}, 2},
		{"margin longer than the lifetime: half the lifetime", 20, 30 * time.Second, []time.Duration{0, 5 * time.Second, 9 * time.Second}, 1},
		{"same, past half the lifetime", 20, 30 * time.Second, []time.Duration{0, 11 * time.Second}, 2},
		{"lifetime at the default margin", 60, DefaultTokenExpiryMargin, []time.Duration{0, time.Second, 29 * time.Second}, 1},
		{"lifetime overflowing a duration: capped at a day", 9223372037, DefaultTokenExpiryMargin, []time.Duration{0, 23 * time.Hour, 25 * time.Hour}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
			a := newAuthServer(t, false, tc.expires)
			c := passwordClient(t, a, WithTokenExpiryMargin(tc.margin), withClock(clock.Now))
			var last time.Duration
			for _, d := range tc.at {
				clock.Add(d - last)
				last = d
				_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
				require.NoError(t, err)
			}
			assert.Equal(t, tc.want, a.issued.Load())
		})
	}
}

// TestLenientExpiresIn (issue 10 item 9): expires_in sent as a numeric
// string or in exponent form is understood, instead of failing every call
// with "token response is not JSON".
func TestLenientExpiresIn(t *testing.T) {
	for _, raw := range []string{`"3600"`, `1e3`, `3600.0`, `"1e3"`} {
		t.Run(raw, func(t *testing.T) {
			var issued atomic.Int32
			ts := newTestServer(t)
			ts.mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, _ *http.Request) {
				issued.Add(1)
				reply(w, 200, "application/json", `{"access_token":"lenient-token-1","expires_in":`+raw+`}`)
			})
			ts.mux.HandleFunc("PATCH /api/v0/customer/{id}", ok200)
			clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
			c, err := NewClient(ts.URL+prefix, WithPasswordCredentials(fxClientID, fxClientSecret, fxUser, fxPassword), withClock(clock.Now))
			require.NoError(t, err)
			defer c.CloseIdleConnections()
			for range 2 {
				_, err = c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
				require.NoError(t, err)
			}
			assert.Equal(t, int32(1), issued.Load(), "the token is cached: its lifetime was read")
		})
	}
}

func TestRefreshOnceOn401(t *testing.T) {
	t.Run("revoked token: refresh and retry once", func(t *testing.T) {
		a := newAuthServer(t, false, 3600)
		c := passwordClient(t, a)
		_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
		require.NoError(t, err)
		a.revokeAll()
		_, err = c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
		require.NoError(t, err)
		assert.Equal(t, int32(2), a.issued.Load())
		assert.Equal(t, []string{"Bearer tok-1-abcdef", "Bearer tok-1-abcdef", "Bearer tok-2-abcdef"}, a.seen)
	})
	t.Run("401 again: no second refresh", func(t *testing.T) {
		a := newAuthServer(t, false, 3600)
		a.mux.HandleFunc("PATCH /api/v0/customer/KCAAAAAAAAAAAAAA", func(w http.ResponseWriter, r *http.Request) {
			a.patches.Add(1)
			reply(w, 401, "application/json", errEnvelope("UNAUTHORIZED", "no"))
		})
		c := passwordClient(t, a)
		_, err := c.UpdateCustomer(context.Background(), "KCAAAAAAAAAAAAAA", api.UpdateCustomerRequest{})
		assert.ErrorIs(t, err, ErrUnauthorized)
		assert.Equal(t, int32(2), a.issued.Load())
		assert.Equal(t, int32(2), a.patches.Load())
	})
	t.Run("static token: no retry", func(t *testing.T) {
		a := newAuthServer(t, false, 3600)
		c, _ := newClient(t, a.testServer)
		_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
		assert.ErrorIs(t, err, ErrUnauthorized)
		assert.Equal(t, int32(1), a.patches.Load())
	})
	t.Run("user token source answering a new token", func(t *testing.T) {
		a := newAuthServer(t, false, 3600)
		a.mu.Lock()
		a.valid["user-2-abcdef"] = true
		a.mu.Unlock()
		var n atomic.Int32
		src := tokenFunc(func() (*oauth2.Token, error) {
			return &oauth2.Token{AccessToken: fmt.Sprintf("user-%d-abcdef", n.Add(1))}, nil
		})
		c, _ := newClient(t, a.testServer, withoutAuth(), WithTokenSource(src))
		_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
		require.NoError(t, err)
		assert.Equal(t, []string{"Bearer user-1-abcdef", "Bearer user-2-abcdef"}, a.seen)
	})
}

type tokenFunc func() (*oauth2.Token, error)

func (f tokenFunc) Token() (*oauth2.Token, error) { return f() }

// withoutAuth undoes newClient's default WithToken.
func withoutAuth() Option {
	return func(s *settings) error { s.auth, s.token = authNone, ""; return nil }
}

func TestConcurrentTokenFetchOnce(t *testing.T) {
	a := newAuthServer(t, false, 3600)
	c := passwordClient(t, a)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	assert.Equal(t, int32(1), a.issued.Load())
}

func TestTokenEndpointErrors(t *testing.T) {
	a := newAuthServer(t, false, 3600)
	c, err := NewClient(a.URL+prefix, WithPasswordCredentials(fxClientID, "wrong-"+fxClientSecret, fxUser, fxPassword))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	_, err = c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	assert.ErrorIs(t, err, ErrUnauthorized)
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 401, ae.StatusCode)
	for _, s := range []string{fxPassword, fxClientSecret} {
		assert.NotContains(t, err.Error(), s)
	}
	assert.Zero(t, a.patches.Load())

	for name, body := range map[string]string{
		"no token": `{"token_type":"bearer"}`, "not json": `<html>`, "empty": ``,
	} {
		t.Run(name, func(t *testing.T) {
			ts := newTestServer(t)
			ts.mux.HandleFunc("/oauth/token", status(200, "application/json", body))
			c, err := NewClient(ts.URL+prefix, WithPasswordCredentials(fxClientID, fxClientSecret, fxUser, fxPassword))
			require.NoError(t, err)
			defer c.CloseIdleConnections()
			_, err = c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
			assert.ErrorIs(t, err, ErrInvalidResponse)
		})
	}
}

// TestTokenRequestDoesNotFollowRedirects: the form carries the password.
func TestTokenRequestDoesNotFollowRedirects(t *testing.T) {
	other := newTestServer(t)
	hits := 0
	other.mux.HandleFunc("/", func(http.ResponseWriter, *http.Request) { hits++ })
	ts := newTestServer(t)
	ts.mux.HandleFunc("/oauth/token", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+prefix+"/steal", http.StatusTemporaryRedirect)
	})
	hc := &http.Client{Transport: &http.Transport{}} // follows redirects by default
	defer hc.CloseIdleConnections()
	c, err := NewClient(ts.URL+prefix, WithHTTPClient(hc), WithPasswordCredentials(fxClientID, fxClientSecret, fxUser, fxPassword))
	require.NoError(t, err)
	_, err = c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	assert.Error(t, err)
	assert.Zero(t, hits)
}

// TestPasswordGrant_RefusedFreshTokenBacksOff: against a server that
// refuses every token, a Client whose freshly fetched token is refused too
// stops asking for tokens for a while and fails calls at once with
// ErrUnauthorized: 200 calls, from 200 goroutines or one after another,
// make at most 2 password grants (some products lock an account after
// repeated logins), the sequential ones no request after the second
// refusal. Once the back-off is over (the injected clock moved), one call
// tries again with one grant.
func TestPasswordGrant_RefusedFreshTokenBacksOff(t *testing.T) {
	for _, concurrent := range []bool{true, false} {
		t.Run(fmt.Sprintf("concurrent=%v", concurrent), func(t *testing.T) {
			var grants, patches atomic.Int32
			ts := newTestServer(t)
			ts.mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, _ *http.Request) {
				reply(w, 200, "application/json", fmt.Sprintf(`{"access_token":"tok-%d-abcdef","expires_in":3600}`, grants.Add(1)))
			})
			ts.mux.HandleFunc("PATCH /api/v0/customer/{id}", func(w http.ResponseWriter, _ *http.Request) {
				patches.Add(1)
				reply(w, 401, "application/json", errEnvelope("UNAUTHORIZED", "token refused"))
			})
			clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
			c, err := NewClient(ts.URL+prefix, WithPasswordCredentials(fxClientID, fxClientSecret, fxUser, fxPassword),
				withClock(clock.Now), withSleep((&sleepRecorder{}).sleep))
			require.NoError(t, err)
			defer c.CloseIdleConnections()
			call := func() error {
				_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
				return err
			}
			const calls = 200
			errs := make([]error, calls)
			if concurrent {
				var wg sync.WaitGroup
				start := make(chan struct{})
				for i := range calls {
					wg.Go(func() { <-start; errs[i] = call() })
				}
				close(start)
				wg.Wait()
			} else {
				for i := range calls {
					errs[i] = call()
				}
				assert.Equal(t, int32(2), patches.Load(), "no request after the fresh token's refusal")
			}
			for i, err := range errs {
				require.ErrorIs(t, err, ErrUnauthorized, "call %d", i)
			}
			assert.LessOrEqual(t, grants.Load(), int32(2), "password grants")

			clock.Add(30 * time.Second) // still backing off
			require.ErrorIs(t, call(), ErrUnauthorized)
			before := grants.Load()
			assert.LessOrEqual(t, before, int32(2))

			clock.Add(time.Hour) // over
			p := patches.Load()
			require.ErrorIs(t, call(), ErrUnauthorized)
			assert.Equal(t, before+1, grants.Load(), "one grant after the back-off")
			assert.Equal(t, p+1, patches.Load())
			require.ErrorIs(t, call(), ErrUnauthorized)
			assert.Equal(t, before+1, grants.Load(), "and backing off again")
		})
	}
}

// TestPasswordGrant_AcceptedTokenRefreshedAfterLaterRefusal: the back-off is
// for a fresh token refused at once, not for one the server accepted: a
// refreshed token that worked and is revoked later is replaced at the next
// 401 as usual.
func TestPasswordGrant_AcceptedTokenRefreshedAfterLaterRefusal(t *testing.T) {
	a := newAuthServer(t, false, 3600)
	c := passwordClient(t, a)
	call := func() error {
		_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
		return err
	}
	require.NoError(t, call()) // tok-1
	a.revokeAll()
	require.NoError(t, call()) // tok-1 refused, tok-2 (fresh) accepted
	a.revokeAll()
	require.NoError(t, call()) // tok-2 refused later: tok-3, no back-off
	assert.Equal(t, int32(3), a.issued.Load())
}
