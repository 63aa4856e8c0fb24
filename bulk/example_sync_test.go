package bulk_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/enkash-oss/enkash-go/bulk"
	"github.com/enkash-oss/enkash-go/wrapper"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

// Keep Enkash in sync with a file: the first run sends each customer's
// merged desired fields; a rerun of the same file sends nothing, because
// the state records what Enkash confirmed.
func ExampleSync() {
	srv := wrappertest.NewServer(wrappertest.WithDemoCustomers()) // stands in for Enkash
	defer srv.Close()
	client, err := wrapper.NewClient(srv.URL, wrapper.WithToken(srv.Token))
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, _ := os.MkdirTemp("", "sync-example")
	defer os.RemoveAll(dir)
	const input = `{"customerId":"KCDEMO0000000001","update":{"legalName":"Shree Ganesh Textiles","state":"Goa"}}
{"customerId":"KCDEMO0000000002","update":{"pinCode":"403001"}}
{"customerId":"KCDEMO0000000001","update":{"state":"Kerala"}}
`
	for run := 1; run <= 2; run++ {
		store, err := bulk.OpenStore(context.Background(), filepath.Join(dir, "state.db"))
		if err != nil {
			fmt.Println(err)
			return
		}
		r, err := bulk.NewReader(strings.NewReader(input), bulk.ReaderOptions{Format: bulk.FormatJSONL})
		if err != nil {
			fmt.Println(err)
			return
		}
		s := &bulk.Sync{Store: store, Client: client, Input: "customers.jsonl"}
		sum, err := s.Run(context.Background(), r.Rows())
		store.Close()
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("run %d: %d rows, %d customers: %d changed, %d unchanged, %d sent, %d ok\n",
			run, sum.Rows, sum.Customers, sum.Changed, sum.Unchanged, sum.Sent, sum.OK)
	}
	for _, r := range srv.Requests() {
		fmt.Println(r.Method, r.Path, string(r.Body))
	}
	// Output:
	// run 1: 3 rows, 2 customers: 2 changed, 0 unchanged, 2 sent, 2 ok
	// run 2: 3 rows, 2 customers: 0 changed, 2 unchanged, 0 sent, 0 ok
	// PATCH /api/v0/customer/KCDEMO0000000001 {"legalName":"Shree Ganesh Textiles","state":"Kerala"}
	// PATCH /api/v0/customer/KCDEMO0000000002 {"pinCode":"403001"}
}
