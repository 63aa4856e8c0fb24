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
	"strconv"
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
			return api.UpdateCustomerRequest{}, usagef("--set %q: want FIELD=VALUE", name)
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
func decodeBody(raw []byte) (api.UpdateCustomerRequest, error) {
	var body api.UpdateCustomerRequest
	if err := strictDecode(raw, &body); err != nil {
		return api.UpdateCustomerRequest{}, describeJSONError("", err)
	}
	// nullable.Nullable decodes its content with plain json.Unmarshal, which
	// ignores unknown keys; check the two lists of objects again, strictly.
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		return api.UpdateCustomerRequest{}, describeJSONError("", err)
	}
	nested := map[string]any{
		"customerKeyContacts": &[]api.CustomerKeyContactCreateDTO{},
		"customerReminders":   &[]api.CustomerReminderCreateDTO{},
	}
	for _, name := range slices.Sorted(maps.Keys(nested)) {
		if v, ok := top[name]; ok && string(v) != "null" {
			if err := strictDecode(v, nested[name]); err != nil {
				return api.UpdateCustomerRequest{}, describeJSONError(name, err)
			}
		}
	}
	return body, nil
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

func describeJSONError(prefix string, err error) error {
	where := "body"
	if prefix != "" {
		where = "body field " + strconv.Quote(prefix)
	}
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if prefix != "" {
			field = prefix + "[]." + field
		}
		return usagef("body field %q: must be %s, got JSON %s", field, typeErr.Type, typeErr.Value)
	case errors.As(err, &syntaxErr):
		return usagef("%s: invalid JSON at byte %d: %v", where, syntaxErr.Offset, syntaxErr)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return usagef("%s: invalid JSON: unexpected end of input", where)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		if prefix != "" {
			return usagef("%s: %s", where, strings.TrimPrefix(err.Error(), "json: "))
		}
		return usagef("body: %s: want one of %s", strings.TrimPrefix(err.Error(), "json: "), strings.Join(bodyFields, ", "))
	default:
		return usagef("%s: %v", where, err)
	}
}
