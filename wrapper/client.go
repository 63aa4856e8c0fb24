package wrapper

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/enkash-oss/enkash-go/api"
)

// DefaultTimeout is the default HTTP client's timeout per attempt.
const DefaultTimeout = 30 * time.Second

// defaultMaxIdleConnsPerHost keeps enough idle connections for 64+
// goroutines sharing a Client (Go's default keeps 2).
const defaultMaxIdleConnsPerHost = 100

// Client calls Enkash's updateCustomer API. Create it with NewClient; it is
// safe for concurrent use and should be reused (it keeps connections and
// the cached token).
type Client struct {
	base    string // scheme://host[/prefix], no trailing slash
	hc      *http.Client
	auth    authenticator
	retry   RetryPolicy
	maxBody int64
	logger  *slog.Logger
	sleep   func(context.Context, time.Duration) error
	jitter  func(int64) int64
	now     func() time.Time
}

// Header values shared by every request (net/http never mutates them).
var (
	hdrJSON      = []string{"application/json"}
	hdrUserAgent = []string{userAgent}
)

// NewClient returns a Client for the Enkash server at baseURL, e.g.
// "https://api.enkash.in" (a path prefix is kept). baseURL must be https,
// except for a loopback host (localhost, 127.0.0.0/8, ::1), which may be
// plain http for tests; it may not carry user info, a query or a fragment.
//
// Without options the Client sends no Authorization header, waits at most
// DefaultTimeout per attempt, makes up to 3 attempts (see RetryPolicy) and
// reads at most DefaultMaxResponseBytes of a response.
func NewClient(baseURL string, opts ...Option) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, errors.New("enkash: NewClient: base URL does not parse")
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, errors.New("enkash: NewClient: base URL must be https://")
	case u.Host == "" || u.Hostname() == "":
		return nil, errors.New("enkash: NewClient: base URL has no host")
	case u.User != nil:
		return nil, errors.New("enkash: NewClient: base URL must not carry user info (use an auth option)")
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return nil, errors.New("enkash: NewClient: base URL must not have a query or fragment")
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return nil, errors.New("enkash: NewClient: plain http is only allowed for a loopback host; use https://")
	}

	s := settings{margin: DefaultTokenExpiryMargin, maxBody: DefaultMaxResponseBytes}
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

	path := strings.TrimRight(u.EscapedPath(), "/")
	c := &Client{
		base:    u.Scheme + "://" + u.Host + path,
		hc:      s.hc,
		retry:   s.retry.withDefaults(),
		maxBody: s.maxBody,
		logger:  s.logger,
		sleep:   s.sleep,
		jitter:  s.jitter,
		now:     s.now,
	}
	if c.sleep == nil {
		c.sleep = sleepCtx
	}
	if c.jitter == nil {
		c.jitter = defaultJitter
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.hc == nil {
		c.hc = defaultHTTPClient(s.timeout)
	}

	switch s.auth {
	case authToken:
		c.auth = staticAuth{hdr: "Bearer " + s.token}
	case authSource:
		c.auth = &sourceAuth{ts: s.ts}
	case authPassword:
		tokenHC := *c.hc
		tokenHC.CheckRedirect = noRedirect // the form carries the password
		if tokenHC.Timeout == 0 {
			tokenHC.Timeout = tokenFetchTimeout
		}
		src := &passwordSource{
			hc: &tokenHC, tokenURL: c.base + "/oauth/token",
			clientID: s.clientID, clientSecret: s.clientSecret,
			user: s.username, passwd: s.password, now: c.now,
		}
		margin := s.margin
		rebuild := func() oauth2.TokenSource { return oauth2.ReuseTokenSourceWithExpiry(nil, src, margin) }
		c.auth = &sourceAuth{ts: rebuild(), rebuild: rebuild}
	}
	return c, nil
}

func defaultHTTPClient(timeout time.Duration) *http.Client {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	var tr *http.Transport
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		tr = dt.Clone()
	} else {
		tr = &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true,
			TLSHandshakeTimeout: 10 * time.Second, IdleConnTimeout: 90 * time.Second}
	}
	tr.MaxIdleConns = defaultMaxIdleConnsPerHost
	tr.MaxIdleConnsPerHost = defaultMaxIdleConnsPerHost
	return &http.Client{Transport: tr, Timeout: timeout, CheckRedirect: noRedirect}
}

