package main

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBody_FieldsComeFromTheGeneratedType(t *testing.T) {
	assert.Len(t, bodyFields, reflect.TypeFor[api.UpdateCustomerRequest]().NumField())
	// The vendor documents three list fields; only they take JSON on --set.
	var jsonFields []string
	for _, f := range bodyFields {
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
		{name: "unknown field", sets: []string{"nickname=x"}, wantUsageText: `unknown field "nickname"`},
		{name: "unknown field on clear", clears: []string{"nick"}, wantUsageText: `unknown field "nick"`},
		{name: "missing =", sets: []string{"legalName"}, wantUsageText: "--set legalName: want FIELD=VALUE"},
		{name: "duplicate", sets: []string{"state=KA"}, clears: []string{"state"}, wantUsageText: `"state" given more than once`},
		{name: "json field needs json", sets: []string{"branchCodes=BLR01"}, wantUsageText: "branchCodes: value must be JSON"},
		{name: "json field of the wrong type", sets: []string{`branchCodes={"a":1}`}, wantUsageText: `body field "branchCodes"`},
		{name: "unknown key contact property", sets: []string{`customerKeyContacts=[{"nick":"x"}]`}, wantUsageText: `unknown field "nick"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body, err := buildBody(tc.sets, tc.clears)
			if tc.wantUsageText != "" {
				var ue *usageError
				require.True(t, errors.As(err, &ue), "want a usage error, got %v", err)
				assert.Contains(t, err.Error(), tc.wantUsageText)
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

func TestNestedPath(t *testing.T) {
	assert.Equal(t, "customerKeyContacts[0].deleted", nestedPath("customerKeyContacts", "0.deleted"))
	assert.Equal(t, "customerKeyContacts[].deleted", nestedPath("customerKeyContacts", "deleted"))
	assert.Equal(t, "customerReminders[].a.b", nestedPath("customerReminders", "a.b"))
}

func TestDecodeBody(t *testing.T) {
	tests := []struct{ name, in, want, wantErr string }{
		{name: "null and value", in: `{"address":null,"legalName":"A"}`, want: `{"address":null,"legalName":"A"}`},
		{name: "unknown field", in: `{"nickname":"x"}`, wantErr: `unknown field "nickname"`},
		{name: "wrong type", in: `{"legalName":{}}`, wantErr: `body field "legalName"`},
		{name: "bad json", in: `{"legalName":`, wantErr: "body:"},
		{name: "trailing data", in: `{} {}`, wantErr: "unexpected data"},
		{name: "not an object", in: `[]`, wantErr: "body"},
		{name: "null body", in: `null`, wantErr: "must be a JSON object"},
		{name: "wrong type for a list", in: `{"branchCodes":"BLR01"}`, wantErr: `body field "branchCodes": must be an array of strings or null`},
		{name: "wrong nested type", in: `{"customerKeyContacts":[{"deleted":"yes","legalName":"L","mobile":"9876543210","name":"N"}]}`, wantErr: `.deleted": must be bool`},
		{name: "unknown nested field", in: `{"customerReminders":[{"reminderTyp":"ONCE"}]}`, wantErr: `unknown field "reminderTyp"`},
		{name: "lists may be null", in: `{"customerKeyContacts":null,"customerReminders":null}`, want: `{"customerKeyContacts":null,"customerReminders":null}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body, err := decodeBody([]byte(tc.in))
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			got, err := json.Marshal(body)
			require.NoError(t, err)
			assert.JSONEq(t, tc.want, string(got))
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
