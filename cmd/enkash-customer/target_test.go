package main

import (
	"encoding/json"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

// proxyEnv routes any HTTP(S) request the binary makes to a non-loopback
// host through srv, so that srv.Requests() counts it: a request to the real
// Enkash would show up there. (The embedded sandbox is on loopback, which is
// never proxied.)
func proxyEnv(srv *wrappertest.Server) []string {
	return []string{"HTTPS_PROXY=" + srv.URL, "HTTP_PROXY=" + srv.URL, "https_proxy=" + srv.URL, "http_proxy=" + srv.URL}
}

// TestTarget_CredentialsWithoutBaseURLRefused: any credential, from any
// source, without --base-url or $ENKASH_BASE_URL is exit 2 with nothing sent
// (neither to the sandbox nor anywhere else), the way out named, and the
// credential never echoed.
func TestTarget_CredentialsWithoutBaseURLRefused(t *testing.T) {
	const secret = "cred-9f2c-do-not-print"
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers(), wrappertest.WithToken(secret))
	tests := []struct {
		name     string
		env      []string
		flags    []string
		wantName string // how stderr names the source (never its value)
	}{
		{name: "ENKASH_TOKEN", env: []string{"ENKASH_TOKEN=" + secret}, wantName: "$ENKASH_TOKEN"},
		{name: "--token", flags: []string{"--token", secret}, wantName: "--token"},
		{name: "--token=", flags: []string{"--token=" + secret}, wantName: "--token"},
		{name: "ENKASH_CLIENT_ID", env: []string{"ENKASH_CLIENT_ID=" + secret}, wantName: "$ENKASH_CLIENT_ID"},
		{name: "ENKASH_CLIENT_SECRET", env: []string{"ENKASH_CLIENT_SECRET=" + secret}, wantName: "$ENKASH_CLIENT_SECRET"},
		{name: "ENKASH_USERNAME", env: []string{"ENKASH_USERNAME=" + secret}, wantName: "$ENKASH_USERNAME"},
		{name: "ENKASH_PASSWORD", env: []string{"ENKASH_PASSWORD=" + secret}, wantName: "$ENKASH_PASSWORD"},
		{name: "all four password-grant variables", env: []string{"ENKASH_CLIENT_ID=" + secret + "1",
			"ENKASH_CLIENT_SECRET=" + secret + "2", "ENKASH_USERNAME=" + secret + "3", "ENKASH_PASSWORD=" + secret + "4"},
			wantName: "$ENKASH_PASSWORD"},
	}
	t.Run("control: the proxy counts a request to a remote Enkash", func(t *testing.T) {
		srv.ResetRequests()
		res := runBinary(t, append(proxyEnv(srv), "ENKASH_BASE_URL=https://api.enkash.example", "ENKASH_TOKEN="+secret),
			"", "update", "--set", "state=Goa", wrappertest.DemoCustomerID)
		assert.Equal(t, exitAPI, res.code, res.stderr)
		require.NotEmpty(t, srv.Requests(), "without this, an empty request log below would prove nothing")
	})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv.ResetRequests()
			before, _ := srv.Customer(wrappertest.DemoCustomerID)
			args := append([]string{"update"}, tc.flags...)
			args = append(args, "--set", "state=Goa", wrappertest.DemoCustomerID)
			res := runBinary(t, append(proxyEnv(srv), tc.env...), "", args...)

			assert.Equal(t, exitUsage, res.code, res.stderr)
			assert.Empty(t, res.stdout, "no customer printed: nothing was updated")
			assert.NotContains(t, res.stderr, "using the embedded sandbox")
			for _, want := range []string{tc.wantName, "no base URL", "$ENKASH_BASE_URL", "--base-url", "--sandbox", "nothing was sent"} {
				assert.Contains(t, res.stderr, want)
			}
			assert.NotContains(t, res.stdout+res.stderr, secret, "no credential is echoed")
			assert.Empty(t, srv.Requests(), "nothing reaches any server")
			after, _ := srv.Customer(wrappertest.DemoCustomerID)
			assert.Equal(t, before, after)
		})
	}
}

// TestTarget_NoCredentialsUsesSandbox: no base URL and no credentials at all
// (empty variables count as unset) is the embedded sandbox, said on stderr,
// and nothing goes out of the process.
func TestTarget_NoCredentialsUsesSandbox(t *testing.T) {
	srv := wrappertest.NewTestServer(t)
	env := append(proxyEnv(srv), "ENKASH_TOKEN=", "ENKASH_BASE_URL=", "ENKASH_PASSWORD=")
	res := runBinary(t, env, "", "update", "--set", "state=Goa", wrappertest.DemoCustomerID)
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stderr, "using the embedded sandbox")
	assert.Contains(t, res.stderr, "not Enkash")
	var got api.CustomerResponse
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &got))
	assert.Equal(t, "Goa", got.State)
	assert.Empty(t, srv.Requests())
}

