package enkash_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/oapi-codegen/nullable"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
)

func init() {
	// kin-openapi checks only the formats it is told about; the spec's key
	// contact email uses format: email.
	openapi3.DefineStringFormatValidator("email", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForEmail))
}

// bodyField describes one of the 14 JsonNullable body fields: how to set it
// to a value and to null with the generated types, and the JSON each gives.
type bodyField struct {
	name      string
	set       func(*api.UpdateCustomerRequest)
	setNull   func(*api.UpdateCustomerRequest)
	valueJSON string
}

func stringField(name string, f func(*api.UpdateCustomerRequest) *nullable.Nullable[string]) bodyField {
	return bodyField{
		name:      name,
		set:       func(r *api.UpdateCustomerRequest) { f(r).Set("v-" + name) },
		setNull:   func(r *api.UpdateCustomerRequest) { f(r).SetNull() },
		valueJSON: `"v-` + name + `"`,
	}
}

func ptr[T any](v T) *T { return &v }

var bodyFields = []bodyField{
	stringField("accountNumber", func(r *api.UpdateCustomerRequest) *nullable.Nullable[string] { return &r.AccountNumber }),
	stringField("address", func(r *api.UpdateCustomerRequest) *nullable.Nullable[string] { return &r.Address }),
	stringField("assignedAgent", func(r *api.UpdateCustomerRequest) *nullable.Nullable[string] { return &r.AssignedAgent }),
	{
		name:      "branchCodes",
		set:       func(r *api.UpdateCustomerRequest) { r.BranchCodes.Set([]string{"BLR01", "MUM02"}) },
		setNull:   func(r *api.UpdateCustomerRequest) { r.BranchCodes.SetNull() },
		valueJSON: `["BLR01","MUM02"]`,
	},
	stringField("contactNumber", func(r *api.UpdateCustomerRequest) *nullable.Nullable[string] { return &r.ContactNumber }),
	stringField("customerId", func(r *api.UpdateCustomerRequest) *nullable.Nullable[string] { return &r.CustomerId }),
	{
		name: "customerKeyContacts",
		set: func(r *api.UpdateCustomerRequest) {
			r.CustomerKeyContacts.Set([]api.CustomerKeyContactCreateDTO{{
				Deleted: false, LegalName: "Acme Traders Pvt Ltd", Mobile: "+91 9876543210", Name: "Asha Rao",
				MailEnabled: ptr(false),
			}})
		},
		setNull:   func(r *api.UpdateCustomerRequest) { r.CustomerKeyContacts.SetNull() },
		valueJSON: `[{"deleted":false,"legalName":"Acme Traders Pvt Ltd","mail_enabled":false,"mobile":"+91 9876543210","name":"Asha Rao"}]`,
	},
	{
		name: "customerReminders",
		set: func(r *api.UpdateCustomerRequest) {
			r.CustomerReminders.Set([]api.CustomerReminderCreateDTO{{
				DueDateDifference: ptr(int32(0)), ReminderTime: ptr("09:30"), ReminderType: ptr(api.ReminderTypeRecurring),
			}})
		},
		setNull:   func(r *api.UpdateCustomerRequest) { r.CustomerReminders.SetNull() },
		valueJSON: `[{"dueDateDifference":0,"reminderTime":"09:30","reminderType":"RECURRING"}]`,
	},
	stringField("ifsc", func(r *api.UpdateCustomerRequest) *nullable.Nullable[string] { return &r.Ifsc }),
	stringField("legalName", func(r *api.UpdateCustomerRequest) *nullable.Nullable[string] { return &r.LegalName }),
	stringField("panOrGstin", func(r *api.UpdateCustomerRequest) *nullable.Nullable[string] { return &r.PanOrGstin }),
	stringField("pinCode", func(r *api.UpdateCustomerRequest) *nullable.Nullable[string] { return &r.PinCode }),
	stringField("state", func(r *api.UpdateCustomerRequest) *nullable.Nullable[string] { return &r.State }),
	stringField("uniqueRefNo", func(r *api.UpdateCustomerRequest) *nullable.Nullable[string] { return &r.UniqueRefNo }),
}

func TestWireBodyFieldsAreTriState(t *testing.T) {
	doc := loadSpec(t)
	// One case per property of the generated body type (14 on the vendor's
	// page): a property added to the spec without a case here fails.
	require.Len(t, bodyFields, reflect.TypeFor[api.UpdateCustomerRequest]().NumField())
	bodySchema := componentSchema(t, doc, "UpdateCustomerRequest")
	require.Len(t, bodySchema.Properties, len(bodyFields))

	for _, f := range bodyFields {
		require.Contains(t, bodySchema.Properties, f.name, "table and spec agree on field names")
		cases := []struct {
			state string
			build func(*api.UpdateCustomerRequest)
			want  string
		}{
			{"absent", func(*api.UpdateCustomerRequest) {}, `{}`},
			{"null", f.setNull, `{"` + f.name + `":null}`},
			{"value", f.set, `{"` + f.name + `":` + f.valueJSON + `}`},
		}
		for _, tc := range cases {
			t.Run(f.name+"/"+tc.state, func(t *testing.T) {
				var req api.UpdateCustomerRequest
				tc.build(&req)
				got, err := json.Marshal(req)
				require.NoError(t, err)
				assert.Equal(t, tc.want, string(got), "exact wire bytes")

				var generic any
				require.NoError(t, json.Unmarshal(got, &generic))
				assert.NoError(t, bodySchema.VisitJSON(generic), "body validates against the spec")

				var back api.UpdateCustomerRequest
				require.NoError(t, json.Unmarshal(got, &back))
				again, err := json.Marshal(back)
				require.NoError(t, err)
				assert.Equal(t, tc.want, string(again), "state survives a decode/encode round trip")
			})
		}
	}
}

