package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Tests of the old sync body decoder (legacyjson.go): delete with it.

func TestNestedPath(t *testing.T) {
	assert.Equal(t, "customerKeyContacts[0].deleted", nestedPath("customerKeyContacts", "0.deleted"))
	assert.Equal(t, "customerKeyContacts[].deleted", nestedPath("customerKeyContacts", "deleted"))
	assert.Equal(t, "customerReminders[].a.b", nestedPath("customerReminders", "a.b"))
}

func TestDecodeBody_Legacy(t *testing.T) {
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
