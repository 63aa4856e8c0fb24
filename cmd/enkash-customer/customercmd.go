package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper"
)

// customerCommand is the command line shared by the commands that act on one
// customer without a body (activate, delete): where to send (the same
// target rules as update), the parentCompanyId, the timeout and CUSTOMER_ID.
type customerCommand struct {
	target     target
	parentID   string
	timeout    time.Duration
	customerID string
}

// flagSet returns a flag set for the command name with the shared flags.
func (c *customerCommand) flagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // the caller prints the error and the usage
	fs.Usage = func() {}
	fs.StringVar(&c.parentID, "parent-company-id", "", api.ParamUpdateCustomerParentCompanyId)
	fs.StringVar(&c.target.baseURL, "base-url", "", "API base URL")
	fs.BoolVar(&c.target.sandbox, "sandbox", false, "use the embedded sandbox")
	fs.StringVar(&c.target.token, "token", "", "bearer token")
	fs.BoolVar(&c.target.verbose, "verbose", false, "debug log on stderr")
	fs.DurationVar(&c.timeout, "timeout", 30*time.Second, "timeout for the whole call")
	return fs
}

// parse parses args with fs (from flagSet) and checks the shared rules.
func (c *customerCommand) parse(fs *flag.FlagSet, args []string) error {
	positional, err := parseInterleaved(fs, args)
	switch {
	case err != nil:
		return err
	case c.target.sandbox && c.target.baseURL != "":
		return errors.New("--sandbox and --base-url cannot be combined: choose one")
	case len(positional) != 1:
		return fmt.Errorf("want exactly one CUSTOMER_ID, got %d arguments", len(positional))
	case c.timeout <= 0:
		return errors.New("--timeout must be positive")
	}
	c.customerID = positional[0]
	return nil
}

// parent is the parentCompanyId query parameter, nil when not given.
func (c *customerCommand) parent() *string {
	if c.parentID == "" {
		return nil
	}
	return &c.parentID
}

// usageExit answers a parse error: the usage on stdout for --help (exit 0),
// else the error and the usage on stderr (exit 2).
func usageExit(err error, usage string, stdout, stderr io.Writer) int {
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "enkash-customer: %v\n\n%s", err, usage)
	return exitUsage
}

// invalidExit reports a request the generated validator refused: exit 2,
// nothing sent.
func invalidExit(stderr io.Writer, vs []api.Violation) int {
	fmt.Fprintf(stderr, "enkash-customer: %v\n", &wrapper.ValidationError{Violations: vs})
	return exitUsage
}

// send makes the call through a client for the command's target and prints
// the payload as JSON on stdout; an error goes to stderr, naming the command
// and the customer (exit 1).
func (c *customerCommand) send(ctx context.Context, name string, stdout, stderr io.Writer, getenv func(string) string,
	call func(context.Context, *wrapper.Client, []wrapper.CallOption) (any, error)) int {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	client, cleanup, code := newTargetClient(c.target, getenv, stderr)
	if client == nil {
		return code
	}
	defer cleanup()
	var opts []wrapper.CallOption
	if c.parentID != "" {
		opts = append(opts, wrapper.WithParentCompanyID(c.parentID))
	}
	payload, err := call(ctx, client, opts)
	if err != nil {
		// The request was validated before (invalidExit): this is Enkash's
		// answer or the transport's.
		fmt.Fprintf(stderr, "enkash-customer: %s %s: %v\n", name, c.customerID, err)
		return exitAPI
	}
	return printJSON(stdout, stderr, payload, exitAPI)
}
