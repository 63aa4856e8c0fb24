package wrapper

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	enkash "github.com/enkash-oss/enkash-go"
	"github.com/enkash-oss/enkash-go/api"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
			cl, err := NewClient(c.server(t), WithToken(echoToken), WithRetry(RetryPolicy{MaxAttempts: 1}))
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
			cl, err := NewClient(rawServer(t, resp), WithPasswordCredentials(fxClientID, echoSecret, fxUser, echoPassword), WithRetry(RetryPolicy{MaxAttempts: 1}))
			require.NoError(t, err)
			defer cl.CloseIdleConnections()
			_, err = cl.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
			require.Error(t, err)
			assert.Empty(t, secretLeaks(printedTree(err), echoPassword, echoSecret))
		})
	}
}

// TestAPIError_StatusWithoutEnvelopeFollowsSpec: an *APIError without an
// errorType matches, for every status the spec's x-error-statuses names
// (api.ErrorTypeForStatus), the sentinel of that errorType and no other
// errorType's sentinel; a status it does not name matches none of them.
func TestAPIError_StatusWithoutEnvelopeFollowsSpec(t *testing.T) {
	named := 0
	for status := 100; status <= 599; status++ {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			err := &APIError{StatusCode: status}
			want, ok := api.ErrorTypeForStatus(status)
			if ok {
				named++
				require.NotNil(t, errorTypeSentinels[want], "errorType %s has no sentinel", want)
			}
			for typ, sentinel := range errorTypeSentinels {
				assert.Equal(t, ok && typ == want, errors.Is(err, sentinel), "errorType %s", typ)
			}
		})
	}
	assert.Equal(t, 5, named, "openapi.yaml's x-error-statuses names 400, 401, 403, 404 and 422")
}

// TestAPIError_StatusClassesMatchTheirSentinels: every status from 500 to
// 599 matches ErrServer and none outside; every 2xx, 502 and 504 match
// ErrOutcomeUnknown and no other status does (the ends of both ranges
// included), with or without an errorType in the body; without one, a
// status outside 2xx, 5xx, 429 and those x-error-statuses names matches
// ErrUnexpectedStatus.
func TestAPIError_StatusClassesMatchTheirSentinels(t *testing.T) {
	var someType api.ErrorType
	for typ := range errorTypeSentinels {
		someType = typ
		break
	}
	for _, typ := range []api.ErrorType{"", someType} {
		for status := 100; status <= 699; status++ {
			err := &APIError{StatusCode: status, ErrorType: typ}
			assert.Equal(t, status >= 500 && status <= 599, errors.Is(err, ErrServer), "%d %q: ErrServer", status, typ)
			unknown := status >= 200 && status <= 299 || status == 502 || status == 504
			assert.Equal(t, unknown, errors.Is(err, ErrOutcomeUnknown), "%d %q: ErrOutcomeUnknown", status, typ)
			if typ == "" {
				_, named := api.ErrorTypeForStatus(status)
				other := !named && status != 429 && (status < 200 || status > 299) && (status < 500 || status > 599)
				assert.Equal(t, other, errors.Is(err, ErrUnexpectedStatus), "%d: ErrUnexpectedStatus", status)
			}
		}
	}
}

// decodeError "never quotes a value from the body": a number that does not
// fit (encoding/json quotes it: "number 9876543210") stays out of the error
// text.
func TestDecodeError_DoesNotQuoteNumber(t *testing.T) {
	ts := newTestServer(t)
	ts.mux.HandleFunc("/", status(200, "application/json", `{"payload":{"customerId":"x"},"response_code":`+fxMobile+`}`))
	c, _ := newClient(t, ts)
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	assert.ErrorIs(t, err, ErrInvalidResponse)
	assert.NotContains(t, err.Error(), fxMobile)
}

