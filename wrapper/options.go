package wrapper

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
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
