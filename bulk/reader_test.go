package bulk

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
)

// result is one yielded row, in a form tests compare: the wire body of a
// valid row, or the error text.
type result struct {
	Line            int
	CustomerID      string
	ParentCompanyID string
	Body            string // AppendJSON of Update; "" with an error
	Err             string
	Fatal           bool // the error was not a *RowError
}

// readAll reads every row of in.
func readAll(t *testing.T, in string, opts ReaderOptions) ([]result, *Reader) {
	t.Helper()
	r, err := NewReader(strings.NewReader(in), opts)
	require.NoError(t, err)
	var out []result
	for row, err := range r.Rows() {
		res := result{Line: row.Line, CustomerID: row.CustomerID, ParentCompanyID: row.ParentCompanyID}
		if err != nil {
			var re *RowError
			res.Err, res.Fatal = err.Error(), !errors.As(err, &re)
			if !res.Fatal {
				assert.Equal(t, re.Line, row.Line)
				assert.Equal(t, re.CustomerID, row.CustomerID)
				assert.NotEmpty(t, re.Problems)
			}
		} else {
			b, werr := row.Update.AppendJSON(nil)
			require.NoError(t, werr)
			res.Body = string(b)
		}
		out = append(out, res)
	}
	return out, r
}

func TestFormatOf(t *testing.T) {
	for path, want := range map[string]Format{"a.jsonl": FormatJSONL, "b.NDJSON": FormatJSONL, "dir.x/c.CSV": FormatCSV, "d.json": "", "e": ""} {
		got, ok := FormatOf(path)
		assert.Equal(t, want, got, path)
		assert.Equal(t, want != "", ok, path)
	}
}

func TestNewReader_RefusesBadOptionsAndEncodings(t *testing.T) {
	tests := []struct {
		name string
		in   string
		opts ReaderOptions
		want string
	}{
		{"no format", "", ReaderOptions{}, `unknown format "": want jsonl or csv`},
		{"unknown format", "", ReaderOptions{Format: "xml"}, `unknown format "xml": want jsonl or csv`},
		{"UTF-16 LE JSONL", "\xff\xfe{\x00", ReaderOptions{Format: FormatJSONL}, "the input looks UTF-16 encoded (byte order mark FF FE): save it as UTF-8"},
		{"UTF-16 BE CSV", "\xfe\xff\x00c", ReaderOptions{Format: FormatCSV}, "the input looks UTF-16 encoded (byte order mark FE FF): save it as UTF-8"},
		{"UTF-16 without a byte order mark", "c\x00u\x00s\x00", ReaderOptions{Format: FormatCSV}, "the input looks UTF-16 encoded (it holds NUL bytes): save it as UTF-8"},
		{"UTF-16 of a single character, two bytes", "{\x00", ReaderOptions{Format: FormatJSONL}, "the input looks UTF-16 encoded (it holds NUL bytes): save it as UTF-8"},
		{"UTF-16 BE without a byte order mark, JSONL", "\x00{\x00}", ReaderOptions{Format: FormatJSONL}, "the input looks UTF-16 encoded (it holds NUL bytes): save it as UTF-8"},
		{"delimiter is a quote", "customerId\n", ReaderOptions{Format: FormatCSV, Delimiter: '"'}, `CSV delimiter '"': want an ASCII character other than a quote or a line break`},
		{"delimiter is a line break", "customerId\n", ReaderOptions{Format: FormatCSV, Delimiter: '\n'}, `CSV delimiter '\n': want an ASCII character other than a quote or a line break`},
		{"delimiter is not ASCII", "customerId\n", ReaderOptions{Format: FormatCSV, Delimiter: '；'}, `CSV delimiter '；': want an ASCII character other than a quote or a line break`},
		{"delimiter is the first rune past ASCII", "customerId\n", ReaderOptions{Format: FormatCSV, Delimiter: 0x80}, `CSV delimiter '\u0080': want an ASCII character other than a quote or a line break`},
		{"delimiter is a carriage return", "customerId\n", ReaderOptions{Format: FormatCSV, Delimiter: '\r'}, `CSV delimiter '\r': want an ASCII character other than a quote or a line break`},
		{"delimiter is a control character", "customerId\n", ReaderOptions{Format: FormatCSV, Delimiter: 0x1f}, `CSV delimiter '\x1f': want an ASCII character other than a quote or a line break`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewReader(strings.NewReader(tc.in), tc.opts)
			require.Error(t, err)
			assert.Nil(t, r)
			assert.Equal(t, tc.want, err.Error())
		})
	}
}