// TestAPIError_ErrorTypesMapToSentinels: every errorType of the spec has a
// sentinel of its own (generated from x-sentinels), and an envelope with
// that errorType matches it and no other, whatever the status, with every
// envelope field read.
func TestAPIError_ErrorTypesMapToSentinels(t *testing.T) {
	doc, err := enkash.LoadSpec()
	require.NoError(t, err)
	enum := doc.Components.Schemas["ErrorType"].Value.Enum
	require.Len(t, errorTypeSentinels, len(enum), "every errorType of the spec needs a sentinel")
	for _, v := range enum {
		et := api.ErrorType(v.(string))
		sentinel := errorTypeSentinels[et]
		require.NotNil(t, sentinel, et)
		for _, code := range []int{200, 400, 404, 500} {
			t.Run(string(et)+"/"+http.StatusText(code), func(t *testing.T) {
				ts := newTestServer(t)
				ts.mux.HandleFunc("/", status(code, "application/json", errEnvelope(string(et), "went wrong")))
				c, _ := newClient(t, ts, WithRetry(RetryPolicy{MaxAttempts: 1}))
				cust, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
				assert.Nil(t, cust)
				assert.ErrorIs(t, err, sentinel)
				for other, s := range errorTypeSentinels {
					if other != et && s != sentinel {
						assert.NotErrorIs(t, err, s, "also matches %s", other)
					}
				}
				assert.Equal(t, code >= 500, errors.Is(err, ErrServer))
				var ae *APIError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, code, ae.StatusCode)
				assert.Equal(t, et, ae.ErrorType)
				assert.Equal(t, "went wrong", ae.ErrorMessage)
				assert.Equal(t, "req-42", ae.RequestID)
				assert.Equal(t, "2025-11-20 16:15:30", ae.RawTimestamp)
				assert.True(t, ae.Timestamp.Equal(time.Date(2025, 11, 20, 10, 45, 30, 0, time.UTC)), "IST is UTC+05:30: %v", ae.Timestamp)
				assert.Equal(t, int32(400), ae.ResponseCode)
				assert.Equal(t, "FAILURE", ae.ResponseMessage)
				require.Len(t, ae.SubErrors, 2)
				assert.Equal(t, "customerKeyContacts[0].mobile", ae.SubErrors[0].Field)
				assert.Equal(t, redacted, ae.SubErrors[0].RejectedValue, "PII rejectedValue is redacted")
				assert.Equal(t, "56", ae.SubErrors[1].RejectedValue)
				assert.Contains(t, ae.Error(), "customerKeyContacts[0].mobile")
				assert.Contains(t, ae.Error(), string(et))
				assert.NotContains(t, ae.Error(), fxMobile)
			})
		}
	}
}

// TestAPIError_ErrorText: Error() gives the status, the errorType, the
// message, the request id, each sub-error (its field, else its object, else
// "?", and its message), the envelope's response_message only without an
// errorType, the cause and the quoted snippet, personal data masked; %#v
// prints the same text.
func TestAPIError_ErrorText(t *testing.T) {
	for _, tc := range []struct {
		err  APIError
		want string
	}{
		{APIError{StatusCode: 502}, "enkash: HTTP 502"},
		{APIError{StatusCode: 404, ErrorType: api.ErrorTypeRecordNotFound, ErrorMessage: "no customer, call " + fxMobile, RequestID: "req-1"},
			"enkash: HTTP 404 RECORD_NOT_FOUND: no customer, call [REDACTED] (requestId req-1)"},
		{APIError{StatusCode: 400, ErrorType: api.ErrorTypeValidationError, SubErrors: []SubError{
			{Field: "legalName", Object: "customer", Message: "too long"}, {Object: "customer", Message: `{"mobile":"12"}`}, {}}},
			`enkash: HTTP 400 VALIDATION_ERROR; sub-errors: legalName: too long, customer: {"mobile":"[REDACTED]"}, ?`},
		{APIError{StatusCode: 400, ResponseMessage: "FAILURE"}, "enkash: HTTP 400 [FAILURE]"},
		{APIError{StatusCode: 400, ErrorType: api.ErrorTypeClientRequestError, ResponseMessage: "FAILURE"}, "enkash: HTTP 400 CLIENT_REQUEST_ERROR"},
		{APIError{StatusCode: 200, Err: ErrInvalidResponse, Snippet: `<html>"x"`}, `enkash: HTTP 200: enkash: invalid response; body: "<html>\"x\""`},
	} {
		assert.Equal(t, tc.want, tc.err.Error())
		assert.Equal(t, "&wrapper.APIError{"+strconv.Quote(tc.want)+"}", fmt.Sprintf("%#v", &tc.err))
	}
}

// TestDecodeError_Text: a decode failure reads as the generated decoder's
// *api.DecodeError (path and reason, never a value), any other error as a
// fixed text; both stay reachable.
func TestDecodeError_Text(t *testing.T) {
	de := &api.DecodeError{Path: "payload.createdOn", Reason: "not a time", Err: errors.New(`parsing time "` + fxMobile + `"`)}
	assert.Equal(t, "invalid JSON at payload.createdOn: not a time", decodeError{fmt.Errorf("x: %w", de)}.Error())
	other := errors.New("quoted " + fxMobile)
	assert.Equal(t, "a JSON value has the wrong form", decodeError{other}.Error())
	assert.ErrorIs(t, decodeError{other}, other)
}

