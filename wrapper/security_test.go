package wrapper

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
	openapi_types "github.com/oapi-codegen/runtime/types"
)

// TestSecretsNeverLeak drives the error paths that could carry a secret into
// a log line or an error text — server answers echoing the token, the
// credentials and personal data (envelopes of every error class, sub-errors,
// request ids, error types, undecodable values, HTML pages, token endpoint
// errors), local validation of bodies full of personal data, transport
// errors — with Debug logging on, records every log line and error rendering
// in a sink, and scans it for every fixture secret. The sink is copied into
// the suite sink too, which TestMain scans once more after all tests (with
// the fault matrix's output in it).
func TestSecretsNeverLeak(t *testing.T) {
	sink := &textSink{}
	logger := sinkLogger(sink)
	defer func() { suiteSink.add(sink.String()) }()

	pii := fxEmail + " / " + fxMobile + " / +91 " + fxMobile + " / " + fxAccount + " / " + fxPAN + " / 29" + fxPAN + "1Z5 / " + fxIFSC + " / " + fxContact
	echo := "token " + fxToken + " for " + pii
	envelope := func(errType string) string {
		return `{"errorResponse":{"errorType":"` + errType + `","errorMessage":"` + echo + `","requestId":"` + fxToken + `",` +
			`"timestamp":"` + fxToken + `","apiSubErrors":[` +
			`{"object":"` + fxToken + `","field":"customerKeyContacts[0].mobile","message":"` + echo + `","rejectedValue":"` + fxMobile + `"},` +
			`{"field":"accountNumber","message":"bad","rejectedValue":"` + fxAccount + `"},` +
			`{"field":"customerKeyContacts[0]","message":"bad","rejectedValue":{"email":"` + fxEmail + `"}},` +
			`{"field":"note","message":"` + fxToken + `","rejectedValue":"` + fxToken + `"}]},` +
			`"response_code":1,"response_message":"` + echo + `"}`
	}
	answers := map[string]func(http.ResponseWriter, *http.Request){
		"400 VALIDATION_ERROR":      status(400, "application/json", envelope("VALIDATION_ERROR")),
		"401 UNAUTHORIZED":          status(401, "application/json", envelope("UNAUTHORIZED")),
		"403 INVALID_ACCESS":        status(403, "application/json", envelope("INVALID_ACCESS")),
		"404 RECORD_NOT_FOUND":      status(404, "application/json", envelope("RECORD_NOT_FOUND")),
		"422 UNPROCESSABLE_REQUEST": status(422, "application/json", envelope("UNPROCESSABLE_REQUEST")),
		"429 no errorType":          status(429, "application/json", envelope("")),
		"500 SYSTEM_ERROR":          status(500, "application/json", envelope("SYSTEM_ERROR")),
		"200 errorResponse":         status(200, "application/json", envelope("UNKNOWN_ERROR")),
		"errorType is the token":    status(418, "application/json", envelope(fxToken)),
		"502 HTML echo":             status(502, "text/html", "<html><body>"+echo+"</body></html>"),
		"200 truncated echo": status(200, "application/json", `{"payload":{"accountNumber":"`+fxAccount+`","ifsc":"`+fxIFSC+
			`","customerKeyContacts":[{"email":"`+fxEmail+`","mobile":"`+fxMobile+`","x":"`+fxToken),
		"200 undecodable time":   status(200, "application/json", `{"payload":{"customerId":"x","createdOn":"`+fxToken+` `+fxMobile+`"}}`),
		"200 undecodable number": status(200, "application/json", `{"payload":{"netAmount":"acct `+fxAccount+` PAN `+fxPAN+`"}}`),
		"200 wrong type":         status(200, "application/json", `{"payload":{"mobile":`+fxMobile+`,"customerKeyContacts":"`+fxEmail+`"}}`),
		"hang up":                hangUp,
	}
	for name, h := range answers {
		ts := newTestServer(t)
		ts.mux.HandleFunc("/", h)
		c, _ := newClient(t, ts, WithLogger(logger), WithoutRetries())
		body := validBody() // full of the fixture PII
		_, err := c.UpdateCustomer(context.Background(), validCustomerID, body, WithParentCompanyID(validParentID))
		require.Error(t, err, name)
		sink.recordErr(err)
	}

	// local validation of bodies carrying personal data in bad values
	bad := validBody()
	bad.CustomerKeyContacts.Set([]api.CustomerKeyContactCreateDTO{
		{Name: "", LegalName: "", Mobile: fxMobile + "x", Email: ptr(openapi_types.Email(fxEmail + "@" + fxPAN))},
		{Name: fxEmail, LegalName: fxAccount, Mobile: "+91 " + fxContact},
	})
	bad.CustomerReminders.Set([]api.CustomerReminderCreateDTO{{ReminderType: ptr(api.ReminderType(fxIFSC)), ReminderTime: ptr(fxMobile)}})
	err := ValidateUpdateCustomer(fxAccount, bad, WithParentCompanyID(fxPAN))
	require.ErrorIs(t, err, ErrValidation)
	sink.recordErr(err)

	// the token endpoint: errors echoing the credentials, and a body that is not JSON
	for name, h := range map[string]func(http.ResponseWriter, *http.Request){
		"invalid_grant echo": status(400, "application/json", `{"error":"invalid_grant","error_description":"bad password `+fxPassword+
			` or secret `+fxClientSecret+` for `+fxEmail+`"}`),
		"html echo":    status(401, "text/html", "<p>"+fxClientSecret+" "+fxPassword+"</p>"),
		"200 not JSON": status(200, "text/plain", "access_token="+fxToken),
	} {
		ts := newTestServer(t)
		ts.mux.HandleFunc("/", h)
		c, err := NewClient(ts.URL+prefix, WithLogger(logger), WithoutRetries(),
			WithPasswordCredentials(fxClientID, fxClientSecret, fxUser, fxPassword))
		require.NoError(t, err)
		_, err = c.UpdateCustomer(context.Background(), validCustomerID, validBody())
		require.Error(t, err, name)
		sink.recordErr(err)
		c.CloseIdleConnections()
	}

	require.NotEmpty(t, sink.String())
	require.Contains(t, sink.String(), `"level":"DEBUG"`, "verbose logging was on")
	assert.Empty(t, sink.leaks(fixtureSecrets), "secrets or personal data in logs/errors")
	if t.Failed() {
		for _, l := range strings.Split(sink.String(), "\n") {
			for _, s := range sink.leaks(fixtureSecrets) {
				if strings.Contains(l, s) {
					t.Logf("leak %q in: %s", s, l)
				}
			}
		}
	}
}

// TestSinkScanCanFail: the scan is not vacuous. Each secret planted in a
// fresh sink, through a log record or an error, is found by the same check
// TestMain runs.
func TestSinkScanCanFail(t *testing.T) {
	for _, sec := range fixtureSecrets {
		s := &textSink{}
		require.Empty(t, s.leaks(fixtureSecrets))
		sinkLogger(s).Debug("attempt", "error", "x"+sec+"y")
		assert.Equal(t, []string{sec}, s.leaks([]string{sec}), "planted in a log record")

		s = &textSink{}
		s.recordErr(&APIError{StatusCode: 400, Err: errors.New("echo " + sec)})
		assert.Contains(t, s.leaks(fixtureSecrets), sec, "planted in an error")
	}
	// and the suite sink is the one TestMain scans
	assert.Empty(t, scanSink(), "the suite sink is clean so far")
}
