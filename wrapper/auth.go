package wrapper

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"

	"github.com/enkash-oss/enkash-go/api"
)

// DefaultTokenExpiryMargin is how long before its expiry a cached token is
// replaced (see WithTokenExpiryMargin).
const DefaultTokenExpiryMargin = time.Minute

// tokenFetchTimeout bounds one POST /oauth/token. oauth2.TokenSource has no
// context, so the fetch itself runs to this bound; the caller stops waiting
// for it as soon as its ctx is done (see sourceAuth.header), and the token,
// once fetched, is cached for the next call.
const tokenFetchTimeout = 30 * time.Second

// maxTokenBody bounds the token endpoint's response.
const maxTokenBody = 64 << 10

// authenticator supplies the Authorization header of each attempt.
type authenticator interface {
	// header returns the header value and a generation for invalidate. It
	// returns ctx.Err() as soon as ctx is done.
	header(ctx context.Context) (string, uint64, error)
	// invalidate drops the token of generation gen, if the source allows.
	invalidate(gen uint64)
}

// staticAuth is WithToken: one bearer token, never refreshed.
type staticAuth struct{ hdr string }

func (a staticAuth) header(context.Context) (string, uint64, error) { return a.hdr, 0, nil }
func (a staticAuth) invalidate(uint64)                              {}

// sourceAuth wraps an oauth2.TokenSource. When rebuild is set (the password
// grant), invalidate replaces the caching source so the next header fetches a
// new token; a user's source is asked again and used if it answers a new
// token.
type sourceAuth struct {
	rebuild func() oauth2.TokenSource

	mu  sync.Mutex
	ts  oauth2.TokenSource
	gen uint64

	last atomic.Pointer[authHeader] // avoids building "Bearer …" per call
}

type authHeader struct{ token, value string }

// tokenResult carries one TokenSource answer across goroutines.
type tokenResult struct {
	tok *oauth2.Token
	err error
}

func (a *sourceAuth) header(ctx context.Context) (string, uint64, error) {
	a.mu.Lock()
	ts, gen := a.ts, a.gen
	a.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return "", gen, err
	}
	// TokenSource.Token takes no context and may make a network call: wait
	// for it only while ctx lives. An abandoned fetch ends within
	// tokenFetchTimeout and its token stays cached in the source.
	ch := make(chan tokenResult, 1)
	go func() {
		tok, err := ts.Token()
		ch <- tokenResult{tok, err}
	}()
	var r tokenResult
	select {
	case r = <-ch:
	case <-ctx.Done():
		return "", gen, ctx.Err()
	}
	tok, err := r.tok, r.err
	if err != nil {
		return "", gen, err
	}
	if tok == nil || tok.AccessToken == "" {
		return "", gen, errors.New("enkash: token source returned no access token")
	}
	if err := checkToken(tok.AccessToken); err != nil {
		return "", gen, errors.New("enkash: token source returned an unusable token: " + err.Error())
	}
	if h := a.last.Load(); h != nil && h.token == tok.AccessToken {
		return h.value, gen, nil
	}
	h := &authHeader{token: tok.AccessToken, value: "Bearer " + tok.AccessToken}
	a.last.Store(h)
	return h.value, gen, nil
}

func (a *sourceAuth) invalidate(gen uint64) {
	if a.rebuild == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.gen == gen { // not yet replaced by a concurrent caller
		a.ts = a.rebuild()
		a.gen++
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
// x/oauth2's ReuseTokenSourceWithExpiry.
type passwordSource struct {
	gen                                  *api.Client
	clientID, clientSecret, user, passwd string
	forms                                []string // secretForms of what it sends
	now                                  func() time.Time
}

func (s *passwordSource) Token() (*oauth2.Token, error) {
	tok, err := s.fetch()
	if ae, ok := err.(*APIError); ok {
		// The token endpoint may echo what it was sent: the password, the
		// client secret or the Basic header, in any encoding.
		ae.mask(s.forms)
	}
	return tok, err
}

func (s *passwordSource) fetch() (*oauth2.Token, error) {
	ctx, cancel := context.WithTimeout(context.Background(), tokenFetchTimeout)
	defer cancel()
	form := api.TokenRequest{GrantType: api.GrantTypePassword, Username: s.user, Password: s.passwd, ClientId: &s.clientID}
	if vs := api.ValidateGetAuthToken(&form); vs != nil {
		return nil, &ValidationError{Violations: vs}
	}
	resp, err := s.gen.GetAuthTokenWithFormdataBody(ctx, form, func(_ context.Context, req *http.Request) error {
		req.SetBasicAuth(s.clientID, s.clientSecret)
		req.Header["Accept"] = hdrJSON
		req.Header["User-Agent"] = hdrUserAgent
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
	if err := json.Unmarshal(body, &tr); err != nil {
		// No snippet: a token response that is not JSON (e.g. form-encoded
		// access_token=…) still carries the token.
		return nil, &APIError{StatusCode: resp.StatusCode, Err: errors.Join(ErrInvalidResponse, errors.New("token response is not JSON"))}
	}
	// TokenResponse is oneOf snake_case / camelCase; read both views.
	snake, serr := tr.AsTokenResponseSnake()
	camel, cerr := tr.AsTokenResponseCamel()
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
		tok.Expiry = s.now().Add(time.Duration(exp) * time.Second)
	}
	return tok, nil
}

// tokenError turns a non-200 token response into an *APIError. Bad client or
// user credentials (401, or 400 invalid_grant / invalid_client /
// unauthorized_client) match ErrUnauthorized.
func tokenError(resp *http.Response, body []byte, forms []string) error {
	e := &APIError{StatusCode: resp.StatusCode, RequestID: resp.Header.Get("X-Request-Id")}
	var oe api.OAuthError
	if json.Unmarshal(body, &oe) == nil && oe.Error != nil {
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
		return &sourceAuth{ts: s.ts}, nil
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
			user: s.username, passwd: s.password, forms: s.secretForms(), now: s.now}
		margin := s.margin
		rebuild := func() oauth2.TokenSource { return oauth2.ReuseTokenSourceWithExpiry(nil, src, margin) }
		return &sourceAuth{ts: rebuild(), rebuild: rebuild}, nil
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
	ci.authHdr = hdr
	resp, err := d.next.Do(req)
	if err != nil || resp.StatusCode != http.StatusUnauthorized || ci.refreshed {
		return resp, err
	}
	d.auth.invalidate(gen)
	next, _, err := d.auth.header(ctx)
	if err != nil || next == hdr {
		return resp, nil // nothing better to try: the 401 stands
	}
	again, err := rewind(req)
	if err != nil {
		return resp, nil
	}
	closeBody(resp.Body, errBodyRead) // drain for reuse
	ci.refreshed = true
	again.Header["Authorization"] = []string{next}
	ci.authHdr = next
	return d.next.Do(again)
}

// noRedirect keeps a client from following redirects: the response itself is
// returned (and becomes an *APIError with ErrUnexpectedStatus).
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
