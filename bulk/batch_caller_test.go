package bulk

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"

	"github.com/oapi-codegen/nullable"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

// The batch and the caller's code: the sequence and the loop body run on
// the caller's goroutine.

// TestUpdateCustomers_PanicComesOutOnTheCallersGoroutine: a panic in the
// caller's sequence or loop body is recovered by the caller, after every
// call of the batch has ended. (Before: a panic in the sequence was raised
// on the batch's own goroutine and crashed the process.)
func TestUpdateCustomers_PanicComesOutOnTheCallersGoroutine(t *testing.T) {
	panicAt := func(n int) iter.Seq[Update] {
		return func(yield func(Update) bool) {
			i := 0
			for u := range demoUpdates(100) {
				if i == n {
					panic("iterator bug")
				}
				i++
				if !yield(u) {
					return
				}
			}
		}
	}
	tests := []struct {
		name    string
		updates iter.Seq[Update]
		body    func(Result)
		want    any
	}{
		{"in the sequence, at the first item", panicAt(0), func(Result) {}, "iterator bug"},
		{"in the sequence, with calls in flight", panicAt(10), func(Result) {}, "iterator bug"},
		{"in the loop body", demoUpdates(100), func(Result) { panic("consumer bug") }, "consumer bug"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
			c := fakeClient(t, srv)
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
			defer c.CloseIdleConnections() // runs first: connections are not the batch's
			var recovered any
			func() {
				defer func() { recovered = recover() }()
				for r := range UpdateCustomers(context.Background(), c, tt.updates, WithConcurrency(4)) {
					tt.body(r)
				}
			}()
			assert.Equal(t, tt.want, recovered)
		})
	}
}

// TestUpdateCustomers_SequenceIgnoringStopGetsGosError: a sequence that
// goes on calling yield after it returned false gets Go's runtime error on
// the caller's goroutine, rather than the batch draining it to its end (or
// hanging on an endless one, as before).
func TestUpdateCustomers_SequenceIgnoringStopGetsGosError(t *testing.T) {
	tests := []struct {
		name string
		n    int // items the sequence offers; 0: endless
	}{
		{"finite", 50},
		{"endless", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
			c := fakeClient(t, srv)
			careless := func(yield func(Update) bool) {
				for i := 0; tt.n == 0 || i < tt.n; i++ {
					u := Update{CustomerID: wrappertest.DemoCustomerID}
					u.Body.State.Set("Goa")
					yield(u) // result ignored
				}
			}
			var recovered any
			func() {
				defer func() { recovered = recover() }()
				for range UpdateCustomers(context.Background(), c, careless, WithConcurrency(2)) {
					break
				}
			}()
			require.NotNil(t, recovered, "no panic: the batch let the sequence run on")
			re, ok := recovered.(runtime.Error)
			require.True(t, ok, "want a runtime.Error, got %T %v", recovered, recovered)
			assert.Contains(t, re.Error(), "continued iteration after function for loop body returned false")
		})
	}
}

// TestUpdateCustomers_ReusedBuffersDoNotMixItems: a sequence that reuses
// one map, slice or pointer for every item, changing it in place for the
// next, still gets each item sent with its own values. (Before: items were
// encoded later, on the calls' goroutines, and carried other items' values.)
func TestUpdateCustomers_ReusedBuffersDoNotMixItems(t *testing.T) {
	const n = 300
	want := func(i int) string { return fmt.Sprintf("V%04d", i) }
	tests := []struct {
		name string
		// fill sets item i's value in the reused body b; got reads it back
		// from a request body.
		fill func(b *api.UpdateCustomerRequest, i int)
		got  func(b api.UpdateCustomerRequest) string
	}{
		{"a nullable field's map", func(b *api.UpdateCustomerRequest, i int) {
			if b.LegalName == nil {
				b.LegalName = nullable.NewNullableWithValue("")
			}
			b.LegalName[true] = want(i)
		}, func(b api.UpdateCustomerRequest) string { return b.LegalName.MustGet() }},
		{"a list's backing array", func(b *api.UpdateCustomerRequest, i int) {
			if b.BranchCodes == nil {
				b.BranchCodes = nullable.NewNullableWithValue(make([]string, 1))
			}
			b.BranchCodes[true][0] = want(i)
		}, func(b api.UpdateCustomerRequest) string { return b.BranchCodes.MustGet()[0] }},
		{"a pointer inside a list element", func(b *api.UpdateCustomerRequest, i int) {
			if b.CustomerKeyContacts == nil {
				id := ""
				b.CustomerKeyContacts = nullable.NewNullableWithValue([]api.CustomerKeyContactCreateDTO{
					{Name: "Asha", LegalName: "Acme", Mobile: "9876543210", KeyContactPersonId: &id}})
			}
			*b.CustomerKeyContacts[true][0].KeyContactPersonId = want(i)
		}, func(b api.UpdateCustomerRequest) string {
			return *b.CustomerKeyContacts.MustGet()[0].KeyContactPersonId
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var mixed []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var body api.UpdateCustomerRequest
				if err := jsonDecode(r, &body); err != nil {
					t.Error(err)
				}
				id := pathID(r)
				var i int
				_, _ = fmt.Sscanf(id, "KCREUSE%09d", &i)
				if got := tt.got(body); got != want(i) {
					mu.Lock()
					mixed = append(mixed, id+" got "+got)
					mu.Unlock()
				}
				replyOK(w, id)
			}))
			t.Cleanup(srv.Close)
			c := plainClient(t, srv.URL)
			reusing := func(yield func(Update) bool) {
				var u Update // one item, changed in place for each
				for i := range n {
					u.CustomerID = fmt.Sprintf("KCREUSE%09d", i)
					tt.fill(&u.Body, i)
					if !yield(u) {
						return
					}
				}
			}
			ok := 0
			for r := range UpdateCustomers(context.Background(), c, reusing, WithConcurrency(8)) {
				require.NoError(t, r.Err)
				ok++
			}
			assert.Equal(t, n, ok)
			assert.Empty(t, mixed, "items sent with another item's value")
		})
	}
}
