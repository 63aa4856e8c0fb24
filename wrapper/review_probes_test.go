// Probes from the review of the spec-driven wrapper: each failed before its
// fix (leaks, a lost update, a wedged client, ctx timeouts after sending).

package wrapper

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

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