// TestErrors_TokenEndpointEchoOfTheFormInBase64: a token endpoint (or a
// gateway before it) that echoes the request body it received in base64,
// as API gateways log and return bodies, echoes the password in the form
// the client sent it: URL-encoded inside the form. No error text holds a
// base64 run that decodes, and URL-decodes, to 8 or more bytes of the
// password.
func TestErrors_TokenEndpointEchoOfTheFormInBase64(t *testing.T) {
	for name, enc := range map[string]*base64.Encoding{
		"std": base64.StdEncoding, "url": base64.URLEncoding, "raw std": base64.RawStdEncoding,
	} {
		t.Run(name, func(t *testing.T) {
			srv := rawServer(t, func(_ *http.Request, body []byte) string {
				b := `{"error":"invalid_request","error_description":"cannot parse body ` + enc.EncodeToString(body) + `"}`
				return "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(b)) + "\r\n\r\n" + b
			})
			cl, err := NewClient(srv, WithPasswordCredentials(fxClientID, echoSecret, fxUser, hostilePassword), WithRetry(RetryPolicy{MaxAttempts: 1}))
			require.NoError(t, err)
			defer cl.CloseIdleConnections()
			_, err = cl.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
			require.Error(t, err)
			var ae *APIError
			require.True(t, errors.As(err, &ae))
			for _, text := range []string{printedTree(err), ae.ErrorMessage} {
				assert.Empty(t, base64Leaks(text, hostilePassword))
			}
		})
	}
}

// base64Leaks returns the 8-byte windows of sec that a run of base64 (either
// alphabet, any alignment) in text decodes to, as is or URL-decoded.
func base64Leaks(text, sec string) []string {
	isB64 := func(r rune) bool {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("+/-_", r)
	}
	var found []string
	for _, run := range strings.FieldsFunc(text, func(r rune) bool { return !isB64(r) }) {
		for skip := 0; skip < 4 && skip < len(run); skip++ {
			s := run[skip:]
			s = s[:len(s)/4*4]
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
				d, err := enc.DecodeString(s)
				if err != nil {
					continue
				}
				plain := string(d)
				if u, err := url.QueryUnescape(plain); err == nil {
					plain += "\x00" + u
				}
				for i := 0; i+8 <= len(sec); i++ {
					if w := sec[i : i+8]; strings.Contains(plain, w) && !slices.Contains(found, w) {
						found = append(found, w)
					}
				}
			}
		}
	}
	return found
}

// TestAPIError_EchoOfTheBodyInBase64: a server (or gateway) that echoes the
// PATCH body it received in base64 in its errorMessage echoes the personal
// data the client sent; Error() shows none of it, decoded or not.
func TestAPIError_EchoOfTheBodyInBase64(t *testing.T) {
	ts := newTestServer(t)
	ts.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		msg, _ := json.Marshal("cannot parse body " + base64.StdEncoding.EncodeToString(body))
		reply(w, 400, "application/json", `{"errorResponse":{"errorType":"VALIDATION_ERROR","errorMessage":`+string(msg)+`}}`)
	})
	c, _ := newClient(t, ts)
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, piiBody())
	require.ErrorIs(t, err, ErrValidation)
	for _, pii := range []string{fxAccount, "29" + fxPAN + "1Z5", fxIFSC, fxMobile} {
		assert.Empty(t, base64Leaks(err.Error(), pii), pii)
	}
}

// TestAPIError_EchoOfSentPersonalDataInFreeText: personal data the call sent
// (x-pii properties of the request) that a server quotes in its free-text
// errorMessage, not under its property name and in no shape the heuristics
// know (an account number with letters; the spec gives it no pattern), is
// masked: the client knows the values it sent.
func TestAPIError_EchoOfSentPersonalDataInFreeText(t *testing.T) {
	const account = "ACCT-QX-4471-ZZ"
	ts := newTestServer(t)
	ts.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		msg, _ := json.Marshal(fmt.Sprintf("bank account %v is closed", body["accountNumber"]))
		reply(w, 422, "application/json", `{"errorResponse":{"errorType":"UNPROCESSABLE_REQUEST","errorMessage":`+string(msg)+`}}`)
	})
	c, _ := newClient(t, ts)
	var u api.UpdateCustomerRequest
	u.AccountNumber.Set(account)
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, u)
	require.ErrorIs(t, err, ErrUnprocessable)
	assert.Contains(t, err.Error(), "is closed")
	assert.NotContains(t, err.Error(), account)
}
