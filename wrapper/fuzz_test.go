package wrapper

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	enkash "github.com/enkash-oss/enkash-go"
	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/internal/transport"
)

// Native fuzz targets. Seed corpora live in testdata/fuzz/<FuzzName>/ (the
// "go test fuzz v1" format); `make fuzz-smoke` runs each target briefly, and
// `go test` alone replays the seeds as regression tests.

// specPatterns are the customerId and parentCompanyId patterns read from the
// embedded openapi.yaml (not from the constants in validate.go), compiled.
var specPatterns = sync.OnceValues(func() (map[string]*regexp.Regexp, error) {
	doc, err := enkash.LoadSpec()
	if err != nil {
		return nil, err
	}
	item := doc.Paths.Value("/api/v0/customer/{customerId}")
	if item == nil || item.Patch == nil {
		return nil, errors.New("updateCustomer not in the spec")
	}
	out := map[string]*regexp.Regexp{}
	for _, p := range item.Patch.Parameters {
		if pat := p.Value.Schema.Value.Pattern; pat != "" {
			re, err := regexp.Compile(pat)
			if err != nil {
				return nil, err
			}
			out[p.Value.Name] = re
		}
	}
	if out["customerId"] == nil || out["parentCompanyId"] == nil {
		return nil, fmt.Errorf("id patterns missing from the spec: %v", out)
	}
	return out, nil
})

// FuzzValidateIDs: for any string, the generated validator behind
// ValidateUpdateCustomer accepts the id exactly when the regexp does,
// returning a *ValidationError (ErrValidation) whose text names the rule but
// never the value.
func FuzzValidateIDs(f *testing.F) {
	for _, s := range []string{
		validCustomerID, validParentID, "", "KC", "CEK", "KC00000000000000", "kcABCDEFGH123456",
		"KCABCDEFGH12345\n", "KCABCDEFGH1234567", "KCÄBCDEFGH12345", "CEKACME00\x00", "CEK\xffACME01",
		"KCABCDEFGH 23456", "CEKacme001", "KC\u0130BCDEFGH12345",
	} {
		f.Add(s)
	}
	res, err := specPatterns()
	if err != nil {
		f.Fatal(err)
	}
	reCust, reParent := res["customerId"], res["parentCompanyId"]
	f.Fuzz(func(t *testing.T, s string) {
		custOK, parentOK := reCust.MatchString(s), reParent.MatchString(s)
		rule := func(re *regexp.Regexp) string {
			if !utf8.ValidString(s) {
				return "utf-8"
			}
			return "pattern " + re.String()
		}
		custRule := rule(reCust)
		if s == "" {
			custRule = "required" // a path parameter cannot be empty
		}
		err := ValidateUpdateCustomer(s, api.UpdateCustomerRequest{})
		checkIDError(t, err, custOK, "customerId: "+custRule)

		err = ValidateUpdateCustomer(validCustomerID, api.UpdateCustomerRequest{}, WithParentCompanyID(s))
		checkIDError(t, err, parentOK, "parentCompanyId: "+rule(reParent))
	})
}

func checkIDError(t *testing.T, err error, valid bool, wantViolation string) {
	t.Helper()
	if valid {
		if err != nil {
			t.Fatalf("valid id rejected: %v", err)
		}
		return
	}
	var ve *ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, ErrValidation) {
		t.Fatalf("invalid id: want *ValidationError matching ErrValidation, got %T %v", err, err)
	}
	// The exact text: the field and the rule, nothing of the value.
	if want := "enkash: invalid request: " + wantViolation; err.Error() != want {
		t.Fatalf("error text %q, want %q", err.Error(), want)
	}
}

