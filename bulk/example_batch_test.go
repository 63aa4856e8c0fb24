package bulk_test

import (
	"context"
	"fmt"
	"iter"
	"slices"

	"golang.org/x/time/rate"

	"github.com/enkash-oss/enkash-go/bulk"
	"github.com/enkash-oss/enkash-go/wrapper"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

// Push many updates through one Client: at most 8 calls in flight, at most
// 50 requests per second, one result per item, as the calls complete.
func ExampleUpdateCustomers() {
	srv := wrappertest.NewServer(wrappertest.WithDemoCustomers())
	defer srv.Close()
	c, err := wrapper.NewClient(srv.URL, wrapper.WithToken(srv.Token))
	if err != nil {
		panic(err)
	}

	// A sequence read lazily, e.g. rows of an ERP export: UpdateCustomers
	// takes an item only when a call slot is free.
	ids := []string{wrappertest.DemoCustomerID, wrappertest.DemoCustomerID2, "KCNOSUCHCUSTOMER"}
	updates := func(yield func(bulk.Update) bool) {
		for _, id := range ids {
			u := bulk.Update{CustomerID: id}
			u.Body.State.Set("Goa")
			if !yield(u) {
				return
			}
		}
	}

	var lines []string
	for r := range bulk.UpdateCustomers(context.Background(), c, updates,
		bulk.WithConcurrency(8), bulk.WithRateLimit(rate.Limit(50), 1)) {
		if r.Err != nil {
			lines = append(lines, fmt.Sprintf("%d %s: failed, HTTP %d", r.Index, r.CustomerID, r.Meta.StatusCode))
			continue
		}
		lines = append(lines, fmt.Sprintf("%d %s: state %s", r.Index, r.CustomerID, r.Customer.State))
	}
	slices.Sort(lines) // results come as calls complete; Index is the input order
	for _, l := range lines {
		fmt.Println(l)
	}
	// Output:
	// 0 KCDEMO0000000001: state Goa
	// 1 KCDEMO0000000002: state Goa
	// 2 KCNOSUCHCUSTOMER: failed, HTTP 404
}

// Stop a batch early by leaving the loop: the calls in flight are cancelled
// and no further item is read.
func ExampleUpdateCustomers_stopEarly() {
	srv := wrappertest.NewServer(wrappertest.WithDemoCustomers())
	defer srv.Close()
	c, err := wrapper.NewClient(srv.URL, wrapper.WithToken(srv.Token))
	if err != nil {
		panic(err)
	}
	var updates iter.Seq[bulk.Update] = func(yield func(bulk.Update) bool) {
		for { // endless
			u := bulk.Update{CustomerID: wrappertest.DemoCustomerID}
			u.Body.State.Set("Goa")
			if !yield(u) {
				return
			}
		}
	}
	n := 0
	for r := range bulk.UpdateCustomers(context.Background(), c, updates, bulk.WithConcurrency(2)) {
		if r.Err != nil {
			panic(r.Err)
		}
		if n++; n == 5 {
			break
		}
	}
	fmt.Println("results:", n)
	// Output:
	// results: 5
}

// Wind a batch down on a signal: close stop (say on SIGINT) and the items
// not sent yet end with bulk.ErrStopped, while calls already sent finish.
func ExampleWithGracefulStop() {
	srv := wrappertest.NewServer(wrappertest.WithDemoCustomers())
	defer srv.Close()
	c, err := wrapper.NewClient(srv.URL, wrapper.WithToken(srv.Token))
	if err != nil {
		panic(err)
	}
	stop := make(chan struct{})
	close(stop) // stopped before it began: nothing is taken
	n := 0
	for range bulk.UpdateCustomers(context.Background(), c, slices.Values([]bulk.Update{{CustomerID: wrappertest.DemoCustomerID}}),
		bulk.WithGracefulStop(stop)) {
		n++
	}
	fmt.Println("results:", n)
	// Output:
	// results: 0
}
