package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBody_FieldsComeFromTheGeneratedType(t *testing.T) {
	assert.Len(t, bodyFields(), reflect.TypeFor[api.UpdateCustomerRequest]().NumField())
	// The vendor documents three list fields; only they take JSON on --set.
	var jsonFields []string
	for _, f := range bodyFields() {
		if f.takesJSON() {
			jsonFields = append(jsonFields, f.name)
		}
	}
	assert.Equal(t, []string{"branchCodes", "customerKeyContacts", "customerReminders"}, jsonFields)
}

func TestBuildBody(t *testing.T) {
	tests := []struct {
		name          string
		sets, clears  []string
		wantJSON      string
		wantUsageText string
	}{
		{name: "nothing given is an empty patch", wantJSON: `{}`},
		{name: "set a string", sets: []string{"legalName=Acme Traders Pvt Ltd"}, wantJSON: `{"legalName":"Acme Traders Pvt Ltd"}`},
		{name: "value keeps '=' after the first", sets: []string{"address=Plot 7, Sector=4"}, wantJSON: `{"address":"Plot 7, Sector=4"}`},
		{name: "empty string is a value, not null", sets: []string{"state="}, wantJSON: `{"state":""}`},
		{name: "clear sends null", clears: []string{"address"}, wantJSON: `{"address":null}`},
		{name: "set and clear together", sets: []string{"legalName=A"}, clears: []string{"address"}, wantJSON: `{"address":null,"legalName":"A"}`},
		{name: "json field", sets: []string{`branchCodes=["BLR01"]`}, wantJSON: `{"branchCodes":["BLR01"]}`},
		{name: "json field with key contact", sets: []string{`customerKeyContacts=[{"deleted":false,"legalName":"L","mobile":"9876543210","name":"N"}]`},
			wantJSON: `{"customerKeyContacts":[{"deleted":false,"legalName":"L","mobile":"9876543210","name":"N"}]}`},
		{name: "unknown field", sets: []string{"nickname=x"}, wantUsageText: `unknown field "nickname": want one of ` + bulkFields},
		{name: "unknown field on clear", clears: []string{"nick"}, wantUsageText: `unknown field "nick": want one of ` + bulkFields},
		{name: "missing =", sets: []string{"legalName"}, wantUsageText: "--set legalName: want FIELD=VALUE"},
		{name: "duplicate", sets: []string{"state=KA"}, clears: []string{"state"}, wantUsageText: `field "state" given more than once`},
		{name: "json field needs json", sets: []string{"branchCodes=BLR01"}, wantUsageText: "--set branchCodes: value must be JSON (an array of strings or null)"},
		{name: "json field of the wrong type", sets: []string{`branchCodes={"a":1}`}, wantUsageText: `body: line 1: branchCodes: must be an array of strings or null`},
		{name: "unknown key contact property", sets: []string{`customerKeyContacts=[{"nick":"x"}]`},
			wantUsageText: `body: line 1: customerKeyContacts[0]: unknown field "nick": want one of deleted, email, keyContactPersonId, legalName, mail_enabled, mobile, name, sms_enabled, via, whatsapp_enabled`},
		{name: "invalid UTF-8 in a string value", sets: []string{"legalName=a\xffb"}, wantUsageText: "--set legalName: invalid UTF-8"},
		{name: "invalid UTF-8 in a JSON value", sets: []string{"branchCodes=[\"\xff\"]"}, wantUsageText: "--set branchCodes: invalid UTF-8"},
		{name: "duplicate key in a JSON value", sets: []string{`customerKeyContacts=[{"name":"a","name":"b"}]`}, wantUsageText: "body: line 1: customerKeyContacts[0].name: duplicate key"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body, err := buildBody(tc.sets, tc.clears)
			if tc.wantUsageText != "" {
				var ue *usageError
				require.True(t, errors.As(err, &ue), "want a usage error, got %v", err)
				assert.Equal(t, tc.wantUsageText, err.Error())
				return
			}
			require.NoError(t, err)
			got, err := json.Marshal(body)
			require.NoError(t, err)
			assert.JSONEq(t, tc.wantJSON, string(got))
		})
	}
}

func TestBuildBody_MissingEqualsDoesNotEchoTheArgument(t *testing.T) {
	// A value given without its field (here a mobile number, then a PAN)
	// must not be printed back.
	for _, arg := range []string{"9876543210", "ABCDE1234F"} {
		_, err := buildBody([]string{arg}, nil)
		var ue *usageError
		require.True(t, errors.As(err, &ue), "want a usage error, got %v", err)
		assert.Equal(t, "--set: want FIELD=VALUE", err.Error())
		assert.NotContains(t, err.Error(), arg)
	}
}

// bulkFields lists every body field, as an unknown-field message does
// (fieldNames reads them from the generated type).
var bulkFields = fieldNames()

