package wrapper

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
)

// TestErrors_TreePrintsNoSecret: whatever a hostile server echoes into the
// places net/http and encoding/json quote in their errors — a malformed
// status line, a malformed header line, a bad Content-Length, an
// undecodable time — no error a caller can reach from the SDK's error
// (errors.As, Unwrap) prints the token or a piece of it under any verb or
// in a slog record, and the error keeps what callers branch on: its
// sentinel, and a *url.Error for transport failures.
func TestErrors_TreePrintsNoSecret(t *testing.T) {
	raw := func(resp func(auth string) string) func(t *testing.T) string {
		return func(t *testing.T) string {
			return rawServer(t, func(r *http.Request, _ []byte) string { return resp(r.Header.Get("Authorization")) })
		}
	}
	for _, c := range []struct {
		name    string
		server  func(t *testing.T) string
		is      error
		wantURL bool
	}{
		{"malformed status line", raw(func(a string) string { return "HTTP/1.1 2x0 " + a + "\r\n\r\n" }), ErrNetwork, true},
		{"malformed header line", raw(func(a string) string { return "HTTP/1.1 200 OK\r\nX-A: b\r\n" + a + "\r\n\r\n" }), ErrNetwork, true},
		{"bad Content-Length", raw(func(a string) string { return "HTTP/1.1 200 OK\r\nContent-Length: " + a + "\r\n\r\n" }), ErrNetwork, true},
		{"status text and body cut short", raw(func(a string) string {
			return "HTTP/1.1 200 " + a + "\r\nContent-Length: 500\r\n\r\n{\"payload\":{\"legalName\":\"" + a
		}), ErrOutcomeUnknown, false},
		{"undecodable time", func(t *testing.T) string {
			ts := newTestServer(t)
			ts.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
				reply(w, 200, "application/json", `{"payload":{"customerId":"`+validCustomerID+`","createdOn":"`+r.Header.Get("Authorization")+`"}}`)
			})
			return ts.URL + prefix
		}, ErrInvalidResponse, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			cl, err := NewClient(c.server(t), WithToken(echoToken), WithoutRetries())
			require.NoError(t, err)
			defer cl.CloseIdleConnections()
			_, err = cl.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
			require.ErrorIs(t, err, c.is)
			assert.Empty(t, secretLeaks(printedTree(err), echoToken))
			var ue *url.Error
			if assert.Equal(t, c.wantURL, errors.As(err, &ue)) && c.wantURL {
				assert.Empty(t, secretLeaks(printed(ue)+printedTree(ue.Err), echoToken))
			}
		})
	}
}

// TestErrors_TokenEndpointTreePrintsNoSecret: the same for the token
// endpoint, which is sent the password, the client secret and the Basic
// credentials: a malformed answer echoing them leaves none in the error
// tree.
func TestErrors_TokenEndpointTreePrintsNoSecret(t *testing.T) {
	for name, resp := range map[string]func(r *http.Request, body []byte) string{
		"malformed status line": func(r *http.Request, body []byte) string {
			return "HTTP/1.1 2x0 " + r.Header.Get("Authorization") + " " + string(body) + "\r\n\r\n"
		},
		"error body": func(r *http.Request, body []byte) string {
			b := `{"error":"invalid_grant","error_description":"` + r.Header.Get("Authorization") + " " + string(body) + `"}`
			return "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(b)) + "\r\n\r\n" + b
		},
	} {
		t.Run(name, func(t *testing.T) {
			cl, err := NewClient(rawServer(t, resp), WithPasswordCredentials(fxClientID, echoSecret, fxUser, echoPassword), WithoutRetries())
			require.NoError(t, err)
			defer cl.CloseIdleConnections()
			_, err = cl.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
			require.Error(t, err)
			assert.Empty(t, secretLeaks(printedTree(err), echoPassword, echoSecret))
		})
	}
}

// decodeError "never quotes a value from the body": a number that does not
// fit (encoding/json quotes it: "number 9876543210") stays out of the error
// text. Kills errors/decode-error-quotes-value.
func TestDecodeError_DoesNotQuoteNumber(t *testing.T) {
	ts := newTestServer(t)
	ts.mux.HandleFunc("/", status(200, "application/json", `{"payload":{"customerId":"x"},"response_code":`+fxMobile+`}`))
	c, _ := newClient(t, ts)
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	assert.ErrorIs(t, err, ErrInvalidResponse)
	assert.NotContains(t, err.Error(), fxMobile)
}
