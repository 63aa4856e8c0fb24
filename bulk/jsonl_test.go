package bulk

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

const (
	id1 = "KCDEMO0000000001"
	id2 = "KCDEMO0000000002"
)

func TestReader_JSONLRows(t *testing.T) {
	in := "\ufeff" + // a byte order mark, skipped
		`{"customerId":"` + id1 + `","parentCompanyId":"CEKDEMO001","update":{"legalName":"Shree","address":null}}` + "\r\n" +
		"\n   \t\n" + // blank lines, skipped
		`{"update":{"branchCodes":["PNJ01"]},"customerId":"` + id2 + `"}` + "\n" +
		`{"customerId":"` + id2 + `","parentCompanyId":null,"update":{}}` // no final line break
	got, r := readAll(t, in, ReaderOptions{Format: FormatJSONL})
	assert.Equal(t, []result{
		{Line: 1, CustomerID: id1, ParentCompanyID: "CEKDEMO001", Body: `{"address":null,"legalName":"Shree"}`},
		{Line: 4, CustomerID: id2, Body: `{"branchCodes":["PNJ01"]}`},
		{Line: 5, CustomerID: id2, Body: `{}`},
	}, got)
	assert.Empty(t, r.Warnings())
}

func TestReader_JSONLInvalidRows(t *testing.T) {
	row := func(s string) string { return s + "\n" }
	tests := []struct {
		name, in string
		want     result
	}{
		{"invalid UTF-8 in a body value", row(`{"customerId":"` + id1 + `","update":{"legalName":"a` + "\xff" + `"}}`),
			result{Line: 1, CustomerID: id1, Err: "line 1: legalName: invalid UTF-8"}},
		{"invalid UTF-8 in the customer id", row(`{"customerId":"KC` + "\xff" + `","update":{}}`),
			result{Line: 1, Err: "line 1: customerId: invalid UTF-8"}},
		{"duplicate customerId", row(`{"customerId":"` + id1 + `","customerId":"` + id2 + `","update":{}}`),
			result{Line: 1, CustomerID: id1, Err: "line 1: customerId: duplicate key"}},
		{"duplicate customerId, the first null", row(`{"customerId":null,"customerId":"` + id2 + `","update":{}}`),
			result{Line: 1, Err: "line 1: customerId: duplicate key"}},
		{"duplicate parentCompanyId", row(`{"customerId":"` + id1 + `","parentCompanyId":"CEKDEMO001","parentCompanyId":"CEKDEMO002","update":{}}`),
			result{Line: 1, CustomerID: id1, Err: "line 1: parentCompanyId: duplicate key"}},
		{"duplicate update", row(`{"customerId":"` + id1 + `","update":{},"update":{"legalName":"x"}}`),
			result{Line: 1, CustomerID: id1, Err: "line 1: update: duplicate key"}},
		{"duplicate key in the body", row(`{"customerId":"` + id1 + `","update":{"state":"KA","state":null}}`),
			result{Line: 1, CustomerID: id1, Err: "line 1: state: duplicate key"}},
		{"trailing garbage", row(`{"customerId":"` + id1 + `","update":{}} x`),
			result{Line: 1, CustomerID: id1, Err: "line 1: invalid JSON at column 47: data after the end of the object"}},
		{"two objects on a line", row(`{"customerId":"` + id1 + `","update":{}}{"customerId":"` + id2 + `","update":{}}`),
			result{Line: 1, CustomerID: id1, Err: "line 1: invalid JSON at column 46: data after the end of the object"}},
		{"unknown key", row(`{"customerId":"` + id1 + `","updates":{}}`),
			result{Line: 1, CustomerID: id1, Err: `line 1: unknown key "updates": want customerId, parentCompanyId or update`}},
		{"unknown key that looks like a value", row(`{"customerId":"` + id1 + `","9876543210":{}}`),
			result{Line: 1, CustomerID: id1, Err: `line 1: unknown key (not shown: it looks like a value): want customerId, parentCompanyId or update`}},
		{"no update", row(`{"customerId":"` + id1 + `"}`),
			result{Line: 1, CustomerID: id1, Err: "line 1: update: required (the PATCH body, {} for none)"}},
		{"update not an object", row(`{"customerId":"` + id1 + `","update":null}`),
			result{Line: 1, CustomerID: id1, Err: "line 1: update: must be a JSON object"}},
		{"customerId not a string", row(`{"customerId":12,"update":{}}`),
			result{Line: 1, Err: "line 1: customerId: must be a string"}},
		{"row not an object", row(`["` + id1 + `"]`),
			result{Line: 1, Err: "line 1: must be a JSON object"}},
		{"not JSON", row(`customerId=` + id1),
			result{Line: 1, Err: "line 1: invalid JSON at column 1: want a value"}},
		{"cut short", row(`{"customerId":"` + id1 + `","update":{"legalName":"x"`),
			result{Line: 1, CustomerID: id1, Err: "line 1: invalid JSON at column 59: unexpected end of input"}},
		{"cut short after a key", row(`{"customerId":`),
			result{Line: 1, Err: "line 1: customerId: invalid JSON at column 15: unexpected end of input"}},
		{"spec violations, all listed", row(`{"customerId":"KC1","update":{"customerKeyContacts":[{"deleted":false,"legalName":"L","name":"N","mobile":"12345"}],"customerReminders":[{"reminderTime":"9:30"}]}}`),
			result{Line: 1, Err: "line 1: customerId: " + specRule("KC1", "") + `; customerKeyContacts[0].mobile: pattern ^$|^((\+|00)(\d{1,3})[\s-]?)?(\d{10})$; customerReminders[0].reminderTime: pattern ^([01][0-9]|2[0-3]):[0-5][0-9]$`}},
		{"empty parentCompanyId is checked, not dropped", row(`{"customerId":"` + id1 + `","parentCompanyId":"","update":{}}`),
			result{Line: 1, CustomerID: id1, Err: "line 1: parentCompanyId: " + specRule(id1, "x")}},
		{"missing customerId", row(`{"update":{}}`),
			result{Line: 1, Err: "line 1: customerId: required"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// A valid row follows: reading goes on after an invalid row.
			in := tc.in + `{"customerId":"` + id2 + `","update":{}}` + "\n"
			got, _ := readAll(t, in, ReaderOptions{Format: FormatJSONL})
			assert.Equal(t, []result{tc.want, {Line: 2, CustomerID: id2, Body: "{}"}}, got)
		})
	}
}

func TestReader_JSONLNeverEchoesAValue(t *testing.T) {
	const pan = "ABCDE1234F"
	for _, in := range []string{
		`{"customerId":"` + pan + `","update":{}}`,
		`{"customerId":"` + id1 + `","update":{"panOrGstin":"` + pan + "\xff" + `"}}`,
		`{"customerId":"` + id1 + `","` + pan + `":1}`,
		`{"customerId":"` + id1 + `","update":{"customerKeyContacts":[{"email":"` + pan + `"}]}}`,
	} {
		got, _ := readAll(t, in+"\n", ReaderOptions{Format: FormatJSONL})
		for _, r := range got {
			assert.NotEmpty(t, r.Err)
			assert.NotContains(t, r.Err, pan)
			assert.NotContains(t, r.CustomerID, pan)
		}
	}
}

func TestReader_JSONLLinesCountBlankAndCRLF(t *testing.T) {
	in := strings.Repeat("\r\n", 3) + `{"customerId":"KC1","update":{}}` + "\r\n"
	got, _ := readAll(t, in, ReaderOptions{Format: FormatJSONL})
	assert.Equal(t, []result{{Line: 4, Err: "line 4: customerId: " + specRule("KC1", "")}}, got)
}
