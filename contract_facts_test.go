package enkash_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// This file pins every documented fact of the contract. contractViolations
// describes each schema and operation of openapi.yaml as short strings and
// compares them with the expectations below, so removing or changing any one
// fact in the spec makes TestSpecCarriesEveryFact fail.
// TestContractCheckCatchesEachRemovedFact proves that by mutating the spec.

const (
	patternCustomerID      = `^KC[A-Z0-9]{14}$`
	patternParentCompanyID = `^CEK[A-Z0-9]{7}$`
	patternMobile          = `^$|^((\+|00)(\d{1,3})[\s-]?)?(\d{10})$`
	patternReminderTime    = `^([01][0-9]|2[0-3]):[0-5][0-9]$`
	customerPath           = "/api/v0/customer/{customerId}"
	activatePath           = "/api/v0/customer/activate/{customerId}"
	tokenPath              = "/oauth/token"
)

var errorTypes = "[CLIENT_REQUEST_ABORT CLIENT_REQUEST_ERROR INVALID_ACCESS RECORD_NOT_FOUND SYSTEM_ERROR UNAUTHORIZED UNKNOWN_ERROR UNPROCESSABLE_REQUEST VALIDATION_ERROR]"

// expectedSchemas maps component name -> property -> description (see describe).
// A trailing "!" marks a required property.
var expectedSchemas = map[string]map[string]string{
	"UpdateCustomerRequest": {
		"(object)":            "object additionalProperties=false",
		"accountNumber":       "string?",
		"address":             "string?",
		"assignedAgent":       "string?",
		"branchCodes":         "array?<string>",
		"contactNumber":       "string?",
		"customerId":          "string?",
		"customerKeyContacts": "array?<$CustomerKeyContactCreateDTO>",
		"customerReminders":   "array?<$CustomerReminderCreateDTO>",
		"ifsc":                "string?",
		"legalName":           "string?",
		"panOrGstin":          "string?",
		"pinCode":             "string?",
		"state":               "string?",
		"uniqueRefNo":         "string?",
	},
	"CustomerKeyContactCreateDTO": {
		"(object)":           "object",
		"deleted":            "boolean!",
		"email":              "string:email",
		"keyContactPersonId": "string",
		"legalName":          "string!",
		"mail_enabled":       "boolean",
		"mobile":             "string~" + patternMobile + "!",
		"name":               "string!",
		"sms_enabled":        "boolean",
		"via":                "string",
		"whatsapp_enabled":   "boolean",
	},
	"CustomerReminderCreateDTO": {
		"(object)":           "object",
		"customerReminderId": "string",
		"dueDateDifference":  "integer:int32",
		"reminderInterval":   "integer:int32",
		"reminderTime":       "string~" + patternReminderTime,
		"reminderType":       "$ReminderType",
		"stage":              "string",
	},
	"ReminderType":                     {"(object)": "string[ONCE RECURRING]"},
	"CustomerResponseEnvelope":         envelopeOf("$CustomerResponse"),
	"ActivateCustomerResponseEnvelope": envelopeOf("object additionalProperties=true"), // undocumented: untyped
	"DeleteCustomerResponseEnvelope":   envelopeOf("string"),
	"ErrorResponse": {
		"(object)":     "object",
		"apiSubErrors": "array<$ApiSubError>",
		"errorMessage": "string",
		"errorType":    "$ErrorType",
		"requestId":    "string",
		"timestamp":    "string example=yyyy-MM-dd HH:mm:ss x-timestamp=map[layout:yyyy-MM-dd HH:mm:ss utcOffset:+05:30 zone:IST]",
	},
	// x-error-statuses: the status each errorType stands for without an envelope.
	"ErrorType": {"(object)": "string" + errorTypes + " x-error-statuses=map[CLIENT_REQUEST_ERROR:400 INVALID_ACCESS:403 RECORD_NOT_FOUND:404 UNAUTHORIZED:401 UNPROCESSABLE_REQUEST:422]"},
	"ApiSubError": {
		"(object)":      "object additionalProperties=true",
		"object":        "string",
		"field":         "string",
		"rejectedValue": "anyOf(string? | number? | boolean? | object? | array?<any>) @nullable.Nullable[interface{}]",
		"message":       "string",
	},
	"CustomerResponse": {
		"(object)":            "object",
		"accountNumber":       "string",
		"active":              "boolean",
		"address":             "string",
		"assignedAgent":       "string",
		"bankName":            "string",
		"branchCodes":         "array<string>",
		"companyId":           "string",
		"contactEmail":        "string",
		"contactNumber":       "string",
		"createdBy":           "string",
		"createdByName":       "string",
		"createdOn":           "string:date-time",
		"customerId":          "string",
		"customerKeyContacts": "array<$CustomerKeyContactResponse>",
		"customerLogo":        "string",
		"customerReminders":   "array<$CustomerReminderConfigResponse>",
		"dsoMedian":           "integer:int64",
		"id":                  "integer:int64",
		"ifsc":                "string",
		"legalName":           "string",
		"modifiedBy":          "string",
		"modifiedByName":      "string",
		"modifiedOn":          "string:date-time",
		"netAmount":           "number @json.Number",
		"panOrGstin":          "string",
		"parentCompanyId":     "string",
		"parentLegalName":     "string",
		"pinCode":             "string",
		"state":               "string",
		"uniqueRefNo":         "string",
		"warnings":            "array<string>",
	},
	"CustomerKeyContactResponse": {
		"(object)":           "object",
		"createdBy":          "string",
		"createdOn":          "string:date-time",
		"customerId":         "string",
		"customerName":       "string",
		"deleted":            "string",
		"email":              "string",
		"keyContactPersonId": "string",
		"mail_enabled":       "boolean",
		"mobile":             "string",
		"modifiedBy":         "string",
		"modifiedOn":         "string:date-time",
		"name":               "string",
		"sms_enabled":        "boolean",
		"whatsapp_enabled":   "boolean",
	},
	"CustomerReminderConfigResponse": {
		"(object)":           "object",
		"customerId":         "string",
		"customerReminderId": "string",
		"dueDateDifference":  "integer:int32",
		"reminderInterval":   "integer:int32",
		"reminderTime":       "string",
		"reminderType":       "string[ONCE RECURRING] @ReminderType",
		"stage":              "string",
	},
	"TokenRequest": {
		"(object)":   "object",
		"username":   "string!",
		"password":   "string:password!",
		"grant_type": "string[password]!",
		"clientId":   "string",
	},
	"TokenResponse": {"(object)": "oneOf($TokenResponseSnake | $TokenResponseCamel)"},
	"TokenResponseSnake": {
		"(object)":      "object",
		"access_token":  "string!",
		"token_type":    "string",
		"refresh_token": "string",
		"expires_in":    "integer:int64 @json.Number",
		"scope":         "string",
	},
	"TokenResponseCamel": {
		"(object)":     "object",
		"accessToken":  "string!",
		"tokenType":    "string",
		"refreshToken": "string",
		"expiresIn":    "integer:int64 @json.Number",
	},
	"OAuthError": {
		"(object)":          "object",
		"error":             "string",
		"error_description": "string",
	},
}

