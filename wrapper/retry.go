package wrapper

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/enkash-oss/enkash-go/api"
)

// RetryPolicy says when and how often a call tries again.
//
// A call is retried automatically only when the request was provably not
// processed, so that no update is ever applied twice behind the caller's
// back:
//   - the connection failed before any byte of the request was written
//     (DNS, dial, proxy CONNECT, a server that does not speak TLS), and
//   - the server said so: 429 Too Many Requests and 503 Service Unavailable,
//     honouring Retry-After.
//
// Every other failure may have been applied: a connection reset or a timeout
// after the request was sent, 502 Bad Gateway and 504 Gateway Timeout (a
// proxy cannot tell whether Enkash applied the request before it failed), a
// 2xx whose body breaks off. Such an error matches ErrOutcomeUnknown and is
// not retried unless RetryUnknownOutcome is set. Why it matters even though
// the body carries absolute values: with another writer in between, a blind
// retry overwrites the newer value with the older one, and both callers see
// success.
//
// Never retried: certificate errors (they do not heal), other 4xx, and 500 —
// Enkash answers 500 with a SYSTEM_ERROR envelope, an application error that
// a retry rarely cures.
//
// Zero fields take the defaults shown.
type RetryPolicy struct {
	// MaxAttempts is the total number of attempts including the first
	// (default 3). 1 turns retries off.
	MaxAttempts int
	// BaseDelay is the backoff before the first retry (default 200ms); it
	// doubles per retry, and each wait is drawn uniformly from [0, backoff]
	// ("full jitter").
	BaseDelay time.Duration
	// MaxDelay caps the backoff (default 5s).
	MaxDelay time.Duration
	// RetryUnknownOutcome also retries failures whose outcome is unknown
	// (see above): for callers who accept that the last writer wins.
	RetryUnknownOutcome bool
	// MaxRetryAfter caps a server's Retry-After (seconds or HTTP date,
	// default 30s): a longer Retry-After is not waited for, the response is
	// returned as the error instead.
	MaxRetryAfter time.Duration
}

// Defaults of RetryPolicy.
const (
	DefaultMaxAttempts   = 3
	DefaultBaseDelay     = 200 * time.Millisecond
	DefaultMaxDelay      = 5 * time.Second
	DefaultMaxRetryAfter = 30 * time.Second
)

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = DefaultMaxAttempts
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = DefaultBaseDelay
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = DefaultMaxDelay
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = DefaultMaxRetryAfter
	}
	return p
}

// backoff returns the full-jitter wait before retry number n (1-based).
func (p RetryPolicy) backoff(n int, jitter func(int64) int64) time.Duration {
	ceil := p.BaseDelay
	for i := 1; i < n && ceil < p.MaxDelay; i++ {
		ceil *= 2
	}
	if ceil > p.MaxDelay {
		ceil = p.MaxDelay
	}
	return time.Duration(jitter(int64(ceil) + 1))
}

// defaultJitter returns a uniform value in [0, n).
func defaultJitter(n int64) int64 {
	if n <= 0 {
		return 0
	}
	return rand.Int64N(n)
}

// sleepCtx waits d or until ctx is done, whichever is first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// retryableStatus reports whether a status is worth another attempt: 429
// and 503 say the request was not processed; 502 and 504 leave the outcome
// unknown.
func (p RetryPolicy) retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return true
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		return p.RetryUnknownOutcome
	}
	return false
}

// unknownOutcomeStatus reports whether a status leaves it unknown whether
// the request was applied.
func unknownOutcomeStatus(code int) bool {
	return code == http.StatusBadGateway || code == http.StatusGatewayTimeout
}

// notSent reports whether a transport error proves that no byte of the
// request reached the server: a failed DNS look-up, dial or proxy CONNECT,
// a server that answered the TLS handshake with plain text, a TLS handshake
// that timed out, or a certificate the client refused before sending
// anything. Other TLS errors cannot be told from ones after the request went
// out (an alert may come at any time): they count as sent.
func notSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && (op.Op == "dial" || op.Op == "proxyconnect") {
		return true
	}
	var dns *net.DNSError
	var rh tls.RecordHeaderError
	switch {
	case errors.As(err, &dns), !retryableNetErr(err):
		return true
	case errors.As(err, &rh) && rh.Conn != nil:
		// Set only when the first record was not a TLS handshake: the
		// server speaks plain text, nothing was sent. (Later bad records
		// carry no Conn: the request may have gone out.)
		return true
	}
	// net/http's handshake timeout has no exported type; its text is fixed.
	return strings.Contains(err.Error(), "net/http: TLS handshake timeout")
}

// retryableNetErr reports whether a transport error (no response) is worth
// another attempt: anything but a certificate problem, which will not heal.
func retryableNetErr(err error) bool {
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	return !errors.As(err, &cv) && !errors.As(err, &ua) && !errors.As(err, &hn) && !errors.As(err, &ci)
}

// parseRetryAfter reads a Retry-After value: delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if strings.Trim(v, "0123456789") == "" {
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil { // too many seconds for an int64: "too long", not "absent"
			return time.Duration(math.MaxInt64), true
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d := t.Sub(now)
	if d < 0 {
		d = 0
	}
	return d, true
}

