package wrapper

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"time"

	"golang.org/x/oauth2"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/internal/bearer"
	"github.com/enkash-oss/enkash-go/internal/retry"
	"github.com/enkash-oss/enkash-go/internal/transport"
)

// DefaultTokenExpiryMargin is how long before its expiry a cached token is
// replaced (see WithTokenExpiryMargin).
const DefaultTokenExpiryMargin = time.Minute

// tokenFetchTimeout bounds one POST /oauth/token. A variable only so that a
// test can lengthen it, to tell a cancelled fetch from one that timed out.
var tokenFetchTimeout = 30 * time.Second

// maxTokenLifetime caps an expires_in (seconds): an absurd lifetime, or one
// that overflows a time.Duration, is read as a day.
const maxTokenLifetime = 24 * 60 * 60

// maxTokenBody bounds the token endpoint's response.
const maxTokenBody = 64 << 10

type authKind int

const (
	authNone authKind = iota
	authToken
	authSource
	authPassword
)

var errAuthConflict = errors.New("enkash: more than one of WithToken, WithTokenSource, WithPasswordCredentials")

func (s *settings) setAuth(k authKind) error {
	if s.auth != authNone {
		return errAuthConflict
	}
	s.auth = k
	return nil
}

// WithToken authenticates every request with a static bearer token. A 401 is
// returned as is (ErrUnauthorized): a static token cannot be refreshed.
func WithToken(token string) Option {
	return func(s *settings) error {
		if err := bearer.Check(token); err != nil {
			return errors.New("enkash: WithToken: " + err.Error())
		}
		s.token = token
		return s.setAuth(authToken)
	}
}

// WithTokenSource authenticates with tokens from ts, asked before every
// attempt (wrap it in oauth2.ReuseTokenSource to cache them). After a 401 the
// source is asked once more and the request retried once only if it returns a
// different token: a caching source that still holds the rejected token gets
// no retry, and the 401 is returned (ErrUnauthorized). WithPasswordCredentials
// does refresh on a 401, since it owns its cache.
func WithTokenSource(ts oauth2.TokenSource) Option {
	return func(s *settings) error {
		if ts == nil {
			return errors.New("enkash: WithTokenSource: nil source")
		}
		s.ts = ts
		return s.setAuth(authSource)
	}
}

// WithPasswordCredentials authenticates with Enkash's OAuth2 password grant:
// POST {baseURL}/oauth/token with HTTP Basic clientID:clientSecret and the
// spec's TokenRequest form. Both snake_case (access_token, expires_in) and
// camelCase (accessToken, expiresIn) answers are understood, and an
// expires_in sent as a numeric string is read as a number. The token is
// cached until its expiry minus a margin (WithTokenExpiryMargin, at most half
// the token's lifetime; lifetimes above a day count as a day) and shared by
// concurrent calls: at most one token request is in flight, and one that no
// caller waits for any more is cancelled. After a 401 a new token is fetched
// and the request retried once; when that fresh token is refused too, no
// token is fetched for a minute and calls fail at once with ErrUnauthorized.
//
// The token request is bounded by 30s and does not follow redirects. The
// password and a non-empty client secret must have at least 4 characters
// (shorter ones could not be masked in server texts).
func WithPasswordCredentials(clientID, clientSecret, username, password string) Option {
	return func(s *settings) error {
		if clientID == "" || username == "" {
			return errors.New("enkash: WithPasswordCredentials: empty client id or username")
		}
		if len(password) < minSecretLen || (clientSecret != "" && len(clientSecret) < minSecretLen) {
			return fmt.Errorf("enkash: WithPasswordCredentials: password or client secret shorter than %d characters", minSecretLen)
		}
		s.clientID, s.clientSecret, s.username, s.password = clientID, clientSecret, username, password
		return s.setAuth(authPassword)
	}
}

