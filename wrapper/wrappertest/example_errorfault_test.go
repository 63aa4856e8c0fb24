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

// ExampleErrorFault tests how code handles Enkash refusing an update with
// VALIDATION_ERROR: the fault is a spec-valid error envelope, and the client
// sees the errorType, message and sub-errors it carries.
func ExampleErrorFault() {
	srv := wrappertest.NewServer(wrappertest.WithDemoCustomers())
	defer srv.Close()
	c, err := wrapper.NewClient(srv.URL, wrapper.WithToken(srv.Token))
	if err != nil {
		panic(err)
	}
	defer c.CloseIdleConnections()

	srv.Inject(wrappertest.ErrorFault(http.StatusBadRequest, api.ErrorTypeValidationError, "Request validation failed",
		wrappertest.SubError{Field: "legalName", Message: "must not be blank", RejectedValue: " "},
		wrappertest.SubError{Field: "state", Message: "unknown state", RejectedValue: "Atlantis"}))

	var u api.UpdateCustomerRequest
	u.LegalName.Set(" ")
	u.State.Set("Atlantis")
	_, err = c.UpdateCustomer(context.Background(), wrappertest.DemoCustomerID, u)

	var apiErr *wrapper.APIError
	if errors.Is(err, wrapper.ErrValidation) && errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.ErrorType, apiErr.ErrorMessage)
		for _, se := range apiErr.SubErrors {
			fmt.Printf("%s: %s (rejected %q)\n", se.Field, se.Message, se.RejectedValue)
		}
		fmt.Println("requestId matches the request:", apiErr.RequestID == srv.Requests()[0].RequestID)
	}
	// Output:
	// 400 VALIDATION_ERROR Request validation failed
	// legalName: must not be blank (rejected " ")
	// state: unknown state (rejected "Atlantis")
	// requestId matches the request: true
}