// hdrJSON is shared by every request (net/http never mutates it).
var hdrJSON = []string{"application/json"}

// retryDoer is the outermost layer: it sets the headers every request
// carries and makes up to policy.MaxAttempts attempts of it, rewinding the
// body for each retry. It knows no operation.
type retryDoer struct {
	next      api.HttpRequestDoer
	userAgent []string // shared by the Client's requests
	policy    RetryPolicy
	sleep     func(context.Context, time.Duration) error
	jitter    func(int64) int64
	now       func() time.Time
	maxBody   int64
}

func (d *retryDoer) Do(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	ci := callOf(ctx)
	if ci == nil {
		ci = &callInfo{}
	}
	req.Header["Accept"] = hdrJSON
	req.Header["User-Agent"] = d.userAgent
	gate := ci.gate // WithSendGate: shared with other calls (a batch)
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, &layerError{fmt.Errorf("enkash: %w", err)}
		}
		if gate != nil {
			if err := gate.Wait(ctx); err != nil {
				if ctx.Err() == nil { // the gate's own reason (a stopped batch)
					return nil, &layerError{err}
				}
				return nil, &layerError{fmt.Errorf("enkash: %w", err)}
			}
		}
		r := req
		if attempt > 1 {
			var err error
			if r, err = rewind(req); err != nil {
				return nil, &layerError{fmt.Errorf("enkash: rewinding request body: %w", err)}
			}
		}
		ci.attempt = attempt
		resp, err := d.next.Do(r)
		if err != nil {
			var le *layerError
			if errors.As(err, &le) {
				return nil, err // classified below us (a token failure)
			}
			sent := !notSent(err)
			if ctx.Err() != nil {
				if sent { // the ctx ended after the request went out
					return nil, &layerError{fmt.Errorf("enkash: %w: %w", ErrOutcomeUnknown, err)}
				}
				return nil, &layerError{fmt.Errorf("enkash: %w", err)}
			}
			last := fmt.Errorf("%w: %w", ErrNetwork, err)
			if sent {
				last = fmt.Errorf("%w: %w: %w", ErrNetwork, ErrOutcomeUnknown, err)
			}
			if !retryableNetErr(err) || (sent && !d.policy.RetryUnknownOutcome) || attempt >= d.policy.MaxAttempts {
				return nil, &layerError{last}
			}
			if err := d.wait(ctx, d.policy.backoff(attempt, d.jitter)); err != nil {
				if errors.Is(err, errWaitTooLong) {
					return nil, &layerError{last}
				}
				return nil, &layerError{fmt.Errorf("enkash: waiting to retry: %w; last attempt: %w", err, last)}
			}
			continue
		}
		if !d.policy.retryableStatus(resp.StatusCode) || attempt >= d.policy.MaxAttempts {
			if gate != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
				// Not retried here, but the calls sharing the gate still hold
				// back as the server asked (up to MaxRetryAfter).
				if ra, ok := parseRetryAfter(resp.Header.Get("Retry-After"), d.now()); ok {
					gate.HoldFor(min(ra, d.policy.MaxRetryAfter))
				}
			}
			return resp, nil
		}
		// Read the answer before deciding: a body that breaks off is an
		// answer too, and is not retried.
		data, rerr := readInto(resp.Body, nil)
		closeBody(resp.Body, rerr)
		giveBack := func() (*http.Response, error) {
			resp.Body = &replayBody{data: data, err: rerr}
			return resp, nil
		}
		if rerr != nil && !errors.Is(rerr, ErrResponseTooLarge) {
			return giveBack()
		}
		wait := d.policy.backoff(attempt, d.jitter)
		if v := resp.Header.Get("Retry-After"); v != "" {
			if ra, ok := parseRetryAfter(v, d.now()); ok {
				if ra > d.policy.MaxRetryAfter {
					if gate != nil {
						gate.HoldFor(d.policy.MaxRetryAfter)
					}
					return giveBack()
				}
				wait = ra
				if gate != nil {
					// Every call sharing the gate holds back, this one included: it
					// waits at the gate before its next attempt.
					if dl, ok := ctx.Deadline(); ok && d.now().Add(wait).After(dl) {
						return giveBack()
					}
					gate.HoldFor(wait)
					continue
				}
			}
		}
		if err := d.wait(ctx, wait); err != nil {
			if errors.Is(err, errWaitTooLong) {
				return giveBack()
			}
			ci.waitErr = err // invoke joins it with the error of this answer
			return giveBack()
		}
	}
}

// errWaitTooLong: the wait would outlive the context's deadline.
var errWaitTooLong = errors.New("retry wait exceeds the deadline")

func (d *retryDoer) wait(ctx context.Context, wait time.Duration) error {
	if dl, ok := ctx.Deadline(); ok && d.now().Add(wait).After(dl) {
		return errWaitTooLong
	}
	return d.sleep(ctx, wait)
}

// rewind returns a copy of req with a fresh body, for another attempt.
func rewind(req *http.Request) (*http.Request, error) {
	r := req.Clone(req.Context())
	if req.Body != nil && req.Body != http.NoBody {
		if req.GetBody == nil {
			return nil, errors.New("request body cannot be sent again")
		}
		b, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		r.Body = b
	}
	return r, nil
}
