package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

// binPath is the CLI built once for the tests that drive the real binary.
var binPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "enkash-customer-test")
	if err != nil {
		panic(err)
	}
	binPath = filepath.Join(dir, "enkash-customer")
	out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
	if err != nil {
		os.Stderr.Write(out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type cliResult struct {
	code           int
	stdout, stderr string
}

// runBinary runs the built CLI with a clean environment plus env.
func runBinary(t *testing.T, env []string, stdin string, args ...string) cliResult {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		code = exitErr.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return cliResult{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// TestUpdate_DryRunPrintsTheWireBytes: --dry-run prints exactly the bytes a
// real send puts on the wire, for a body touching every kind of field.
func TestUpdate_DryRunPrintsTheWireBytes(t *testing.T) {
	const token = "dry-run-token-31c"
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers(), wrappertest.WithToken(token))
	env := []string{"ENKASH_BASE_URL=" + srv.URL, "ENKASH_TOKEN=" + token}
	args := []string{"update", "--set", "legalName=Acme <Traders> & Co \u00e9", "--clear", "address",
		"--set", `branchCodes=["BLR01","MYS02"]`,
		"--set", `customerKeyContacts=[{"deleted":false,"legalName":"L","mobile":"9876543210","name":"N","email":"a&b@x.co"}]`,
		"--set", `customerReminders=[{"reminderType":"ONCE","reminderTime":"09:30","dueDateDifference":3}]`,
		wrappertest.DemoCustomerID}
	dry := runBinary(t, env, "", append([]string{args[0], "--dry-run"}, args[1:]...)...)
	require.Equal(t, exitOK, dry.code, dry.stderr)
	require.Empty(t, srv.Requests(), "--dry-run sends nothing")
	real := runBinary(t, env, "", args...)
	require.Equal(t, exitOK, real.code, real.stderr)
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, string(reqs[0].Body)+"\n", dry.stdout)
}

func TestUpdate_AgainstFakeServer(t *testing.T) {
	const secretToken = "cli-secret-token-7f3a"
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers(), wrappertest.WithToken(secretToken))
	env := []string{"ENKASH_BASE_URL=" + srv.URL, "ENKASH_TOKEN=" + secretToken}
	id := wrappertest.DemoCustomerID

	t.Run("success sets and clears", func(t *testing.T) {
		srv.ResetRequests()
		before, ok := srv.Customer(id)
		require.True(t, ok)
		require.NotEmpty(t, before.Address, "precondition: the demo customer has an address")

		res := runBinary(t, env, "", "update", "--set", "legalName=Acme Traders Pvt Ltd", "--clear", "address", id)
		require.Equal(t, exitOK, res.code, res.stderr)

		var got api.CustomerResponse
		require.NoError(t, json.Unmarshal([]byte(res.stdout), &got), "stdout is the customer as JSON")
		assert.Equal(t, "Acme Traders Pvt Ltd", got.LegalName)
		assert.Empty(t, got.Address)
		assert.Equal(t, before.State, got.State, "absent fields unchanged")
		stored, _ := srv.Customer(id)
		assert.Equal(t, "Acme Traders Pvt Ltd", stored.LegalName)
		assert.Empty(t, stored.Address)

		reqs := srv.Requests()
		require.Len(t, reqs, 1)
		assert.JSONEq(t, `{"address":null,"legalName":"Acme Traders Pvt Ltd"}`, string(reqs[0].Body))
	})

	t.Run("validation error sends nothing", func(t *testing.T) {
		srv.ResetRequests()
		res := runBinary(t, env, "", "update", "--set", `customerKeyContacts=[{"deleted":false,"legalName":"L","mobile":"12345","name":"N"}]`, id)
		assert.Equal(t, exitUsage, res.code)
		assert.Contains(t, res.stderr, "customerKeyContacts[0].mobile")
		assert.Contains(t, res.stderr, "pattern")
		assert.Empty(t, srv.Requests(), "no request may reach the server")
	})

	t.Run("bad customer id sends nothing", func(t *testing.T) {
		srv.ResetRequests()
		res := runBinary(t, env, "", "update", "--set", "legalName=A", "kc-not-an-id")
		assert.Equal(t, exitUsage, res.code)
		assert.Contains(t, res.stderr, "customerId")
		assert.Empty(t, srv.Requests())
	})

	t.Run("unknown field and bad json send nothing", func(t *testing.T) {
		srv.ResetRequests()
		res := runBinary(t, env, "", "update", "--set", "nickname=x", id)
		assert.Equal(t, exitUsage, res.code)
		assert.Contains(t, res.stderr, `unknown field "nickname"`)
		res = runBinary(t, env, `{"legalName":`, "update", "--body", "-", id)
		assert.Equal(t, exitUsage, res.code)
		assert.Contains(t, res.stderr, "invalid JSON")
		assert.Empty(t, srv.Requests())
	})

	t.Run("api error", func(t *testing.T) {
		srv.ResetRequests()
		res := runBinary(t, env, "", "update", "--set", "legalName=A", "KCNOSUCHCUSTOMER")
		assert.Equal(t, exitAPI, res.code)
		assert.Contains(t, res.stderr, "404")
		assert.Contains(t, res.stderr, "RECORD_NOT_FOUND")
		reqs := srv.Requests()
		require.Len(t, reqs, 1)
		require.NotEmpty(t, reqs[0].RequestID)
		assert.Contains(t, res.stderr, "requestId "+reqs[0].RequestID, "the server's request id, whole")
		assert.Contains(t, res.stderr, "KCNOSUCHCUSTOMER", "ids in messages stay readable")
		assert.Contains(t, res.stderr, "customerId", "sub-errors are shown")
	})

	t.Run("retry after 503", func(t *testing.T) {
		srv.ResetRequests()
		srv.Inject(wrappertest.Fault{Status: 503, Body: "<html>busy</html>", ContentType: "text/html", RetryAfter: "0", Times: 1})
		res := runBinary(t, env, "", "update", "--set", "state=Karnataka", id)
		require.Equal(t, exitOK, res.code, res.stderr)
		assert.Len(t, srv.Requests(), 2, "one failed attempt, one retry")
		stored, _ := srv.Customer(id)
		assert.Equal(t, "Karnataka", stored.State)
	})

	t.Run("wrong token is an api error", func(t *testing.T) {
		res := runBinary(t, []string{"ENKASH_BASE_URL=" + srv.URL, "ENKASH_TOKEN=wrong-token-123"}, "", "update", "--set", "legalName=A", id)
		assert.Equal(t, exitAPI, res.code)
		assert.Contains(t, res.stderr, "401")
		assert.Contains(t, res.stderr, "UNAUTHORIZED")
	})

	t.Run("password credentials from the environment", func(t *testing.T) {
		res := runBinary(t, []string{"ENKASH_BASE_URL=" + srv.URL,
			"ENKASH_CLIENT_ID=" + wrappertest.DefaultClientID, "ENKASH_CLIENT_SECRET=" + wrappertest.DefaultClientSecret,
			"ENKASH_USERNAME=" + wrappertest.DefaultUsername, "ENKASH_PASSWORD=" + wrappertest.DefaultPassword},
			"", "update", "--set", "pinCode=560001", id)
		require.Equal(t, exitOK, res.code, res.stderr)
		assert.Contains(t, res.stdout, `"pinCode": "560001"`)
	})

	t.Run("verbose never prints the token", func(t *testing.T) {
		res := runBinary(t, env, "", "update", "--verbose", "--set", "legalName=B", id)
		require.Equal(t, exitOK, res.code, res.stderr)
		assert.Contains(t, res.stderr, "attempt", "the debug log is on")
		assert.NotContains(t, res.stderr+res.stdout, secretToken)
	})
}

func TestBinaryUsage(t *testing.T) {
	tests := []struct {
		name     string
		env      []string
		args     []string
		wantCode int
		wantErr  string
		wantOut  string
	}{
		{name: "no command", args: nil, wantCode: exitUsage, wantErr: "missing command"},
		{name: "unknown command", args: []string{"purge"}, wantCode: exitUsage, wantErr: `unknown command "purge"`},
		{name: "help", args: []string{"--help"}, wantCode: exitOK, wantOut: "usage: enkash-customer update"},
		{name: "no customer id", args: []string{"update", "--set", "legalName=A"}, wantCode: exitUsage, wantErr: "exactly one CUSTOMER_ID"},
		{name: "flags after the id", args: []string{"update", wrappertest.DemoCustomerID, "--dry-run", "--set", "legalName=A"}, wantCode: exitOK, wantOut: `"legalName":"A"`},
		{name: "body and set together", args: []string{"update", "--body", "-", "--set", "legalName=A", wrappertest.DemoCustomerID}, wantCode: exitUsage, wantErr: "cannot be combined"},
		{name: "bad parent company id", args: []string{"update", "--parent-company-id", "CEK1", "--set", "legalName=A", wrappertest.DemoCustomerID}, wantCode: exitUsage, wantErr: "parentCompanyId"},
		{name: "dry run prints null for clear", args: []string{"update", "--dry-run", "--clear", "address", wrappertest.DemoCustomerID}, wantCode: exitOK, wantOut: `"address":null`},
		{name: "plain http to a remote host refused", env: []string{"ENKASH_BASE_URL=http://api.enkash.example", "ENKASH_TOKEN=t"},
			args: []string{"update", "--set", "legalName=A", wrappertest.DemoCustomerID}, wantCode: exitUsage, wantErr: "http"},
		{name: "incomplete credentials", env: []string{"ENKASH_BASE_URL=https://api.enkash.example", "ENKASH_CLIENT_ID=x"},
			args: []string{"update", "--set", "legalName=A", wrappertest.DemoCustomerID}, wantCode: exitUsage, wantErr: "$ENKASH_PASSWORD"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := runBinary(t, tc.env, "", tc.args...)
			assert.Equal(t, tc.wantCode, res.code, res.stderr)
			if tc.wantErr != "" {
				assert.Contains(t, res.stderr, tc.wantErr)
			}
			if tc.wantOut != "" {
				assert.Contains(t, res.stdout, tc.wantOut)
			}
		})
	}
}
