package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

// cmdResult is what an in-process command run printed and returned.
type cmdResult struct {
	code           int
	stdout, stderr string
}

// runCmd runs a command function in-process with env as its whole
// environment.
func runCmd(cmd func(context.Context, []string, *bytes.Buffer, *bytes.Buffer, func(string) string) int, env map[string]string, args ...string) cmdResult {
	var stdout, stderr bytes.Buffer
	code := cmd(context.Background(), args, &stdout, &stderr, func(k string) string { return env[k] })
	return cmdResult{code, stdout.String(), stderr.String()}
}

func activateCmd(ctx context.Context, args []string, stdout, stderr *bytes.Buffer, getenv func(string) string) int {
	return runActivate(ctx, args, stdout, stderr, getenv)
}

func deleteCmd(ctx context.Context, args []string, stdout, stderr *bytes.Buffer, getenv func(string) string) int {
	return runDelete(ctx, args, stdout, stderr, getenv)
}

// fakeEnkash is a spec-validated fake with the demo customers, and the
// environment that points the CLI at it with its token.
func fakeEnkash(t *testing.T, opts ...wrappertest.Option) (*wrappertest.Server, map[string]string) {
	t.Helper()
	srv := wrappertest.NewTestServer(t, append([]wrappertest.Option{wrappertest.WithDemoCustomers()}, opts...)...)
	return srv, map[string]string{"ENKASH_BASE_URL": srv.URL, "ENKASH_TOKEN": srv.Token}
}
