// Command enkash-customer updates an Enkash customer from the command line.
//
//	enkash-customer update [flags] CUSTOMER_ID
//
// Fields are set with --set FIELD=VALUE and cleared with --clear FIELD; every
// field not named is left unchanged. With no --base-url and no
// $ENKASH_BASE_URL it starts an embedded sandbox (the wrappertest fake,
// seeded with demo customers such as KCDEMO0000000001), so the whole flow can
// be tried without credentials.
//
// Exit status: 0 on success, 1 on an API or transport error, 2 on a usage or
// local validation error (nothing is sent).
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
