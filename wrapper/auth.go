package wrapper

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/internal/retry"
)

// DefaultTokenExpiryMargin is how long before its expiry a cached token is
// replaced (see WithTokenExpiryMargin).
const DefaultTokenExpiryMargin = time.Minute

// tokenFetchTimeout bounds one POST /oauth/token. A fetch that no caller
// waits for any more is cancelled before that (see tokenCache). A variable
// only so that a test can lengthen it, to tell a cancelled fetch from one
// that timed out.
var tokenFetchTimeout = 30 * time.Second

// maxTokenLifetime caps an expires_in (seconds): an absurd lifetime, or one
// that overflows a time.Duration, is read as a day.
const maxTokenLifetime = 24 * 60 * 60

// tokenRefusedBackoff is how long a Client asks for no token after a
// freshly fetched one was refused too (ErrUnauthorized at once instead): a
// server refusing every token must not draw a password grant per call.
const tokenRefusedBackoff = time.Minute

// maxTokenBody bounds the token endpoint's response.
const maxTokenBody = 64 << 10

// authenticator supplies the Authorization header of each attempt.
type authenticator interface {
	// header returns the header value and a generation for invalidate. It
	// returns ctx.Err() as soon as ctx is done.
	header(ctx context.Context) (string, uint64, error)
	// answered reports the server's answer to the token of generation gen:
	// refused (a 401) drops it, if the source allows.
	answered(gen uint64, refused bool)
}

// staticAuth is WithToken: one bearer token, never refreshed.
type staticAuth struct{ hdr string }

func (a staticAuth) header(context.Context) (string, uint64, error) { return a.hdr, 0, nil }
func (a staticAuth) answered(uint64, bool)                          {}

// tokenCache supplies bearer headers from a token fetcher (the password
// grant, or a user's oauth2.TokenSource) with at most one fetch in flight:
// concurrent callers share it, and a fetch that nobody waits for any more is
// cancelled (the password grant's POST is aborted), so a stalled token
// endpoint never gathers a backlog of requests re-sending the password.
//
// With cache set (the password grant) a token is reused until its expiry
// minus a margin; the margin is at most half the token's lifetime, so a
// short-lived token is not refetched on every call. Without it (a user's
// source, which caches or not as it likes) the source is asked once per
// attempt.
type tokenCache struct {
	fetch func(context.Context) (*oauth2.Token, error)
	cache bool
	// cancellable: fetch honours its context (the password grant). A user's
	// TokenSource does not: a flight nobody waits for is then left to
	// finish on its own, and the next caller starts a new one, so a source
	// that hangs once does not wedge the Client.
	cancellable bool
	margin      time.Duration
	now         func() time.Time

	mu        sync.Mutex
	hdr       string    // "Bearer …" of the current token, "" when none
	refreshAt time.Time // zero: valid until invalidated
	gen       uint64    // bumped with every new token
	flight    *tokenFlight
	refused   bool      // the last token was dropped after a 401
	fresh     bool      // the token replaced a refused one and has had only 401s yet
	blocked   time.Time // no fetch before then (tokenRefusedBackoff)
}

// tokenFlight is one fetch in progress.
type tokenFlight struct {
	done      chan struct{}
	cancel    context.CancelFunc
	waiters   int
	cancelled bool
	hdr       string
	gen       uint64
	err       error
}