// FuzzValidateBody: any JSON that decodes into api.UpdateCustomerRequest is
// validated without a panic; an error is a *ValidationError (ErrValidation)
// naming fields and rules only; a body that passes validation marshals (so
// UpdateCustomer can send it) and still passes after a JSON round trip.
func FuzzValidateBody(f *testing.F) {
	valid, err := json.Marshal(validBody())
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range [][]byte{
		valid, []byte(`{}`), []byte(`null`), []byte(`{"legalName":null,"address":"x"}`),
		[]byte(`{"customerKeyContacts":[{"name":"","legalName":"","mobile":"123","email":"a@b@c"}]}`),
		[]byte(`{"customerKeyContacts":[{"name":"A","legalName":"A","mobile":"+91 ` + fxMobile + `","email":"` + fxEmail + `"}]}`),
		[]byte(`{"customerReminders":[{"reminderType":"DAILY","reminderTime":"24:00"},{"reminderType":"ONCE","reminderTime":"09:30"}]}`),
		[]byte(`{"customerKeyContacts":null,"customerReminders":[]}`),
		[]byte(`{"accountNumber":"` + fxAccount + `","panOrGstin":"29` + fxPAN + `1Z5","ifsc":"` + fxIFSC + `"}`),
	} {
		f.Add(s)
	}
	fieldRe := regexp.MustCompile(`^(customerId|parentCompanyId|customerKeyContacts\[\d+\]\.(name|legalName|mobile|email)|customerReminders\[\d+\]\.(reminderType|reminderTime|customerReminderId|stage)|customerKeyContacts\[\d+\]\.(keyContactPersonId|via)|branchCodes\[\d+\]|accountNumber|address|assignedAgent|contactNumber|ifsc|legalName|panOrGstin|pinCode|state|uniqueRefNo)$`)
	rules := map[string]bool{"required": true, "format email": true, "enum ONCE|RECURRING": true, "utf-8": true,
		"pattern " + docPatternMobile: true, "pattern " + docPatternReminderTime: true}
	f.Fuzz(func(t *testing.T, data []byte) {
		var body api.UpdateCustomerRequest
		if json.Unmarshal(data, &body) != nil {
			return
		}
		err := ValidateUpdateCustomer(validCustomerID, body)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, ErrValidation) || len(ve.Violations) == 0 {
				t.Fatalf("want *ValidationError matching ErrValidation, got %T %v", err, err)
			}
			for _, v := range ve.Violations {
				if !fieldRe.MatchString(v.Field) || !rules[v.Rule] {
					t.Fatalf("violation names something else than a field and a rule: %+v", v)
				}
			}
			return
		}
		out, merr := json.Marshal(body)
		if merr != nil {
			t.Fatalf("a valid body does not marshal: %v", merr)
		}
		var again api.UpdateCustomerRequest
		if uerr := json.Unmarshal(out, &again); uerr != nil {
			t.Fatalf("a valid body does not decode back: %v\n%s", uerr, out)
		}
		if verr := ValidateUpdateCustomer(validCustomerID, again); verr != nil {
			t.Fatalf("a valid body is invalid after a round trip: %v\n%s", verr, out)
		}
	})
}

// fuzzTransport answers every request in memory with the fuzzed response.
type fuzzTransport struct {
	status     int
	ctype, ra  string
	body       []byte
	sawRequest bool
}

func (ft *fuzzTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	ft.sawRequest = true
	h := http.Header{}
	if ft.ctype != "" {
		h.Set("Content-Type", ft.ctype)
	}
	if ft.ra != "" {
		h.Set("Retry-After", ft.ra)
	}
	return &http.Response{
		StatusCode: ft.status, Status: http.StatusText(ft.status), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: h, Body: io.NopCloser(bytes.NewReader(ft.body)), ContentLength: -1, Request: r,
	}, nil
}

// wrapperSentinels are the errors a failed call may match.
var wrapperSentinels = []error{
	ErrClientRequestAbort, ErrClientRequestError, ErrInvalidAccess, ErrNotFound, ErrSystemError,
	ErrUnauthorized, ErrUnknownError, ErrUnprocessable, ErrValidation, ErrServer, ErrRateLimited,
	ErrUnexpectedStatus, ErrInvalidResponse, ErrResponseTooLarge, ErrNetwork,
}