// isLoopback reports whether host is localhost or a loopback IP.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
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
	if ve := validate(customerID, cs, &body); ve != nil {
		return nil, ve
	}
	payload, err := encodeBody(&body)
	if err != nil {
		return nil, fmt.Errorf("enkash: encoding request body: %w", err)
	}
	// customerID and parentCompanyID are [A-Z0-9] (validated): no escaping.
	u := c.base + "/api/v0/customer/" + customerID
	if cs.hasParent {
		u += "?parentCompanyId=" + cs.parentCompanyID
	}
	return c.send(ctx, u, payload)
}

// outcome is the result of one attempt.
type outcome struct {
	cust       *api.CustomerResponse
	err        error
	status     int
	retry      bool          // worth another attempt
	retryAfter time.Duration // server's Retry-After, if hasRA
	hasRA      bool
}

func (c *Client) send(ctx context.Context, u string, payload []byte) (*api.CustomerResponse, error) {
	refreshed := false
	var authHdr, nextHdr string
	var gen, nextGen uint64
	for attempt, tries := 1, 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("enkash: %w", err)
		}
		switch {
		case nextHdr != "": // fetched by the 401 refresh below
			authHdr, gen, nextHdr = nextHdr, nextGen, ""
		case c.auth != nil:
			var err error
			if authHdr, gen, err = c.auth.header(ctx); err != nil {
				return nil, fmt.Errorf("enkash: getting token: %w", err)
			}
		}
		o := c.attempt(ctx, u, payload, authHdr, attempt)
		if o.err == nil {
			return o.cust, nil
		}
		if ctx.Err() != nil {
			return nil, o.err
		}
		// 401: refresh once and retry once if that yields a new token (a
		// static token never does).
		if o.status == http.StatusUnauthorized && !refreshed && c.auth != nil {
			c.auth.invalidate(gen)
			if h, g, err := c.auth.header(ctx); err == nil && h != authHdr {
				refreshed, nextHdr, nextGen = true, h, g
				continue
			}
		}
		if !o.retry || tries >= c.retry.MaxAttempts {
			return nil, o.err
		}
		var wait time.Duration
		if o.hasRA {
			if o.retryAfter > c.retry.MaxRetryAfter {
				return nil, o.err
			}
			wait = o.retryAfter
		} else {
			wait = c.retry.backoff(tries, c.jitter)
		}
		if dl, ok := ctx.Deadline(); ok && c.now().Add(wait).After(dl) {
			return nil, o.err // the wait would outlive the ctx: give up now
		}
		if err := c.sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("enkash: waiting to retry: %w; last attempt: %w", err, o.err)
		}
		tries++
	}
}

// attempt sends one request and classifies the answer.
func (c *Client) attempt(ctx context.Context, u string, payload []byte, authHdr string, n int) outcome {
	req, err := http.NewRequestWithContext(ctx, http.MethodPatch, u, bytes.NewReader(payload))
	if err != nil {
		return outcome{err: fmt.Errorf("enkash: building request: %w", err)}
	}
	req.Header["Content-Type"] = hdrJSON
	req.Header["Accept"] = hdrJSON
	req.Header["User-Agent"] = hdrUserAgent
	if authHdr != "" {
		req.Header["Authorization"] = []string{authHdr}
	}
	start := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		o := outcome{}
		if ctx.Err() != nil {
			o.err = fmt.Errorf("enkash: %w", err)
		} else {
			o.err = fmt.Errorf("%w: %w", ErrNetwork, err)
			o.retry = retryableNetErr(err)
		}
		c.logAttempt(ctx, req.URL.Path, 0, n, time.Since(start), "", err)
		return o
	}
	bp := getBuf()
	body, rerr := readInto(resp.Body, c.maxBody, *bp)
	closeBody(resp.Body, rerr)
	o := c.classify(ctx, resp, body, rerr)
	ae, _ := o.err.(*APIError) // classify returns a bare *APIError or a network error
	if ae != nil && len(authHdr) > len("Bearer ") {
		ae.maskSecret(authHdr[len("Bearer "):]) // a server echoing our token
	}
	*bp = body
	putBuf(bp)
	if c.logger != nil {
		rid := resp.Header.Get("X-Request-Id")
		if rid == "" && ae != nil {
			rid = ae.RequestID
		}
		c.logAttempt(ctx, req.URL.Path, resp.StatusCode, n, time.Since(start), rid, nil)
	}
	return o
}

