package wrapper

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
)

// Hostile servers (issue 10 items 1–6): they echo what the client sent — the
// Authorization header, the token endpoint's form and Basic header, the body
// with its personal data — into places whose text reaches the caller:
// malformed status and header lines (net/http quotes them in its errors), a
// bad Content-Length, X-Request-Id, a body cut where a snippet ends. Nothing
// the client sent as a secret, whole or in part, and no personal data may
// come back out in an error's text or a log record.

// Secrets with characters that change under each encoding: '/', '+', '@',
// spaces, non-ASCII, and digit runs that the heuristics would cut into.
const (
	hostileToken    = "tok.1234567890.SeCrEt/xyz+q=="
	hostilePassword = "p@ss w0rd/Über-42"
	hostileSecret   = "cs/ecret+4711 x"
)

// rawServer answers every request on loopback with respond(request, body),
// written as raw bytes (so it can be malformed), then closes the connection.
func rawServer(t *testing.T, respond func(r *http.Request, body []byte) string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer conn.Close()
				r, err := http.ReadRequest(bufio.NewReader(conn))
				if err != nil {
					return
				}
				body, _ := io.ReadAll(r.Body)
				_, _ = io.WriteString(conn, respond(r, body))
			}()
		}
	}()
	t.Cleanup(func() { _ = ln.Close(); wg.Wait() })
	return "http://" + ln.Addr().String()
}

// leaks returns what of the secrets (whole, in any encoding, or any 8-byte
// window of them) and of the fixture personal data appears in text.
func leaks(text string) []string {
	var found []string
	for _, sec := range []string{hostileToken, hostilePassword, hostileSecret, fxAccount, fxPAN, fxIFSC, fxEmail, fxMobile} {
		forms := []string{sec, url.QueryEscape(sec), url.PathEscape(sec), fmt.Sprintf("%q", sec)[1 : len(fmt.Sprintf("%q", sec))-1]}
		for _, f := range forms {
			for i := 0; i+8 <= len(f); i++ {
				if strings.Contains(text, f[i:i+8]) {
					found = append(found, fmt.Sprintf("%q (from %q)", f[i:i+8], sec))
					break
				}
			}
		}
	}
	basic := base64.StdEncoding.EncodeToString([]byte("client-id:" + hostileSecret))
	if strings.Contains(text, basic) {
		found = append(found, "Basic credentials")
	}
	return found
}

// piiBody is a body full of personal data, for servers that echo it.
func piiBody() api.UpdateCustomerRequest {
	var u api.UpdateCustomerRequest
	u.AccountNumber.Set(fxAccount)
	u.PanOrGstin.Set("29" + fxPAN + "1Z5")
	u.Ifsc.Set(fxIFSC)
	u.CustomerKeyContacts.Set([]api.CustomerKeyContactCreateDTO{{Name: "A", LegalName: "A", Mobile: fxMobile}})
	return u
}

func TestHostileServersLeakNothing(t *testing.T) {
	oneLine := func(s string) string { return strings.NewReplacer("\r", " ", "\n", " ").Replace(s) }
	tests := []struct {
		name     string
		password bool // use the password grant (the token endpoint is hostile too)
		respond  func(r *http.Request, body []byte) string
	}{
		{name: "token echoed as the status code", respond: func(r *http.Request, _ []byte) string {
			return "HTTP/1.1 " + strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ") + " OK\r\n\r\n"
		}},
		{name: "Authorization echoed as a header line without a colon", respond: func(r *http.Request, _ []byte) string {
			return "HTTP/1.1 200 OK\r\n" + r.Header.Get("Authorization") + "\r\n\r\n"
		}},
		{name: "Authorization echoed as Content-Length", respond: func(r *http.Request, _ []byte) string {
			return "HTTP/1.1 200 OK\r\nContent-Length: " + r.Header.Get("Authorization") + "\r\n\r\n"
		}},
		{name: "body echoed as the status line", respond: func(_ *http.Request, body []byte) string {
			return "HTTP/1.1 " + oneLine(string(body)) + "\r\n\r\n"
		}},
		{name: "body echoed as Content-Length", respond: func(_ *http.Request, body []byte) string {
			return "HTTP/1.1 200 OK\r\nContent-Length: " + oneLine(string(body)) + "\r\n\r\n"
		}},
		{name: "token and personal data in X-Request-Id", respond: func(r *http.Request, _ []byte) string {
			b := `{"errorResponse":{"errorType":"RECORD_NOT_FOUND","errorMessage":"no"}}`
			return "HTTP/1.1 404 Not Found\r\nX-Request-Id: " + r.Header.Get("Authorization") + " " + fxAccount +
				"\r\nContent-Type: application/json\r\nContent-Length: " + fmt.Sprint(len(b)) + "\r\n\r\n" + b
		}},
		{name: "token straddling the snippet's cut", respond: func(r *http.Request, _ []byte) string {
			// The 256-byte cut falls 25 bytes into the token, after its digits.
			b := strings.Repeat("x", 256-len("Bearer ")-25) + r.Header.Get("Authorization")
			return "HTTP/1.1 502 Bad Gateway\r\nContent-Length: " + fmt.Sprint(len(b)) + "\r\n\r\n" + b
		}},
		{name: "token after a tab, quoted in the snippet", respond: func(r *http.Request, _ []byte) string {
			b := "0000000\t" + strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
			return "HTTP/1.1 200 OK\r\nContent-Length: " + fmt.Sprint(len(b)) + "\r\n\r\n" + b
		}},
		{name: "sub-errors echo personal data under other names", respond: func(_ *http.Request, _ []byte) string {
			b := `{"errorResponse":{"errorType":"VALIDATION_ERROR","apiSubErrors":[` +
				`{"field":"gstin","rejectedValue":"29` + fxPAN + `1Z5"},{"field":"phone","rejectedValue":` + fxMobile + `},` +
				`{"field":"panNumber","rejectedValue":"` + fxPAN + `"},{"field":"contact","rejectedValue":"` + fxEmail + `"}]}}`
			return "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: " + fmt.Sprint(len(b)) + "\r\n\r\n" + b
		}},
		{name: "token endpoint echoes its form and Basic header as the status line", password: true, respond: func(r *http.Request, body []byte) string {
			return "HTTP/1.1 " + string(body) + " " + r.Header.Get("Authorization") + "\r\n\r\n"
		}},
		{name: "token endpoint echoes its form in a 400 body", password: true, respond: func(r *http.Request, body []byte) string {
			b := `{"error":"invalid_request","error_description":"bad form ` + string(body) + " " + r.Header.Get("Authorization") + `"}`
			return "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: " + fmt.Sprint(len(b)) + "\r\n\r\n" + b
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base := rawServer(t, tc.respond)
			var logs textSink
			auth := WithToken(hostileToken)
			if tc.password {
				auth = WithPasswordCredentials("client-id", hostileSecret, "user", hostilePassword)
			}
			c, err := NewClient(base, auth, WithoutRetries(),
				WithLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
			require.NoError(t, err)
			defer c.CloseIdleConnections()
			_, err = c.UpdateCustomer(context.Background(), validCustomerID, piiBody())
			require.Error(t, err)
			var out textSink
			out.recordErr(err)
			out.add(logs.String())
			assert.Empty(t, leaks(out.String()), "leaked in:\n%s", out.String())
			suiteSink.recordErr(err) // the suite-wide scan sees these too
		})
	}
}
