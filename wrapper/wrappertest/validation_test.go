package wrappertest_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

type wantSub struct{ field, messagePart string }

func TestValidationErrors(t *testing.T) {
	const id = wrappertest.DemoCustomerID
	cases := []struct {
		name        string
		path        string
		contentType string
		body        string
		want        []wantSub
	}{
		{"lowercase path customerId", "/api/v0/customer/kcdemo0000000001", "", `{}`,
			[]wantSub{{"customerId", `regular expression "^KC`}}},
		{"short path customerId", "/api/v0/customer/KC123", "", `{}`,
			[]wantSub{{"customerId", "regular expression"}}},
		{"bad parentCompanyId", "/api/v0/customer/" + id + "?parentCompanyId=CEK12", "", `{}`,
			[]wantSub{{"parentCompanyId", `regular expression "^CEK`}}},
		{"bad mobile", "", "", `{"customerKeyContacts":[{"deleted":false,"legalName":"L","mobile":"12345","name":"N"}]}`,
			[]wantSub{{"customerKeyContacts[0].mobile", "regular expression"}}},
		{"unknown property", "", "", `{"nickname":"Ganesh"}`,
			[]wantSub{{"nickname", "unsupported"}}},
		{"object for a string field (the vendor example)", "", "", `{"legalName":{}}`,
			[]wantSub{{"legalName", "must be a string"}}},
		{"number for a string field", "", "", `{"pinCode":560001}`,
			[]wantSub{{"pinCode", "must be a string"}}},
		{"missing required key contact name", "", "", `{"customerKeyContacts":[{"deleted":false,"legalName":"L","mobile":"9876543210"}]}`,
			[]wantSub{{"customerKeyContacts[0].name", "missing"}}},
		{"bad email", "", "", `{"customerKeyContacts":[{"deleted":false,"legalName":"L","mobile":"9876543210","name":"N","email":"nope"}]}`,
			[]wantSub{{"customerKeyContacts[0].email", "email"}}},
		{"bad reminderType", "", "", `{"customerReminders":[{},{"reminderType":"WEEKLY"}]}`,
			[]wantSub{{"customerReminders[1].reminderType", "value is not one of the allowed values"}}},
		{"bad reminderTime", "", "", `{"customerReminders":[{"reminderTime":"9:30pm"}]}`,
			[]wantSub{{"customerReminders[0].reminderTime", "regular expression"}}},
		{"int32 overflow", "", "", `{"customerReminders":[{"reminderInterval":2147483648}]}`,
			[]wantSub{{"customerReminders[0].reminderInterval", "int32"}}},
		{"several problems at once", "", "", `{"legalName":1,"branchCodes":[1],"x":null}`,
			[]wantSub{{"legalName", "string"}, {"branchCodes[0]", "string"}, {"x", "unsupported"}}},
		{"malformed JSON", "", "", `{"legalName":`, []wantSub{{"", "decode"}}},
		{"empty body", "", "", ``, []wantSub{{"", "required"}}},
		{"JSON array body", "", "", `[]`, []wantSub{{"", "object"}}},
		{"JSON null body", "", "", `null`, []wantSub{{"", ""}}},
		{"wrong content type", "", "text/plain", `{}`, []wantSub{{"", "Content-Type"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clock := newFakeClock()
			srv, _ := newServer(t, wrappertest.WithDemoCustomers(), wrappertest.WithClock(clock.Now))
			before, _ := srv.Customer(id)
			path := tc.path
			if path == "" {
				path = "/api/v0/customer/" + id
			}
			ct := tc.contentType
			if ct == "" {
				ct = "application/json"
			}
			r := rawClient{t, srv}.do(http.MethodPatch, path, srv.Token, ct, tc.body)
			require.Equal(t, http.StatusBadRequest, r.status, "%s", r.body)
			assert.Contains(t, r.header.Get("Content-Type"), "application/json")
			er := r.env.ErrorResponse
			require.NotNil(t, er, "%s", r.body)
			assert.Nil(t, r.env.Payload)
			assert.Equal(t, api.ErrorTypeValidationError, *er.ErrorType)
			require.NotNil(t, er.RequestId)
			assert.Equal(t, r.header.Get("X-Request-Id"), *er.RequestId)
			require.NotNil(t, er.Timestamp)
			assert.Equal(t, "2025-01-02 08:34:05", *er.Timestamp, "IST, yyyy-MM-dd HH:mm:ss")
			require.NotNil(t, r.env.ResponseCode)
			assert.EqualValues(t, 400, *r.env.ResponseCode)
			require.NotNil(t, er.ApiSubErrors)
			subs := *er.ApiSubErrors
			require.Len(t, subs, len(tc.want), "%s", r.body)
			for _, w := range tc.want {
				found := false
				for _, s := range subs {
					f := ""
					if s.Field != nil {
						f = *s.Field
					}
					if f == w.field && s.Message != nil && strings.Contains(*s.Message, w.messagePart) {
						found = true
					}
				}
				assert.True(t, found, "no sub-error %+v in %s", w, r.body)
			}
			assert.NotContains(t, string(r.body), "rejectedValue", "values are never echoed")
			after, _ := srv.Customer(id)
			assert.Equal(t, before, after, "nothing stored")
		})
	}
}

func TestSubErrorsDoNotEchoValues(t *testing.T) {
	srv, _ := newServer(t, wrappertest.WithDemoCustomers())
	const secretMobile = "98765-SECRET"
	r := rawClient{t, srv}.patch(wrappertest.DemoCustomerID, srv.Token,
		`{"customerKeyContacts":[{"deleted":false,"legalName":"L","mobile":"`+secretMobile+`","name":"N"}]}`)
	require.Equal(t, http.StatusBadRequest, r.status)
	assert.NotContains(t, string(r.body), secretMobile)
}

func TestBodyOverLimit(t *testing.T) {
	srv, _ := newServer(t, wrappertest.WithDemoCustomers(), wrappertest.WithMaxBodyBytes(64))
	r := rawClient{t, srv}.patch(wrappertest.DemoCustomerID, srv.Token, `{"address":"`+strings.Repeat("a", 100)+`"}`)
	require.Equal(t, http.StatusBadRequest, r.status, "%s", r.body)
	assert.Contains(t, string(r.body), "larger than 64 bytes")
	got, _ := srv.Customer(wrappertest.DemoCustomerID)
	assert.NotContains(t, got.Address, "aaaa")
}

func TestRoutesOutsideTheSpec(t *testing.T) {
	srv, _ := newServer(t, wrappertest.WithDemoCustomers())
	rc := rawClient{t, srv}
	assert.Equal(t, http.StatusMethodNotAllowed, rc.do(http.MethodGet, "/api/v0/customer/"+wrappertest.DemoCustomerID, srv.Token, "", "").status)
	assert.Equal(t, http.StatusNotFound, rc.do(http.MethodPatch, "/api/v0/customers", srv.Token, "application/json", "{}").status)
	assert.Equal(t, http.StatusNotFound, rc.do(http.MethodPatch, "/api/v0/customer/", srv.Token, "application/json", "{}").status)
}

// TestNoPanicOnOddInput throws odd requests at the server: each gets a
// well-formed answer below 500, and the server keeps serving.
func TestNoPanicOnOddInput(t *testing.T) {
	srv, _ := newServer(t, wrappertest.WithDemoCustomers())
	rc := rawClient{t, srv}
	bodies := []string{
		"\xff\xfe{}", `{"legalName":"\ud800"}`, `{"legalName":"` + "\xc3\x28" + `"}`,
		`{"customerKeyContacts":null,"customerReminders":[null]}`, `{"branchCodes":[[[[[]]]]]}`,
		`{"customerReminders":[{"dueDateDifference":1e400}]}`, `{"customerReminders":[{"dueDateDifference":1.5}]}`,
		`{"legalName":"a","legalName":null}`, strings.Repeat("[", 10000), `{"":""}`, `"string"`, `0`,
	}
	paths := []string{
		"/api/v0/customer/" + wrappertest.DemoCustomerID,
		"/api/v0/customer/KC%2F..%2F..%2Foauth",
		"/api/v0/customer/" + wrappertest.DemoCustomerID + "?parentCompanyId=%ZZ",
		"/api/v0/customer/" + wrappertest.DemoCustomerID + "?parentCompanyId=CEKDEMO001&parentCompanyId=CEKDEMO002",
	}
	for _, p := range paths {
		for _, b := range bodies {
			r := rc.do(http.MethodPatch, p, srv.Token, "application/json", b)
			assert.Less(t, r.status, 500, "%s %q -> %s", p, b, r.body)
		}
	}
	r := rc.do(http.MethodPost, "/oauth/token", "", "application/x-www-form-urlencoded", "%%%&&=")
	assert.Less(t, r.status, 500)
	r = rc.do(http.MethodPost, "/oauth/token", "", "application/json", `{"username":"x"}`)
	assert.Less(t, r.status, 500)
	assert.Equal(t, http.StatusOK, rc.patch(wrappertest.DemoCustomerID, srv.Token, `{}`).status)
}

func TestErrorTimestampIsIST(t *testing.T) {
	srv, _ := newServer(t, wrappertest.WithClock(func() time.Time {
		return time.Date(2025, 3, 31, 20, 0, 0, 0, time.UTC)
	}))
	r := rawClient{t, srv}.patch("KCNOPE0000000000", srv.Token, `{}`)
	require.Equal(t, http.StatusNotFound, r.status)
	assert.Equal(t, "2025-04-01 01:30:00", *r.env.ErrorResponse.Timestamp)
}
