// Command enkash-customer updates Enkash customers from the command line: one
// with update, a whole file of them (JSONL or CSV) with sync; activate and
// delete (which asks for --yes) act on one customer.
//
//	enkash-customer update [flags] CUSTOMER_ID
//	enkash-customer sync [flags] FILE|-
//	enkash-customer activate [flags] CUSTOMER_ID
//	enkash-customer delete --yes [flags] CUSTOMER_ID
//	enkash-customer --help | --version
//
// Fields are set with --set FIELD=VALUE and cleared with --clear FIELD; every
// field not named is left unchanged.
//
// The update goes to --base-url, else $ENKASH_BASE_URL. With neither and no
// credentials at all it goes to an embedded sandbox (the fake server behind
// wrappertest, without its kin-openapi layer: the generated validators check
// requests; seeded with demo customers such as KCDEMO0000000001), said on stderr, so the
// whole flow can be tried without an account; --sandbox asks for the sandbox
// explicitly. With a credential set (--token, $ENKASH_TOKEN or any of the
// password-grant variables) but no base URL the command refuses (exit 2) rather
// than pretend to reach Enkash.
//
// Exit status: 0 on success (and for --help and --version), 1 on an API or
// transport error, 2 on a usage or local validation error (nothing is sent).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // the first signal winds down; a second one kills as usual
	}()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