// WithTokenExpiryMargin sets how long before its expiry a cached password
// grant token is replaced (default DefaultTokenExpiryMargin); for a token
// that lives less than twice the margin, half its lifetime is used.
func WithTokenExpiryMargin(d time.Duration) Option {
	return func(s *settings) error {
		if d < 0 {
			return errors.New("enkash: WithTokenExpiryMargin: negative margin")
		}
		s.margin = d
		return nil
	}
}

// secretForms are the forms of every secret these settings send: the static
// token, the password, the client secret, the Basic credentials, and the
// password of the proxy in the transport's proxy URL (a proxy may echo it).
func (s *settings) secretForms() []string {
	forms := slices.Clone(secretForms(append([]string{s.token, s.password, s.clientSecret}, s.proxySecrets...)...))
	for _, b := range append([]string{s.clientID + ":" + s.clientSecret}, s.proxyBasic...) {
		if len(b) > 1 { // base64 only: a client id alone is no secret
			forms = append(forms, base64Forms(b)...)
		}
	}
	return forms
}

// authenticator supplies the Authorization header of each attempt
// (*bearer.Cache, or staticAuth for WithToken).
type authenticator interface {
	// Header returns the header value and a generation for Answered; it
	// returns ctx.Err() as soon as ctx is done.
	Header(ctx context.Context) (string, uint64, error)
	// Answered reports the server's answer to the header of generation gen:
	// refused (a 401) drops it, if the source allows.
	Answered(gen uint64, refused bool)
}

// staticAuth is WithToken's header value, never refreshed.
type staticAuth string

func (a staticAuth) Header(context.Context) (string, uint64, error) { return string(a), 0, nil }
func (staticAuth) Answered(uint64, bool)                            {}

// newAuthenticator returns the authenticator the options ask for (nil for
// none). The password grant gets its own generated client over a copy of hc
// that follows no redirects (the form carries the password).
func newAuthenticator(s *settings, server string, hc *http.Client) (authenticator, error) {
	switch s.auth {
	case authToken:
		return staticAuth("Bearer " + s.token), nil
	case authSource:
		fetch := func(context.Context) (*oauth2.Token, error) { return s.ts.Token() }
		return &bearer.Cache{Fetch: fetch, Timeout: tokenFetchTimeout, Now: s.now, Refused: ErrUnauthorized}, nil
	case authPassword:
		tokenHC := *hc
		tokenHC.CheckRedirect = transport.NoRedirect
		gen, err := api.NewClient(server, api.WithHTTPClient(&tokenHC))
		if err != nil {
			return nil, errors.New("enkash: NewClient: " + err.Error())
		}
		src := &passwordSource{gen: gen, clientSecret: s.clientSecret, forms: s.secretForms(), userAgent: []string{s.userAgent}, now: s.now,
			form: api.TokenRequest{GrantType: api.GrantTypePassword, Username: s.username, Password: s.password, ClientId: &s.clientID}}
		if vs := api.ValidateGetAuthToken(&src.form); vs != nil {
			return nil, &ValidationError{Violations: vs}
		}
		return &bearer.Cache{Fetch: src.token, Reuse: true, Margin: s.margin, Cancellable: true,
			Timeout: tokenFetchTimeout, Now: s.now, Refused: ErrUnauthorized}, nil
	}
	return nil, nil
}

// passwordSource is the OAuth2 password grant, sent with the generated
// GetAuthToken call: the form is the spec's TokenRequest, HTTP Basic
// clientId:clientSecret as Enkash's Spring server reads them. Not
// oauth2.Config.PasswordCredentialsToken: x/oauth2's parser rejects
// Enkash's camelCase replies ("missing access_token"), it cannot send the
// clientId field, and its AuthStyleInHeader URL-escapes the credentials
// (RFC 6749 §2.3.1). Caching and concurrency are bearer.Cache's.
type passwordSource struct {
	gen          *api.Client
	form         api.TokenRequest
	clientSecret string
	forms        []string // secretForms of what it sends
	userAgent    []string
	now          func() time.Time
}

