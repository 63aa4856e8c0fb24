package wrapper

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/internal/bearer"
	"github.com/enkash-oss/enkash-go/internal/body"
	"github.com/enkash-oss/enkash-go/internal/transport"
)

// DefaultTimeout is the default HTTP client's timeout per attempt.
const DefaultTimeout = 30 * time.Second

// Client calls Enkash's API through the client generated in package api.
// Create it with NewClient; it is safe for concurrent use and should be
// reused (it keeps connections and the cached token).
//
// Every request goes through the same generic layers, whatever the
// operation: retries, then authentication, then one log record per attempt,
// then the response size limit, then the HTTP client.
type Client struct {
	gen     *api.Client
	hc      *http.Client
	maxBody int64
	forms   []string                         // secretForms of the static secrets it sends
	desc    string                           // what fmt and slog print of it
	sized   func(conns int) (*Client, error) // ForConcurrency; nil with WithHTTPClient
}

// Format prints the Client's server and kind of auth, never its
// credentials, whatever the verb (a value receiver, so that a Client value
// prints the same).
func (c Client) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.desc) }

// LogValue is what log/slog records of the Client: as Format.
func (c *Client) LogValue() slog.Value { return slog.StringValue(c.desc) }

// NewClient returns a Client for the Enkash server at baseURL, e.g.
// "https://api.enkash.in" (a path prefix is kept). baseURL must be https,
// except for a loopback host (localhost, 127.0.0.0/8, ::1), which may be
// plain http for tests; it may not carry user info, a query or a fragment.
//
// Without options the Client sends no Authorization header, waits at most
// DefaultTimeout per attempt, makes up to 3 attempts (see RetryPolicy) and
// reads at most DefaultMaxResponseBytes of a response.
func NewClient(baseURL string, opts ...Option) (*Client, error) {
	server, u, err := transport.Server(baseURL)
	if err != nil {
		return nil, err
	}
	s := settings{margin: DefaultTokenExpiryMargin, maxBody: DefaultMaxResponseBytes, userAgent: userAgent}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&s); err != nil {
			return nil, err
		}
	}
	if s.hc != nil && s.timeoutSet {
		return nil, errors.New("enkash: NewClient: WithTimeout applies to the default HTTP client only; set Timeout on the client given to WithHTTPClient")
	}
	if s.hc != nil && s.wrapRT != nil {
		return nil, errors.New("enkash: NewClient: WithTransportWrapper wraps the default transport; wrap the transport of the client given to WithHTTPClient yourself")
	}
	if s.now == nil {
		s.now = time.Now
	}
	hc, rt := s.hc, http.RoundTripper(nil) // the proxy is the default transport's, whatever wraps it
	if hc == nil {
		if hc, err = transport.NewClient(cmp.Or(s.timeout, DefaultTimeout), s.wrapRT, 0); err != nil {
			return nil, err
		}
	} else {
		rt, hc = hc.Transport, transport.SameOriginAuth(hc)
	}
	if user, pw, ok := transport.ProxyUser(rt, u); ok {
		s.proxySecrets, s.proxyBasic = []string{pw}, []string{user + ":" + pw}
	}
	auth, err := newAuthenticator(&s, server, hc)
	if err != nil {
		return nil, err
	}
	forms := s.secretForms()
	desc := "&wrapper.Client{" + server + " auth:" + [...]string{"none", "token", "source", "password"}[s.auth] + " credentials:" + redacted + "}"
	// build layers a Client over an HTTP client; ForConcurrency builds
	// another over a transport of its own, sharing auth and the token cache.
	var build func(hc *http.Client) (*Client, error)
	build = func(hc *http.Client) (*Client, error) {
		var doer api.HttpRequestDoer = &body.Limit{Next: hc, Max: s.maxBody, TooLarge: ErrResponseTooLarge}
		doer = &logDoer{next: doer, logger: s.logger, forms: forms}
		if auth != nil {
			doer = &bearer.Doer{Next: doer, Auth: auth}
		}
		doer = newRetryDoer(doer, &s)
		gen, err := api.NewClient(server, api.WithHTTPClient(doer))
		if err != nil {
			return nil, errors.New("enkash: NewClient: " + err.Error())
		}
		c := &Client{gen: gen, hc: hc, maxBody: s.maxBody, forms: forms, desc: desc}
		if s.hc == nil {
			c.sized = func(n int) (*Client, error) {
				hc, err := transport.NewClient(cmp.Or(s.timeout, DefaultTimeout), s.wrapRT, n)
				if err != nil {
					return nil, err
				}
				return build(hc)
			}
		}
		return c, nil
	}
	return build(hc)
}

// ForConcurrency returns a Client for up to n calls in flight at once, as
// package bulk runs a batch: it shares c's credentials and cached token,
// retry policy, logger and limits, and sends through a default transport
// of its own that opens at most n connections per host (Go's transport
// otherwise dials a new connection for a request that finds none idle even
// when one is about to come back, so a burst of calls opens more than n).
// A WithTransportWrapper function is called again for
// that transport. Close its idle connections (CloseIdleConnections) when
// done with it: each call makes a new pool, so make one per batch, not per
// call. A Client built WithHTTPClient returns itself: the HTTP client given
// is used as it is.
func (c *Client) ForConcurrency(n int) *Client {
	if c.sized == nil || n < 1 {
		return c
	}
	sc, err := c.sized(n)
	if err != nil { // the transport wrapper refused the second transport
		return c
	}
	return sc
}

// CloseIdleConnections closes idle connections of the Client's transport.
func (c *Client) CloseIdleConnections() { c.hc.CloseIdleConnections() }

// UpdateCustomer sends PATCH /api/v0/customer/{customerID} with body and
// returns the updated customer.
//
// Each body field is absent (unchanged), null (cleared) or a value (set); see
// the package documentation. The request is validated first
// (ValidateUpdateCustomer): a *ValidationError returns before any I/O.
//
// The call succeeds only with a 2xx status, an envelope without errorResponse
// and with a payload; everything else is an *APIError (see its sentinels).
// Transport failures match ErrNetwork; a done ctx ends the call at once with
// an error matching ctx.Err().
func (c *Client) UpdateCustomer(ctx context.Context, customerID string, body api.UpdateCustomerRequest, opts ...CallOption) (*api.CustomerResponse, error) {
	cs := applyCallOptions(opts)
	params, vs := cs.query.updateCustomerParams()
	if vs = append(vs, api.ValidateUpdateCustomer(customerID, params, &body)...); vs != nil {
		return nil, &ValidationError{Violations: vs}
	}
	return invoke(ctx, c, "updateCustomer", body.AppendJSON,
		func(ctx context.Context, r *bodyReader) (*http.Response, error) {
			return c.gen.UpdateCustomerWithBody(ctx, customerID, params, "application/json", r)
		},
		func(e *api.CustomerResponseEnvelope) envelope[api.CustomerResponse] {
			return envelope[api.CustomerResponse]{e.Payload, e.ErrorResponse, e.ResponseCode, e.ResponseMessage}
		},
		func(c *api.CustomerResponse) error {
			if c.CustomerId != customerID {
				return errors.New("the payload is another customer than the one updated")
			}
			return nil
		},
		cs)
}
