package main

import (
	"bytes"
	"fmt"
	"go/token"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// genSentinels writes, for package pkg (the wrapper), one errors.Is sentinel
// per value of each enum schema with x-sentinels (enum value → Go name), its
// text "enkash: " and the value in lower case, and <schema>Sentinels, the
// map from the value (its x-enum-varnames constant in apiImport) to it. Every
// enum value needs a sentinel, so a new errorType in the spec stops
// generation until it is named.
func genSentinels(doc *openapi3.T, pkg, apiImport string) ([]byte, error) {
	var vars, table bytes.Buffer
	for _, name := range sortedKeys(doc.Components.Schemas) {
		s := doc.Components.Schemas[name].Value
		if s == nil || s.Extensions["x-sentinels"] == nil {
			continue
		}
		m, ok := s.Extensions["x-sentinels"].(map[string]any)
		goNames, _ := s.Extensions["x-enum-varnames"].([]any)
		if !ok || len(goNames) != len(s.Enum) {
			return nil, fmt.Errorf("%s: x-sentinels needs a map of enum value to Go name and x-enum-varnames", name)
		}
		statuses, _ := s.Extensions["x-error-statuses"].(map[string]any) // checked by genFacts
		fmt.Fprintf(&table, "// %sSentinels maps each %s of openapi.yaml to its sentinel (x-sentinels).\n", lowerFirst(name), name)
		fmt.Fprintf(&table, "var %sSentinels = map[api.%s]error{\n", lowerFirst(name), name)
		seen := map[string]bool{}
		for i, e := range s.Enum {
			value := fmt.Sprint(e)
			sentinel, _ := m[value].(string)
			if !token.IsExported(sentinel) || !token.IsIdentifier(sentinel) || !strings.HasPrefix(sentinel, "Err") || seen[sentinel] {
				return nil, fmt.Errorf("%s: x-sentinels %s: %q is not a new exported Go name starting with Err", name, value, sentinel)
			}
			seen[sentinel] = true
			doc := fmt.Sprintf("\t// %s is %s %s", sentinel, lowerFirst(name), value)
			if code, ok := statuses[value]; ok {
				doc += fmt.Sprintf(", and any HTTP %v without a known %s", code, lowerFirst(name))
			}
			fmt.Fprintf(&vars, "%s.\n\t%s = errors.New(%q)\n", doc, sentinel, "enkash: "+strings.ToLower(strings.ReplaceAll(value, "_", " ")))
			fmt.Fprintf(&table, "\tapi.%v: %s,\n", goNames[i], sentinel)
		}
		for value := range m {
			if !slices.Contains(s.Enum, any(value)) {
				return nil, fmt.Errorf("%s: x-sentinels %s: not an enum value", name, value)
			}
		}
		table.WriteString("}\n\n")
	}
	var out bytes.Buffer
	header(&out, pkg, `"errors"`, "", fmt.Sprintf("%q", apiImport))
	out.WriteString("// Sentinels, one per value of an enum with x-sentinels in openapi.yaml. An\n" +
		"// *APIError matches the sentinel of its errorType with errors.Is; when the\n" +
		"// response carries no (known) errorType, it matches the sentinel of its HTTP\n" +
		"// status instead (see APIError.Is).\nvar (\n")
	out.Write(vars.Bytes())
	out.WriteString(")\n\n")
	out.Write(table.Bytes())
	return out.Bytes(), nil
}

// lowerFirst lower-cases the first letter of a Go name.
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
