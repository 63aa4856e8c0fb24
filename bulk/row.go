// Package bulk keeps a customer master in sync with Enkash: it reads JSONL
// and CSV files of updates into typed rows, stages them as the desired state,
// records what Enkash confirmed in an embedded SQLite state file, and sends
// per customer only the fields whose desired value differs from the value
// last confirmed applied. The enkash-customer sync command is a thin shell
// over it; wrapper.Client stays a per-call client.
package bulk

import "github.com/enkash-oss/enkash-go/api"

// Row is one update read from a sync input: the customer, the optional
// parentCompanyId query parameter and the PATCH body, with the line of the
// file where the row starts.
type Row struct {
	// Line is the 1-based line of the input where the row starts.
	Line int
	// CustomerID is the customer to update (the path parameter).
	CustomerID string
	// ParentCompanyID, when not empty, is sent as the parentCompanyId
	// query parameter.
	ParentCompanyID string
	// Update is the PATCH body: each field absent (keep), null (clear) or a
	// value (set).
	Update api.UpdateCustomerRequest
}
