package wrappertest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

// Example_wrapper is how users test their own code: the fake's URL and token
// plug straight into wrapper.NewClient, faults exercise the retry policy, and
// the request log and store are there for assertions.
func Example_wrapper() {
	srv := wrappertest.NewServer(wrappertest.WithDemoCustomers())
	defer srv.Close()

	c, err := wrapper.NewClient(srv.URL, wrapper.WithToken(srv.Token))
	if err != nil {
		panic(err)
	}
	defer c.CloseIdleConnections()

	// One 503 with Retry-After: 0, then the real answer.
	srv.Inject(wrappertest.Fault{Status: http.StatusServiceUnavailable, RetryAfter: "0", Times: 1})

	var u api.UpdateCustomerRequest
	u.State.Set("Karnataka")
	cust, err := c.UpdateCustomer(context.Background(), wrappertest.DemoCustomerID, u)
	if err != nil {
		panic(err)
	}
	fmt.Println("state:", cust.State, "requests:", len(srv.Requests()))

	_, err = c.UpdateCustomer(context.Background(), "KCNOSUCHCUSTOMER", u)
	fmt.Println("not found:", errors.Is(err, wrapper.ErrNotFound))
	fmt.Println("spec violations:", len(srv.SpecViolations()))
	// Output:
	// state: Karnataka requests: 2
	// not found: true
	// spec violations: 0
}

// Example_passwordCredentials runs the password grant end to end against the
// fake's token endpoint.
func Example_passwordCredentials() {
	srv := wrappertest.NewServer(wrappertest.WithDemoCustomers(),
		wrappertest.WithCredentials("my-client", "my-secret", "ops@acme.example", "s3cret"))
	defer srv.Close()

	c, err := wrapper.NewClient(srv.URL,
		wrapper.WithPasswordCredentials("my-client", "my-secret", "ops@acme.example", "s3cret"))
	if err != nil {
		panic(err)
	}
	defer c.CloseIdleConnections()

	var u api.UpdateCustomerRequest
	u.PinCode.Set("560001")
	cust, err := c.UpdateCustomer(context.Background(), wrappertest.DemoCustomerID, u)
	if err != nil {
		panic(err)
	}
	fmt.Println(cust.PinCode, cust.ModifiedBy, srv.IssuedTokens())
	fmt.Println("spec violations:", len(srv.SpecViolations()))
	// Output:
	// 560001 ops@acme.example 1
	// spec violations: 0
}