// TestTarget_SandboxFlag: --sandbox runs the embedded sandbox even with a
// token or $ENKASH_BASE_URL set (nothing reaches that URL, the token is not
// printed), and --sandbox with --base-url is a usage error.
func TestTarget_SandboxFlag(t *testing.T) {
	const secret = "prod-token-3e8a-do-not-print"
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers(), wrappertest.WithToken(secret))
	before, _ := srv.Customer(wrappertest.DemoCustomerID)

	for _, tc := range []struct {
		name  string
		env   []string
		flags []string
	}{
		{name: "ENKASH_TOKEN", env: []string{"ENKASH_TOKEN=" + secret}},
		{name: "--token", flags: []string{"--token", secret}},
		{name: "ENKASH_TOKEN and ENKASH_BASE_URL", env: []string{"ENKASH_TOKEN=" + secret, "ENKASH_BASE_URL=" + srv.URL}},
		{name: "password-grant variables", env: []string{"ENKASH_CLIENT_ID=" + secret, "ENKASH_CLIENT_SECRET=" + secret,
			"ENKASH_USERNAME=" + secret, "ENKASH_PASSWORD=" + secret}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv.ResetRequests()
			args := append([]string{"update", "--sandbox"}, tc.flags...)
			args = append(args, "--set", "state=Goa", wrappertest.DemoCustomerID)
			res := runBinary(t, append(proxyEnv(srv), tc.env...), "", args...)
			require.Equal(t, exitOK, res.code, res.stderr)
			assert.Contains(t, res.stderr, "--sandbox")
			assert.Contains(t, res.stderr, "using the embedded sandbox")
			var got api.CustomerResponse
			require.NoError(t, json.Unmarshal([]byte(res.stdout), &got))
			assert.Equal(t, "Goa", got.State, "the sandbox's customer was updated")
			assert.NotContains(t, res.stdout+res.stderr, secret)
			assert.Empty(t, srv.Requests(), "nothing reaches $ENKASH_BASE_URL or Enkash")
			after, _ := srv.Customer(wrappertest.DemoCustomerID)
			assert.Equal(t, before, after)
		})
	}

	t.Run("with --base-url", func(t *testing.T) {
		srv.ResetRequests()
		for _, args := range [][]string{
			{"update", "--sandbox", "--base-url", srv.URL, "--set", "state=Goa", wrappertest.DemoCustomerID},
			{"update", "--base-url=" + srv.URL, "--set", "state=Goa", wrappertest.DemoCustomerID, "--sandbox"},
		} {
			res := runBinary(t, []string{"ENKASH_TOKEN=" + secret}, "", args...)
			assert.Equal(t, exitUsage, res.code, res.stderr)
			assert.Contains(t, res.stderr, "--sandbox and --base-url cannot be combined")
			assert.Contains(t, res.stderr, "usage: enkash-customer", "usage on stderr")
			assert.Empty(t, res.stdout)
			assert.NotContains(t, res.stderr, secret)
		}
		assert.Empty(t, srv.Requests())
	})
}

// TestUsage_HelpOnStdout: every way of asking for help prints the usage on stdout,
// nothing on stderr, and exits 0.
func TestUsage_HelpOnStdout(t *testing.T) {
	for _, args := range [][]string{
		{"--help"}, {"-h"}, {"-help"}, {"help"},
		{"update", "--help"}, {"update", "-h"},
		{"update", "--set", "state=Goa", "--help", wrappertest.DemoCustomerID},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			res := runBinary(t, nil, "", args...)
			assert.Equal(t, exitOK, res.code)
			assert.Equal(t, usageText(), res.stdout)
			assert.Empty(t, res.stderr, "nothing ran: no sandbox either")
		})
	}
	assert.Contains(t, usageText(), "--sandbox")
	assert.Contains(t, usageText(), "--version")
}

// TestUsage_ErrorsPrintUsageOnStderr: a bad command line is exit 2,
// the problem and then the usage on stderr, nothing on stdout.
func TestUsage_ErrorsPrintUsageOnStderr(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		wantErr string
	}{
		{args: nil, wantErr: "missing command"},
		{args: []string{"purge"}, wantErr: `unknown command "purge"`},
		{args: []string{"update", "--nickname", "x", wrappertest.DemoCustomerID}, wantErr: "flag provided but not defined: -nickname"},
		{args: []string{"update", "--set", "state=Goa"}, wantErr: "exactly one CUSTOMER_ID"},
		{args: []string{"update", "--timeout", "0s", wrappertest.DemoCustomerID}, wantErr: "--timeout must be positive"},
		{args: []string{"update", "--timeout", "soon", wrappertest.DemoCustomerID}, wantErr: "invalid value"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			res := runBinary(t, nil, "", tc.args...)
			assert.Equal(t, exitUsage, res.code)
			assert.Empty(t, res.stdout)
			assert.True(t, strings.HasPrefix(res.stderr, "enkash-customer: "), res.stderr)
			assert.Contains(t, res.stderr, tc.wantErr)
			assert.True(t, strings.HasSuffix(res.stderr, usageText()), "usage follows the error: %q", res.stderr)
		})
	}
}