func (c *tokenCache) header(ctx context.Context) (string, uint64, error) {
	for {
		if err := ctx.Err(); err != nil {
			return "", 0, err
		}
		c.mu.Lock()
		if c.cache && c.hdr != "" && (c.refreshAt.IsZero() || c.now().Before(c.refreshAt)) {
			h, g := c.hdr, c.gen
			c.mu.Unlock()
			return h, g, nil
		}
		f := c.flight
		if f != nil && f.cancelled { // on its way out: wait, then start anew
			c.mu.Unlock()
			select {
			case <-f.done:
				continue
			case <-ctx.Done():
				return "", 0, ctx.Err()
			}
		}
		if f == nil && c.now().Before(c.blocked) {
			c.mu.Unlock()
			return "", 0, fmt.Errorf("%w: a freshly fetched token was refused too; no new token until %s",
				ErrUnauthorized, c.blocked.Format(time.RFC3339))
		}
		if f == nil {
			fctx, cancel := context.WithTimeout(context.Background(), tokenFetchTimeout)
			f = &tokenFlight{done: make(chan struct{}), cancel: cancel}
			c.flight = f
			go c.run(fctx, f)
		}
		f.waiters++
		c.mu.Unlock()
		select {
		case <-f.done:
			return f.hdr, f.gen, f.err
		case <-ctx.Done():
			c.mu.Lock()
			if f.waiters--; f.waiters == 0 && c.flight == f {
				if c.cancellable {
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

// run performs one fetch and publishes its result.
func (c *tokenCache) run(ctx context.Context, f *tokenFlight) {
	tok, err := c.fetch(ctx)
	f.cancel()
	if err == nil {
		switch {
		case tok == nil || tok.AccessToken == "":
			err = errors.New("enkash: token source returned no access token")
		default:
			if cerr := checkToken(tok.AccessToken); cerr != nil {
				err = errors.New("enkash: token source returned an unusable token: " + cerr.Error())
			}
		}
	}
	c.mu.Lock()
	if err == nil {
		now := c.now()
		if h := "Bearer " + tok.AccessToken; h != c.hdr {
			c.hdr = h
			c.gen++
			c.fresh, c.refused = c.refused, false
		}
		c.refreshAt = time.Time{}
		if !tok.Expiry.IsZero() {
			life := tok.Expiry.Sub(now)
			c.refreshAt = tok.Expiry.Add(-min(c.margin, life/2))
		}
	}
	f.hdr, f.gen, f.err = c.hdr, c.gen, err
	if err != nil {
		f.hdr = ""
	}
	if c.flight == f {
		c.flight = nil
	}
	c.mu.Unlock()
	close(f.done)
}

// answered drops the token of generation gen after a 401, unless a newer
// one has replaced it already; when that token had replaced a refused one
// and never been accepted, no token is fetched for tokenRefusedBackoff.
func (c *tokenCache) answered(gen uint64, refused bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.gen != gen || c.hdr == "":
	case !refused:
		c.fresh = false
	default:
		if c.fresh {
			c.blocked = c.now().Add(tokenRefusedBackoff)
		}
		c.hdr, c.refused = "", true
	}
}

// passwordSource is the OAuth2 password grant, sent with the generated
// GetAuthToken call: the form fields come from the spec's TokenRequest, HTTP
// Basic clientId:clientSecret as Enkash's Spring server reads them (x/oauth2's
// AuthStyleInHeader would URL-escape them first, per RFC 6749 §2.3.1).
//
// It is not oauth2.Config.PasswordCredentialsToken because Enkash may answer
// in camelCase (accessToken, expiresIn), which x/oauth2's parser rejects as
// "missing access_token". Caching, expiry margin and concurrency are
// tokenCache's.
type passwordSource struct {
	gen                                  *api.Client
	clientID, clientSecret, user, passwd string
	forms                                []string // secretForms of what it sends
	userAgent                            []string
	now                                  func() time.Time
}

func (s *passwordSource) token(ctx context.Context) (*oauth2.Token, error) {
	tok, err := s.fetch(ctx)
	if ae, ok := err.(*APIError); ok {
		// The token endpoint may echo what it was sent: the password, the
		// client secret or the Basic header, in any encoding.
		ae.mask(s.forms)
	}
	return tok, err
}

func (s *passwordSource) fetch(ctx context.Context) (*oauth2.Token, error) {
	form := api.TokenRequest{GrantType: api.GrantTypePassword, Username: s.user, Password: s.passwd, ClientId: &s.clientID}
	if vs := api.ValidateGetAuthToken(&form); vs != nil {
		return nil, &ValidationError{Violations: vs}
	}
	resp, err := s.gen.GetAuthTokenWithFormdataBody(ctx, form, func(_ context.Context, req *http.Request) error {
		req.SetBasicAuth(s.clientID, s.clientSecret)
		req.Header["Accept"] = hdrJSON
		req.Header["User-Agent"] = s.userAgent
		return nil
	})
	if err != nil {
		return nil, errors.Join(ErrNetwork, errors.New("enkash: token endpoint: "+redact(err.Error(), s.forms)))
	}
	body, rerr := readInto(resp.Body, nil)
	closeBody(resp.Body, rerr)
	if rerr != nil {
		if errors.Is(rerr, ErrResponseTooLarge) {
			return nil, &APIError{StatusCode: resp.StatusCode, Err: rerr}
		}
		return nil, errors.Join(ErrNetwork, errors.New("enkash: token endpoint: reading body: "+redact(rerr.Error(), s.forms)))
	}
	if resp.StatusCode != http.StatusOK {
		return nil, tokenError(resp, body, s.forms)
	}
	var tr api.TokenResponse
	if err := tr.DecodeJSON(lenientIntegers(body, api.TokenResponseSnake{}, api.TokenResponseCamel{})); err != nil {
		// No snippet: a token response that is not JSON (e.g. form-encoded
		// access_token=…) still carries the token.
		return nil, &APIError{StatusCode: resp.StatusCode, Err: errors.Join(ErrInvalidResponse, errors.New("token response is not JSON"))}
	}
	// TokenResponse is oneOf snake_case / camelCase; read both views.
	snake, serr := tr.DecodeTokenResponseSnake()
	camel, cerr := tr.DecodeTokenResponseCamel()
	tok := &oauth2.Token{TokenType: "Bearer"}
	switch {
	case serr == nil && snake.AccessToken != "":
		tok.AccessToken = snake.AccessToken
	case cerr == nil && camel.AccessToken != "":
		tok.AccessToken = camel.AccessToken
	default:
		return nil, &APIError{StatusCode: resp.StatusCode, Err: errors.Join(ErrInvalidResponse, errors.New("token response without access token"))}
	}
	var exp int64
	if serr == nil && snake.ExpiresIn != nil {
		exp = *snake.ExpiresIn
	} else if cerr == nil && camel.ExpiresIn != nil {
		exp = *camel.ExpiresIn
	}
	if exp > 0 {
		tok.Expiry = s.now().Add(time.Duration(min(exp, maxTokenLifetime)) * time.Second)
	}
	return tok, nil
}

// tokenError turns a non-200 token response into an *APIError. Bad client or
// user credentials (401, or 400 invalid_grant / invalid_client /
// unauthorized_client) match ErrUnauthorized.
func tokenError(resp *http.Response, body []byte, forms []string) error {
	e := &APIError{StatusCode: resp.StatusCode, RequestID: requestIDHeader(resp)}
	var oe api.OAuthError
	if oe.DecodeJSON(body) == nil && oe.Error != nil {
		e.ErrorMessage = *oe.Error
		if oe.ErrorDescription != nil {
			e.ErrorMessage += ": " + *oe.ErrorDescription
		}
		switch *oe.Error {
		case "invalid_grant", "invalid_client", "unauthorized_client":
			e.Err = ErrUnauthorized
		}
	} else {
		e.Snippet = snippet(body, forms)
	}
	return e
}

// newAuthenticator returns the authenticator the options ask for (nil for
// none). The password grant gets its own generated client over a copy of hc
// that follows no redirects (the form carries the password).
func newAuthenticator(s *settings, server string, hc *http.Client) (authenticator, error) {
	switch s.auth {
	case authToken:
		return staticAuth{hdr: "Bearer " + s.token}, nil
	case authSource:
		ts := s.ts
		return &tokenCache{fetch: func(context.Context) (*oauth2.Token, error) { return ts.Token() }, now: s.now}, nil
	case authPassword:
		tokenHC := *hc
		tokenHC.CheckRedirect = noRedirect
		if tokenHC.Timeout == 0 {
			tokenHC.Timeout = tokenFetchTimeout
		}
		gen, err := api.NewClient(server, api.WithHTTPClient(&limitDoer{next: &tokenHC, max: maxTokenBody}))
		if err != nil {
			return nil, errors.New("enkash: NewClient: " + err.Error())
		}
		src := &passwordSource{gen: gen, clientID: s.clientID, clientSecret: s.clientSecret,
			user: s.username, passwd: s.password, forms: s.secretForms(), userAgent: []string{s.userAgent}, now: s.now}
		return &tokenCache{fetch: src.token, cache: true, cancellable: true, margin: s.margin, now: s.now}, nil
	}
	return nil, nil
}

// authDoer is the layer that puts the Authorization header on each attempt
// and, after a 401, refreshes the token once and sends the request again if
// that yields a different token (a static token never does).
type authDoer struct {
	next api.HttpRequestDoer
	auth authenticator
}

func (d *authDoer) Do(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	ci := callOf(ctx)
	if ci == nil {
		ci = &callInfo{}
	}
	hdr, gen, err := d.auth.header(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, &layerError{fmt.Errorf("enkash: %w", ctx.Err())}
		}
		return nil, &layerError{fmt.Errorf("enkash: getting token: %w", err)}
	}
	req.Header["Authorization"] = []string{hdr}
	ci.sentAuth(hdr)
	resp, err := d.next.Do(req)
	if err != nil {
		return resp, err
	}
	d.auth.answered(gen, resp.StatusCode == http.StatusUnauthorized)
	if resp.StatusCode != http.StatusUnauthorized || ci.refreshed {
		return resp, nil
	}
	next, nextGen, err := d.auth.header(ctx)
	if err != nil || next == hdr {
		return resp, nil // nothing better to try: the 401 stands
	}
	again, err := retry.Rewind(req)
	if err != nil {
		return resp, nil
	}
	closeBody(resp.Body, errBodyRead) // drain for reuse
	ci.refreshed = true
	again.Header["Authorization"] = []string{next}
	ci.sentAuth(next)
	if resp, err = d.next.Do(again); err == nil {
		d.auth.answered(nextGen, resp.StatusCode == http.StatusUnauthorized)
	}
	return resp, err
}

// lenientIntegers returns body with the integer properties of the given
// generated types (found by reflection, e.g. expires_in) rewritten as JSON
// integers when a server sent them as numeric strings ("3600") or in
// exponent form (1e3), which the generated types would refuse. Anything
// else is left as it is.
func lenientIntegers(body []byte, types ...any) []byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return body
	}
	changed := false
	for _, typ := range types {
		t := reflect.TypeOf(typ)
		for i := range t.NumField() {
			f := t.Field(i)
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() != reflect.Int64 && ft.Kind() != reflect.Int32 && ft.Kind() != reflect.Int {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			raw, ok := m[name]
			if !ok {
				continue
			}
			text := strings.Trim(string(raw), `"`)
			if v, err := strconv.ParseFloat(text, 64); (err == nil || errors.Is(err, strconv.ErrRange)) && !math.IsNaN(v) {
				// Fractions are cut; what does not fit an int64 is capped
				// (a lifetime is capped at a day anyway).
				v = math.Trunc(max(min(v, math.MaxInt32), math.MinInt32))
				if norm := strconv.FormatInt(int64(v), 10); norm != string(raw) {
					m[name] = json.RawMessage(norm)
					changed = true
				}
			}
		}
	}
	if !changed {
		return body
	}
	out, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return out
}

// noRedirect keeps a client from following redirects: the response itself is
// returned (and becomes an *APIError with ErrUnexpectedStatus).
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
