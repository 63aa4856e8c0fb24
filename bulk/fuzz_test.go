package bulk

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/enkash-oss/enkash-go/api"
)

// roundTrips checks that a decoded body re-encodes with the generated
// AppendJSON and decodes again to the same value.
func roundTrips(t *testing.T, u api.UpdateCustomerRequest) {
	t.Helper()
	wire, err := u.AppendJSON(nil)
	if err != nil {
		t.Fatalf("AppendJSON: %v", err)
	}
	again, err := DecodeUpdate(wire)
	if err != nil {
		t.Fatalf("re-decoding %q: %v", wire, err)
	}
	if !reflect.DeepEqual(u, again) {
		t.Fatalf("round trip changed the body: %q", wire)
	}
}

func FuzzDecodeUpdate(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"address":null,"legalName":"A"}`, `{"branchCodes":["a","b"]}`,
		`{"customerKeyContacts":[{"deleted":false,"legalName":"L","mobile":"9876543210","name":"N","email":"a@b.example"}]}`,
		`{"customerReminders":[{"reminderType":"ONCE","reminderTime":"09:30","dueDateDifference":-3}]}`,
		`{"legalName":"\ud83d\ude00\u00e9\n"}`, "{\"legalName\":\"a\xffb\"}", `{"a":1,"a":2}`, `{} x`, `[`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		u, err := DecodeUpdate(data)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) || de.Line < 1 || de.Rule == "" {
				t.Fatalf("error %#v", err)
			}
			return
		}
		roundTrips(t, u)
		// What DecodeUpdate accepts and the spec allows, encoding/json
		// reads the same way (it is only more lenient).
		if api.ValidateUpdateCustomer("KCDEMO0000000001", nil, &u) == nil {
			var std api.UpdateCustomerRequest
			if err := json.Unmarshal(data, &std); err != nil {
				t.Fatalf("encoding/json refuses what DecodeUpdate accepted: %v", err)
			}
			if !reflect.DeepEqual(u, std) {
				t.Fatalf("encoding/json reads another value")
			}
		}
	})
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