// versionLine is what --version prints: the module version from the build
// info, "(devel)" when built from a checkout without one.
var versionLine = regexp.MustCompile(`^enkash-customer (\(devel\)|v[0-9]+\.[0-9]+\.[0-9]+\S*)\n$`)

// TestVersion_PrintsOneLine: --version (also after update) prints one version line on
// stdout and exits 0.
func TestVersion_PrintsOneLine(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"-version"}, {"version"}, {"update", "--version"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			res := runBinary(t, nil, "", args...)
			assert.Equal(t, exitOK, res.code)
			assert.Regexp(t, versionLine, res.stdout)
			assert.Empty(t, res.stderr)
		})
	}
}

func TestVersionOf(t *testing.T) {
	assert.Equal(t, "(devel)", versionOf(nil, false), "no build info")
	assert.Equal(t, "(devel)", versionOf(&debug.BuildInfo{}, true), "no main module version")
	assert.Equal(t, "(devel)", versionOf(&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, true))
	assert.Equal(t, "v1.4.0", versionOf(&debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}}, true))
}

// TestTarget_SandboxTakesAnyValidCustomerID: the embedded sandbox updates a
// customerId it has never seen (created blank), for update and for a sync
// of the user's own file; an id the spec refuses is still refused.
func TestTarget_SandboxTakesAnyValidCustomerID(t *testing.T) {
	env := []string{"ENKASH_TOKEN=", "ENKASH_BASE_URL=", "ENKASH_PASSWORD=", "ENKASH_CLIENT_ID=", "ENKASH_CLIENT_SECRET=", "ENKASH_USERNAME="}
	res := runBinary(t, env, "", "update", "--set", "legalName=My Own Co", "KCMYOWN000000007")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stderr, "any other valid customerId starts blank")
	var got api.CustomerResponse
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &got))
	assert.Equal(t, "KCMYOWN000000007", got.CustomerId)
	assert.Equal(t, "My Own Co", got.LegalName)

	rows := `{"customerId":"KCMYOWN000000001","update":{"legalName":"One"}}` + "\n" +
		`{"customerId":"KCMYOWN000000002","parentCompanyId":"CEKMYOWN01","update":{"state":"Goa"}}` + "\n" +
		`{"customerId":"KCMYOWN000000001","update":{"state":"Kerala"}}` + "\n"
	res = runBinary(t, env, "", "sync", writeFile(t, "own.jsonl", rows))
	require.Equal(t, exitOK, res.code, res.stderr)

	res = runBinary(t, env, "", "update", "--set", "legalName=X", "KCmyown000000007")
	assert.Equal(t, exitUsage, res.code, "a customerId the spec's pattern refuses: %s", res.stderr)
}

// TestTarget_TokenFlagWinsOverEnv: --token is used even when $ENKASH_TOKEN
// holds another token.
func TestTarget_TokenFlagWinsOverEnv(t *testing.T) {
	const good = "flag-token-9d2c"
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers(), wrappertest.WithToken(good))
	res := runBinary(t, []string{"ENKASH_BASE_URL=" + srv.URL, "ENKASH_TOKEN=env-token-wrong-1"}, "",
		"update", "--token", good, "--set", "state=Goa", wrappertest.DemoCustomerID)
	assert.Equal(t, exitOK, res.code, res.stderr)
	res = runBinary(t, []string{"ENKASH_BASE_URL=" + srv.URL, "ENKASH_TOKEN=" + good}, "",
		"update", "--token", "env-token-wrong-1", "--set", "state=Goa", wrappertest.DemoCustomerID)
	assert.Equal(t, exitAPI, res.code, "the flag's (wrong) token was used")
}

func TestTarget_DefaultsToEmbeddedSandbox(t *testing.T) {
	res := runBinary(t, nil, "", "update", "--set", "legalName=Acme Traders Pvt Ltd", "--clear", "address", wrappertest.DemoCustomerID)
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stderr, "embedded sandbox")
	var got api.CustomerResponse
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &got))
	assert.Equal(t, "Acme Traders Pvt Ltd", got.LegalName)
	assert.Empty(t, got.Address)
	assert.Equal(t, wrappertest.DemoCustomerID, got.CustomerId)
}
