package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/bulk"
)

// usageError is a problem with the command line or the body the user gave:
// exit status 2, nothing is sent.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{msg: fmt.Sprintf(format, args...)} }

// bodyField is one property of the PATCH body, read from the generated type
// so that the CLI follows openapi.yaml after `go generate` with no edit.
type bodyField struct {
	name string       // JSON name
	elem reflect.Type // T of its nullable.Nullable[T]
}

// takesJSON reports whether --set takes JSON for the field: everything but a
// plain string does.
func (f bodyField) takesJSON() bool { return f.elem.Kind() != reflect.String }

// shape says what the field holds, for error messages.
func (f bodyField) shape() string {
	switch f.elem.Kind() {
	case reflect.String:
		return "a string or null"
	case reflect.Slice:
		if f.elem.Elem().Kind() == reflect.Struct {
			return "an array of " + f.elem.Elem().Name() + " objects or null"
		}
		return "an array of " + f.elem.Elem().Kind().String() + "s or null"
	case reflect.Struct:
		return "a " + f.elem.Name() + " object or null"
	}
	return "a " + f.elem.Kind().String() + " or null"
}

// bodyFields are the body's properties, sorted by name (computed on
// first use: nothing runs at start-up).
var bodyFields = sync.OnceValue(func() []bodyField {
	t := reflect.TypeFor[api.UpdateCustomerRequest]()
	fields := make([]bodyField, 0, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		elem := f.Type
		if elem.Kind() == reflect.Map && elem.Key().Kind() == reflect.Bool { // nullable.Nullable[T]
			elem = elem.Elem()
		}
		fields = append(fields, bodyField{name: name, elem: elem})
	}
	slices.SortFunc(fields, func(a, b bodyField) int { return strings.Compare(a.name, b.name) })
	return fields
})

func lookupField(name string) (bodyField, bool) {
	for _, f := range bodyFields() {
		if f.name == name {
			return f, true
		}
	}
	return bodyField{}, false
}

// jsonFieldList names the fields that take JSON on --set, e.g.
// "branchCodes, customerKeyContacts and customerReminders".
func jsonFieldList() string {
	var names []string
	for _, f := range bodyFields() {
		if f.takesJSON() {
			names = append(names, f.name)
		}
	}
	switch len(names) {
	case 0:
		return "no field"
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// echoName returns a field name given on the command line or in a body for
// an error message — quoted when it looks like a name, left out when it
// could be a value typed in the wrong place (a phone number, an e-mail).
func echoName(name string) string {
	digits := 0
	for _, r := range name {
		switch {
		case r >= '0' && r <= '9':
			if digits++; digits >= 5 {
				return "(not shown: it looks like a value)"
			}
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '_':
			digits = 0
		default:
			return "(not shown: it looks like a value)"
		}
	}
	if name == "" || len(name) > 64 {
		return "(not shown: it looks like a value)"
	}
	return strconv.Quote(name)
}

func fieldNames() string {
	fields := bodyFields()
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	return strings.Join(names, ", ")
}

// wireBytes is the JSON body exactly as UpdateCustomer sends it: the
// generated encoder, which the wrapper uses too.
func wireBytes(body *api.UpdateCustomerRequest) ([]byte, error) { return body.AppendJSON(nil) }

// multiFlag collects a repeatable flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// buildBody turns --set/--clear pairs into a PATCH body. Every field not named
// stays absent, which the API reads as "leave unchanged". The body is then
// decoded as --body is (bulk.DecodeUpdate), so both are equally strict.
func buildBody(sets, clears []string) (api.UpdateCustomerRequest, error) {
	fields := map[string]json.RawMessage{}
	for _, s := range sets {
		name, value, ok := strings.Cut(s, "=")
		if !ok {
			// The argument is not echoed: it may be a value (a mobile
			// number, a PAN) given without its field. A bare known field
			// name is safe to name.
			if _, known := lookupField(name); known {
				return api.UpdateCustomerRequest{}, usagef("--set %s: want FIELD=VALUE", name)
			}
			return api.UpdateCustomerRequest{}, usagef("--set: want FIELD=VALUE")
		}
		if err := checkField(name, fields); err != nil {
			return api.UpdateCustomerRequest{}, err
		}
		if !utf8.ValidString(value) { // never sent as U+FFFD
			return api.UpdateCustomerRequest{}, usagef("--set %s: invalid UTF-8", name)
		}
		if f, _ := lookupField(name); f.takesJSON() {
			if !json.Valid([]byte(value)) {
				return api.UpdateCustomerRequest{}, usagef("--set %s: value must be JSON (%s)", name, f.shape())
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
	// The names are known field names; the values were checked above.
	raw := []byte{'{'}
	for i, name := range slices.Sorted(maps.Keys(fields)) {
		if i > 0 {
			raw = append(raw, ',')
		}
		raw = strconv.AppendQuote(raw, name)
		raw = append(raw, ':')
		raw = append(raw, fields[name]...)
	}
	raw = append(raw, '}')
	return decodeUpdate(raw)
}

func checkField(name string, seen map[string]json.RawMessage) error {
	if _, ok := lookupField(name); !ok {
		return usagef("unknown field %s: want one of %s", echoName(name), fieldNames())
	}
	if _, dup := seen[name]; dup {
		return usagef("field %q given more than once", name)
	}
	return nil
}

// decodeUpdate decodes a whole body strictly (bulk.DecodeUpdate): invalid
// UTF-8, duplicate keys, unknown fields at any level, wrong types and
// trailing data are usage errors naming the line, the field and the rule.
func decodeUpdate(raw []byte) (api.UpdateCustomerRequest, error) {
	body, err := bulk.DecodeUpdate(raw)
	if err != nil {
		return api.UpdateCustomerRequest{}, usagef("body: %v", err)
	}
	return body, nil
}

// printWire prints the body exactly as it would be sent, for --dry-run.
func printWire(stdout, stderr io.Writer, body *api.UpdateCustomerRequest) int {
	out, err := wireBytes(body)
	if err != nil {
		fmt.Fprintf(stderr, "enkash-customer: encoding body: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(stdout, "%s\n", out)
	return exitOK
}