// errReader fails after its data.
type errReader struct{ data string }

func (e *errReader) Read(p []byte) (int, error) {
	if e.data == "" {
		return 0, errors.New("disk on fire")
	}
	n := copy(p, e.data)
	e.data = e.data[n:]
	return n, nil
}

func TestReader_IOErrorIsFatal(t *testing.T) {
	r, err := NewReader(&errReader{data: `{"customerId":"KCDEMO0000000001","update":{}}` + "\n" + `{"custo`}, ReaderOptions{Format: FormatJSONL})
	require.NoError(t, err)
	var errs []string
	n := 0
	for _, err := range r.Rows() {
		n++
		if err != nil {
			errs = append(errs, err.Error())
		}
	}
	assert.Equal(t, 2, n)
	assert.Equal(t, []string{"reading line 2: disk on fire"}, errs)
	for range r.Rows() {
		t.Fatal("a fatal error ends the reading")
	}
}

func TestReader_RowsGoesOnAfterABreak(t *testing.T) {
	in := `{"customerId":"KCDEMO0000000001","update":{}}` + "\n" + `{"customerId":"KCDEMO0000000002","update":{}}` + "\n"
	r, err := NewReader(strings.NewReader(in), ReaderOptions{Format: FormatJSONL})
	require.NoError(t, err)
	var ids []string
	for row := range r.Rows() {
		ids = append(ids, row.CustomerID)
		break
	}
	for row := range r.Rows() {
		ids = append(ids, row.CustomerID)
	}
	assert.Equal(t, []string{"KCDEMO0000000001", "KCDEMO0000000002"}, ids)
}

func TestReader_LongLineIsFatalAndBounded(t *testing.T) {
	for _, f := range []Format{FormatJSONL, FormatCSV} {
		t.Run(string(f), func(t *testing.T) {
			head := ""
			if f == FormatCSV {
				head = "customerId,legalName\n"
			}
			// 10 MB of a cell, then a valid row that must not be reached.
			long := head + "KCDEMO0000000001," + strings.Repeat("a", 10<<20) + "\nKCDEMO0000000002,b\n"
			got, _ := readAll(t, long, ReaderOptions{Format: f})
			line := 1
			if f == FormatCSV {
				line = 2
			}
			assert.Equal(t, []result{{Err: "line " + strconv.Itoa(line) + ": longer than 1048576 bytes (the bound of one row)", Fatal: true}}, got)
		})
	}
}

