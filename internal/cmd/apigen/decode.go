package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// genDecode writes decode.gen.go: a DecodeJSON method, on a JSON scanner
// of its own (decodeRuntime), for the schema of every JSON response of every
// operation and every struct reachable from one. Each decodes exactly as
// json.Unmarshal does into the same Go type (see decodeRuntime), which the
// equivalence tests of the module root check on both JSON engines.
func (g *generator) genDecode() ([]byte, error) {
	if err := g.collectResponses(); err != nil {
		return nil, err
	}
	var body bytes.Buffer
	for i := 0; i < len(g.decOrder); i++ {
		typ := g.decOrder[i]
		if err := g.typeDecoder(&body, typ, g.decoded[typ]); err != nil {
			return nil, err
		}
	}
	var b bytes.Buffer
	header(&b, g.pkg.Name, `"encoding/json"`, `"errors"`, `"math/bits"`, `"strconv"`, `"strings"`, `"time"`,
		`"unicode"`, `"unicode/utf16"`, `"unicode/utf8"`)
	b.WriteString(decodeRuntime)
	b.Write(body.Bytes())
	b.WriteString("var (\n_ = time.Time{}\n_ json.Number\n)\n")
	return b.Bytes(), nil
}

// collectResponses queues the schema of every JSON response.
func (g *generator) collectResponses() error {
	paths := g.doc.Paths.InMatchingOrder()
	sort.Strings(paths)
	for _, path := range paths {
		item := g.doc.Paths.Value(path)
		ops := item.Operations()
		for _, m := range sortedKeys(ops) {
			op := ops[m]
			if op.Responses == nil {
				continue
			}
			resp := op.Responses.Map()
			for _, status := range sortedKeys(resp) {
				r := resp[status]
				if r.Value == nil {
					continue
				}
				for _, mt := range sortedKeys(r.Value.Content) {
					if mt != "application/json" && !strings.HasSuffix(mt, "+json") {
						continue
					}
					c := r.Value.Content[mt]
					where := fmt.Sprintf("%s %s response %s", m, path, status)
					if c.Schema == nil || c.Schema.Ref == "" {
						return fmt.Errorf("%s: response schema must be a $ref to a component schema", where)
					}
					typ := refName(c.Schema.Ref)
					if _, ok := g.pkg.Structs[typ]; !ok {
						return fmt.Errorf("%s: response type %s not found in the generated code", where, typ)
					}
					g.needDecoder(typ, c.Schema.Value)
				}
			}
		}
	}
	return nil
}

func (g *generator) needDecoder(typ string, s *openapi3.Schema) {
	if _, ok := g.decoded[typ]; !ok {
		g.decoded[typ] = s
		g.decOrder = append(g.decOrder, typ)
	}
}

// typeDecoder writes the decoder of one struct type: a union (oneOf), a
// struct with additional properties (oapi-codegen's own UnmarshalJSON), or
// a plain struct.
func (g *generator) typeDecoder(b *bytes.Buffer, typ string, s *openapi3.Schema) error {
	where := "response schema " + typ
	st := g.pkg.Structs[typ]
	if st == nil {
		return fmt.Errorf("%s: no struct %s in the generated code", where, typ)
	}
	fmt.Fprintf(b, "// DecodeJSON decodes the JSON document data into x exactly as\n")
	fmt.Fprintf(b, "// json.Unmarshal(data, x) does (see the package's decoding notes),\n")
	fmt.Fprintf(b, "// without reflection. Its errors are *DecodeError.\n")
	fmt.Fprintf(b, "func (x *%s) DecodeJSON(data []byte) error {\nreturn decodeDocument(string(data), x.decodeJX)\n}\n\n", typ)
	fmt.Fprintf(b, "// DecodeJSONString is DecodeJSON for a document held in a string: the\n")
	fmt.Fprintf(b, "// decoded strings are substrings of data (DecodeJSON copies its input\n")
	fmt.Fprintf(b, "// once for them).\n")
	fmt.Fprintf(b, "func (x *%s) DecodeJSONString(data string) error {\nreturn decodeDocument(data, x.decodeJX)\n}\n\n", typ)
	switch {
	case len(s.OneOf) > 0 || len(s.AnyOf) > 0:
		return g.unionDecoder(b, where, typ, s)
	case g.hasAdditionalProperties(st):
		return g.additionalDecoder(b, where, typ, s, st)
	}
	if g.pkg.Methods[typ+".UnmarshalJSON"] {
		return fmt.Errorf("%s: %s has its own UnmarshalJSON that apigen does not know", where, typ)
	}
	for _, f := range st.Fields {
		if f.JSON == "" {
			return fmt.Errorf("%s: field %s has no JSON name: not handled by apigen's decoder", where, f.Name)
		}
	}
	fields, err := g.structProps(where, typ, s)
	if err != nil {
		return err
	}
	if err := checkFoldUnique(where, fields); err != nil {
		return err
	}
	g.fieldIndex(b, typ, fields)
	fmt.Fprintf(b, "func (x *%s) decodeJX(dc *decoder) error {\n", typ)
	b.WriteString("switch dc.next() {\ncase kindNull:\nreturn dc.d.Null()\ncase kindObject:\ndefault:\nreturn dc.typeError(\"object\")\n}\n")
	b.WriteString("at := \"\"\nerr := dc.d.Obj(func(d *scanner, key string) error {\n")
	fmt.Fprintf(b, "switch fieldOf%s(key) {\n", typ)
	for i, f := range fields {
		fmt.Fprintf(b, "case %d:\nat = %s\n", i, goString(f.JSON))
		if err := g.decodeValue(b, "x."+f.Name, f.Type, s.Properties[f.JSON], where+"."+f.JSON); err != nil {
			return err
		}
	}
	b.WriteString("default:\nat = \"\"\nreturn d.Skip()\n}\nreturn nil\n})\nreturn atPath(err, at)\n}\n\n")
	return nil
}

