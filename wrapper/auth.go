package wrapper

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"golang.org/x/oauth2"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/internal/bearer"
	"github.com/enkash-oss/enkash-go/internal/grant"
)

// DefaultTokenExpiryMargin is how long before its expiry a cached token is
// replaced (see WithTokenExpiryMargin).
const DefaultTokenExpiryMargin = time.Minute

// tokenFetchTimeout bounds one POST /oauth/token. A variable only so that a
// test can lengthen it, to tell a cancelled fetch from one that timed out.
var tokenFetchTimeout = 30 * time.Second

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

// newAuthenticator returns the bearer.Authenticator the options ask for
// (nil for none); the password grant sends to server through hc.
func newAuthenticator(s *settings, server string, hc *http.Client) (bearer.Authenticator, error) {
	switch s.auth {
	case authToken:
		return bearer.Static("Bearer " + s.token), nil
	case authSource:
		fetch := func(context.Context) (*oauth2.Token, error) { return s.ts.Token() }
		return &bearer.Cache{Fetch: fetch, Timeout: tokenFetchTimeout, Now: s.now, Refused: ErrUnauthorized}, nil
	case authPassword:
		forms := s.secretForms()
		src, err := grant.New(server, hc, grant.Password{ClientSecret: s.clientSecret, UserAgent: []string{s.userAgent}, Now: s.now,
			Form:    api.TokenRequest{GrantType: api.GrantTypePassword, Username: s.username, Password: s.password, ClientId: &s.clientID},
			Network: ErrNetwork, Redact: func(t string) string { return redact(t, forms) },
			Failed: func(f grant.Failure) error { return tokenError(f, forms) }})
		if err != nil {
			return nil, err
		}
		if vs := api.ValidateGetAuthToken(&src.Form); vs != nil {
			return nil, &ValidationError{Violations: vs}
		}
		return &bearer.Cache{Fetch: src.Token, Reuse: true, Margin: s.margin, Cancellable: true,
			Timeout: tokenFetchTimeout, Now: s.now, Refused: ErrUnauthorized}, nil
	}
	return nil, nil
}

// tokenError is the *APIError of a token endpoint answer without a token,
// masking what the endpoint may echo (the password, the secret, the Basic
// header). Bad client or user credentials (401, or 400 invalid_grant /
// invalid_client / unauthorized_client) match ErrUnauthorized.
func tokenError(f grant.Failure, forms []string) error {
	switch {
	case f.TooLarge:
		return &APIError{StatusCode: f.Status, Err: ErrResponseTooLarge}
	case f.NoToken: // no snippet: a reply that is not JSON (form-encoded) may carry the token
		return &APIError{StatusCode: f.Status, Err: errors.Join(ErrInvalidResponse, errors.New("token response is not a JSON object with an access token"))}
	}
	e := &APIError{StatusCode: f.Status, RequestID: f.RequestID, ErrorMessage: f.Message}
	if f.Refused {
		e.Err = ErrUnauthorized
	}
	if !f.OAuth {
		e.Snippet = snippet(f.Body, forms)
	}
	e.mask(forms)
	return e
}
