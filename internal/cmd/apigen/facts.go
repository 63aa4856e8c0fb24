package main

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// genFacts writes errors.gen.go: the facts of the spec that are neither types
// nor operations. For each components/headers entry, a constant holding the
// name the responses give it; for each enum schema with x-error-statuses, the
// status → value table; for each property with x-timestamp, its Go layout and
// fixed zone.
func (g *generator) genFacts() ([]byte, error) {
	var b bytes.Buffer
	if err := g.factHeaders(&b); err != nil {
		return nil, err
	}
	for _, name := range sortedKeys(g.doc.Components.Schemas) {
		s := g.doc.Components.Schemas[name].Value
		if s == nil {
			continue
		}
		if err := factStatuses(&b, name, s); err != nil {
			return nil, err
		}
		for _, prop := range sortedKeys(s.Properties) {
			if err := factTimestamp(&b, name, prop, s.Properties[prop].Value); err != nil {
				return nil, err
			}
		}
	}
	var out bytes.Buffer
	if bytes.Contains(b.Bytes(), []byte("time.")) {
		header(&out, g.pkg.Name, `"time"`)
	} else {
		header(&out, g.pkg.Name)
	}
	out.Write(b.Bytes())
	return out.Bytes(), nil
}

// factHeaders writes Header<Name> = "<wire name>" for every component header:
// the wire name is the key under which the responses reference it, and must
// be the same everywhere.
func (g *generator) factHeaders(b *bytes.Buffer) error {
	names := map[string]map[string]bool{}
	scan := func(rs map[string]*openapi3.ResponseRef) {
		for _, r := range rs {
			if r == nil || r.Value == nil {
				continue
			}
			for wire, h := range r.Value.Headers {
				if comp, ok := strings.CutPrefix(h.Ref, "#/components/headers/"); ok {
					if names[comp] == nil {
						names[comp] = map[string]bool{}
					}
					names[comp][wire] = true
				}
			}
		}
	}
	scan(g.doc.Components.Responses)
	for _, path := range g.doc.Paths.InMatchingOrder() {
		for _, op := range g.doc.Paths.Value(path).Operations() {
			scan(op.Responses.Map())
		}
	}
	for _, comp := range sortedKeys(g.doc.Components.Headers) {
		wires := sortedKeys(names[comp])
		if len(wires) != 1 {
			return fmt.Errorf("components/headers/%s: responses must reference it under exactly one name, found %q", comp, wires)
		}
		fmt.Fprintf(b, "// Header%s is the response header components/headers/%s.\n", goExported(comp), comp)
		fmt.Fprintf(b, "const Header%s = %s\n\n", goExported(comp), strconv.Quote(wires[0]))
	}
	return nil
}

// factStatuses writes <Schema>ForStatus from an enum schema's
// x-error-statuses map (enum value → HTTP status), using x-enum-varnames for
// the Go names of the values.
func factStatuses(b *bytes.Buffer, name string, s *openapi3.Schema) error {
	raw, ok := s.Extensions["x-error-statuses"]
	if !ok {
		return nil
	}
	m, ok := raw.(map[string]any)
	vars, _ := s.Extensions["x-enum-varnames"].([]any)
	if !ok || len(vars) != len(s.Enum) {
		return fmt.Errorf("%s: x-error-statuses needs a map of enum value to status and x-enum-varnames", name)
	}
	byStatus := map[int]string{}
	for value, st := range m {
		i := -1
		for j, e := range s.Enum {
			if e == value {
				i = j
			}
		}
		f, isNum := st.(float64)
		status := int(f)
		if i < 0 || !isNum || float64(status) != f || status < 100 || status > 599 {
			return fmt.Errorf("%s: x-error-statuses %s: %v is not an enum value with an HTTP status", name, value, st)
		}
		if prev, dup := byStatus[status]; dup {
			return fmt.Errorf("%s: x-error-statuses: status %d given to %s and %s", name, status, prev, vars[i])
		}
		byStatus[status] = fmt.Sprint(vars[i])
	}
	statuses := make([]int, 0, len(byStatus))
	for st := range byStatus {
		statuses = append(statuses, st)
	}
	sort.Ints(statuses)
	fmt.Fprintf(b, "// %sForStatus returns the %s an HTTP status stands for when a response\n// carries none (x-error-statuses), and false for a status that stands for none.\n", name, name)
	fmt.Fprintf(b, "func %sForStatus(status int) (%s, bool) {\n\tswitch status {\n", name, name)
	for _, st := range statuses {
		fmt.Fprintf(b, "\tcase %d:\n\t\treturn %s, true\n", st, byStatus[st])
	}
	b.WriteString("\t}\n\treturn \"\", false\n}\n\n")
	return nil
}

// factTimestamp writes <Schema><Prop>Layout and <Schema><Prop>Zone from a
// property's x-timestamp: {layout (a Java/ICU pattern), zone, utcOffset}.
func factTimestamp(b *bytes.Buffer, schema, prop string, s *openapi3.Schema) error {
	if s == nil || s.Extensions["x-timestamp"] == nil {
		return nil
	}
	where := schema + "." + prop + ": x-timestamp"
	m, _ := s.Extensions["x-timestamp"].(map[string]any)
	pattern, _ := m["layout"].(string)
	zone, _ := m["zone"].(string)
	offset, _ := m["utcOffset"].(string)
	layout, err := goLayout(pattern)
	if err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	om := regexp.MustCompile(`^([+-])([01][0-9]):([0-5][0-9])$`).FindStringSubmatch(offset)
	if zone == "" || om == nil {
		return fmt.Errorf("%s: needs zone and utcOffset (±hh:mm), got %q %q", where, zone, offset)
	}
	h, _ := strconv.Atoi(om[2])
	mi, _ := strconv.Atoi(om[3])
	secs := h*3600 + mi*60
	if om[1] == "-" {
		secs = -secs
	}
	name := goExported(schema) + goExported(prop)
	fmt.Fprintf(b, "// %sLayout is the time layout of %s.%s (%s).\n", name, schema, prop, pattern)
	fmt.Fprintf(b, "const %sLayout = %s\n\n", name, strconv.Quote(layout))
	fmt.Fprintf(b, "// %sZone is the zone of %s.%s: %s, UTC%s.\n", name, schema, prop, zone, offset)
	fmt.Fprintf(b, "var %sZone = time.FixedZone(%s, %d)\n\n", name, strconv.Quote(zone), secs)
	return nil
}

// javaToGo maps the Java/ICU date-time letters apigen understands to Go's.
var javaToGo = map[string]string{"yyyy": "2006", "MM": "01", "dd": "02", "HH": "15", "mm": "04", "ss": "05", "SSS": "000"}

// goLayout turns a Java/ICU date-time pattern into a Go layout. A letter run
// it does not know is an error, so a pattern is never half-translated.
func goLayout(pattern string) (string, error) {
	if pattern == "" {
		return "", fmt.Errorf("needs a layout")
	}
	var out strings.Builder
	for i := 0; i < len(pattern); {
		c := pattern[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			if '0' <= c && c <= '9' {
				return "", fmt.Errorf("layout %q: a digit would be read as a Go layout element", pattern)
			}
			out.WriteByte(c)
			i++
			continue
		}
		j := i
		for j < len(pattern) && pattern[j] == c {
			j++
		}
		g, ok := javaToGo[pattern[i:j]]
		if !ok {
			return "", fmt.Errorf("layout %q: %q is not supported", pattern, pattern[i:j])
		}
		out.WriteString(g)
		i = j
	}
	return out.String(), nil
}

// goExported upper-cases the first letter of a spec name.
func goExported(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
