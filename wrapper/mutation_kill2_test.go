package wrapper

// Tests added after the mutation run against the current wrapper (retries
// only when provably not sent, tokenCache, one redaction pass): each checks a
// behaviour documented in README.md or a doc comment that no other test
// pinned down, and names the mutations it kills.

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
)

// Every form in which the client sends or a server may echo a secret is
// masked: as is, URL-encoded (a form body or query, upper- or lower-case
// hex), path-escaped, Java's URLEncoder form, JSON-escaped and Go-quoted
// (see secretForms and masker.mask). Kills redact/no-plus-for-space and
// redact/no-unescape.
func TestSecretFormsEveryEncoding(t *testing.T) {
	const sec = "pw <a b>/*~\t\x01é?"
	forms := secretForms(sec)
	for name, f := range map[string]string{
		"as is":        sec,
		"query":        "pw+%3Ca+b%3E%2F%2A~%09%01%C3%A9%3F",
		"query, lower": "pw+%3ca+b%3e%2f%2a~%09%01%c3%a9%3f",
		"path":         "pw%20%3Ca%20b%3E%2F%2A~%09%01%C3%A9%3F",
		"java":         "pw+%3Ca+b%3E%2F*%7E%09%01%C3%A9%3F",
		"java, lower":  "pw+%3ca+b%3e%2f*%7e%09%01%c3%a9%3f",
		"json":         `pw \u003ca b\u003e/*~\t\u0001é?`,
		"go-quoted":    `pw <a b>/*~\t\x01é?`,
	} {
		assert.Equal(t, "echo "+redacted+" end", maskAll("echo "+f+" end", forms), name)
	}
}

// redact: "first the exact secrets the client sent, in every form, then …
// the heuristics": a password with a digit run is masked whole, not cut by
// the digit mask with its ends left over. And secret forms are replaced
// longest first, so a secret inside another leaves no rest of the longer.
// Kills redact/heuristics-before-secrets and redact/forms-not-longest-first.
func TestRedactSecretsBeforeHeuristics(t *testing.T) {
	forms := secretForms("horse 98765432 staple")
	out := redact("bad password: horse 98765432 staple", forms)
	assert.Equal(t, "bad password: "+redacted, out)

	forms = secretForms("abcd", "xyzabcd1234")
	assert.Equal(t, "t="+redacted, maskSecrets("t=xyzabcd1234", forms))
}

// ResponseMetadata.Attempts counts the resend after a 401 with a refreshed
// token. Kills meta/attempts-ignore-refresh.
func TestResponseMetadataCountsRefreshResend(t *testing.T) {
	a := newAuthServer(t, false, 3600)
	seq := &sequence{steps: steps(status(401, "application/json", errEnvelope("UNAUTHORIZED", "expired")), ok200)}
	a.mux.Handle("PATCH /api/v0/customer/"+validCustomerID, seq)
	c := passwordClient(t, a)
	var m ResponseMetadata
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{}, WithResponseMetadata(&m))
	require.NoError(t, err)
	assert.Equal(t, ResponseMetadata{StatusCode: 200, Attempts: 2}, m)
}

// Every token a call sent is masked, the one sent after a 401 refresh
// included: a server echoing it gets it into no error text. Kills
// redact/sent-auth-not-recorded.
func TestRefreshedTokenEchoMasked(t *testing.T) {
	a := newAuthServer(t, false, 3600)
	seq := &sequence{steps: steps(
		status(401, "application/json", errEnvelope("UNAUTHORIZED", "expired")),
		func(w http.ResponseWriter, r *http.Request) {
			reply(w, 404, "application/json", errEnvelope("RECORD_NOT_FOUND", "no customer for "+r.Header.Get("Authorization")))
		})}
	a.mux.Handle("PATCH /api/v0/customer/"+validCustomerID, seq)
	c := passwordClient(t, a)
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	require.ErrorIs(t, err, ErrNotFound)
	assert.Equal(t, int32(2), a.issued.Load())
	assert.NotContains(t, err.Error(), "tok-2-abcdef")
}

// ResponseMetadata.RequestID gets the full redaction pass, also when it
// comes from the error's envelope: personal data in it is masked. Kills
// meta/request-id-not-redacted.
func TestResponseMetadataRequestIDFromErrorRedacted(t *testing.T) {
	ts := newTestServer(t)
	ts.mux.HandleFunc("/", status(404, "application/json",
		`{"errorResponse":{"errorType":"RECORD_NOT_FOUND","errorMessage":"no","requestId":"rid call `+fxMobile+`"}}`))
	c, _ := newClient(t, ts)
	var m ResponseMetadata
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{}, WithResponseMetadata(&m))
	require.ErrorIs(t, err, ErrNotFound)
	assert.NotContains(t, m.RequestID, fxMobile)
	assert.Contains(t, m.RequestID, "rid call")
}

// WithLogger: "Tokens … are never logged" — also a password-grant token
// (not among the Client's static secrets) that the server echoes in
// X-Request-Id. Kills log/token-not-masked.
func TestLogMasksFetchedToken(t *testing.T) {
	a := newAuthServer(t, false, 3600)
	a.mux.HandleFunc("PATCH /api/v0/customer/"+validCustomerID, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "rid "+r.Header.Get("Authorization"))
		ok200(w, r)
	})
	var buf bytes.Buffer
	c := passwordClient(t, a, WithLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	require.NoError(t, err)
	assert.Contains(t, buf.String(), "requestId")
	assert.NotContains(t, buf.String(), "tok-1-abcdef")
}