func TestReader_RowOfMaxRowBytesIsReadOneMoreIsTooLong(t *testing.T) {
	// A row of exactly MaxRowBytes before its line end (CRLF, LF or none)
	// is read whole (over several reads of the 64 KiB buffer), and the next
	// row after it; one byte more is fatal.
	pad := func(head, tail string, n int) string { return head + strings.Repeat(" ", n-len(head)-len(tail)) + tail }
	next := `{"customerId":"KCDEMO0000000002","update":{}}` + "\r\n"
	tests := []struct {
		name string
		in   string
		opts ReaderOptions
		want []result
	}{
		{"JSONL at the bound", pad(`{"customerId":"KCDEMO0000000001","update":{}`, "}", MaxRowBytes) + "\r\n" + next, ReaderOptions{Format: FormatJSONL},
			[]result{{Line: 1, CustomerID: id1, Body: "{}"}, {Line: 2, CustomerID: "KCDEMO0000000002", Body: "{}"}}},
		{"JSONL one byte over", pad(`{"customerId":"KCDEMO0000000001","update":{}`, "}", MaxRowBytes+1) + "\r\n" + next, ReaderOptions{Format: FormatJSONL},
			[]result{{Err: "line 1: longer than 1048576 bytes (the bound of one row)", Fatal: true}}},
		{"JSONL at the bound, LF", pad(`{"customerId":"KCDEMO0000000001","update":{}`, "}", MaxRowBytes) + "\n" + next, ReaderOptions{Format: FormatJSONL},
			[]result{{Line: 1, CustomerID: id1, Body: "{}"}, {Line: 2, CustomerID: "KCDEMO0000000002", Body: "{}"}}},
		{"JSONL one byte over, LF", pad(`{"customerId":"KCDEMO0000000001","update":{}`, "}", MaxRowBytes+1) + "\n" + next, ReaderOptions{Format: FormatJSONL},
			[]result{{Err: "line 1: longer than 1048576 bytes (the bound of one row)", Fatal: true}}},
		{"JSONL one byte over, no line end", pad(`{"customerId":"KCDEMO0000000001","update":{}`, "}", MaxRowBytes+1), ReaderOptions{Format: FormatJSONL},
			[]result{{Err: "line 1: longer than 1048576 bytes (the bound of one row)", Fatal: true}}},
		{"CSV at the bound", "customerId,address\r\n" + pad(id1+",", "", MaxRowBytes) + "\r\n" + "KCDEMO0000000002,\r\n", ReaderOptions{Format: FormatCSV},
			[]result{{Line: 2, CustomerID: id1, Body: `{"address":"` + strings.Repeat(" ", MaxRowBytes-len(id1)-1) + `"}`}, {Line: 3, CustomerID: "KCDEMO0000000002", Body: "{}"}}},
		{"CSV cells at the bound, LF", "customerId,address\n" + id1 + "," + strings.Repeat("a", MaxRowBytes-len(id1)) + "\n" + "KCDEMO0000000002,\n", ReaderOptions{Format: FormatCSV},
			[]result{{Line: 2, CustomerID: id1, Body: `{"address":"` + strings.Repeat("a", MaxRowBytes-len(id1)) + `"}`}, {Line: 3, CustomerID: "KCDEMO0000000002", Body: "{}"}}},
		{"CSV one cell one byte over, LF", "customerId\n" + strings.Repeat("K", MaxRowBytes+1) + "\n", ReaderOptions{Format: FormatCSV},
			[]result{{Err: "line 2: longer than 1048576 bytes (the bound of one row)", Fatal: true}}},
		{"CSV quoted cell over two lines at the bound", "customerId,address\n" + id1 + `,"` + strings.Repeat("a", MaxRowBytes-len(id1)-1) + "\n" + `"` + "\n" + "KCDEMO0000000002,\n", ReaderOptions{Format: FormatCSV},
			[]result{{Line: 2, CustomerID: id1, Body: `{"address":"` + strings.Repeat("a", MaxRowBytes-len(id1)-1) + `\n"}`}, {Line: 4, CustomerID: "KCDEMO0000000002", Body: "{}"}}},
		{"CSV one byte over", "customerId,address\r\n" + pad(id1+",", "", MaxRowBytes+1) + "\r\n" + "KCDEMO0000000002,\r\n", ReaderOptions{Format: FormatCSV},
			[]result{{Err: "line 2: longer than 1048576 bytes (the bound of one row)", Fatal: true}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := readAll(t, tc.in, tc.opts)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestReader_LineWithoutNewlineIsBounded(t *testing.T) {
	// An endless line: the reader stops at the bound, never reading it all
	// (an unbounded buffer would never return).
	tests := []struct {
		name, head string
		opts       ReaderOptions
		want       string
	}{
		{"JSONL", `{"customerId":"`, ReaderOptions{Format: FormatJSONL}, "line 1: longer than 1048576 bytes (the bound of one row)"},
		{"CSV", "customerId,legalName\n" + id1 + ",", ReaderOptions{Format: FormatCSV}, "line 2: longer than 1048576 bytes (the bound of one row)"},
		{"CSV in a quoted cell on one line", "customerId,legalName\n" + id1 + `,"`, ReaderOptions{Format: FormatCSV},
			"line 2: longer than 1048576 bytes (the bound of one row)"},
		{"CSV in a quoted cell over lines", "customerId,legalName\n" + id1 + `,"` + "\n\n", ReaderOptions{Format: FormatCSV},
			"line 2: the quoted cell opened on line 2 is not closed within 1048576 bytes (an unclosed quote?)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewReader(io.MultiReader(strings.NewReader(tc.head), &endless{}), tc.opts)
			require.NoError(t, err)
			var errs []string
			for _, err := range r.Rows() {
				require.Error(t, err)
				errs = append(errs, err.Error())
			}
			assert.Equal(t, []string{tc.want}, errs)
		})
	}
}

// endless yields 'a' forever.
type endless struct{}

func (*endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

func TestReader_ConcurrentReaders(t *testing.T) {
	// The decoders built from the generated type are shared: readers in
	// parallel (run with -race) read the same rows.
	in := `{"customerId":"KCDEMO0000000001","update":{"legalName":"A","customerKeyContacts":[{"deleted":false,"legalName":"L","mobile":"9876543210","name":"N"}]}}` + "\n"
	want, _ := readAll(t, in, ReaderOptions{Format: FormatJSONL})
	done := make(chan []result)
	for range 4 {
		go func() {
			var got []result
			defer func() { done <- got }() // sent even if readAll fails the test
			for range 50 {
				got, _ = readAll(t, in, ReaderOptions{Format: FormatJSONL})
			}
		}()
	}
	for range 4 {
		assert.Equal(t, want, <-done)
	}
}

func TestReader_DemoFiles(t *testing.T) {
	// The CLI's demo inputs (make demo-sync) read through the library.
	tests := []struct {
		path string
		want []result
	}{
		{"../testdata/sync-demo.jsonl", []result{
			{Line: 1, CustomerID: "KCDEMO0000000001", ParentCompanyID: "CEKDEMO001", Body: `{"address":null,"legalName":"Shree Ganesh Textiles Pvt Ltd"}`},
			{Line: 2, CustomerID: "KCDEMO0000000002", Body: `{"branchCodes":["PNJ01","MRG02"],"pinCode":"403001","state":"Goa"}`},
			{Line: 3, CustomerID: "KCDEMO0000000003", Body: `{"customerReminders":[{"dueDateDifference":3,"reminderTime":"09:30","reminderType":"ONCE"}]}`},
			{Line: 4, CustomerID: "KCDEMO0000000003", Err: "line 4: customerKeyContacts[0].mobile: " + specMobileRule()},
		}},
		{"../testdata/sync-demo.csv", []result{
			{Line: 2, CustomerID: "KCDEMO0000000001", ParentCompanyID: "CEKDEMO001", Body: `{"address":null,"legalName":"Shree Ganesh Textiles Pvt Ltd"}`},
			{Line: 3, CustomerID: "KCDEMO0000000002", Body: `{"branchCodes":["PNJ01","MRG02"],"state":"Goa"}`},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			data, err := os.ReadFile(tc.path)
			require.NoError(t, err)
			format, ok := FormatOf(tc.path)
			require.True(t, ok)
			got, r := readAll(t, string(data), ReaderOptions{Format: format})
			assert.Equal(t, tc.want, got)
			assert.Empty(t, r.Warnings())
		})
	}
}

// specMobileRule is the generated validator's rule for a key contact's
// mobile number.
func specMobileRule() string {
	u := api.UpdateCustomerRequest{}
	u.CustomerKeyContacts.Set([]api.CustomerKeyContactCreateDTO{{LegalName: "L", Name: "N", Mobile: "1"}})
	return api.ValidateUpdateCustomer(id1, nil, &u)[0].Rule
}

func FuzzReader(f *testing.F) {
	f.Add(false, byte(0), []byte(`{"customerId":"KCDEMO0000000001","update":{"legalName":"A"}}`+"\n\n"+`{"customerId":"KC1"}`))
	f.Add(true, byte(0), []byte("customerId,legalName,address,branchCodes\nKCDEMO0000000001,A,\\N,\"[\"\"x\"\"]\"\nKC1,\"a\nb\",,\n"))
	f.Add(true, byte(';'), []byte("customerId;legalName\nKCDEMO0000000001;\"x\"\"y\"\n"))
	f.Add(true, byte(0), []byte("\ufeffcustomerId,legalName\nKCDEMO0000000001,\"unclosed\n"))
	f.Fuzz(func(t *testing.T, csv bool, delim byte, data []byte) {
		opts := ReaderOptions{Format: FormatJSONL}
		if csv {
			opts = ReaderOptions{Format: FormatCSV, Delimiter: rune(delim)}
		}
		r, err := NewReader(bytes.NewReader(data), opts)
		if err != nil {
			return
		}
		last := 0
		for row, err := range r.Rows() {
			var re *RowError
			switch {
			case errors.As(err, &re):
				if len(re.Problems) == 0 || re.Line != row.Line {
					t.Fatalf("row error %#v", re)
				}
			case err != nil:
				if !strings.HasPrefix(err.Error(), "line ") {
					t.Fatalf("fatal error without a line: %v", err)
				}
				continue
			default:
				if vs := api.ValidateUpdateCustomer(row.CustomerID, nil, &row.Update); vs != nil {
					t.Fatalf("a valid row breaks the spec: %v", vs)
				}
				roundTrips(t, row.Update)
			}
			if row.Line <= last {
				t.Fatalf("line %d after line %d", row.Line, last)
			}
			last = row.Line
		}
	})
}
