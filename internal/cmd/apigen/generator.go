package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// generator holds what every output file needs.
type generator struct {
	doc *openapi3.T
	pkg *goPkg

	ops []operation

	// validation
	patterns   []string       // in order of first use
	patternIdx map[string]int //
	validated  map[string]*openapi3.Schema
	valOrder   []string
	// encoding
	encoded  map[string]*openapi3.Schema
	encOrder []string
	// decoding
	decoded  map[string]*openapi3.Schema
	decOrder []string

	tmp int
}

// operation is one spec operation with its Go names.
type operation struct {
	ID         string // operationId
	GoName     string // e.g. UpdateCustomer
	Method     string
	Path       string
	PathParams []param // in the order of the generated function's arguments
	Query      []param
	ParamsType string // e.g. UpdateCustomerParams, "" when there is no query parameter
	Body       *openapi3.Schema
	BodyType   string // Go type of the body, "" when none
	BodyJSON   bool   // the body is application/json
	BodyReq    bool
}

type param struct {
	Name     string // spec name
	GoName   string // argument name (path) or field name (query)
	GoType   ast.Expr
	Schema   *openapi3.Schema
	Required bool
}

func newGenerator(doc *openapi3.T, pkg *goPkg) *generator {
	return &generator{doc: doc, pkg: pkg, patternIdx: map[string]int{},
		validated: map[string]*openapi3.Schema{}, encoded: map[string]*openapi3.Schema{},
		decoded: map[string]*openapi3.Schema{}}
}

func (g *generator) generate() (map[string][]byte, error) {
	if err := g.collectOperations(); err != nil {
		return nil, err
	}
	val, err := g.genValidate()
	if err != nil {
		return nil, err
	}
	enc, err := g.genEncode()
	if err != nil {
		return nil, err
	}
	sens, err := g.genSensitive()
	if err != nil {
		return nil, err
	}
	dec, err := g.genDecode()
	if err != nil {
		return nil, err
	}
	facts, err := g.genFacts()
	if err != nil {
		return nil, err
	}
	return map[string][]byte{"validate.gen.go": val, "encode.gen.go": enc, "sensitive.gen.go": sens, "decode.gen.go": dec, "errors.gen.go": facts}, nil
}

// collectOperations finds every operation and the Go names oapi-codegen gave
// its arguments.
func (g *generator) collectOperations() error {
	paths := g.doc.Paths.InMatchingOrder()
	sort.Strings(paths)
	for _, path := range paths {
		item := g.doc.Paths.Value(path)
		methods := make([]string, 0, len(item.Operations()))
		for m := range item.Operations() {
			methods = append(methods, m)
		}
		sort.Strings(methods)
		for _, m := range methods {
			op := item.Operations()[m]
			o, err := g.operation(path, m, item, op)
			if err != nil {
				return fmt.Errorf("%s %s (%s): %w", m, path, op.OperationID, err)
			}
			g.ops = append(g.ops, o)
		}
	}
	return nil
}

