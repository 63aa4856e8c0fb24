package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/enkash-oss/enkash-go/api"
)

// This file is the sync reader's old body decoder, used only by
// syncinput.go until the sync command reads through package bulk (whose
// DecodeUpdate update --body and --set use already): delete this file
// together with syncinput.go.

// unknownFieldOf returns the key of encoding/json's "unknown field" error
// (DisallowUnknownFields), whose text would quote it: it may be a value
// typed in the wrong place.
func unknownFieldOf(err error) (string, bool) {
	rest, ok := strings.CutPrefix(err.Error(), "json: unknown field ")
	if !ok {
		return "", false
	}
	key, uerr := strconv.Unquote(rest)
	if uerr != nil {
		key = rest
	}
	return key, true
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
		if _, ok := lookupField(name); !ok {
			return api.UpdateCustomerRequest{}, usagef("body: unknown field %s: want one of %s", echoName(name), fieldNames())
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

// checkFieldValue decodes one field alone, strictly: objects inside it
// reject unknown keys too (nullable.Nullable decodes its content with plain
// json.Unmarshal, which would ignore them).
func checkFieldValue(name string, v json.RawMessage) error {
	f, _ := lookupField(name)
	shape := f.shape()
	if f.takesJSON() && string(v) != "null" {
		if err := strictDecode(v, reflect.New(f.elem).Interface()); err != nil {
			var typeErr *json.UnmarshalTypeError
			if errors.As(err, &typeErr) && typeErr.Field != "" {
				return usagef("body field %q: must be %s", nestedPath(name, typeErr.Field), typeErr.Type)
			}
			if key, ok := unknownFieldOf(err); ok {
				return usagef("body field %q: unknown field %s", name, echoName(key))
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
