package wrapper

// Tests added after a mutation run (.ci/mutate, wrapper/testdata/mutations.txt)
// found behaviours that README.md or the doc comments promise but no test
// checked. Each names the mutation it kills.

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
)

// APIError.RequestID: "errorResponse.requestId, else the X-Request-Id
// header". Kills envelope/request-id-header-fallback-missing.
func TestRequestIDFromHeader(t *testing.T) {
	ts := newTestServer(t)
	ts.mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Request-Id", "req-from-header")
		reply(w, 404, "", "")
	})
	c, _ := newClient(t, ts)
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "req-from-header", ae.RequestID)
}

// oauthSecretKeys: client_secret and clientSecret values are masked in body
// snippets. Kills redact/camel-client-secret-key.
func TestSnippetMasksClientSecretBothSpellings(t *testing.T) {
	for _, k := range []string{"client_secret", "clientSecret"} {
		s := snippet([]byte(`{"`+k+`":"`+fxClientSecret+`","error":"invalid_client"}`), nil)
		assert.NotContains(t, s, fxClientSecret, k)
		assert.Contains(t, s, "invalid_client", k)
	}
}

// applySpans: overlapping spans — digits inside an e-mail address — mask the
// whole address once, re-emitting none of it. Kills redact/overlapping-spans.
func TestScrubDigitsInsideEmail(t *testing.T) {
	assert.Equal(t, "contact [REDACTED] today", scrub("contact a.9876543210.b@x.example today"))
}

// snippet: "Mask before cutting, so a value straddling the cut is masked
// whole". Kills redact/snippet-cut-before-mask.
func TestSnippetMasksValueStraddlingTheCut(t *testing.T) {
	head := `{"message":"call `
	body := head + strings.Repeat("x", snippetMax-6-len(head)) + " " + fxMobile + ` now"}`
	s := snippet([]byte(body), nil)
	assert.LessOrEqual(t, len(s), snippetMax+len("…"))
	assert.NotContains(t, s, fxMobile[:5])
}

// maskSecret replaces the token "in the server-supplied texts of e",
// RequestID included. Kills redact/mask-secret-request-id.
func TestEchoedTokenMaskedInRequestID(t *testing.T) {
	ts := newTestServer(t)
	ts.mux.HandleFunc("/", status(404, "application/json",
		`{"errorResponse":{"errorType":"RECORD_NOT_FOUND","errorMessage":"no","requestId":"req-`+fxToken+`"}}`))
	c, _ := newClient(t, ts)
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.NotContains(t, ae.RequestID, fxToken)
	assert.NotContains(t, err.Error(), fxToken)
}

// decodeError "never quotes a value from the body": a number that does not
// fit (encoding/json quotes it: "number 9876543210") stays out of the error
// text. Kills errors/decode-error-quotes-value.
func TestDecodeErrorDoesNotQuoteNumber(t *testing.T) {
	ts := newTestServer(t)
	ts.mux.HandleFunc("/", status(200, "application/json", `{"payload":{"customerId":"x"},"response_code":`+fxMobile+`}`))
	c, _ := newClient(t, ts)
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	assert.ErrorIs(t, err, ErrInvalidResponse)
	assert.NotContains(t, err.Error(), fxMobile)
}
