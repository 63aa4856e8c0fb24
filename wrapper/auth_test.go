package wrapper

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/internal/grant"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
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
			resp = api.TokenResponseCamel{AccessToken: tok, TokenType: &typ, ExpiresIn: json.Number(strconv.FormatInt(a.expires, 10))}
		} else {
			resp = api.TokenResponseSnake{AccessToken: tok, TokenType: &typ, ExpiresIn: json.Number(strconv.FormatInt(a.expires, 10))}
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

func TestPasswordGrant_BothSpellings(t *testing.T) {
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

// TestPasswordGrant_ExpiryMargin: a token is reused until its expiry minus the
// margin, and the margin is at most half the token's lifetime (issue 10
// item 9: a lifetime at or below the margin made every call fetch a new
// token; a lifetime that overflows a duration is capped at a day).
func TestPasswordGrant_ExpiryMargin(t *testing.T) {
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

// TestPasswordGrant_ExpiresInForms (issue 10 item 9): expires_in sent as a
// numeric string, in exponent form, fractional, or beyond int64 (plain or
// quoted) is read as a lifetime (capped at a day): the token is reused, then
// replaced a day later. A token without a usable lifetime (absent, null,
// zero, negative, under a second) is reused until refused.
func TestPasswordGrant_ExpiresInForms(t *testing.T) {
	for raw, expires := range map[string]bool{
		`"3600"`: true, `1e3`: true, `3600.0`: true, `"1e3"`: true, `1e19`: true,
		`99999999999999999999`: true, `3600.5`: true, `"1e19"`: true, `1e400`: true, `1`: true,
		``: false, `null`: false, `0`: false, `-5`: false, `"-1e400"`: false, `0.5`: false,
	} {
		t.Run(raw, func(t *testing.T) {
			var issued atomic.Int32
			ts := newTestServer(t)
			ts.mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, _ *http.Request) {
				issued.Add(1)
				field := ""
				if raw != "" {
					field = `,"expires_in":` + raw
				}
				reply(w, 200, "application/json", `{"access_token":"lenient-token-1"`+field+`}`)
			})
			ts.mux.HandleFunc("PATCH /api/v0/customer/{id}", ok200)
			clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
			c, err := NewClient(ts.URL+prefix, WithPasswordCredentials(fxClientID, fxClientSecret, fxUser, fxPassword), withClock(clock.Now))
			require.NoError(t, err)
			defer c.CloseIdleConnections()
			for _, advance := range []time.Duration{0, 0, 25 * time.Hour} {
				clock.Add(advance)
				_, err = c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
				require.NoError(t, err)
				if advance == 0 {
					assert.Equal(t, int32(1), issued.Load(), "the token is reused")
				}
			}
			want := map[bool]int32{true: 2, false: 1}[expires]
			assert.Equal(t, want, issued.Load(), "after a day: replaced only if it had a lifetime")
		})
	}
}

func TestPasswordGrant_RefreshOnceOn401(t *testing.T) {
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

func TestPasswordGrant_ConcurrentCallsFetchOnce(t *testing.T) {
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

func TestPasswordGrant_EndpointErrors(t *testing.T) {
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

// TestPasswordGrant_DoesNotFollowRedirects: the form carries the password.
func TestPasswordGrant_DoesNotFollowRedirects(t *testing.T) {
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

type zhang struct {
	n       atomic.Int32
	entered chan struct{}
	release chan struct{}
}

func (z *zhang) Token() (*oauth2.Token, error) {
	if z.n.Add(1) == 1 {
		close(z.entered)
		<-z.release // e.g. a token endpoint connection that hangs (oauth2 uses no timeout by default)
	}
	return &oauth2.Token{AccessToken: "goodTokenAbcdefgh"}, nil
}

// P9: one hung TokenSource.Token call must not wedge the Client: once its
// caller gave up, later calls ask the source again.
func TestTokenSource_HungCallDoesNotWedgeClient(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"payload":{"customerId":%q}}`, validCustomerID)
	}))
	defer srv.Close()
	z := &zhang{entered: make(chan struct{}), release: make(chan struct{})}
	defer close(z.release)
	c, _ := NewClient(srv.URL, WithTokenSource(z))
	defer c.CloseIdleConnections()
	ctx1, cancel1 := context.WithCancel(context.Background())
	go func() { <-z.entered; cancel1() }()
	_, err := c.UpdateCustomer(ctx1, validCustomerID, piiBody())
	require.ErrorIs(t, err, context.Canceled)
	done := make(chan error, 1)
	go func() {
		var err error
		for range 3 {
			if _, err = c.UpdateCustomer(context.Background(), validCustomerID, piiBody()); err != nil {
				break
			}
		}
		done <- err
	}()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(time.Minute): // a guard against hanging the suite, not a time assertion
		t.Fatal("wedged: later calls wait for the hung fetch")
	}
	assert.Equal(t, int32(4), z.n.Load(), "the source was asked again, once per later call")
}

// WithPasswordCredentials: "after a 401 a new token is fetched and the
// request retried once" — once per call, also when a retried 503 comes in
// between. Kills refresh/twice.
func TestPasswordGrant_RefreshOncePerCallAcrossRetries(t *testing.T) {
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

// A token source answering an empty access token is an error before any
// request: "Authorization: Bearer " is never sent. Kills
// auth/empty-token-accepted.
func TestTokenSource_EmptyTokenRefused(t *testing.T) {
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

// grant.Password.Token and tokenError: the token endpoint may echo the
// Basic header; the error never shows it. Kills token/basic-header-echo-not-masked.
func TestPasswordGrant_EchoedBasicHeaderMasked(t *testing.T) {
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

// grant.MaxBody "bounds the token endpoint's response": a longer one is an
// *APIError matching ErrResponseTooLarge. Kills token/body-unbounded.
func TestPasswordGrant_ResponseSizeLimit(t *testing.T) {
	c := tokenEndpointClient(t, status(200, "application/json",
		`{"access_token":"tok-1","token_type":"bearer","pad":"`+strings.Repeat("x", grant.MaxBody)+`"}`))
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	assert.ErrorIs(t, err, ErrResponseTooLarge)
}

// WithPasswordCredentials: camelCase answers are understood, expiresIn
// included, and WithTokenExpiryMargin applies: a 20s camelCase token with a
// 5s margin is reused at 12s (the default margin, capped at half the
// lifetime, would replace it at 10s) and replaced at 16s. Kills
// token/camel-expiry-ignored and token/expiry-margin-ignored.
func TestPasswordGrant_CamelCaseExpiryAndMargin(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	a := newAuthServer(t, true, 20) // lives 20s
	c := passwordClient(t, a, WithTokenExpiryMargin(5*time.Second), withClock(clock.Now))
	for i, step := range []struct {
		advance time.Duration
		issued  int32
	}{{0, 1}, {12 * time.Second, 1}, {4 * time.Second, 2}} { // at 0s, 12s, 16s
		clock.Add(step.advance)
		_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
		require.NoError(t, err)
		assert.Equal(t, step.issued, a.issued.Load(), "tokens after call %d", i+1)
	}
}

// TestPasswordGrant_Concurrent401sRefreshOnce: two calls send the same token and both get
// a 401 for it; the second 401 is held until the first call has refreshed
// and resent with the new token. The second call's refresh must then keep
// that new token (the generation guard), not throw it away and fetch a third.
func TestPasswordGrant_Concurrent401sRefreshOnce(t *testing.T) {
	var issued, firstTokenPatches atomic.Int32
	newTokenSeen, bothSent := make(chan struct{}), make(chan struct{})
	var once sync.Once
	ts := newTestServer(t)
	ts.mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		reply(w, 200, "application/json", fmt.Sprintf(`{"access_token":"token-%d-abcdefgh","expires_in":3600}`, issued.Add(1)))
	})
	ts.mux.HandleFunc("PATCH /api/v0/customer/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "Bearer token-1-abcdefgh" {
			// No answer until both calls have sent token 1, so neither can
			// refresh before the other has sent it.
			switch firstTokenPatches.Add(1) {
			case 1:
				<-bothSent
			case 2:
				close(bothSent)
				<-newTokenSeen // the late 401
			}
			reply(w, 401, "application/json", errEnvelope("UNAUTHORIZED", "token revoked"))
			return
		}
		once.Do(func() { close(newTokenSeen) })
		reply(w, 200, "application/json", okEnvelope)
	})
	c, err := NewClient(ts.URL+prefix, WithPasswordCredentials(fxClientID, fxClientSecret, fxUser, fxPassword))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
		}()
	}
	wg.Wait()
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
	assert.Equal(t, int32(2), firstTokenPatches.Load(), "both calls sent token 1")
	assert.Equal(t, int32(2), issued.Load(), "token 1, then one refresh for both 401s")
}

// TestPasswordGrant_InvalidGrantIsUnauthorized: the token endpoint's 400 invalid_grant
// (a wrong password) is ErrUnauthorized, like its 401.
func TestPasswordGrant_InvalidGrantIsUnauthorized(t *testing.T) {
	for _, oauthErr := range []string{"invalid_grant", "invalid_client", "unauthorized_client"} {
		ts := newTestServer(t)
		ts.mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, _ *http.Request) {
			reply(w, 400, "application/json", `{"error":"`+oauthErr+`","error_description":"Bad credentials"}`)
		})
		c, err := NewClient(ts.URL+prefix, WithPasswordCredentials(fxClientID, fxClientSecret, fxUser, fxPassword))
		require.NoError(t, err)
		_, err = c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
		assert.ErrorIs(t, err, ErrUnauthorized, oauthErr)
		c.CloseIdleConnections()
	}
}

// TestTokenSource_UnusableTokenRefusedLocally (issue 10 item 10): a token with
// a newline from a TokenSource is refused before sending, once, not reported
// as a network error and retried.
func TestTokenSource_UnusableTokenRefusedLocally(t *testing.T) {
	var hits, asked atomic.Int32
	ts := newTestServer(t)
	ts.mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { hits.Add(1); ok200(w, nil) })
	src := tokenFunc(func() (*oauth2.Token, error) {
		asked.Add(1)
		return &oauth2.Token{AccessToken: "good-part\nEvil: header"}, nil
	})
	c, rec := newClient(t, ts, withoutAuth(), WithTokenSource(src))
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	require.Error(t, err)
	assert.False(t, errors.Is(err, ErrNetwork), "not a network error: %v", err)
	assert.Contains(t, err.Error(), "control character")
	assert.Zero(t, hits.Load(), "nothing sent")
	assert.Equal(t, int32(1), asked.Load(), "asked once: no retry")
	assert.Empty(t, rec.get())
	assert.NotContains(t, err.Error(), "Evil")
}

// TestPasswordGrant_StalledEndpointNoBacklog (issue 10 item 8): with a token endpoint
// that never answers and callers that give up, at most one token request is
// ever in flight, and a fetch that nobody waits for any more is cancelled
// (the server sees the request aborted) instead of running on and being
// followed by the next queued POST re-sending the password.
func TestPasswordGrant_StalledEndpointNoBacklog(t *testing.T) {
	// Lengthen the fetch bound, so that an abort the server sees can only
	// come from the cancellation under test, not from the bound.
	saved := tokenFetchTimeout
	tokenFetchTimeout = time.Hour
	defer func() { tokenFetchTimeout = saved }()
	var posts, inflight, maxInflight atomic.Int32
	arrived, aborted := make(chan struct{}, 100), make(chan struct{}, 100)
	stop := make(chan struct{})
	ts := newTestServer(t)
	ts.mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // read it all, so the server notices the client hanging up
		posts.Add(1)
		n := inflight.Add(1)
		for m := maxInflight.Load(); n > m && !maxInflight.CompareAndSwap(m, n); m = maxInflight.Load() {
		}
		arrived <- struct{}{}
		select {
		case <-r.Context().Done(): // the client aborted the request
			inflight.Add(-1)
			aborted <- struct{}{}
		case <-stop:
			inflight.Add(-1)
		}
	})
	defer close(stop)
	c, err := NewClient(ts.URL+prefix, WithPasswordCredentials(fxClientID, fxClientSecret, fxUser, fxPassword), WithTimeout(time.Hour))
	require.NoError(t, err)
	defer c.CloseIdleConnections()

	// guard only keeps a regression from hanging the suite; no assertion is
	// about how long anything took.
	guard := func(ch <-chan struct{}, what string) {
		t.Helper()
		select {
		case <-ch:
		case <-time.After(time.Minute):
			t.Fatalf("%s never happened", what)
		}
	}
	call := func(ctx context.Context) <-chan error {
		out := make(chan error, 1)
		go func() {
			_, err := c.UpdateCustomer(ctx, validCustomerID, api.UpdateCustomerRequest{})
			out <- err
		}()
		return out
	}

	t.Run("one caller at a time gives up", func(t *testing.T) {
		for i := range 5 {
			ctx, cancel := context.WithCancel(context.Background())
			done := call(ctx)
			guard(arrived, "the token request")
			cancel()
			err := <-done
			assert.True(t, errors.Is(err, context.Canceled), "call %d: %v", i, err)
			guard(aborted, "cancelling the abandoned token request")
		}
		assert.Equal(t, int32(5), posts.Load())
	})
	t.Run("many callers share one fetch", func(t *testing.T) {
		before := posts.Load()
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		errs := make([]error, 10)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = c.UpdateCustomer(ctx, validCustomerID, api.UpdateCustomerRequest{})
			}()
		}
		guard(arrived, "the token request")
		cancel()
		wg.Wait()
		guard(aborted, "cancelling the shared token request")
		for _, err := range errs {
			assert.True(t, errors.Is(err, context.Canceled), "%v", err)
		}
		assert.Equal(t, before+1, posts.Load(), "ten callers, one token request")
	})
	assert.Equal(t, int32(1), maxInflight.Load(), "never more than one token request in flight")
	assert.Zero(t, inflight.Load())
}

// A done ctx must end the call at once even while the password grant is
// still waiting on the token endpoint, and a call whose ctx is already done
// must send nothing at all.
func TestPasswordGrant_FetchHonoursContext(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	c, err := NewClient(srv.URL, WithPasswordCredentials(wrappertest.DefaultClientID, wrappertest.DefaultClientSecret,
		wrappertest.DefaultUsername, wrappertest.DefaultPassword))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	var body api.UpdateCustomerRequest
	body.State.Set("Kerala")

	t.Run("deadline while the token endpoint stalls", func(t *testing.T) {
		// Its own server and client: the stalled token fetch may go on in the
		// background after the call has returned, until this server closes.
		srv := wrappertest.NewServer(wrappertest.WithDemoCustomers())
		defer srv.Close()
		c, err := NewClient(srv.URL, WithPasswordCredentials(wrappertest.DefaultClientID, wrappertest.DefaultClientSecret,
			wrappertest.DefaultUsername, wrappertest.DefaultPassword))
		require.NoError(t, err)
		defer c.CloseIdleConnections()
		// The token endpoint never answers (the fake's delay ends only when
		// the client goes away or the server closes): the call can only
		// return through its ctx, whose deadline passes once the token
		// request has reached the server.
		srv.Inject(wrappertest.Fault{Path: "/oauth/token", Delay: time.Hour, Status: 503, Times: 1})
		ctx, cancel := deadlineWhen(func() bool { return len(srv.Requests()) > 0 })
		defer cancel()
		_, err = callGuarded(t, func() (*api.CustomerResponse, error) {
			return c.UpdateCustomer(ctx, wrappertest.DemoCustomerID, body)
		})
		require.Error(t, err)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		reqs := srv.Requests()
		require.Len(t, reqs, 1, "one token request, and no PATCH without a token")
		assert.Equal(t, "/oauth/token", reqs[0].Path)
	})

	t.Run("already cancelled sends nothing", func(t *testing.T) {
		srv.ResetRequests()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := c.UpdateCustomer(ctx, wrappertest.DemoCustomerID, body)
		assert.True(t, errors.Is(err, context.Canceled), "got %v", err)
		assert.Empty(t, srv.Requests(), "neither the token endpoint nor the PATCH may be called")
	})

	t.Run("then works normally", func(t *testing.T) {
		cust, err := c.UpdateCustomer(context.Background(), wrappertest.DemoCustomerID, body)
		require.NoError(t, err)
		assert.Equal(t, "Kerala", cust.State)
	})
}

// TestAuthOptions_BoundaryValuesAccepted: a password or client secret of
// exactly minSecretLen characters, no client secret at all, and a zero
// expiry margin are accepted (TestOptions_ShortSecretsRefused and
// TestNewClient_RefusesInvalidOptions have the values just outside).
func TestAuthOptions_BoundaryValuesAccepted(t *testing.T) {
	for name, opt := range map[string]Option{
		"four-character password": WithPasswordCredentials(fxClientID, fxClientSecret, fxUser, "pw12"),
		"four-character secret":   WithPasswordCredentials(fxClientID, "cs12", fxUser, fxPassword),
		"no client secret":        WithPasswordCredentials(fxClientID, "", fxUser, fxPassword),
		"zero expiry margin":      WithTokenExpiryMargin(0),
	} {
		c, err := NewClient("https://api.enkash.example", opt)
		assert.NoError(t, err, name)
		assert.NotNil(t, c, name)
	}
}

// TestSettings_SecretFormsOfBasicCredentials: the password grant's Basic
// credentials are masked in base64; without a password grant there are none,
// and the base64 of a bare ":" ("Og") is not masked in server texts.
func TestSettings_SecretFormsOfBasicCredentials(t *testing.T) {
	basic := base64.StdEncoding.EncodeToString([]byte(fxClientID + ":" + fxClientSecret))
	s := settings{clientID: fxClientID, clientSecret: fxClientSecret, password: fxPassword}
	assert.Contains(t, s.secretForms(), basic)
	s = settings{token: fxToken}
	assert.NotContains(t, s.secretForms(), "Og")
	assert.NotContains(t, s.secretForms(), "Og==")
}

// TestPasswordGrant_ErrorReplies: a refusal from the token endpoint is an
// *APIError: an OAuth error body gives "error: description" (or the error
// alone) as its message, any other body a snippet; the OAuth credential
// errors and a 401 match ErrUnauthorized, another 400 does not.
func TestPasswordGrant_ErrorReplies(t *testing.T) {
	for _, tc := range []struct {
		status       int
		body         string
		message      string
		snippet      string
		unauthorized bool
	}{
		{401, `{"error":"invalid_client","error_description":"bad credentials"}`, "invalid_client: bad credentials", "", true},
		{400, `{"error":"invalid_request"}`, "invalid_request", "", false},
		{401, `{"message":"account locked"}`, "", `{"message":"account locked"}`, true},
	} {
		t.Run(tc.body, func(t *testing.T) {
			c := tokenEndpointClient(t, status(tc.status, "application/json", tc.body))
			_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
			var ae *APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tc.status, ae.StatusCode)
			assert.Equal(t, tc.message, ae.ErrorMessage)
			assert.Equal(t, tc.snippet, ae.Snippet)
			assert.Equal(t, tc.unauthorized, errors.Is(err, ErrUnauthorized))
		})
	}
}

// TestPasswordGrant_BodyCutShort: a token reply that breaks off is a network
// error (ErrNetwork), not a token and not an *APIError.
func TestPasswordGrant_BodyCutShort(t *testing.T) {
	c := tokenEndpointClient(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", "100")
		w.WriteHeader(200)
		_, _ = io.WriteString(w, `{"access_token":"tok-`)
	})
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	require.ErrorIs(t, err, ErrNetwork)
	var ae *APIError
	assert.False(t, errors.As(err, &ae))
	assert.Contains(t, err.Error(), "token endpoint: reading body")
}

func TestWithPasswordCredentials_ShortestSecretsAccepted(t *testing.T) {
	for name, opt := range map[string]Option{
		"four-character password": WithPasswordCredentials(fxClientID, fxClientSecret, fxUser, "pw12"),
		"four-character secret":   WithPasswordCredentials(fxClientID, "cs12", fxUser, fxPassword),
		"no client secret":        WithPasswordCredentials(fxClientID, "", fxUser, fxPassword),
	} {
		c, err := NewClient("https://api.enkash.example", opt)
		assert.NoError(t, err, name)
		assert.NotNil(t, c, name)
	}
}

type panickingSource struct{}

func (panickingSource) Token() (*oauth2.Token, error) { panic("token source bug") }

func TestTokenSource_PanicReachesTheCaller(t *testing.T) {
	if os.Getenv("ENKASH_PANIC_CHILD") == "1" {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { reply(w, 200, "application/json", okEnvelope) }))
		defer srv.Close()
		c, err := NewClient(srv.URL, WithTokenSource(panickingSource{}))
		if err != nil {
			os.Exit(3)
		}
		func() {
			defer func() { _ = recover() }()
			_, _ = c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
		}()
		os.Exit(0)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestTokenSource_PanicReachesTheCaller$", "-test.count=1")
	cmd.Env = append(os.Environ(), "ENKASH_PANIC_CHILD=1")
	out, err := cmd.CombinedOutput()
	assert.NoError(t, err, "the child process died: %s", out)
}

func TestPasswordGrant_RefusedCredentialsBackOff(t *testing.T) {
	for name, refusal := range map[string]struct {
		status int
		body   string
	}{
		"400 invalid_grant":  {400, `{"error":"invalid_grant","error_description":"Bad credentials"}`},
		"401 invalid_client": {401, `{"error":"invalid_client","error_description":"Bad client credentials"}`},
	} {
		t.Run(name, func(t *testing.T) {
			var grants, patches atomic.Int32
			ts := newTestServer(t)
			ts.mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, _ *http.Request) {
				grants.Add(1)
				reply(w, refusal.status, "application/json", refusal.body)
			})
			ts.mux.HandleFunc("PATCH /api/v0/customer/{id}", func(w http.ResponseWriter, _ *http.Request) {
				patches.Add(1)
				reply(w, 200, "application/json", okEnvelope)
			})
			c, err := NewClient(ts.URL+prefix, WithPasswordCredentials(fxClientID, fxClientSecret, fxUser, fxPassword),
				withClock(fixedClock()))
			require.NoError(t, err)
			defer c.CloseIdleConnections()
			for range 20 {
				_, err = c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
				require.ErrorIs(t, err, ErrUnauthorized)
			}
			assert.Zero(t, patches.Load())
			assert.LessOrEqual(t, grants.Load(), int32(2), "password grants for 20 calls with refused credentials")
		})
	}
}

func TestPasswordGrant_ResendAfter401PassesTheGate(t *testing.T) {
	a := newAuthServer(t, false, 3600)
	c := passwordClient(t, a)
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	require.NoError(t, err)
	a.revokeAll()
	g := &gateRecorder{}
	_, err = c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{}, WithSendGate(g))
	require.NoError(t, err)
	assert.Equal(t, int32(3), a.patches.Load(), "one PATCH before, then the refused one and its resend")
	assert.Equal(t, 2, g.waits, "Wait calls for the call's 2 PATCHes")
}