func (s *passwordSource) token(ctx context.Context) (*oauth2.Token, error) {
	resp, err := s.gen.GetAuthTokenWithFormdataBody(ctx, s.form, func(_ context.Context, req *http.Request) error {
		req.SetBasicAuth(*s.form.ClientId, s.clientSecret)
		req.Header["Accept"] = hdrJSON
		req.Header["User-Agent"] = s.userAgent
		return nil
	})
	if err != nil {
		return nil, errors.Join(ErrNetwork, errors.New("enkash: token endpoint: "+redact(err.Error(), s.forms)))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenBody+1))
	switch {
	case err != nil:
		return nil, errors.Join(ErrNetwork, errors.New("enkash: token endpoint: reading body: "+redact(err.Error(), s.forms)))
	case len(body) > maxTokenBody:
		return nil, &APIError{StatusCode: resp.StatusCode, Err: ErrResponseTooLarge}
	case resp.StatusCode != http.StatusOK:
		return nil, tokenError(resp, body, s.forms)
	}
	// The spec's TokenResponse is oneOf these two spellings.
	var snake api.TokenResponseSnake
	var camel api.TokenResponseCamel
	if snake.DecodeJSON(body) != nil {
		snake = api.TokenResponseSnake{}
	}
	if camel.DecodeJSON(body) != nil {
		camel = api.TokenResponseCamel{}
	}
	tok := &oauth2.Token{TokenType: "Bearer", AccessToken: cmp.Or(snake.AccessToken, camel.AccessToken)}
	if tok.AccessToken == "" { // no snippet: a reply that is not JSON (form-encoded) may carry the token
		return nil, &APIError{StatusCode: resp.StatusCode, Err: errors.Join(ErrInvalidResponse, errors.New("token response is not a JSON object with an access token"))}
	}
	// A json.Number: "3600", 3600.5 and 1e3 too; out of range is capped.
	life, err := strconv.ParseFloat(string(cmp.Or(snake.ExpiresIn, camel.ExpiresIn)), 64)
	if (err == nil || errors.Is(err, strconv.ErrRange)) && life >= 1 {
		tok.Expiry = s.now().Add(time.Duration(min(life, maxTokenLifetime)) * time.Second)
	}
	return tok, nil
}

// tokenError turns a non-200 token response into an *APIError, masking what
// the endpoint may echo (the password, the secret, the Basic header). Bad
// client or user credentials (401, or 400 invalid_grant / invalid_client /
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
	e.mask(forms)
	return e
}

// authDoer is the layer that puts the Authorization header on each attempt
// and, after a 401, refreshes the token once per call and sends the request
// again if that yields a different token (a static token never does).
type authDoer struct {
	next api.HttpRequestDoer
	auth authenticator
}

func (d *authDoer) Do(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	ci := cmp.Or(callOf(ctx), &callInfo{})
	hdr, gen, err := d.auth.Header(ctx)
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
	d.auth.Answered(gen, resp.StatusCode == http.StatusUnauthorized)
	if resp.StatusCode != http.StatusUnauthorized || ci.refreshed {
		return resp, nil
	}
	next, nextGen, err := d.auth.Header(ctx)
	if err != nil || next == hdr {
		return resp, nil // nothing better to try: the 401 stands
	}
	again, err := retry.Rewind(req)
	if err != nil {
		return resp, nil
	}
	closeBody(resp.Body, errBodyRead) // drain for reuse
	// The resend is an attempt too: it passes the call's gate.
	if ci.gate != nil {
		if err := ci.gate.Wait(ctx); err != nil {
			if ctx.Err() == nil { // the gate's own reason (a stopped batch)
				return nil, &layerError{err}
			}
			return nil, &layerError{fmt.Errorf("enkash: %w", err)}
		}
	}
	ci.refreshed = true
	again.Header["Authorization"] = []string{next}
	ci.sentAuth(next)
	if resp, err = d.next.Do(again); err == nil {
		d.auth.Answered(nextGen, resp.StatusCode == http.StatusUnauthorized)
	}
	return resp, err
}
