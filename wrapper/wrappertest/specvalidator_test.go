package wrappertest

import (
	"errors"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestBodyFieldName_RendersThePointerTheSpringWay: object keys joined by
// dots, array indexes in brackets (at the root too), an unsupported property
// named itself.
func TestBodyFieldName_RendersThePointerTheSpringWay(t *testing.T) {
	contact := openapi3.NewObjectSchema().WithProperty("mobile", openapi3.NewStringSchema().WithPattern("^[0-9]{10}$"))
	contact.AdditionalProperties = openapi3.AdditionalProperties{Has: openapi3.Ptr(false)}
	body := openapi3.NewObjectSchema().WithProperty("customerKeyContacts", openapi3.NewArraySchema().WithItems(contact))
	tests := []struct {
		name   string
		schema *openapi3.Schema
		value  any
		want   string
	}{
		{"index inside an object", body, map[string]any{"customerKeyContacts": []any{map[string]any{"mobile": "12"}}}, "customerKeyContacts[0].mobile"},
		{"index at the root", openapi3.NewArraySchema().WithItems(contact), []any{map[string]any{"mobile": "12"}}, "[0].mobile"},
		{"unsupported property", body, map[string]any{"customerKeyContacts": []any{map[string]any{"fax": "1"}}}, "customerKeyContacts[0].fax"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.schema.VisitJSON(tc.value)
			var se *openapi3.SchemaError
			if !errors.As(err, &se) {
				t.Fatalf("VisitJSON: %v, want a *SchemaError", err)
			}
			if got := bodyFieldName(se); got != tc.want {
				t.Errorf("bodyFieldName = %q, want %q", got, tc.want)
			}
		})
	}
}