// TestWireGeneratedClientRequestsConformToSpec sends every field state through
// the generated client and validates the real *http.Request with
// openapi3filter, the same validator the fake server uses.
func TestWireGeneratedClientRequestsConformToSpec(t *testing.T) {
	doc := loadSpec(t)
	doc.Servers = nil // route by path only
	router, err := gorillamux.NewRouter(doc)
	require.NoError(t, err)
	opts := &openapi3filter.Options{AuthenticationFunc: func(context.Context, *openapi3filter.AuthenticationInput) error { return nil }}

	validate := func(t *testing.T, req *http.Request) error {
		t.Helper()
		route, pathParams, err := router.FindRoute(req)
		require.NoError(t, err)
		return openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
			Request: req, PathParams: pathParams, Route: route, Options: opts,
		})
	}

	all := api.UpdateCustomerRequest{}
	for _, f := range bodyFields {
		t.Run(f.name, func(t *testing.T) {
			for _, build := range []func(*api.UpdateCustomerRequest){f.set, f.setNull} {
				var body api.UpdateCustomerRequest
				build(&body)
				req, err := api.NewUpdateCustomerRequest("https://enkash.test", "KCABCDEFGH123456",
					&api.UpdateCustomerParams{ParentCompanyId: ptr("CEK1234567")}, body)
				require.NoError(t, err)
				assert.Equal(t, http.MethodPatch, req.Method)
				assert.Equal(t, "/api/v0/customer/KCABCDEFGH123456", req.URL.Path)
				assert.Equal(t, "parentCompanyId=CEK1234567", req.URL.RawQuery)
				assert.NoError(t, validate(t, req))
			}
		})
		f.set(&all)
	}
	t.Run("all fields set", func(t *testing.T) {
		req, err := api.NewUpdateCustomerRequest("https://enkash.test", "KCABCDEFGH123456", nil, all)
		require.NoError(t, err)
		raw, err := io.ReadAll(req.Body)
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(raw, &m))
		assert.Len(t, m, len(bodyFields))
		req, err = api.NewUpdateCustomerRequest("https://enkash.test", "KCABCDEFGH123456", nil, all)
		require.NoError(t, err)
		assert.NoError(t, validate(t, req))
	})

	// The validator must reject what the spec forbids, or the checks above prove nothing.
	bad := []struct {
		name, customerID, query, body string
	}{
		{"lowercase customer id", "kcabcdefgh123456", "", `{}`},
		{"short customer id", "KC123", "", `{}`},
		{"bad parentCompanyId", "KCABCDEFGH123456", "parentCompanyId=CEK12", `{}`},
		{"object for a string field", "KCABCDEFGH123456", "", `{"legalName":{}}`},
		{"unknown property", "KCABCDEFGH123456", "", `{"nickname":"x"}`},
		{"bad mobile", "KCABCDEFGH123456", "", `{"customerKeyContacts":[{"deleted":false,"legalName":"L","mobile":"12345","name":"N"}]}`},
		{"missing key contact name", "KCABCDEFGH123456", "", `{"customerKeyContacts":[{"deleted":false,"legalName":"L","mobile":"9876543210"}]}`},
		{"bad email", "KCABCDEFGH123456", "", `{"customerKeyContacts":[{"deleted":false,"legalName":"L","mobile":"9876543210","name":"N","email":"not-an-email"}]}`},
		{"bad reminderType", "KCABCDEFGH123456", "", `{"customerReminders":[{"reminderType":"WEEKLY"}]}`},
		{"bad reminderTime", "KCABCDEFGH123456", "", `{"customerReminders":[{"reminderTime":"9:30pm"}]}`},
		{"int32 overflow", "KCABCDEFGH123456", "", `{"customerReminders":[{"reminderInterval":2147483648}]}`},
	}
	for _, tc := range bad {
		t.Run("rejects "+tc.name, func(t *testing.T) {
			var params *api.UpdateCustomerParams
			req, err := api.NewUpdateCustomerRequestWithBody("https://enkash.test", tc.customerID, params, "application/json", strings.NewReader(tc.body))
			require.NoError(t, err)
			req.URL.RawQuery = tc.query
			assert.Error(t, validate(t, req))
		})
	}
}