// checkFoldUnique refuses a struct with two JSON names that encoding/json
// would match to the same key case-insensitively (the decoder's fold
// fallback assumes one field per folded name), or with a name that is not
// ASCII (the fold below compares against ASCII upper case).
func checkFoldUnique(where string, fields []goField) error {
	seen := map[string]string{}
	for _, f := range fields {
		for _, r := range f.JSON {
			if r >= 0x80 {
				return fmt.Errorf("%s: property %q is not ASCII: not handled by apigen's decoder", where, f.JSON)
			}
		}
		up := strings.ToUpper(f.JSON)
		if other, ok := seen[up]; ok {
			return fmt.Errorf("%s: properties %q and %q differ only in case: not handled by apigen's decoder", where, other, f.JSON)
		}
		seen[up] = f.JSON
	}
	return nil
}

// fieldIndex writes fieldOf<T>: the index of the field a key selects, as
// encoding/json v1 picks it: the exact name first, else the name equal
// under Unicode case folding; -1 for none.
func (g *generator) fieldIndex(b *bytes.Buffer, typ string, fields []goField) {
	fmt.Fprintf(b, "func fieldOf%s(key string) int {\nswitch key {\n", typ)
	for i, f := range fields {
		fmt.Fprintf(b, "case %s:\nreturn %d\n", goString(f.JSON), i)
	}
	b.WriteString("}\n")
	fmt.Fprintf(b, "for i, name := range foldedNamesOf%s {\nif foldEqual(key, name) {\nreturn i\n}\n}\nreturn -1\n}\n\n", typ)
	fmt.Fprintf(b, "var foldedNamesOf%s = [...]string{", typ)
	for i, f := range fields {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(goString(strings.ToUpper(f.JSON)))
	}
	b.WriteString("}\n\n")
}

// hasAdditionalProperties: oapi-codegen gives a schema with
// additionalProperties an AdditionalProperties map and its own
// UnmarshalJSON (exact keys, the last duplicate wins, the rest into the map).
func (g *generator) hasAdditionalProperties(st *goStruct) bool {
	for _, f := range st.Fields {
		if f.Name == "AdditionalProperties" && f.JSON == "" {
			return g.pkg.Methods[st.Name+".UnmarshalJSON"]
		}
	}
	return false
}