// envelopeOf is Enkash's response envelope around a payload (see describe).
func envelopeOf(payload string) map[string]string {
	return map[string]string{
		"(object)":         "object",
		"errorResponse":    "$ErrorResponse",
		"payload":          payload,
		"response_code":    "integer:int32",
		"response_message": "string",
	}
}

// customerOperation describes an operation on one customer: updateCustomer's
// parameters, security and statuses, each status answered with envelope.
func customerOperation(operationID, envelope string, extra ...string) []string {
	out := []string{
		"operationId=" + operationID,
		"tags=[Customer Apis]",
		"security=[bearerAuth]",
		"param path customerId required string~" + patternCustomerID,
		"param query parentCompanyId optional string~" + patternParentCompanyID,
	}
	for _, status := range []string{"200", "400", "401", "403", "404", "422", "500"} {
		out = append(out, "response "+status+" application/json $"+envelope,
			"response "+status+" header X-Request-Id $RequestId")
	}
	return append(out, extra...)
}

// expectedOperations describes every operation: one the spec has and this
// table lacks is a violation too.
var expectedOperations = map[string][]string{
	"PATCH " + customerPath: customerOperation("updateCustomer", "CustomerResponseEnvelope",
		"body required application/json $UpdateCustomerRequest"),
	"PUT " + activatePath:    customerOperation("activateCustomer", "ActivateCustomerResponseEnvelope"),
	"DELETE " + customerPath: customerOperation("deleteCustomer", "DeleteCustomerResponseEnvelope"),
	"POST " + tokenPath: {
		"operationId=getAuthToken",
		"tags=[Authentication]",
		"security=[basicAuth]",
		"body required application/x-www-form-urlencoded $TokenRequest",
		"response 200 application/json $TokenResponse",
		"response 400 application/json $OAuthError",
		"response 401 application/json $OAuthError",
		"response 200 header X-Request-Id $RequestId",
		"response 400 header X-Request-Id $RequestId",
		"response 401 header X-Request-Id $RequestId",
	},
}