func TestDecodeUpdate_Strict(t *testing.T) {
	tests := []struct{ name, in, want, wantErr string }{
		{name: "null and value", in: `{"address":null,"legalName":"A"}`, want: `{"address":null,"legalName":"A"}`},
		{name: "lists may be null", in: `{"customerKeyContacts":null,"customerReminders":null}`, want: `{"customerKeyContacts":null,"customerReminders":null}`},
		{name: "unknown field", in: `{"nickname":"x"}`, wantErr: `body: line 1: unknown field "nickname": want one of ` + bulkFields},
		{name: "wrong type", in: `{"legalName":{}}`, wantErr: "body: line 1: legalName: must be a string or null"},
		{name: "bad json", in: `{"legalName":`, wantErr: "body: line 1: legalName: invalid JSON at column 14: unexpected end of input"},
		{name: "trailing data", in: `{} {}`, wantErr: "body: line 1: invalid JSON at column 4: data after the end of the object"},
		{name: "trailing garbage on a later line", in: "{\n  \"legalName\": \"A\"\n}\nx", wantErr: "body: line 4: invalid JSON at column 1: data after the end of the object"},
		{name: "not an object", in: `[]`, wantErr: "body: line 1: must be a JSON object"},
		{name: "null body", in: `null`, wantErr: "body: line 1: must be a JSON object"},
		{name: "invalid UTF-8", in: "{\n  \"address\": null,\n  \"legalName\": \"Shr\xe9e\"\n}", wantErr: "body: line 3: legalName: invalid UTF-8"},
		{name: "invalid UTF-8 nested", in: "{\"customerKeyContacts\":[{\"name\":\"\xff\"}]}", wantErr: "body: line 1: customerKeyContacts[0].name: invalid UTF-8"},
		{name: "duplicate key", in: "{\"legalName\":\"A\",\n\"legalName\":\"B\"}", wantErr: "body: line 2: legalName: duplicate key"},
		{name: "duplicate nested key", in: `{"customerReminders":[{"stage":"a","stage":"b"}]}`, wantErr: "body: line 1: customerReminders[0].stage: duplicate key"},
		{name: "wrong nested type", in: `{"customerKeyContacts":[{"deleted":"yes","legalName":"L","mobile":"9876543210","name":"N"}]}`, wantErr: "body: line 1: customerKeyContacts[0].deleted: must be a boolean"},
		{name: "unknown nested field", in: `{"customerReminders":[{"reminderTyp":"ONCE"}]}`,
			wantErr: `body: line 1: customerReminders[0]: unknown field "reminderTyp": want one of customerReminderId, dueDateDifference, reminderInterval, reminderTime, reminderType, stage`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body, err := decodeUpdate([]byte(tc.in))
			if tc.wantErr != "" {
				var ue *usageError
				require.True(t, errors.As(err, &ue), "want a usage error, got %v", err)
				assert.Equal(t, tc.wantErr, err.Error())
				return
			}
			require.NoError(t, err)
			got, err := body.AppendJSON(nil)
			require.NoError(t, err)
			assert.JSONEq(t, tc.want, string(got))
		})
	}
}

// TestRun_UpdateBodyStrict drives update --body through run: a body the
// strict decoder refuses is a usage error (exit 2) naming the line, field
// and rule, nothing is printed as sent, and the value is not echoed.
func TestRun_UpdateBodyStrict(t *testing.T) {
	tests := []struct{ name, body, wantErr string }{
		{"invalid UTF-8", "{\"panOrGstin\":\"ABCDE1234\xff\"}", "enkash-customer: body: line 1: panOrGstin: invalid UTF-8\n"},
		{"duplicate key", `{"panOrGstin":"ABCDE1234F","panOrGstin":"ABCDE1234G"}`, "enkash-customer: body: line 1: panOrGstin: duplicate key\n"},
		{"trailing garbage", `{"panOrGstin":"ABCDE1234F"} ABCDE1234F`, "enkash-customer: body: line 1: invalid JSON at column 29: data after the end of the object\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "body.json")
			require.NoError(t, os.WriteFile(path, []byte(tc.body), 0o600))
			for _, src := range []struct {
				arg   string
				stdin string
			}{{path, ""}, {"-", tc.body}} {
				var stdout, stderr bytes.Buffer
				code := run(context.Background(), []string{"update", "--dry-run", "--body", src.arg, "KCDEMO0000000001"},
					strings.NewReader(src.stdin), &stdout, &stderr, func(string) string { return "" })
				assert.Equal(t, exitUsage, code)
				assert.Empty(t, stdout.String())
				assert.Equal(t, tc.wantErr, stderr.String())
				assert.NotContains(t, stderr.String(), "1234")
			}
		})
	}
}

// TestBody_ValuesTypedAsFieldNamesNotEchoed: a value typed where a field name
// belongs (a phone number, an e-mail) is not printed back; a misspelt name
// is.
func TestBody_ValuesTypedAsFieldNamesNotEchoed(t *testing.T) {
	for _, args := range [][]string{
		{"update", "--clear", "9876543210", wrappertest.DemoCustomerID},
		{"update", "--set", "asha.rao@acme.example=x", wrappertest.DemoCustomerID},
	} {
		res := runBinary(t, nil, "", args...)
		assert.Equal(t, exitUsage, res.code)
		assert.NotContains(t, res.stderr, "9876543210")
		assert.NotContains(t, res.stderr, "asha.rao")
		assert.Contains(t, res.stderr, "unknown field (not shown")
	}
	res := runBinary(t, nil, "", "update", "--clear", "nickname", wrappertest.DemoCustomerID)
	assert.Contains(t, res.stderr, `unknown field "nickname"`)
}