// FuzzResponseDecoding sends a real Client.UpdateCustomer through an
// in-memory transport that answers any status, Content-Type, Retry-After and
// body bytes (retries included; the sleeper does not wait). The call never
// panics; it either succeeds with a customer, or fails with an *APIError or an
// error wrapping a wrapper sentinel; and no error text contains the client's
// bearer token, which the fuzzed bodies may echo anywhere — nor does any
// error of its tree, printed with any verb.
func FuzzResponseDecoding(f *testing.F) {
	tok := fuzzPlantedToken
	for _, s := range []struct {
		status    int
		ctype, ra string
		body      string
	}{
		{200, "application/json", "", okEnvelope},
		{201, "text/html", "", okEnvelope},
		{200, "application/json", "", `{"payload":null}`},
		{200, "application/json", "", ``},
		{200, "application/json", "", okEnvelope[:40]},
		{200, "", "", "\xff\xfe\xfd"},
		{400, "application/json", "", errEnvelope("VALIDATION_ERROR", "token "+tok+" for "+fxEmail)},
		{401, "application/json", "", `{"errorResponse":{"errorType":"UNAUTHORIZED","errorMessage":"bad token ` + tok + `","requestId":"` + tok + `"}}`},
		{422, "application/json", "", `{"errorResponse":{"errorType":"` + tok + `","apiSubErrors":[{"field":"` + tok + `","rejectedValue":"` + tok + `"}]}}`},
		{200, "application/json", "", `{"payload":{"customerId":"x","createdOn":"` + tok + `"}}`},
		{200, "application/json", "", `{"payload":{"netAmount":"` + tok + `"}}`},
		{500, "application/json", "", errEnvelope("SYSTEM_ERROR", "x")},
		{502, "text/html", "", "<html>" + tok + "</html>"},
		{503, "", "1", ""},
		{429, "", "Wed, 21 Oct 2015 07:28:00 GMT", ""},
		{429, "", "99999999999999999999", ""},
		{307, "", "", ""},
		{200, "application/json", "", `{"payload":{},"errorResponse":{"errorType":"RECORD_NOT_FOUND"}}`},
		{200, "application/json", "", `{"payload":{"customerId":"x"},"response_code":"x"}`},
		{999, "application/json", "", `[]`},
		{200, "application/json", "", `{"payload":{"customerId":"` + strings.Repeat("a", 5000) + `"}}`},
	} {
		f.Add(s.status, s.ctype, s.ra, []byte(s.body))
	}
	ctx := context.Background()
	noWait := withSleep(func(ctx context.Context, _ time.Duration) error { return ctx.Err() })
	clock := withClock(func() time.Time { return time.Date(2025, 11, 20, 10, 45, 0, 0, time.UTC) })
	f.Fuzz(func(t *testing.T, status int, ctype, ra string, body []byte) {
		if status < 100 || status > 999 { // a three-digit status, as net/http would parse
			status = 100 + (status%900+900)%900
		}
		ft := &fuzzTransport{status: status, ctype: ctype, ra: ra, body: body}
		c, err := NewClient("https://api.enkash.example", WithToken(tok), noWait, clock, WithMaxResponseBytes(4<<10),
			WithHTTPClient(&http.Client{Transport: ft, CheckRedirect: transport.NoRedirect}))
		if err != nil {
			t.Fatal(err)
		}
		cust, err := c.UpdateCustomer(ctx, validCustomerID, api.UpdateCustomerRequest{})
		if !ft.sawRequest {
			t.Fatal("no request sent")
		}
		if err == nil {
			if cust == nil {
				t.Fatal("success without a customer")
			}
			return
		}
		if cust != nil {
			t.Fatal("a customer with an error")
		}
		var ae *APIError
		typed := errors.As(err, &ae)
		for _, s := range wrapperSentinels {
			typed = typed || errors.Is(err, s)
		}
		if !typed {
			t.Fatalf("untyped error %T: %v", err, err)
		}
		texts := []string{err.Error(), printedTree(err)} // every error of the tree, every verb
		if ae != nil {
			texts = append(texts, ae.GoString(), ae.Snippet, fmt.Sprintf("%+v", ae.SubErrors))
		}
		for _, s := range texts {
			if strings.Contains(s, tok) {
				t.Fatalf("the bearer token leaked into an error text: %q", s)
			}
		}
	})
}