// additionalDecoder decodes as oapi-codegen's UnmarshalJSON for a struct with
// additional properties: keys match exactly, only the last occurrence of a
// key counts, known properties decode into their fields and every other key
// goes into AdditionalProperties (decoded with encoding/json: an arbitrary
// JSON value). Keys are read as encoding/json reads them (escapes decoded,
// invalid UTF-8 and lone surrogates as U+FFFD).
func (g *generator) additionalDecoder(b *bytes.Buffer, where, typ string, s *openapi3.Schema, st *goStruct) error {
	var fields []goField
	var extra goField
	for _, f := range st.Fields {
		if f.JSON == "" {
			extra = f
			continue
		}
		if _, ok := s.Properties[f.JSON]; !ok {
			return fmt.Errorf("%s: field %s.%s has no property %q in the spec", where, typ, f.Name, f.JSON)
		}
		fields = append(fields, f)
	}
	mt, ok := extra.Type.(*ast.MapType)
	if !ok || exprString(mt.Key) != "string" {
		return fmt.Errorf("%s: AdditionalProperties is not a map[string]T", where)
	}
	fmt.Fprintf(b, "func (x *%s) decodeJX(dc *decoder) error {\n", typ)
	b.WriteString("switch dc.next() {\ncase kindNull:\nreturn dc.d.Null()\ncase kindObject:\ndefault:\nreturn dc.typeError(\"object\")\n}\n")
	b.WriteString("whole, err := dc.d.Raw()\nif err != nil {\nreturn err\n}\n")
	fmt.Fprintf(b, "var known [%d]string\nvar extra map[string]string // a later duplicate replaces the value, as encoding/json does\n", len(fields))
	b.WriteString("sub := scanner{buf: whole}\n")
	b.WriteString("err = sub.Obj(func(d *scanner, key string) error {\nraw, err := d.Raw()\nif err != nil {\nreturn err\n}\nswitch key {\n")
	for i, f := range fields {
		fmt.Fprintf(b, "case %s:\nknown[%d] = raw\nreturn nil\n", goString(f.JSON), i)
	}
	b.WriteString("}\n")
	b.WriteString("if extra == nil {\nextra = map[string]string{}\n}\nextra[dc.key(key)] = raw\nreturn nil\n})\nif err != nil {\nreturn err\n}\n")
	b.WriteString("at := \"\"\nerr = func() error {\n")
	for i, f := range fields {
		fmt.Fprintf(b, "if known[%d] != \"\" {\nat = %s\ndc := &decoder{d: scanner{buf: known[%d]}, utf8: dc.utf8}\n", i, goString(f.JSON), i)
		if err := g.decodeValue(b, "x."+f.Name, f.Type, s.Properties[f.JSON], where+"."+f.JSON); err != nil {
			return err
		}
		b.WriteString("}\n")
	}
	b.WriteString("return nil\n}()\nif err != nil {\nreturn atPath(err, at)\n}\n")
	fmt.Fprintf(b, "if len(extra) > 0 {\nm := make(map[string]%s, len(extra))\nfor k, raw := range extra {\nvar v %s\nif err := json.Unmarshal([]byte(raw), &v); err != nil {\nreturn &DecodeError{Reason: \"additional property\", Err: err}\n}\nm[k] = v\n}\nx.AdditionalProperties = m\n}\nreturn nil\n}\n\n",
		exprString(mt.Value), exprString(mt.Value))
	return nil
}

// unionDecoder: oapi-codegen keeps a oneOf as the raw JSON (its
// UnmarshalJSON copies the value); Decode<Variant> decodes it as one of the
// alternatives, as As<Variant> does with encoding/json.
func (g *generator) unionDecoder(b *bytes.Buffer, where, typ string, s *openapi3.Schema) error {
	st := g.pkg.Structs[typ]
	if len(st.Fields) != 1 || st.Fields[0].Name != "union" {
		return fmt.Errorf("%s: a oneOf/anyOf type must be oapi-codegen's union struct", where)
	}
	fmt.Fprintf(b, "func (x *%s) decodeJX(dc *decoder) error {\nif dc.d.Next() == kindInvalid {\nreturn dc.typeError(\"JSON value\")\n}\nraw, err := dc.d.Raw()\nif err != nil {\nreturn err\n}\nx.union = append(x.union[:0], raw...)\nreturn nil\n}\n\n", typ)
	variants := append(append([]*openapi3.SchemaRef{}, s.OneOf...), s.AnyOf...)
	for _, v := range variants {
		if v.Ref == "" {
			return fmt.Errorf("%s: every oneOf/anyOf alternative must be a $ref", where)
		}
		vt := refName(v.Ref)
		if !g.pkg.Methods[typ+".As"+vt] {
			return fmt.Errorf("%s: no method %s.As%s in the generated code", where, typ, vt)
		}
		g.needDecoder(vt, v.Value)
		fmt.Fprintf(b, "// Decode%s returns the union as a %s: what As%s\n// returns, decoded by the generated decoder instead of encoding/json.\n", vt, vt, vt)
		fmt.Fprintf(b, "func (t %s) Decode%s() (%s, error) {\nvar v %s\nerr := v.DecodeJSON(t.union)\nreturn v, err\n}\n\n", typ, vt, vt, vt)
	}
	return nil
}

