package wrapper_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/enkash-oss/enkash-go/wrapper"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

// Activate a customer. Enkash does not document the payload's shape: it is
// returned as a map (the fake answers with the customer).
func ExampleClient_ActivateCustomer() {
	srv := wrappertest.NewServer(wrappertest.WithDemoCustomers())
	defer srv.Close()
	c, err := wrapper.NewClient(srv.URL, wrapper.WithToken(srv.Token))
	if err != nil {
		panic(err)
	}

	payload, err := c.ActivateCustomer(context.Background(), wrappertest.DemoCustomerID,
		wrapper.WithParentCompanyID(wrappertest.DemoParentCompanyID))
	if err != nil {
		panic(err)
	}
	fmt.Println(payload["customerId"], payload["active"])
	// Output: KCDEMO0000000001 true
}

// Delete a customer; the payload is Enkash's message. A second delete finds
// nothing.
func ExampleClient_DeleteCustomer() {
	srv := wrappertest.NewServer(wrappertest.WithDemoCustomers())
	defer srv.Close()
	c, err := wrapper.NewClient(srv.URL, wrapper.WithToken(srv.Token))
	if err != nil {
		panic(err)
	}

	msg, err := c.DeleteCustomer(context.Background(), wrappertest.DemoCustomerID)
	fmt.Println(msg, err)
	_, err = c.DeleteCustomer(context.Background(), wrappertest.DemoCustomerID)
	fmt.Println(errors.Is(err, wrapper.ErrNotFound))
	// Output:
	// Customer KCDEMO0000000001 deleted <nil>
	// true
}