func (g *generator) operation(path, method string, item *openapi3.PathItem, op *openapi3.Operation) (operation, error) {
	o := operation{ID: op.OperationID, Method: method, Path: path}
	if op.OperationID == "" {
		return o, fmt.Errorf("no operationId")
	}
	// oapi-codegen names the request builder New<Op>RequestWithBody or
	// New<Op>Request; find it to learn the operation's Go name.
	var fn *ast.FuncDecl
	for name, f := range g.pkg.Funcs {
		for _, suffix := range []string{"RequestWithBody", "Request"} {
			if strings.HasPrefix(name, "New") && strings.HasSuffix(name, suffix) &&
				strings.EqualFold(strings.TrimSuffix(strings.TrimPrefix(name, "New"), suffix), op.OperationID) {
				if fn == nil || suffix == "RequestWithBody" {
					fn, o.GoName = f, strings.TrimSuffix(strings.TrimPrefix(name, "New"), suffix)
				}
			}
		}
	}
	if fn == nil {
		return o, fmt.Errorf("no request builder New%sRequest… in the generated code", op.OperationID)
	}
	params := append(openapi3.Parameters{}, item.Parameters...)
	params = append(params, op.Parameters...)
	// Path parameters, in the order they appear in the path: the order of
	// the builder's arguments after "server".
	var pathParams []*openapi3.Parameter
	for _, seg := range strings.Split(path, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			name := seg[1 : len(seg)-1]
			var found *openapi3.Parameter
			for _, p := range params {
				if p.Value != nil && p.Value.In == "path" && p.Value.Name == name {
					found = p.Value
				}
			}
			if found == nil {
				return o, fmt.Errorf("path parameter %q is not declared", name)
			}
			pathParams = append(pathParams, found)
		}
	}
	var args []*ast.Field
	for _, f := range fn.Type.Params.List {
		for range f.Names {
			args = append(args, f)
		}
	}
	var argNames []string
	for _, f := range fn.Type.Params.List {
		for _, n := range f.Names {
			argNames = append(argNames, n.Name)
		}
	}
	if len(argNames) < 1+len(pathParams) {
		return o, fmt.Errorf("%s has fewer arguments than path parameters", fn.Name.Name)
	}
	for i, p := range pathParams {
		if err := checkParam(p); err != nil {
			return o, err
		}
		o.PathParams = append(o.PathParams, param{Name: p.Name, GoName: argNames[1+i], GoType: args[1+i].Type,
			Schema: p.Schema.Value, Required: true})
	}
	for _, pr := range params {
		p := pr.Value
		switch p.In {
		case "path":
		case "query":
			if err := checkParam(p); err != nil {
				return o, err
			}
			o.ParamsType = o.GoName + "Params"
			f, err := g.pkg.field(o.ParamsType, p.Name)
			if err != nil {
				return o, err
			}
			o.Query = append(o.Query, param{Name: p.Name, GoName: f.Name, GoType: f.Type, Schema: p.Schema.Value, Required: p.Required})
		default:
			return o, fmt.Errorf("parameter %q in %s: apigen handles path and query parameters only", p.Name, p.In)
		}
	}
	if rb := op.RequestBody; rb != nil && rb.Value != nil {
		o.BodyReq = rb.Value.Required
		if len(rb.Value.Content) != 1 {
			return o, fmt.Errorf("request body: apigen handles exactly one media type, found %d", len(rb.Value.Content))
		}
		for mt, c := range rb.Value.Content {
			switch mt {
			case "application/json":
				o.BodyJSON = true
			case "application/x-www-form-urlencoded":
			default:
				return o, fmt.Errorf("request body media type %q is not handled by apigen", mt)
			}
			if c.Schema == nil || c.Schema.Ref == "" {
				return o, fmt.Errorf("request body schema must be a $ref to a component schema")
			}
			o.BodyType = refName(c.Schema.Ref)
			o.Body = c.Schema.Value
			if _, ok := g.pkg.Structs[o.BodyType]; !ok {
				return o, fmt.Errorf("request body type %s not found in the generated code", o.BodyType)
			}
		}
	}
	return o, nil
}

func checkParam(p *openapi3.Parameter) error {
	if p.Schema == nil || p.Schema.Value == nil {
		return fmt.Errorf("parameter %q has no schema", p.Name)
	}
	if p.Content != nil {
		return fmt.Errorf("parameter %q: content-encoded parameters are not handled by apigen", p.Name)
	}
	return nil
}

func refName(ref string) string { return ref[strings.LastIndexByte(ref, '/')+1:] }

// supportedKeywords are the schema keywords apigen turns into code (or that
// carry no rule). Any other keyword in a request schema stops generation.
var supportedKeywords = map[string]bool{
	"type": true, "nullable": true, "properties": true, "required": true, "additionalProperties": true,
	"items": true, "enum": true, "pattern": true, "format": true, "minLength": true, "maxLength": true,
	"minimum": true, "maximum": true, "minItems": true, "maxItems": true,
	"description": true, "example": true, "title": true, "deprecated": true,
}

