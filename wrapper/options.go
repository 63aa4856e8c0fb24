package wrapper

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// Option configures a Client in NewClient.
type Option func(*settings) error

type settings struct {
	hc           *http.Client
	timeout      time.Duration
	timeoutSet   bool
	auth         authKind
	token        string
	ts           oauth2.TokenSource
	clientID     string
	clientSecret string
	username     string
	password     string
	margin       time.Duration
	retry        RetryPolicy
	maxBody      int64
	logger       *slog.Logger
	userAgent    string // the SDK's User-Agent, with any WithUserAgent app info
	wrapRT       func(http.RoundTripper) http.RoundTripper
	sleep        func(ctx context.Context, d time.Duration) error
	jitter       func(int64) int64
	now          func() time.Time
	proxySecrets []string // the proxy URL's password (set by NewClient)
	proxyBasic   []string // and its user:password
}

type authKind int

const (
	authNone authKind = iota
	authToken
	authSource
	authPassword
)

var errAuthConflict = errors.New("enkash: more than one of WithToken, WithTokenSource, WithPasswordCredentials")

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
	return longestFirst(forms)
}

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
		if token == "" {
			return errors.New("enkash: WithToken: empty token")
		}
		if err := checkToken(token); err != nil {
			return errors.New("enkash: WithToken: " + err.Error())
		}
		s.token = token
		return s.setAuth(authToken)
	}
}

// minTokenLen is the shortest bearer token accepted: a shorter one could not
// be masked in server texts without masking ordinary words.
const minTokenLen = 8

// checkToken refuses a bearer token that cannot go into a header as is, or
// is too short to be masked reliably.
func checkToken(token string) error {
	switch {
	case token == "":
		return errors.New("empty token")
	case !isToken68(token):
		return errors.New("token contains a space, a control character or another character a bearer token cannot hold (RFC 6750)")
	case len(token) < minTokenLen:
		return fmt.Errorf("token shorter than %d characters", minTokenLen)
	}
	return nil
}

// isToken68 reports whether s is an RFC 6750 bearer token: letters, digits,
// "-._~+/", then optional "=" padding.
func isToken68(s string) bool {
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~+/", c) >= 0) {
			break
		}
	}
	if i == 0 {
		return false
	}
	for ; i < len(s); i++ {
		if s[i] != '=' {
			return false
		}
	}
	return true
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

// WithHTTPClient sends requests with hc instead of the default client (which
// follows no redirects at all). Its Timeout, Transport and CheckRedirect
// apply, but the Client uses a shallow copy of hc whose redirects carry the
// Authorization header only to the origin (scheme, host and port) of the
// request; hc itself is not modified. A password in the URL of the proxy
// its *http.Transport uses is masked like the other secrets. Cannot be
// combined with WithTimeout.
func WithHTTPClient(hc *http.Client) Option {
	return func(s *settings) error {
		if hc == nil {
			return errors.New("enkash: WithHTTPClient: nil client")
		}
		s.hc = hc
		return nil
	}
}

// WithUserAgent appends app, e.g. "acme-erp-sync/2.3.1", to the SDK's
// User-Agent ("enkash-go/<Version> acme-erp-sync/2.3.1"), so Enkash can tell
// your application's traffic apart (stripe-go's AppInfo). It may be given
// more than once; each is appended.
func WithUserAgent(app string) Option {
	return func(s *settings) error {
		app = strings.TrimSpace(app)
		if app == "" || strings.ContainsFunc(app, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			return errors.New("enkash: WithUserAgent: empty, or contains a control character")
		}
		s.userAgent += " " + app
		return nil
	}
}

// WithTransportWrapper wraps the SDK's tuned default transport (enough idle
// connections for many goroutines, capped response headers) in your own
// http.RoundTripper — otelhttp.NewTransport for tracing, a proxy, a metrics
// counter — instead of replacing it as WithHTTPClient does. It combines with
// WithTimeout; it cannot be combined with WithHTTPClient (wrap that client's
// transport yourself).
func WithTransportWrapper(wrap func(http.RoundTripper) http.RoundTripper) Option {
	return func(s *settings) error {
		if wrap == nil {
			return errors.New("enkash: WithTransportWrapper: nil function")
		}
		s.wrapRT = wrap
		return nil
	}
}

// WithTimeout sets the default HTTP client's timeout per attempt (default
// DefaultTimeout). Use a context deadline to bound a whole call with retries.
func WithTimeout(d time.Duration) Option {
	return func(s *settings) error {
		if d <= 0 {
			return errors.New("enkash: WithTimeout: timeout must be positive")
		}
		s.timeout, s.timeoutSet = d, true
		return nil
	}
}

// WithMaxResponseBytes limits how much of a response body is read (default
// DefaultMaxResponseBytes). A longer body is an *APIError matching
// ErrResponseTooLarge; it is never decoded in part.
func WithMaxResponseBytes(n int64) Option {
	return func(s *settings) error {
		if n < 1 {
			return errors.New("enkash: WithMaxResponseBytes: need at least 1")
		}
		s.maxBody = n
		return nil
	}
}

// WithLogger logs one Debug record per attempt (method, path, status,
// attempt, duration, requestId) to l. Tokens, credentials and bodies are
// never logged; error texts have personal data masked.
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) error {
		s.logger = l
		return nil
	}
}