var expectedDocument = []string{
	"openapi=3.0.3",
	"server=https://test.your-api-server.com",
	"securityScheme bearerAuth http bearer",
	"securityScheme basicAuth http basic",
	"header RequestId string", // the request id, on every response (see the operations)
}

// describe renders one schema as a compact string: type, "anyOf(…)" /
// "oneOf(…)" of its alternatives, ":format", "?" for nullable, "~pattern", "[enum]", "<items>", "$Ref", " @x-go-type",
// " example=…" (only where the example documents a format), the
// x-timestamp and x-error-statuses extensions and, for objects,
// additionalProperties when it is set explicitly.
func describe(ref *openapi3.SchemaRef) string {
	if ref == nil {
		return "<nil>"
	}
	if ref.Ref != "" {
		return "$" + ref.Ref[strings.LastIndex(ref.Ref, "/")+1:]
	}
	s := ref.Value
	if s == nil {
		return "<nil>"
	}
	var b strings.Builder
	hasType := s.Type != nil && len(s.Type.Slice()) > 0
	if hasType {
		b.WriteString(strings.Join(s.Type.Slice(), "|"))
	}
	for _, alt := range []struct {
		name string
		refs openapi3.SchemaRefs
	}{{"anyOf", s.AnyOf}, {"oneOf", s.OneOf}} {
		if len(alt.refs) == 0 {
			continue
		}
		parts := make([]string, len(alt.refs))
		for i, r := range alt.refs {
			parts[i] = describe(r)
		}
		b.WriteString(alt.name + "(" + strings.Join(parts, " | ") + ")")
	}
	if b.Len() == 0 {
		b.WriteString("any")
	}
	if s.Format != "" {
		b.WriteString(":" + s.Format)
	}
	if s.Nullable {
		b.WriteString("?")
	}
	if s.Pattern != "" {
		b.WriteString("~" + s.Pattern)
	}
	if len(s.Enum) > 0 {
		fmt.Fprint(&b, s.Enum)
	}
	if s.Items != nil {
		b.WriteString("<" + describe(s.Items) + ">")
	}
	if goType, ok := s.Extensions["x-go-type"]; ok {
		fmt.Fprintf(&b, " @%v", goType)
	}
	if ex, ok := s.Example.(string); ok && ex == "yyyy-MM-dd HH:mm:ss" {
		b.WriteString(" example=" + ex)
	}
	for _, ext := range []string{"x-timestamp", "x-error-statuses"} {
		if v, ok := s.Extensions[ext]; ok {
			fmt.Fprintf(&b, " %s=%v", ext, v)
		}
	}
	if s.AdditionalProperties.Has != nil {
		fmt.Fprintf(&b, " additionalProperties=%v", *s.AdditionalProperties.Has)
	}
	return b.String()
}

// describeComponent renders a component schema as property -> description.
func describeComponent(s *openapi3.Schema) map[string]string {
	out := map[string]string{"(object)": describe(&openapi3.SchemaRef{Value: &openapi3.Schema{
		Type: s.Type, Format: s.Format, Enum: s.Enum, Nullable: s.Nullable,
		AnyOf: s.AnyOf, OneOf: s.OneOf, AdditionalProperties: s.AdditionalProperties,
		Extensions: s.Extensions,
	}})}
	for name, p := range s.Properties {
		d := describe(p)
		if slices.Contains(s.Required, name) {
			d += "!"
		}
		out[name] = d
	}
	for _, name := range s.Required {
		if _, ok := s.Properties[name]; !ok {
			out[name] = "(required but not declared)"
		}
	}
	return out
}

