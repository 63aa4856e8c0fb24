package main

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

func TestRunActivate_ActivatesAndPrintsThePayload(t *testing.T) {
	inactive := wrappertest.DemoCustomers()[1]
	inactive.Active = false
	srv, env := fakeEnkash(t, wrappertest.WithCustomers(inactive))

	res := runCmd(activateCmd, env, "--parent-company-id", wrappertest.DemoParentCompanyID, wrappertest.DemoCustomerID2)

	require.Equal(t, exitOK, res.code, res.stderr)
	var payload map[string]any
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &payload), "the payload as JSON on stdout")
	assert.Equal(t, wrappertest.DemoCustomerID2, payload["customerId"])
	stored, _ := srv.Customer(wrappertest.DemoCustomerID2)
	assert.True(t, stored.Active)
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, http.MethodPut, reqs[0].Method)
	assert.Equal(t, "/api/v0/customer/activate/"+wrappertest.DemoCustomerID2, reqs[0].Path)
	assert.Equal(t, api.ParamActivateCustomerParentCompanyId+"="+wrappertest.DemoParentCompanyID, reqs[0].RawQuery)
}

// Usage and validation errors are exit 2 with nothing sent; Enkash's errors
// exit 1 naming the command and the customer.
func TestRunActivate_ExitStatuses(t *testing.T) {
	cases := []struct {
		name      string
		env       map[string]string // nil: the fake's
		args      []string
		code      int
		stdout    string
		stderr    string
		wantCalls int
	}{
		{name: "help", args: []string{"--help"}, code: exitOK, stdout: "usage: enkash-customer activate"},
		{name: "no customer id", args: nil, code: exitUsage, stderr: "exactly one CUSTOMER_ID"},
		{name: "two customer ids", args: []string{wrappertest.DemoCustomerID, wrappertest.DemoCustomerID2}, code: exitUsage, stderr: "exactly one CUSTOMER_ID"},
		{name: "customerId off the pattern", args: []string{"KC1"}, code: exitUsage, stderr: "customerId: pattern"},
		{name: "parentCompanyId off the pattern", args: []string{"--parent-company-id", "CEK1", wrappertest.DemoCustomerID}, code: exitUsage, stderr: "parentCompanyId: pattern"},
		{name: "sandbox with base URL", args: []string{"--sandbox", "--base-url", "https://api.enkash.example", wrappertest.DemoCustomerID}, code: exitUsage, stderr: "cannot be combined"},
		{name: "non-positive timeout", args: []string{"--timeout", "0s", wrappertest.DemoCustomerID}, code: exitUsage, stderr: "--timeout"},
		{name: "credential without base URL (update's target rules)", env: map[string]string{"ENKASH_TOKEN": "tok-12345678"},
			args: []string{wrappertest.DemoCustomerID}, code: exitUsage, stderr: "$ENKASH_TOKEN set but no base URL"},
		{name: "unknown customer", args: []string{"KCNOSUCHCUSTOMER"}, code: exitAPI, stderr: "activate KCNOSUCHCUSTOMER: enkash: HTTP 404 RECORD_NOT_FOUND", wantCalls: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, env := fakeEnkash(t)
			if tc.env != nil {
				env = tc.env
			}
			res := runCmd(activateCmd, env, tc.args...)
			assert.Equal(t, tc.code, res.code, res.stderr)
			assert.Contains(t, res.stdout, tc.stdout)
			assert.Contains(t, res.stderr, tc.stderr)
			if tc.code != exitOK {
				assert.Empty(t, res.stdout)
			}
			assert.Len(t, srv.Requests(), tc.wantCalls)
		})
	}
}

func TestRunActivate_SandboxWithoutCredentials(t *testing.T) {
	res := runCmd(activateCmd, nil, wrappertest.DemoCustomerID)
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stderr, "using the embedded sandbox")
	assert.Contains(t, res.stdout, wrappertest.DemoCustomerID)
}
