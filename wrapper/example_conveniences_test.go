package wrapper_test

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper"
)

// Name your application in the User-Agent, after the SDK's.
func ExampleWithUserAgent() {
	srv := fakeEnkash(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("user-agent:", r.Header.Get("User-Agent"))
		_, _ = io.WriteString(w, `{"payload":{"customerId":"KCABCDEFGH123456"}}`)
	})
	defer srv.Close()
	c, err := wrapper.NewClient(srv.URL, wrapper.WithToken("my-token"), wrapper.WithUserAgent("acme-erp-sync/2.3.1"))
	if err != nil {
		panic(err)
	}
	defer c.CloseIdleConnections()
	if _, err := c.UpdateCustomer(context.Background(), "KCABCDEFGH123456", api.UpdateCustomerRequest{}); err != nil {
		panic(err)
	}
	// Output:
	// user-agent: enkash-go/0.1.0 acme-erp-sync/2.3.1
}

// countingTransport stands for otelhttp.NewTransport or any other
// RoundTripper middleware.
type countingTransport struct {
	next http.RoundTripper
	n    atomic.Int32
}

func (t *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.n.Add(1)
	return t.next.RoundTrip(r)
}

// Wrap the SDK's tuned transport (tracing, metrics, a proxy) and keep its
// defaults and WithTimeout.
func ExampleWithTransportWrapper() {
	srv := fakeEnkash(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"payload":{"customerId":"KCABCDEFGH123456"}}`)
	})
	defer srv.Close()
	var counter *countingTransport
	c, err := wrapper.NewClient(srv.URL, wrapper.WithToken("my-token"), wrapper.WithTimeout(10*time.Second),
		wrapper.WithTransportWrapper(func(rt http.RoundTripper) http.RoundTripper {
			tr := rt.(*http.Transport) // the SDK's default transport
			fmt.Println("idle connections kept: every one in use before:", tr.MaxIdleConnsPerHost == math.MaxInt)
			counter = &countingTransport{next: rt}
			return counter
		}))
	if err != nil {
		panic(err)
	}
	defer c.CloseIdleConnections()
	for range 2 {
		if _, err := c.UpdateCustomer(context.Background(), "KCABCDEFGH123456", api.UpdateCustomerRequest{}); err != nil {
			panic(err)
		}
	}
	fmt.Println("requests seen by the wrapper:", counter.n.Load())
	// Output:
	// idle connections kept: every one in use before: true
	// requests seen by the wrapper: 2
}

// Read the status, Enkash's request id and the number of attempts of a call.
func ExampleWithResponseMetadata() {
	var calls atomic.Int32
	srv := fakeEnkash(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable) // refused, so retried
			return
		}
		w.Header().Set("X-Request-Id", "7c0e5a52-7d47-4a2b-9c3e-2f1d8e6b4a10")
		_, _ = io.WriteString(w, `{"payload":{"customerId":"KCABCDEFGH123456"}}`)
	})
	defer srv.Close()
	c, err := wrapper.NewClient(srv.URL, wrapper.WithToken("my-token"),
		wrapper.WithRetry(wrapper.RetryPolicy{BaseDelay: time.Millisecond}))
	if err != nil {
		panic(err)
	}
	defer c.CloseIdleConnections()
	var meta wrapper.ResponseMetadata
	if _, err := c.UpdateCustomer(context.Background(), "KCABCDEFGH123456", api.UpdateCustomerRequest{},
		wrapper.WithResponseMetadata(&meta)); err != nil {
		panic(err)
	}
	fmt.Println(meta.StatusCode, meta.RequestID, meta.Attempts)
	// Output:
	// 200 7c0e5a52-7d47-4a2b-9c3e-2f1d8e6b4a10 2
}

// Email fills the generated DTOs' e-mail fields without importing
// oapi-codegen's runtime package; Go's new(value) fills the optional ones.
func ExampleEmail() {
	var u api.UpdateCustomerRequest
	u.CustomerKeyContacts.Set([]api.CustomerKeyContactCreateDTO{{
		Name: "Asha Rao", LegalName: "Acme Traders Pvt Ltd", Mobile: "+91 9876543210",
		Email: new(wrapper.Email("asha.rao@acme.example")), WhatsappEnabled: new(true),
	}})
	u.CustomerReminders.Set([]api.CustomerReminderCreateDTO{{
		ReminderType: new(api.ReminderTypeOnce), ReminderTime: new("09:30"), DueDateDifference: new(int32(3)),
	}})
	fmt.Println(wrapper.ValidateUpdateCustomer("KCABCDEFGH123456", u))
	// Output:
	// <nil>
}