// decodeValue writes code decoding the next JSON value into target (an
// addressable Go expression of type t), as encoding/json does.
func (g *generator) decodeValue(b *bytes.Buffer, target string, t ast.Expr, s *openapi3.SchemaRef, where string) error {
	ts := exprString(t)
	switch ts {
	case "time.Time":
		fmt.Fprintf(b, "if err := dc.time(&%s); err != nil {\nreturn err\n}\n", target)
		return nil
	case "json.Number":
		fmt.Fprintf(b, "if v, ok, err := dc.number(); err != nil {\nreturn err\n} else if ok {\n%s = json.Number(v)\n}\n", target)
		return nil
	case "interface{}", "map[string]interface{}":
		// Untyped JSON (an any or a free-form object): encoding/json's own
		// reading of it, exactly.
		fmt.Fprintf(b, "if err := dc.unmarshal(%s); err != nil {\nreturn err\n}\n", addrOf(target))
		return nil
	}
	k, elem := g.kind(t)
	switch k {
	case kNullable:
		// Nullable's own UnmarshalJSON (null, or the value through
		// encoding/json): exact by construction.
		fmt.Fprintf(b, "if err := dc.unmarshal(&%s); err != nil {\nreturn err\n}\n", target)
	case kString:
		conv := "v"
		if ts != "string" {
			conv = ts + "(v)"
		}
		fmt.Fprintf(b, "if v, ok, err := dc.string(); err != nil {\nreturn err\n} else if ok {\n%s = %s\n}\n", target, conv)
	case kBool:
		fmt.Fprintf(b, "if v, ok, err := dc.bool(); err != nil {\nreturn err\n} else if ok {\n%s = v\n}\n", target)
	case kInt:
		bits := map[string]int{"int": 64, "int32": 32, "int64": 64}[ts]
		fmt.Fprintf(b, "if v, ok, err := dc.int(%d); err != nil {\nreturn err\n} else if ok {\n%s = %s(v)\n}\n", bits, target, ts)
	case kFloat:
		bits := map[string]int{"float32": 32, "float64": 64}[ts]
		fmt.Fprintf(b, "if v, ok, err := dc.float(%d); err != nil {\nreturn err\n} else if ok {\n%s = %s(v)\n}\n", bits, target, ts)
	case kPtr:
		var inner bytes.Buffer
		if err := g.decodeValue(&inner, "(*"+target+")", elem, s, where); err != nil {
			return err
		}
		fmt.Fprintf(b, "if dc.next() == kindNull {\nif err := dc.d.Null(); err != nil {\nreturn err\n}\n%s = nil\n} else {\nif %s == nil {\n%s = new(%s)\n}\n%s}\n",
			target, target, target, exprString(elem), inner.String())
	case kSlice:
		if s == nil || s.Value == nil || s.Value.Items == nil {
			return fmt.Errorf("%s: array without items", where)
		}
		sv, n := g.tmpName("s"), g.tmpName("n")
		var inner bytes.Buffer
		if err := g.decodeValue(&inner, sv+"["+n+"]", elem, s.Value.Items, where+"[]"); err != nil {
			return err
		}
		et := exprString(elem)
		fmt.Fprintf(b, `switch dc.next() {
case kindNull:
if err := dc.d.Null(); err != nil {
return err
}
%[1]s = nil
case kindArray:
%[2]s, %[3]s := %[1]s, 0
err := dc.d.Arr(func(d *scanner) error {
if %[3]s >= len(%[2]s) {
if %[3]s < cap(%[2]s) {
%[2]s = %[2]s[:%[3]s+1]
} else {
var zero %[4]s
%[2]s = append(%[2]s, zero)
}
}
%[5]s%[3]s++
return nil
})
if err != nil {
return atIndex(err, %[3]s)
}
if %[3]s == 0 {
%[2]s = []%[4]s{}
}
%[1]s = %[2]s[:%[3]s]
default:
return dc.typeError("array")
}
`, target, sv, n, et, inner.String())
	case kStruct:
		if s == nil || s.Ref == "" {
			return fmt.Errorf("%s: inline object schemas are not handled by apigen (use a $ref)", where)
		}
		g.needDecoder(ts, s.Value)
		recv := addrOf(target)
		if strings.HasPrefix(recv, "&") {
			recv = "(" + recv + ")"
		}
		fmt.Fprintf(b, "if err := %s.decodeJX(dc); err != nil {\nreturn err\n}\n", recv)
	default:
		return fmt.Errorf("%s: Go type %s is not handled by apigen's decoder", where, ts)
	}
	return nil
}

// addrOf is the address of target: the pointer itself when target is a
// dereference "(*p)", so that no &*p is generated.
func addrOf(target string) string {
	if strings.HasPrefix(target, "(*") && strings.HasSuffix(target, ")") {
		return target[2 : len(target)-1]
	}
	return "&" + target
}
