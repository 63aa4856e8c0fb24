package bulk

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
)

// allFields names every body field, sorted, as the unknown-field message
// lists them: read here from the generated type's json tags, so that the
// tests follow a spec change (make regen-drill).
var allFields = func() string {
	t := reflect.TypeFor[api.UpdateCustomerRequest]()
	var names []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		names = append(names, name)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}()

// specRule is the generated validator's rule for the first violation of a
// request with this customer id and parent company id: the tests name the
// spec's patterns without restating them.
func specRule(customerID, parent string) string {
	var params *api.UpdateCustomerParams
	if parent != "" {
		params = &api.UpdateCustomerParams{ParentCompanyId: &parent}
	}
	return api.ValidateUpdateCustomer(customerID, params, &api.UpdateCustomerRequest{})[0].Rule
}

func TestDecodeUpdate_KeepsAbsentNullAndValue(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty patch", `{}`, `{}`},
		{"null and value", `{"address":null,"legalName":"A"}`, `{"address":null,"legalName":"A"}`},
		{"empty string is a value", `{"state":""}`, `{"state":""}`},
		{"lists may be null", `{"customerKeyContacts":null,"customerReminders":null}`, `{"customerKeyContacts":null,"customerReminders":null}`},
		{"empty list", `{"branchCodes":[]}`, `{"branchCodes":[]}`},
		{"escapes and surrogate pairs", `{"legalName":"\ud83d\ude00 \"A\"\n\u00e9\/"}`, `{"legalName":"😀 \"A\"\né/"}`},
		{"raw UTF-8", `{"legalName":"Shrée Gaṇesh"}`, `{"legalName":"Shrée Gaṇesh"}`},
		{"white space around", " \r\n\t{ \"legalName\" : \"A\" }\n ", `{"legalName":"A"}`},
		{"nested objects", `{"customerKeyContacts":[{"deleted":false,"legalName":"L","mobile":"9876543210","name":"N","email":"a@b.example","mail_enabled":true}],` +
			`"customerReminders":[{"reminderType":"ONCE","reminderTime":"09:30","dueDateDifference":-3}]}`,
			`{"customerKeyContacts":[{"deleted":false,"email":"a@b.example","legalName":"L","mail_enabled":true,"mobile":"9876543210","name":"N"}],` +
				`"customerReminders":[{"dueDateDifference":-3,"reminderTime":"09:30","reminderType":"ONCE"}]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, err := DecodeUpdate([]byte(tc.in))
			require.NoError(t, err)
			got, err := u.AppendJSON(nil)
			require.NoError(t, err)
			assert.JSONEq(t, tc.want, string(got))
			// encoding/json reads valid input the same way.
			var std api.UpdateCustomerRequest
			require.NoError(t, json.Unmarshal([]byte(tc.in), &std))
			assert.Equal(t, std, u)
		})
	}
}

func TestDecodeUpdate_RefusesWithExactMessage(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"invalid UTF-8 in a value", "{\"legalName\":\"a\xffb\"}", "line 1: legalName: invalid UTF-8"},
		{"invalid UTF-8 on a later line", "{\n\"address\": null,\n\"legalName\": \"\xc3\"\n}", "line 3: legalName: invalid UTF-8"},
		{"invalid UTF-8 in an escaped string", "{\"legalName\":\"\\n\xff\"}", "line 1: legalName: invalid UTF-8"},
		{"invalid UTF-8 nested", "{\"customerKeyContacts\":[{\"name\":\"\xff\"}]}", "line 1: customerKeyContacts[0].name: invalid UTF-8"},
		{"invalid UTF-8 in a key", "{\"legal\xffName\":\"a\"}", "line 1: invalid UTF-8 in a key"},
		{"lone surrogate escape", `{"legalName":"\ud800"}`, "line 1: legalName: invalid UTF-8 (a lone surrogate escape)"},
		{"duplicate key", `{"legalName":"a","legalName":"b"}`, "line 1: legalName: duplicate key"},
		{"duplicate key, one null", "{\"address\":\"a\",\n\"address\":null}", "line 2: address: duplicate key"},
		{"duplicate body customerId", `{"customerId":"a","customerId":"b"}`, "line 1: customerId: duplicate key"},
		{"duplicate nested key", `{"customerKeyContacts":[{"name":"a","name":"b"}]}`, "line 1: customerKeyContacts[0].name: duplicate key"},
		{"unknown field", `{"nickname":"x"}`, `line 1: unknown field "nickname": want one of ` + allFields},
		{"keys match exactly", `{"LegalName":"x"}`, `line 1: unknown field "LegalName": want one of ` + allFields},
		{"unknown field that looks like a value", `{"9876543210":"x"}`, `line 1: unknown field (not shown: it looks like a value): want one of ` + allFields},
		{"unknown nested field", `{"customerReminders":[{"reminderTyp":"ONCE"}]}`,
			`line 1: customerReminders[0]: unknown field "reminderTyp": want one of customerReminderId, dueDateDifference, reminderInterval, reminderTime, reminderType, stage`},
		{"trailing object", `{} {}`, "line 1: invalid JSON at column 4: data after the end of the object"},
		{"trailing garbage on the next line", "{}\nx", "line 2: invalid JSON at column 1: data after the end of the object"},
		{"wrong type", `{"legalName":{}}`, "line 1: legalName: must be a string or null"},
		{"wrong type for a list", `{"branchCodes":"BLR01"}`, "line 1: branchCodes: must be an array of strings or null"},
		{"wrong type in a list", `{"branchCodes":[1]}`, "line 1: branchCodes[0]: must be a string"},
		{"null in a list", `{"branchCodes":[null]}`, "line 1: branchCodes[0]: must be a string"},
		{"wrong nested type", `{"customerKeyContacts":[{"deleted":"yes"}]}`, "line 1: customerKeyContacts[0].deleted: must be a boolean"},
		{"null where the spec has no null", `{"customerReminders":[{"stage":null}]}`, "line 1: customerReminders[0].stage: must be a string"},
		{"null for a required boolean", `{"customerKeyContacts":[{"deleted":null}]}`, "line 1: customerKeyContacts[0].deleted: must be a boolean"},
		{"fraction for an integer", `{"customerReminders":[{"dueDateDifference":1.5}]}`, "line 1: customerReminders[0].dueDateDifference: must be an integer"},
		{"integer out of range", `{"customerReminders":[{},{"reminderInterval":2147483648}]}`, "line 1: customerReminders[1].reminderInterval: must be an integer from -2147483648 to 2147483647"},
		{"list of objects of the wrong type", `{"customerKeyContacts":{}}`, "line 1: customerKeyContacts: must be an array of CustomerKeyContactCreateDTO objects or null"},
		{"not an object", `[]`, "line 1: must be a JSON object"},
		{"null body", `null`, "line 1: must be a JSON object"},
		{"empty", ``, "line 1: invalid JSON at column 1: unexpected end of input"},
		{"cut short", `{"legalName":`, "line 1: legalName: invalid JSON at column 14: unexpected end of input"},
		{"not JSON", `{"legalName":x}`, "line 1: legalName: invalid JSON at column 14: want a value"},
		{"missing colon", `{"legalName" "x"}`, "line 1: invalid JSON at column 14: want ':' after an object key"},
		{"missing comma", `{"legalName":"x" "state":"y"}`, "line 1: invalid JSON at column 18: want ',' or '}' after an object member"},
		{"trailing comma", `{"legalName":"x",}`, "line 1: invalid JSON at column 18: want a string key"},
		{"control character", "{\"legalName\":\"a\tb\"}", "line 1: legalName: invalid JSON at column 16: control character in a string"},
		{"bad escape", `{"legalName":"\x"}`, "line 1: legalName: invalid JSON at column 15: invalid escape in a string"},
		{"bad number", `{"customerReminders":[{"dueDateDifference":01}]}`, "line 1: customerReminders[0]: invalid JSON at column 45: want ',' or '}' after an object member"},
		{"array not closed", `{"branchCodes":["a" "b"]}`, "line 1: branchCodes: invalid JSON at column 21: want ',' or ']' after an array element"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, err := DecodeUpdate([]byte(tc.in))
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
			assert.Equal(t, api.UpdateCustomerRequest{}, u)
			var de *DecodeError
			require.True(t, errors.As(err, &de))
		})
	}
}

func TestDecodeUpdate_NeverEchoesAValue(t *testing.T) {
	const secret = "ABCDE1234F"
	for _, in := range []string{
		`{"panOrGstin":"` + secret + "\xff\"}",
		`{"panOrGstin":"` + secret + `","panOrGstin":"` + secret + `"}`,
		`{"panOrGstin":["` + secret + `"]}`,
		`{"` + secret + `":"x"}`,
		`{"panOrGstin":"` + secret + `"} "` + secret + `"`,
		`{"customerKeyContacts":[{"mobile":"` + secret + `","` + secret + `":1}]}`,
	} {
		_, err := DecodeUpdate([]byte(in))
		require.Error(t, err, in)
		assert.NotContains(t, err.Error(), secret)
		assert.NotContains(t, err.Error(), "1234")
	}
}

func TestDecodeUpdate_DeepNestingIsAnError(t *testing.T) {
	// Values are decoded by the body's type: a deep array where a string
	// belongs is a type error at the first bracket, whatever its depth.
	in := `{"legalName":` + strings.Repeat("[", 1<<20) + `}`
	_, err := DecodeUpdate([]byte(in))
	require.Error(t, err)
	assert.Equal(t, "line 1: legalName: must be a string or null", err.Error())
}

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
		// A body the spec refuses (say an e-mail that is not one) may be
		// one the encoder refuses too: the client validates before it
		// encodes, so only spec-valid bodies must round-trip.
		if api.ValidateUpdateCustomer("KCDEMO0000000001", nil, &u) != nil {
			return
		}
		roundTrips(t, u)
		// What DecodeUpdate accepts and the spec allows, encoding/json
		// reads the same way (it is only more lenient).
		var std api.UpdateCustomerRequest
		if err := json.Unmarshal(data, &std); err != nil {
			t.Fatalf("encoding/json refuses what DecodeUpdate accepted: %v", err)
		}
		if !reflect.DeepEqual(u, std) {
			t.Fatalf("encoding/json reads another value")
		}
	})
}

// BenchmarkDecodeUpdate decodes one body of the benchmark rows.
func BenchmarkDecodeUpdate(b *testing.B) {
	data := []byte(`{"legalName":"Row 1","address":null,"branchCodes":["BLR01"]}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeUpdate(data); err != nil {
			b.Fatal(err)
		}
	}
}
