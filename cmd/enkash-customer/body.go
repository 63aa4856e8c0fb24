package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/enkash-oss/enkash-go/api"
)

// usageError is a problem with the command line or the body the user gave:
// exit status 2, nothing is sent.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{msg: fmt.Sprintf(format, args...)} }

// bodyFields lists the JSON names of the PATCH body, read from the generated
// type so the CLI cannot drift from openapi.yaml.
var bodyFields = func() []string {
	t := reflect.TypeFor[api.UpdateCustomerRequest]()
	names := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}()

// jsonValuedFields take JSON on --set; every other field takes a literal string.
var jsonValuedFields = []string{"branchCodes", "customerKeyContacts", "customerReminders"}

// multiFlag collects a repeatable flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// buildBody turns --set/--clear pairs into a PATCH body. Every field not named
// stays absent, which the API reads as "leave unchanged".
func buildBody(sets, clears []string) (api.UpdateCustomerRequest, error) {
	fields := map[string]json.RawMessage{}
	for _, s := range sets {
		name, value, ok := strings.Cut(s, "=")
		if !ok {
			// The argument is not echoed: it may be a value (a mobile
			// number, a PAN) given without its field. A bare known field
			// name is safe to name.
			if slices.Contains(bodyFields, name) {
				return api.UpdateCustomerRequest{}, usagef("--set %s: want FIELD=VALUE", name)
			}
			return api.UpdateCustomerRequest{}, usagef("--set: want FIELD=VALUE")
		}
		if err := checkField(name, fields); err != nil {
			return api.UpdateCustomerRequest{}, err
		}
		if slices.Contains(jsonValuedFields, name) {
			if !json.Valid([]byte(value)) {
				return api.UpdateCustomerRequest{}, usagef("--set %s: value must be JSON (an array, or null)", name)
			}
			fields[name] = json.RawMessage(value)
			continue
		}
		quoted, err := json.Marshal(value)
		if err != nil {
			return api.UpdateCustomerRequest{}, usagef("--set %s: %v", name, err)
		}
		fields[name] = quoted
	}
	for _, name := range clears {
		if err := checkField(name, fields); err != nil {
			return api.UpdateCustomerRequest{}, err
		}
		fields[name] = json.RawMessage("null")
	}
	raw, err := json.Marshal(fields)
	if err != nil {
		return api.UpdateCustomerRequest{}, usagef("building body: %v", err)
	}
	return decodeBody(raw)
}

func checkField(name string, seen map[string]json.RawMessage) error {
	if !slices.Contains(bodyFields, name) {
		return usagef("unknown field %q: want one of %s", name, strings.Join(bodyFields, ", "))
	}
	if _, dup := seen[name]; dup {
		return usagef("field %q given more than once", name)
	}
	return nil
}

// decodeBody parses a whole JSON body strictly: unknown fields (nested ones
// included), trailing data and wrong types are usage errors naming the field.
// Each field is decoded on its own so the error names it whichever
// encoding/json engine is in use (json/v2 leaves UnmarshalTypeError.Field
// empty for errors inside nullable.Nullable).
func decodeBody(raw []byte) (api.UpdateCustomerRequest, error) {
	var top map[string]json.RawMessage
	if err := strictDecode(raw, &top); err != nil {
		return api.UpdateCustomerRequest{}, describeJSONError(err)
	}
	if top == nil {
		return api.UpdateCustomerRequest{}, usagef("body: must be a JSON object")
	}
	for _, name := range slices.Sorted(maps.Keys(top)) {
		if !slices.Contains(bodyFields, name) {
			return api.UpdateCustomerRequest{}, usagef("body: unknown field %q: want one of %s", name, strings.Join(bodyFields, ", "))
		}
		if err := checkFieldValue(name, top[name]); err != nil {
			return api.UpdateCustomerRequest{}, err
		}
	}
	var body api.UpdateCustomerRequest
	if err := json.Unmarshal(raw, &body); err != nil {
		return api.UpdateCustomerRequest{}, describeJSONError(err)
	}
	return body, nil
}

// fieldShapes says what each non-string field holds, for error messages.
var fieldShapes = map[string]string{
	"branchCodes":         "an array of strings or null",
	"customerKeyContacts": "an array of key contact objects or null",
	"customerReminders":   "an array of reminder objects or null",
}

// checkFieldValue decodes one field alone, strictly (the two lists of
// objects reject unknown keys too: nullable.Nullable decodes its content
// with plain json.Unmarshal, which would ignore them).
func checkFieldValue(name string, v json.RawMessage) error {
	shape, ok := fieldShapes[name]
	if !ok {
		shape = "a string or null"
	}
	var list any
	switch name {
	case "customerKeyContacts":
		list = &[]api.CustomerKeyContactCreateDTO{}
	case "customerReminders":
		list = &[]api.CustomerReminderCreateDTO{}
	}
	if list != nil && string(v) != "null" {
		if err := strictDecode(v, list); err != nil {
			var typeErr *json.UnmarshalTypeError
			if errors.As(err, &typeErr) && typeErr.Field != "" {
				return usagef("body field %q: must be %s", nestedPath(name, typeErr.Field), typeErr.Type)
			}
			if strings.HasPrefix(err.Error(), "json: unknown field ") {
				return usagef("body field %q: %s", name, strings.TrimPrefix(err.Error(), "json: "))
			}
			return usagef("body field %q: must be %s", name, shape)
		}
	}
	one, err := json.Marshal(map[string]json.RawMessage{name: v})
	if err != nil {
		return usagef("body field %q: must be %s", name, shape)
	}
	var probe api.UpdateCustomerRequest
	if err := json.Unmarshal(one, &probe); err != nil {
		return usagef("body field %q: must be %s", name, shape)
	}
	return nil
}

// nestedPath names a field inside a list: json/v2 reports "0.deleted",
// encoding/json v1 just "deleted".
func nestedPath(list, field string) string {
	if idx, rest, ok := strings.Cut(field, "."); ok && idx != "" && strings.Trim(idx, "0123456789") == "" {
		return list + "[" + idx + "]." + rest
	}
	return list + "[]." + field
}

func strictDecode(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

func describeJSONError(err error) error {
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &syntaxErr):
		return usagef("body: invalid JSON at byte %d: %v", syntaxErr.Offset, syntaxErr)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return usagef("body: invalid JSON: unexpected end of input")
	default:
		return usagef("body: %v", err)
	}
}