// classify turns a read response into an outcome. It never panics, whatever
// the body holds.
func (c *Client) classify(ctx context.Context, resp *http.Response, body []byte, rerr error) outcome {
	o := outcome{status: resp.StatusCode}
	if retryableStatus(resp.StatusCode) {
		o.retry = true
		if v := resp.Header.Get("Retry-After"); v != "" {
			o.retryAfter, o.hasRA = parseRetryAfter(v, c.now())
		}
	}
	if rerr != nil {
		if errors.Is(rerr, ErrResponseTooLarge) {
			o.err = &APIError{StatusCode: resp.StatusCode, RequestID: resp.Header.Get("X-Request-Id"), Err: ErrResponseTooLarge}
			return o
		}
		o.retry = false
		if ctx.Err() != nil {
			o.err = fmt.Errorf("enkash: %s: %w", errBodyRead, rerr)
		} else {
			o.err = fmt.Errorf("%w: %s: %w", ErrNetwork, errBodyRead, rerr)
		}
		return o
	}
	var env api.CustomerResponseEnvelope
	derr := json.Unmarshal(body, &env)
	ok2xx := resp.StatusCode >= 200 && resp.StatusCode <= 299
	if derr == nil && ok2xx && env.ErrorResponse == nil && env.Payload != nil {
		o.cust = env.Payload
		return o
	}
	o.err = newAPIError(resp, body, &env, derr)
	return o
}

// newAPIError builds the *APIError of a failed response.
func newAPIError(resp *http.Response, body []byte, env *api.CustomerResponseEnvelope, derr error) *APIError {
	e := &APIError{StatusCode: resp.StatusCode}
	if derr != nil {
		e.Err = fmt.Errorf("%w: %w", ErrInvalidResponse, decodeError{derr})
		e.Snippet = snippet(body)
	} else {
		if env.ResponseCode != nil {
			e.ResponseCode = *env.ResponseCode
		}
		if env.ResponseMessage != nil {
			e.ResponseMessage = *env.ResponseMessage
		}
		if er := env.ErrorResponse; er != nil {
			if er.ErrorType != nil {
				e.ErrorType = *er.ErrorType
			}
			if er.ErrorMessage != nil {
				e.ErrorMessage = *er.ErrorMessage
			}
			if er.RequestId != nil {
				e.RequestID = *er.RequestId
			}
			if er.Timestamp != nil {
				e.RawTimestamp = *er.Timestamp
				if t, err := time.ParseInLocation(timestampLayout, e.RawTimestamp, istZone); err == nil {
					e.Timestamp = t
				}
			}
			if er.ApiSubErrors != nil {
				e.SubErrors = subErrors(*er.ApiSubErrors)
			}
		} else if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
			e.Err = fmt.Errorf("%w: 2xx envelope without payload", ErrInvalidResponse)
		}
	}
	if e.RequestID == "" {
		e.RequestID = resp.Header.Get("X-Request-Id")
	}
	return e
}

func subErrors(in []api.ApiSubError) []SubError {
	out := make([]SubError, 0, len(in))
	for _, s := range in {
		var se SubError
		// Masked here, not only in Error(): SubErrors promises redacted
		// personal data to callers who print them.
		if s.Object != nil {
			se.Object = scrub(*s.Object)
		}
		if s.Field != nil {
			se.Field = scrub(*s.Field)
		}
		if s.Message != nil {
			se.Message = scrub(*s.Message)
		}
		rv := s.RejectedValue[true] // absent and null both read as nil
		switch v := rv.(type) {
		case nil:
		case string, float64, bool, json.Number:
			if isPIIField(se.Field) {
				se.RejectedValue = redacted
			} else {
				se.RejectedValue = v
			}
		default: // an object or array may hold anything
			se.RejectedValue = redacted
		}
		out = append(out, se)
	}
	return out
}
