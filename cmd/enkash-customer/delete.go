package main

import (
	"context"
	"fmt"
	"io"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper"
)

const deleteUsage = `usage: enkash-customer delete --yes [flags] CUSTOMER_ID

Deletes one Enkash customer (DELETE /api/v0/customer/{customerId}) and prints Enkash's payload, a
message, as JSON on stdout. Without --yes nothing is sent (exit 2).

  --yes                    confirm the deletion (required)
  --parent-company-id ID   the parentCompanyId query parameter
  --base-url URL, --sandbox, --token TOKEN, --timeout DURATION, --verbose
                           as for update: the same rules of where the request goes
  -h, --help               print this text on stdout

Exit status: 0 success, 1 API or transport error, 2 usage or validation error or no --yes
(nothing sent).
`

// deleteOptions are the parsed delete command line.
type deleteOptions struct {
	customerCommand
	yes bool
}

func parseDeleteArgs(args []string) (deleteOptions, error) {
	var o deleteOptions
	fs := o.flagSet("delete")
	fs.BoolVar(&o.yes, "yes", false, "confirm the deletion")
	return o, o.parse(fs, args)
}

// runDelete is `enkash-customer delete`; args follow "delete".
func runDelete(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	o, err := parseDeleteArgs(args)
	if err != nil {
		return usageExit(err, deleteUsage, stdout, stderr)
	}
	if vs := api.ValidateDeleteCustomer(o.customerID, &api.DeleteCustomerParams{ParentCompanyId: o.parent()}); vs != nil {
		return invalidExit(stderr, vs)
	}
	if !o.yes {
		fmt.Fprintf(stderr, "enkash-customer: delete %s is permanent: pass --yes to confirm; nothing was sent\n", o.customerID)
		return exitUsage
	}
	return o.send(ctx, "delete", stdout, stderr, getenv, func(ctx context.Context, c *wrapper.Client, opts []wrapper.CallOption) (any, error) {
		return c.DeleteCustomer(ctx, o.customerID, opts...)
	})
}
