package main

import (
	"context"
	"io"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper"
)

const activateUsage = `usage: enkash-customer activate [flags] CUSTOMER_ID

Activates one Enkash customer (PUT /api/v0/customer/activate/{customerId}) and prints Enkash's
payload, an object Enkash does not document, as JSON on stdout.

  --parent-company-id ID   the parentCompanyId query parameter
  --base-url URL, --sandbox, --token TOKEN, --timeout DURATION, --verbose
                           as for update: the same rules of where the request goes
  -h, --help               print this text on stdout

Exit status: 0 success, 1 API or transport error, 2 usage or validation error (nothing sent).
`

// activateOptions are the parsed activate command line.
type activateOptions struct {
	customerCommand
}

func parseActivateArgs(args []string) (activateOptions, error) {
	var o activateOptions
	return o, o.parse(o.flagSet("activate"), args)
}

// runActivate is `enkash-customer activate`; args follow "activate".
func runActivate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	o, err := parseActivateArgs(args)
	if err != nil {
		return usageExit(err, activateUsage, stdout, stderr)
	}
	if vs := api.ValidateActivateCustomer(o.customerID, &api.ActivateCustomerParams{ParentCompanyId: o.parent()}); vs != nil {
		return invalidExit(stderr, vs)
	}
	return o.send(ctx, "activate", stdout, stderr, getenv, func(ctx context.Context, c *wrapper.Client, opts []wrapper.CallOption) (any, error) {
		return c.ActivateCustomer(ctx, o.customerID, opts...)
	})
}
