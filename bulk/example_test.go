package bulk_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/enkash-oss/enkash-go/bulk"
)

// Read a JSONL sync input: every row with its line, valid rows typed,
// invalid rows as a *bulk.RowError naming the line, field and rule.
func ExampleNewReader() {
	in := strings.NewReader(`{"customerId":"KCDEMO0000000001","update":{"legalName":"Shree Ganesh Textiles","address":null}}
{"customerId":"KCDEMO0000000002","update":{"customerKeyContacts":[{"deleted":false,"legalName":"Ops","name":"Asha","mobile":"12345"}]}}
`)
	r, err := bulk.NewReader(in, bulk.ReaderOptions{Format: bulk.FormatJSONL})
	if err != nil {
		fmt.Println(err) // a bad CSV header, an unknown format
		return
	}
	for row, err := range r.Rows() {
		var re *bulk.RowError
		switch {
		case errors.As(err, &re):
			fmt.Println("invalid:", re)
		case err != nil:
			fmt.Println("stopped:", err) // I/O, an unclosed CSV quote, a row over MaxRowBytes
			return
		default:
			body, _ := row.Update.AppendJSON(nil)
			fmt.Printf("line %d: %s %s\n", row.Line, row.CustomerID, body)
		}
	}
	// Output:
	// line 1: KCDEMO0000000001 {"address":null,"legalName":"Shree Ganesh Textiles"}
	// invalid: line 2: customerKeyContacts[0].mobile: pattern ^$|^((\+|00)(\d{1,3})[\s-]?)?(\d{10})$
}

// A CSV input: an empty cell leaves the field unchanged, the null marker
// (\N unless set) clears it; cells of list fields hold JSON (quoted, with
// its quotes doubled, as spreadsheets write it).
func ExampleReader_Rows() {
	in := strings.NewReader("customerId;legalName;address;branchCodes\n" +
		`KCDEMO0000000001;Shree Ganesh Textiles;\N;"[""PNJ01""]"` + "\n" +
		"KCDEMO0000000002;;NULL;\n")
	r, err := bulk.NewReader(in, bulk.ReaderOptions{Format: bulk.FormatCSV, Delimiter: ';'})
	if err != nil {
		fmt.Println(err)
		return
	}
	for row, err := range r.Rows() {
		if err != nil {
			fmt.Println(err)
			continue
		}
		body, _ := row.Update.AppendJSON(nil)
		fmt.Printf("line %d: %s %s\n", row.Line, row.CustomerID, body)
	}
	for _, w := range r.Warnings() {
		fmt.Println("warning:", w)
	}
	// Output:
	// line 2: KCDEMO0000000001 {"address":null,"branchCodes":["PNJ01"],"legalName":"Shree Ganesh Textiles"}
	// line 3: KCDEMO0000000002 {"address":"NULL"}
	// warning: 1 cell holds the text NULL or null, sent as that text, not as null: the null marker is \N
}

// Decode a PATCH body strictly, as update --body does: absent, null and
// values are kept; a duplicate key, invalid UTF-8, an unknown field or
// trailing data is refused with the line, field and rule.
func ExampleDecodeUpdate() {
	u, err := bulk.DecodeUpdate([]byte(`{"legalName":"Acme Traders Pvt Ltd","address":null}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := u.AppendJSON(nil)
	fmt.Println(string(body))

	_, err = bulk.DecodeUpdate([]byte("{\n  \"legalName\": \"Acme\",\n  \"legalName\": \"Acme Traders\"\n}"))
	fmt.Println(err)
	// Output:
	// {"address":null,"legalName":"Acme Traders Pvt Ltd"}
	// line 3: legalName: duplicate key
}