func describeOperation(doc *openapi3.T, method, path string) []string {
	item := doc.Paths.Value(path)
	if item == nil {
		return nil
	}
	op := item.GetOperation(method)
	if op == nil {
		return nil
	}
	var out []string
	out = append(out, "operationId="+op.OperationID, fmt.Sprintf("tags=%v", op.Tags))
	var sec []string
	if op.Security != nil {
		for _, req := range *op.Security {
			sec = append(sec, slices.Sorted(maps.Keys(req))...)
		}
	}
	out = append(out, fmt.Sprintf("security=%v", sec))
	for _, p := range op.Parameters {
		req := "optional"
		if p.Value.Required {
			req = "required"
		}
		out = append(out, fmt.Sprintf("param %s %s %s %s", p.Value.In, p.Value.Name, req, describe(p.Value.Schema)))
	}
	if op.RequestBody != nil && op.RequestBody.Value != nil {
		rb := op.RequestBody.Value
		req := "optional"
		if rb.Required {
			req = "required"
		}
		for _, mime := range slices.Sorted(maps.Keys(rb.Content)) {
			out = append(out, fmt.Sprintf("body %s %s %s", req, mime, describe(rb.Content[mime].Schema)))
		}
	}
	if op.Responses != nil {
		for code, r := range op.Responses.Map() {
			if r.Value == nil {
				continue
			}
			for mime, mt := range r.Value.Content {
				out = append(out, fmt.Sprintf("response %s %s %s", code, mime, describe(mt.Schema)))
			}
			for name, h := range r.Value.Headers {
				out = append(out, fmt.Sprintf("response %s header %s $%s", code, name, h.Ref[strings.LastIndex(h.Ref, "/")+1:]))
			}
		}
	}
	sort.Strings(out)
	return out
}

func describeDocument(doc *openapi3.T) []string {
	out := []string{"openapi=" + doc.OpenAPI}
	for _, s := range doc.Servers {
		out = append(out, "server="+s.URL)
	}
	if doc.Components != nil {
		for name, ss := range doc.Components.SecuritySchemes {
			if ss.Value != nil {
				out = append(out, fmt.Sprintf("securityScheme %s %s %s", name, ss.Value.Type, ss.Value.Scheme))
			}
		}
		for name, h := range doc.Components.Headers {
			if h.Value != nil && h.Value.Schema != nil {
				out = append(out, fmt.Sprintf("header %s %s", name, describe(h.Value.Schema)))
			}
		}
	}
	sort.Strings(out)
	return out
}

// contractViolations lists every difference between doc and the documented
// facts above. An empty result means the spec carries all of them.
func contractViolations(doc *openapi3.T) []string {
	var v []string
	want := slices.Clone(expectedDocument)
	sort.Strings(want)
	if got := describeDocument(doc); !slices.Equal(got, want) {
		v = append(v, fmt.Sprintf("document: got %q, want %q", got, want))
	}
	for key, want := range expectedOperations {
		method, path, _ := strings.Cut(key, " ")
		want = slices.Clone(want)
		sort.Strings(want)
		if got := describeOperation(doc, method, path); !slices.Equal(got, want) {
			v = append(v, fmt.Sprintf("%s: got %q, want %q", key, got, want))
		}
	}
	for _, path := range doc.Paths.InMatchingOrder() {
		for method := range doc.Paths.Value(path).Operations() {
			if _, ok := expectedOperations[method+" "+path]; !ok {
				v = append(v, fmt.Sprintf("undocumented operation %s %s", method, path))
			}
		}
	}
	if doc.Components != nil {
		for name := range doc.Components.Schemas {
			if _, ok := expectedSchemas[name]; !ok {
				v = append(v, fmt.Sprintf("undocumented schema %s", name))
			}
		}
	}
	for name, want := range expectedSchemas {
		var got map[string]string
		if doc.Components != nil && doc.Components.Schemas[name] != nil && doc.Components.Schemas[name].Value != nil {
			got = describeComponent(doc.Components.Schemas[name].Value)
		}
		for prop, w := range want {
			if g, ok := got[prop]; !ok {
				v = append(v, fmt.Sprintf("schema %s: property %q missing (want %q)", name, prop, w))
			} else if g != w {
				v = append(v, fmt.Sprintf("schema %s: property %q is %q, want %q", name, prop, g, w))
			}
		}
		for prop, g := range got {
			if _, ok := want[prop]; !ok {
				v = append(v, fmt.Sprintf("schema %s: undocumented property %q (%q)", name, prop, g))
			}
		}
	}
	sort.Strings(v)
	return v
}

