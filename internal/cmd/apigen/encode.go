package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"

	"github.com/getkin/kin-openapi/openapi3"
)

// genEncode writes encode.gen.go: an AppendJSON method for every struct
// reachable from a JSON request body.
func (g *generator) genEncode() ([]byte, error) {
	for _, o := range g.ops {
		if o.BodyJSON {
			g.needEncoder(o.BodyType, o.Body)
		}
	}
	var body bytes.Buffer
	for i := 0; i < len(g.encOrder); i++ {
		typ := g.encOrder[i]
		if err := g.structEncoder(&body, typ, g.encoded[typ]); err != nil {
			return nil, err
		}
	}
	var b bytes.Buffer
	header(&b, g.pkg.Name, `"encoding/json"`, `"strconv"`, `"unicode/utf8"`)
	b.WriteString(encodeRuntime)
	b.Write(body.Bytes())
	b.WriteString("var _ = strconv.AppendInt\n")
	return b.Bytes(), nil
}

func (g *generator) needEncoder(typ string, s *openapi3.Schema) {
	if _, ok := g.encoded[typ]; !ok {
		g.encoded[typ] = s
		g.encOrder = append(g.encOrder, typ)
	}
}

func (g *generator) structEncoder(b *bytes.Buffer, typ string, s *openapi3.Schema) error {
	where := "schema " + typ
	if err := checkKeywords(where, s); err != nil {
		return err
	}
	st := g.pkg.Structs[typ]
	if st == nil {
		return fmt.Errorf("%s: no struct %s", where, typ)
	}
	for _, f := range st.Fields {
		if f.JSON == "" && f.Type != nil {
			return fmt.Errorf("%s: field %s has no JSON name (additional properties?): not handled by apigen", where, f.Name)
		}
	}
	fields, err := g.structProps(where, typ, s)
	if err != nil {
		return err
	}
	fmt.Fprintf(b, "// AppendJSON appends the JSON encoding of x to b: byte for byte what\n")
	fmt.Fprintf(b, "// json.Marshal(x) returns, in one pass and without reflection.\n")
	fmt.Fprintf(b, "func (x *%s) AppendJSON(b []byte) ([]byte, error) {\n", typ)
	b.WriteString("b = append(b, '{')\nstart := len(b)\nvar err error\n")
	for _, f := range fields {
		key, _ := json.Marshal(f.JSON)
		keyLit := goString(string(key) + ":")
		ps := s.Properties[f.JSON]
		v := "x." + f.Name
		k, elem := g.kind(f.Type)
		var val bytes.Buffer
		switch k {
		case kNullable:
			var inner bytes.Buffer
			nv := g.tmpName("nv")
			fmt.Fprintf(&inner, "%s := %s[true]\n", nv, v)
			if err := g.encodeValue(&inner, nv, elem, ps, where+"."+f.JSON); err != nil {
				return err
			}
			cond := "true"
			if f.OmitEmpty {
				cond = "len(" + v + ") != 0"
			}
			fmt.Fprintf(&val, "if %s {\nb = appendKey(b, start, %s)\nif %s.IsNull() {\nb = append(b, \"null\"...)\n} else {\n%s}\n}\n", cond, keyLit, v, inner.String())
		default:
			var inner bytes.Buffer
			if err := g.encodeValue(&inner, v, f.Type, ps, where+"."+f.JSON); err != nil {
				return err
			}
			cond := ""
			if f.OmitEmpty {
				switch k {
				case kPtr:
					cond = v + " != nil"
				case kSlice:
					cond = "len(" + v + ") != 0"
				case kString:
					cond = v + ` != ""`
				case kBool:
					cond = v
				case kInt, kFloat:
					cond = v + " != 0"
				}
			}
			if cond != "" {
				fmt.Fprintf(&val, "if %s {\nb = appendKey(b, start, %s)\n%s}\n", cond, keyLit, inner.String())
			} else {
				fmt.Fprintf(&val, "b = appendKey(b, start, %s)\n%s", keyLit, inner.String())
			}
		}
		b.Write(val.Bytes())
		if ps.Ref != "" {
			if k, _ := g.kind(f.Type); k == kStruct {
				g.needEncoder(refName(ps.Ref), ps.Value)
			}
		}
	}
	b.WriteString("_ = err\nreturn append(b, '}'), nil\n}\n\n")
	return nil
}