// handledFormats are the formats apigen checks, or that the Go type already
// enforces ("int32", …) or that carry no rule ("password").
var handledFormats = map[string]bool{
	"": true, "email": true, "int32": true, "int64": true, "password": true,
}

// checkKeywords fails on any keyword of s that apigen does not handle.
func checkKeywords(where string, s *openapi3.Schema) error {
	raw, err := s.MarshalJSON()
	if err != nil {
		return err
	}
	var m map[string]any
	if err := jsonUnmarshal(raw, &m); err != nil {
		return err
	}
	var bad []string
	for k := range m {
		if !supportedKeywords[k] && !strings.HasPrefix(k, "x-") {
			bad = append(bad, k)
		}
	}
	if ap := s.AdditionalProperties; ap.Schema != nil {
		bad = append(bad, "additionalProperties (a schema)")
	}
	if !handledFormats[s.Format] {
		bad = append(bad, "format "+s.Format)
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return fmt.Errorf("%s: schema keyword(s) %s not handled by apigen: add them to internal/cmd/apigen", where, strings.Join(bad, ", "))
	}
	return nil
}

// pattern returns the Go name of the compiled pattern re.
func (g *generator) pattern(where, re string) (string, error) {
	if _, err := regexp.Compile(re); err != nil {
		return "", fmt.Errorf("%s: pattern %q does not compile in Go's regexp: %w", where, re, err)
	}
	i, ok := g.patternIdx[re]
	if !ok {
		i = len(g.patterns)
		g.patterns = append(g.patterns, re)
		g.patternIdx[re] = i
	}
	return fmt.Sprintf("pattern%d", i), nil
}

func (g *generator) tmpName(prefix string) string {
	g.tmp++
	return fmt.Sprintf("%s%d", prefix, g.tmp)
}

// goKind classifies a generated Go type.
type goKind int

const (
	kUnknown goKind = iota
	kNullable
	kPtr
	kSlice
	kString // string or a named string type (format email maps to string: api/oapi-codegen.yaml)
	kBool
	kInt
	kFloat
	kStruct
)

func (g *generator) kind(t ast.Expr) (goKind, ast.Expr) {
	switch t := t.(type) {
	case *ast.IndexExpr:
		if sel, ok := t.X.(*ast.SelectorExpr); ok && sel.Sel.Name == "Nullable" {
			return kNullable, t.Index
		}
	case *ast.StarExpr:
		return kPtr, t.X
	case *ast.ArrayType:
		if t.Len == nil {
			return kSlice, t.Elt
		}
	case *ast.Ident:
		switch t.Name {
		case "string":
			return kString, nil
		case "bool":
			return kBool, nil
		case "int", "int32", "int64":
			return kInt, nil
		case "float32", "float64":
			return kFloat, nil
		}
		if _, ok := g.pkg.Structs[t.Name]; ok {
			return kStruct, nil
		}
		if u, ok := g.pkg.Named[t.Name]; ok {
			if id, ok := u.(*ast.Ident); ok && id.Name == "string" {
				return kString, nil
			}
		}
	}
	return kUnknown, nil
}

// propsInOrder returns a schema's property names in the order of the Go
// struct's fields.
func (g *generator) structProps(where, typ string, s *openapi3.Schema) ([]goField, error) {
	st, ok := g.pkg.Structs[typ]
	if !ok {
		return nil, fmt.Errorf("%s: no struct %s in the generated code", where, typ)
	}
	var out []goField
	seen := map[string]bool{}
	for _, f := range st.Fields {
		if f.JSON == "" {
			continue
		}
		if _, ok := s.Properties[f.JSON]; !ok {
			return nil, fmt.Errorf("%s: field %s.%s has no property %q in the spec", where, typ, f.Name, f.JSON)
		}
		seen[f.JSON] = true
		out = append(out, f)
	}
	for name := range s.Properties {
		if !seen[name] {
			return nil, fmt.Errorf("%s: property %q has no field in %s", where, name, typ)
		}
	}
	return out, nil
}

func writeLines(b *bytes.Buffer, lines ...string) {
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