func TestSpecCarriesEveryFact(t *testing.T) {
	doc := loadSpec(t)
	assert.Empty(t, contractViolations(doc))
	// The counts the vendor page states, checked independently of the tables.
	assert.Len(t, doc.Components.Schemas["UpdateCustomerRequest"].Value.Properties, 14)
	assert.Len(t, doc.Components.Schemas["CustomerResponse"].Value.Properties, 31)
	assert.Len(t, doc.Components.Schemas["CustomerKeyContactResponse"].Value.Properties, 14)
	assert.Len(t, doc.Components.Schemas["CustomerReminderConfigResponse"].Value.Properties, 7)
	assert.Len(t, doc.Components.Schemas["ErrorType"].Value.Enum, 9)
}

// TestContractCheckCatchesEachRemovedFact removes or alters one fact at a time
// and requires contractViolations to notice, so the check above cannot pass
// vacuously.
func TestContractCheckCatchesEachRemovedFact(t *testing.T) {
	schema := func(doc *openapi3.T, name string) *openapi3.Schema { return doc.Components.Schemas[name].Value }
	prop := func(doc *openapi3.T, s, p string) *openapi3.Schema { return schema(doc, s).Properties[p].Value }
	patch := func(doc *openapi3.T) *openapi3.Operation { return doc.Paths.Value(customerPath).Patch }
	mutations := map[string]func(doc *openapi3.T){
		"legalName not nullable":       func(d *openapi3.T) { prop(d, "UpdateCustomerRequest", "legalName").Nullable = false },
		"branchCodes not nullable":     func(d *openapi3.T) { prop(d, "UpdateCustomerRequest", "branchCodes").Nullable = false },
		"body field removed":           func(d *openapi3.T) { delete(schema(d, "UpdateCustomerRequest").Properties, "uniqueRefNo") },
		"body field typed object":      func(d *openapi3.T) { prop(d, "UpdateCustomerRequest", "ifsc").Type = &openapi3.Types{"object"} },
		"unknown properties allowed":   func(d *openapi3.T) { schema(d, "UpdateCustomerRequest").AdditionalProperties.Has = nil },
		"customerId pattern loosened":  func(d *openapi3.T) { patch(d).Parameters[0].Value.Schema.Value.Pattern = `KC[A-Z0-9]{14}` },
		"customerId not required":      func(d *openapi3.T) { patch(d).Parameters[0].Value.Required = false },
		"parentCompanyId pattern gone": func(d *openapi3.T) { patch(d).Parameters[1].Value.Schema.Value.Pattern = "" },
		"body optional":                func(d *openapi3.T) { patch(d).RequestBody.Value.Required = false },
		"status 422 removed":           func(d *openapi3.T) { patch(d).Responses.Delete("422") },
		"security removed":             func(d *openapi3.T) { patch(d).Security = nil },
		"operationId changed":          func(d *openapi3.T) { patch(d).OperationID = "patchCustomer" },
		"mobile pattern removed":       func(d *openapi3.T) { prop(d, "CustomerKeyContactCreateDTO", "mobile").Pattern = "" },
		"key contact name not required": func(d *openapi3.T) {
			schema(d, "CustomerKeyContactCreateDTO").Required = []string{"deleted", "legalName", "mobile"}
		},
		"email format removed":         func(d *openapi3.T) { prop(d, "CustomerKeyContactCreateDTO", "email").Format = "" },
		"reminderTime pattern removed": func(d *openapi3.T) { prop(d, "CustomerReminderCreateDTO", "reminderTime").Pattern = "" },
		"reminderType enum value gone": func(d *openapi3.T) { schema(d, "ReminderType").Enum = []any{"ONCE"} },
		"errorType enum value gone":    func(d *openapi3.T) { schema(d, "ErrorType").Enum = schema(d, "ErrorType").Enum[1:] },
		"timestamp example gone":       func(d *openapi3.T) { prop(d, "ErrorResponse", "timestamp").Example = nil },
		"timestamp zone changed": func(d *openapi3.T) {
			prop(d, "ErrorResponse", "timestamp").Extensions["x-timestamp"] = map[string]any{"layout": "yyyy-MM-dd HH:mm:ss", "zone": "UTC", "utcOffset": "+00:00"}
		},
		"errorType status changed": func(d *openapi3.T) {
			schema(d, "ErrorType").Extensions["x-error-statuses"] = map[string]any{"VALIDATION_ERROR": 400}
		},
		"request-id header renamed": func(d *openapi3.T) {
			h := patch(d).Responses.Value("404").Value.Headers
			h["X-Correlation-Id"] = h["X-Request-Id"]
			delete(h, "X-Request-Id")
		},
		"request-id header component dropped": func(d *openapi3.T) { delete(d.Components.Headers, "RequestId") },
		"token reply without request-id": func(d *openapi3.T) {
			d.Paths.Value(tokenPath).Post.Responses.Value("200").Value.Headers = nil
		},
		"response field removed":      func(d *openapi3.T) { delete(schema(d, "CustomerResponse").Properties, "warnings") },
		"createdOn format removed":    func(d *openapi3.T) { prop(d, "CustomerResponse", "createdOn").Format = "" },
		"id not int64":                func(d *openapi3.T) { prop(d, "CustomerResponse", "id").Format = "int32" },
		"netAmount decimal-safe type": func(d *openapi3.T) { delete(prop(d, "CustomerResponse", "netAmount").Extensions, "x-go-type") },
		"key contact deleted as boolean": func(d *openapi3.T) {
			prop(d, "CustomerKeyContactResponse", "deleted").Type = &openapi3.Types{"boolean"}
		},
		"reminder config field removed":  func(d *openapi3.T) { delete(schema(d, "CustomerReminderConfigResponse").Properties, "stage") },
		"envelope response_code removed": func(d *openapi3.T) { delete(schema(d, "CustomerResponseEnvelope").Properties, "response_code") },
		"camelCase token field removed":  func(d *openapi3.T) { delete(schema(d, "TokenResponseCamel").Properties, "expiresIn") },
		"camelCase token reply dropped":  func(d *openapi3.T) { schema(d, "TokenResponse").OneOf = schema(d, "TokenResponse").OneOf[:1] },
		"snake token without the token":  func(d *openapi3.T) { schema(d, "TokenResponseSnake").Required = nil },
		"rejectedValue null refused":     func(d *openapi3.T) { prop(d, "ApiSubError", "rejectedValue").AnyOf[0].Value.Nullable = false },
		"rejectedValue objects refused": func(d *openapi3.T) {
			rv := prop(d, "ApiSubError", "rejectedValue")
			rv.AnyOf = slices.Delete(rv.AnyOf, 3, 4)
		},
		"grant_type enum removed":    func(d *openapi3.T) { prop(d, "TokenRequest", "grant_type").Enum = nil },
		"token endpoint removed":     func(d *openapi3.T) { d.Paths.Delete(tokenPath) },
		"bearer scheme removed":      func(d *openapi3.T) { delete(d.Components.SecuritySchemes, "bearerAuth") },
		"server placeholder removed": func(d *openapi3.T) { d.Servers = nil },
		"activate removed":           func(d *openapi3.T) { d.Paths.Delete(activatePath) },
		"delete removed":             func(d *openapi3.T) { d.Paths.Value(customerPath).Delete = nil },
		"activate gets a body": func(d *openapi3.T) {
			d.Paths.Value(activatePath).Put.RequestBody = patch(d).RequestBody
		},
		"delete payload an object": func(d *openapi3.T) {
			prop(d, "DeleteCustomerResponseEnvelope", "payload").Type = &openapi3.Types{"object"}
		},
		"activate payload typed": func(d *openapi3.T) {
			schema(d, "ActivateCustomerResponseEnvelope").Properties["payload"] = &openapi3.SchemaRef{Ref: "#/components/schemas/CustomerResponse"}
		},
		"delete parentCompanyId dropped": func(d *openapi3.T) {
			d.Paths.Value(customerPath).Delete.Parameters = d.Paths.Value(customerPath).Delete.Parameters[:1]
		},
		"activate 404 removed":   func(d *openapi3.T) { d.Paths.Value(activatePath).Put.Responses.Delete("404") },
		"undocumented operation": func(d *openapi3.T) { d.Paths.Value(customerPath).Get = d.Paths.Value(customerPath).Delete },
		"undocumented schema": func(d *openapi3.T) {
			d.Components.Schemas["Extra"] = &openapi3.SchemaRef{Value: openapi3.NewObjectSchema()}
		},
	}
	for name, mutate := range mutations {
		t.Run(name, func(t *testing.T) {
			doc := loadSpec(t)
			require.Empty(t, contractViolations(doc), "precondition: the unmutated spec passes")
			mutate(doc)
			assert.NotEmpty(t, contractViolations(doc), "the contract check missed: %s", name)
		})
	}
}

func loadSpec(t testing.TB) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile("openapi.yaml")
	require.NoError(t, err)
	require.NoError(t, doc.Validate(context.Background()))
	return doc
}