// encodeValue writes code appending the JSON of v (Go type t) to b.
func (g *generator) encodeValue(b *bytes.Buffer, v string, t ast.Expr, s *openapi3.SchemaRef, where string) error {
	k, elem := g.kind(t)
	switch k {
	case kPtr:
		var inner bytes.Buffer
		if err := g.encodeValue(&inner, "(*"+v+")", elem, s, where); err != nil {
			return err
		}
		fmt.Fprintf(b, "if %s == nil {\nb = append(b, \"null\"...)\n} else {\n%s}\n", v, inner.String())
	case kSlice:
		if s.Value.Items == nil {
			return fmt.Errorf("%s: array without items", where)
		}
		i := g.tmpName("i")
		var inner bytes.Buffer
		if err := g.encodeValue(&inner, v+"["+i+"]", elem, s.Value.Items, where+"[]"); err != nil {
			return err
		}
		fmt.Fprintf(b, "if %s == nil {\nb = append(b, \"null\"...)\n} else {\nb = append(b, '[')\nfor %s := range %s {\nif %s > 0 {\nb = append(b, ',')\n}\n%s}\nb = append(b, ']')\n}\n", v, i, v, i, inner.String())
	case kString:
		switch exprString(t) {
		case "string":
			fmt.Fprintf(b, "b = appendString(b, %s)\n", v)
		default:
			fmt.Fprintf(b, "b = appendString(b, string(%s))\n", v)
		}
	case kBool:
		fmt.Fprintf(b, "b = strconv.AppendBool(b, %s)\n", v)
	case kInt:
		fmt.Fprintf(b, "b = strconv.AppendInt(b, int64(%s), 10)\n", v)
	case kFloat:
		fmt.Fprintf(b, "if b, err = appendMarshal(b, %s); err != nil {\nreturn nil, err\n}\n", v)
	case kStruct:
		if s.Ref == "" {
			return fmt.Errorf("%s: inline object schemas are not handled by apigen (use a $ref)", where)
		}
		g.needEncoder(exprString(t), s.Value)
		fmt.Fprintf(b, "if b, err = (&%s).AppendJSON(b); err != nil {\nreturn nil, err\n}\n", v)
	default:
		return fmt.Errorf("%s: Go type %s is not handled by apigen's encoder", where, exprString(t))
	}
	return nil
}

// encodeRuntime is the generic part of encode.gen.go.
const encodeRuntime = `// appendKey appends a separator (unless the object is still empty: len(b)
// == start) and a quoted key with its colon.
func appendKey(b []byte, start int, key string) []byte {
	if len(b) > start {
		b = append(b, ',')
	}
	return append(b, key...)
}

const hexDigits = "0123456789abcdef"

// invalidUTF8 is what encoding/json writes for a byte that is not UTF-8:
// "\\ufffd" on the v1 engine, the raw U+FFFD on the v2 engine. Asked once,
// so the encoder matches whichever engine the program is built with.
var invalidUTF8 = func() string {
	b, err := json.Marshal("\xff")
	if err != nil || len(b) < 2 {
		return "\\ufffd"
	}
	return string(b[1 : len(b)-1])
}()

// plain8 reports whether the eight bytes of s are all printable ASCII that
// a JSON string holds as is (none of < 0x20, '"', '\\', '<', '>', '&', or
// >= 0x80), eight at a time.
func plain8(s string) bool {
	const lsb, msb = 0x0101010101010101, 0x8080808080808080
	x := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	q, e, l, g, a := x^(lsb*'"'), x^(lsb*'\\'), x^(lsb*'<'), x^(lsb*'>'), x^(lsb*'&')
	m := x | (x-lsb*0x20)&^x | (q-lsb)&^q | (e-lsb)&^e | (l-lsb)&^l | (g-lsb)&^g | (a-lsb)&^a
	return m&msb == 0
}

// appendString appends s as a JSON string exactly as encoding/json does:
// HTML-safe (<, >, & as \u003c, \u003e, \u0026), U+2028 and U+2029 escaped,
// invalid UTF-8 replaced by U+FFFD (see invalidUTF8).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if i+8 <= len(s) && plain8(s[i:i+8]) {
			i += 8
			continue
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, invalidUTF8...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendMarshal appends json.Marshal(v): the fallback for values without a
// fast path.
func appendMarshal(b []byte, v any) ([]byte, error) {
	m, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(b, m...), nil
}

`
