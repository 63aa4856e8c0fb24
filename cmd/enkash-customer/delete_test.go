package main

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

func TestRunDelete_DeletesWithYes(t *testing.T) {
	srv, env := fakeEnkash(t)

	res := runCmd(deleteCmd, env, wrappertest.DemoCustomerID, "--yes")

	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, `"Customer `+wrappertest.DemoCustomerID+` deleted"`+"\n", res.stdout, "the string payload as JSON")
	_, ok := srv.Customer(wrappertest.DemoCustomerID)
	assert.False(t, ok, "deleted")
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, http.MethodDelete, reqs[0].Method)
	assert.Equal(t, "/api/v0/customer/"+wrappertest.DemoCustomerID, reqs[0].Path)
}

// Without --yes, or with any usage or validation error, delete sends
// nothing and exits 2; Enkash's errors exit 1.
func TestRunDelete_ExitStatuses(t *testing.T) {
	cases := []struct {
		name      string
		args      []string
		code      int
		stdout    string
		stderr    string
		wantCalls int
	}{
		{name: "no --yes", args: []string{wrappertest.DemoCustomerID}, code: exitUsage, stderr: "pass --yes to confirm; nothing was sent"},
		{name: "--yes=false", args: []string{"--yes=false", wrappertest.DemoCustomerID}, code: exitUsage, stderr: "pass --yes"},
		{name: "help", args: []string{"-h"}, code: exitOK, stdout: "usage: enkash-customer delete --yes"},
		{name: "no customer id", args: []string{"--yes"}, code: exitUsage, stderr: "exactly one CUSTOMER_ID"},
		{name: "customerId off the pattern", args: []string{"--yes", "kcdemo0000000001"}, code: exitUsage, stderr: "customerId: pattern"},
		{name: "unknown flag", args: []string{"--force", wrappertest.DemoCustomerID}, code: exitUsage, stderr: "-force"},
		{name: "another parent company", args: []string{"--yes", "--parent-company-id", "CEKOTHER01", wrappertest.DemoCustomerID},
			code: exitAPI, stderr: "delete " + wrappertest.DemoCustomerID + ": enkash: HTTP 404 RECORD_NOT_FOUND", wantCalls: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, env := fakeEnkash(t)
			res := runCmd(deleteCmd, env, tc.args...)
			assert.Equal(t, tc.code, res.code, res.stderr)
			assert.Contains(t, res.stdout, tc.stdout)
			assert.Contains(t, res.stderr, tc.stderr)
			assert.Len(t, srv.Requests(), tc.wantCalls)
			_, stored := srv.Customer(wrappertest.DemoCustomerID)
			assert.True(t, stored, "the customer is still there")
		})
	}
}
